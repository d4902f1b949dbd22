"""How figures are rounded for people to read: one precision per kind of figure, so the same number
reads the same on every page (and two views cannot disagree in the last digit).

Selectors round with these functions; templates show with the filters (`{% load figures %}`).
"""

from decimal import ROUND_HALF_UP, Decimal

from django import template

# Averages on a 1-5 scale (pulse satisfaction, session ratings, the survey): one decimal.
AVERAGE_PLACES = 1

register = template.Library()


def round_average(value) -> float | None:
    """Half up, as people round (and as `floatformat` does): 4.25 -> 4.3, not Python's 4.2."""
    if value is None:
        return None
    step = Decimal(1).scaleb(-AVERAGE_PLACES)
    return float(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


@register.filter
def average(value) -> str:
    """A 1-5 average as shown everywhere: `4.25` -> "4.3", `4` -> "4.0"; empty for none."""
    rounded = round_average(value)
    return "" if rounded is None else f"{rounded:.{AVERAGE_PLACES}f}"
