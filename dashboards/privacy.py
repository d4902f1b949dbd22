"""What a figure may show: the one privacy rule of every dashboard figure, its CSV and the report.

1. A figure drawn from fewer than MIN_GROUP people reads "too few to show".
2. Rates (retention, cadence kept) are whole percentages; counts of people are shown as they are.
3. A figure made of people's answers (pulse, session ratings, the survey, NPS) is rounded (averages
   to 0.1, NPS to whole points) and *published per size band* of its group (BANDS). While the group
   stays in the same band and the month is the same, every view shows the value published for that
   band; it is worked out again only when the group moves into another band or a month begins. So
   one person changing an answer moves nothing, and comparing two views of an unchanged group
   reveals nothing about anyone.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from dataclasses import dataclass

from django.utils import timezone

from mentorship.figures import round_average

from .models import PublishedFigure

MIN_GROUP = 5
BANDS = (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)
# The rule as the page states it (templates/dashboards/_privacy.html shows the same words).
Z95 = 1.96


def band_of(people: int) -> int:
    """The lower edge of the size band `people` falls in (0 below MIN_GROUP)."""
    index = bisect.bisect_right(BANDS, people)
    return BANDS[index - 1] if index else 0


def percent(numerator: int, denominator: int) -> int | None:
    """A whole percentage, half up; None when the group is too small."""
    if denominator < MIN_GROUP:
        return None
    return math.floor(100 * numerator / denominator + 0.5)


def wilson(numerator: int, denominator: int) -> tuple[int, int] | None:
    """The 95 % Wilson score interval of a rate, in whole percentages (floor, ceiling)."""
    if denominator < MIN_GROUP:
        return None
    n, p = denominator, numerator / denominator
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return max(0, math.floor(100 * (centre - half))), min(100, math.ceil(100 * (centre + half)))


@dataclass(frozen=True)
class Rate:
    """numerator of denominator people, e.g. still employed 90 days after joining."""

    numerator: int
    denominator: int

    @property
    def shown(self) -> bool:
        return self.denominator >= MIN_GROUP

    @property
    def percent(self) -> int | None:
        return percent(self.numerator, self.denominator)

    @property
    def interval(self) -> tuple[int, int] | None:
        return wilson(self.numerator, self.denominator)


class Answered:
    """An answer-based figure (an average or an NPS) over `people` people, as it may be shown.

    `value` is None until `Publisher.publish` has settled it (and stays None when too few)."""

    def __init__(self, key: str, raw: float | None, people: int, *, places: int = 1):
        self.key, self.raw, self.people, self.places = key, raw, people, places
        self.value: float | None = None

    @property
    def shown(self) -> bool:
        return self.people >= MIN_GROUP and self.value is not None

    def rounded(self) -> float | None:
        if self.raw is None:
            return None
        return round_average(self.raw) if self.places == 1 else float(math.floor(self.raw + 0.5))

    def __str__(self):
        if not self.shown:
            return ""
        return f"{self.value:.1f}" if self.places == 1 else f"{self.value:+.0f}"


class Publisher:
    """Settles the answer-based figures of one page against what was published before (rule 3):
    one query to read, one to write whatever moved into a new band."""

    def __init__(self, scope_key: str):
        self.scope_key = scope_key
        self.month = timezone.localdate().strftime("%Y-%m")
        self.figures: list[Answered] = []

    def _stored_key(self, figure: Answered) -> str:
        text = f"{self.scope_key}|{self.month}|{figure.key}"
        return hashlib.sha256(text.encode()).hexdigest()

    def answered(self, key: str, raw: float | None, people: int, *, places: int = 1) -> Answered:
        figure = Answered(key, raw, people, places=places)
        self.figures.append(figure)
        return figure

    def publish(self) -> None:
        showable = {
            self._stored_key(f): f for f in self.figures if f.people >= MIN_GROUP and f.raw is not None
        }
        if not showable:
            return
        stored = {p.key: p for p in PublishedFigure.objects.filter(key__in=list(showable))}
        changed = []
        for key, figure in showable.items():
            band, previous = band_of(figure.people), stored.get(key)
            if previous is not None and previous.band == band:
                figure.value = previous.value
            else:
                figure.value = figure.rounded()
                changed.append(PublishedFigure(key=key, band=band, value=figure.value))
        if changed:
            # Two first views at once publish the same value; the later write wins harmlessly.
            PublishedFigure.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=["band", "value", "published_at"],
            )
