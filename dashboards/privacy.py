"""What a figure may show: the one privacy rule of every dashboard figure, its CSV and the report.

1. A figure drawn from fewer than MIN_GROUP people reads "too few to show" (TooFew; "too few" on a page).
2. Rates (retention, cadence kept) are whole percentages; counts of people are shown as they are.
3. A figure made of people's answers (pulse, session ratings, the survey, NPS) is rounded (averages
   to 0.1, NPS to whole points) and *published per size band* of its group (BANDS). While the group
   stays in the same band and the month is the same, every view shows the value published for that
   band; it is worked out again only when the group moves into another band or a month begins. The
   same set of answers always shows the same figure, whatever filters selected it. So one person
   changing an answer moves nothing in any view, and comparing two views of an unchanged group
   reveals nothing about anyone.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.figures import round_average

from .models import PublishedFigure

MIN_GROUP = 5
BANDS = (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)
# The rule as the page states it (templates/dashboards/_privacy.html shows the same words).
Z95 = 1.96


class TooFew(str):
    """The words a suppressed figure reads; a type of its own so a page can set them in small type,
    while a CSV, an email or a test reads them as they are."""


def too_few() -> TooFew:
    return TooFew(_("too few to show"))


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

    `answers` fingerprints the set of answer rows behind it (their count, sum, lowest and highest
    id: `answer_set` in SQL): a changed answer keeps its row, so the fingerprint stays, whatever
    filters selected the rows. `value` is None until `Publisher.publish` has settled it (and stays
    None when too few)."""

    def __init__(self, key: str, raw: float | None, people: int, *, places: int = 1, answers: str = ""):
        self.key, self.raw, self.people, self.places, self.answers = key, raw, people, places, answers
        self.value: float | None = None

    @property
    def kind(self) -> str:
        """What is computed, without the month: the same answers give the same figure of a kind."""
        parts = self.key.split(":")
        return f"{parts[0]}:{parts[-1]}"

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
        return f"{self.value:.1f}" if self.places == 1 else f"{self.value:.0f}"


def answer_set(row: dict, prefix: str = "") -> str:
    """The fingerprint of a set of answer rows from the aggregates `answer_set_aggregates` adds."""
    return ":".join(str(row.get(f"{prefix}{name}") or 0) for name in ("n", "sum", "lo", "hi"))


def answer_set_aggregates(prefix: str = "", **count_kwargs) -> dict:
    """Count, Sum, Min and Max of the answer rows' ids (with `filter=` when given): a fingerprint
    of which rows a figure is made of, computed with the figure."""
    from django.db.models import Count, Max, Min, Sum

    return {
        f"{prefix}n": Count("pk", **count_kwargs),
        f"{prefix}sum": Sum("pk", **count_kwargs),
        f"{prefix}lo": Min("pk", **count_kwargs),
        f"{prefix}hi": Max("pk", **count_kwargs),
    }


class Publisher:
    """Settles the answer-based figures of one page against what was published before (rule 3),
    in one query to read and one to write.

    A figure is looked up twice: by the exact set of answers behind it (the same answers show the
    same figure in every view, whatever the filters: a re-answered pulse keeps its row), then by
    this view and the size band of its group (new answers within the band move nothing). Only when
    neither was published is it worked out from the answers as they are."""

    def __init__(self, scope_key: str):
        self.scope_key = scope_key
        self.month = timezone.localdate().strftime("%Y-%m")
        self.figures: list[Answered] = []

    def _view_key(self, figure: Answered) -> str:
        return hashlib.sha256(f"view|{self.scope_key}|{self.month}|{figure.key}".encode()).hexdigest()

    @staticmethod
    def _set_key(figure: Answered) -> str:
        return hashlib.sha256(f"set|{figure.kind}|{figure.answers}".encode()).hexdigest()

    def answered(
        self, key: str, raw: float | None, people: int, *, places: int = 1, answers: str = ""
    ) -> Answered:
        figure = Answered(key, raw, people, places=places, answers=answers)
        self.figures.append(figure)
        return figure

    def publish(self) -> None:
        showable = [f for f in self.figures if f.people >= MIN_GROUP and f.raw is not None]
        if not showable:
            return
        keys = [self._view_key(f) for f in showable] + [self._set_key(f) for f in showable if f.answers]
        stored = {p.key: p for p in PublishedFigure.objects.filter(key__in=keys)}
        changed: dict[str, PublishedFigure] = {}
        for figure in showable:
            band, view_key = band_of(figure.people), self._view_key(figure)
            set_key = self._set_key(figure) if figure.answers else None
            by_set, by_view = stored.get(set_key), stored.get(view_key)
            if by_set is not None:
                figure.value = by_set.value
            elif by_view is not None and by_view.band == band:
                figure.value = by_view.value
            else:
                figure.value = figure.rounded()
            for key, previous in ((set_key, by_set), (view_key, by_view)):
                if key is None:
                    continue
                if previous is None or (previous.band, previous.value) != (band, figure.value):
                    changed[key] = PublishedFigure(key=key, band=band, value=figure.value)
        if changed:
            # Two first views at once publish the same value; the later write wins harmlessly.
            PublishedFigure.objects.bulk_create(
                list(changed.values()),
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=["band", "value", "published_at"],
            )
