"""Which session guide a pair needs: a pure function of the pair's sessions so far, its cohort's
dates and state, and the day (no database, tested on plain values)."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# The last weeks of a cohort are for closing, whatever the cohort's state says.
CLOSING_WEEKS = 3


class Stage(models.TextChoices):
    FIRST = "first", _("First session")
    REGULAR = "regular", _("Regular session")
    MIDPOINT = "midpoint", _("Mid-point review")
    CLOSING = "closing", _("Closing")


def cohort_middle(starts_on: datetime.date, ends_on: datetime.date) -> datetime.date:
    return starts_on + (ends_on - starts_on) / 2


def stage_of(
    *,
    sessions_held: int,
    last_session_on: datetime.date | None,
    starts_on: datetime.date,
    ends_on: datetime.date,
    concluding: bool,
    today: datetime.date,
) -> str:
    """The stage of the pair's next session.

    - no session yet: the first;
    - the cohort is concluding, or in its last `CLOSING_WEEKS` weeks: closing (before the mid-point
      review, so a pair that skipped the middle still closes well rather than reviewing a half
      that is over);
    - past the cohort's middle with no session since it: the mid-point review (the first session
      held on or after the middle is that review, so the next one is regular again);
    - else a regular session.
    """
    if sessions_held <= 0:
        return Stage.FIRST
    if concluding or today >= ends_on - datetime.timedelta(weeks=CLOSING_WEEKS):
        return Stage.CLOSING
    middle = cohort_middle(starts_on, ends_on)
    if today >= middle and (last_session_on is None or last_session_on < middle):
        return Stage.MIDPOINT
    return Stage.REGULAR
