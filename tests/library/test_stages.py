"""The stage of a pair's next session: a pure function, no database."""

import datetime

import pytest

from library.stages import Stage, cohort_middle, stage_of

START = datetime.date(2026, 9, 1)
END = datetime.date(2027, 2, 28)  # 180 days: the middle is 30 November 2026
MIDDLE = datetime.date(2026, 11, 30)


def stage(*, held=3, last=datetime.date(2026, 10, 20), today=datetime.date(2026, 10, 25), concluding=False):
    return stage_of(
        sessions_held=held,
        last_session_on=last,
        starts_on=START,
        ends_on=END,
        concluding=concluding,
        today=today,
    )


def test_the_middle_is_half_way_between_start_and_end():
    assert cohort_middle(START, END) == MIDDLE


def test_a_pair_that_never_met_is_at_its_first_session_whatever_the_date():
    assert stage(held=0, last=None) == Stage.FIRST
    assert stage(held=0, last=None, today=datetime.date(2027, 2, 20), concluding=True) == Stage.FIRST


def test_before_the_middle_sessions_are_regular():
    assert stage(today=MIDDLE - datetime.timedelta(days=1)) == Stage.REGULAR


def test_past_the_middle_with_no_session_since_it_is_the_mid_point_review():
    assert stage(today=MIDDLE, last=MIDDLE - datetime.timedelta(days=1)) == Stage.MIDPOINT
    assert stage(today=datetime.date(2026, 12, 20), last=datetime.date(2026, 11, 1)) == Stage.MIDPOINT


def test_after_the_mid_point_review_sessions_are_regular_again():
    assert stage(today=datetime.date(2026, 12, 20), last=MIDDLE) == Stage.REGULAR


@pytest.mark.parametrize(
    "today, expected",
    [
        (END - datetime.timedelta(weeks=3, days=1), Stage.REGULAR),
        (END - datetime.timedelta(weeks=3), Stage.CLOSING),
        (END, Stage.CLOSING),
    ],
)
def test_the_last_three_weeks_are_for_closing(today, expected):
    assert stage(today=today, last=datetime.date(2026, 12, 15)) == expected


def test_a_concluding_cohort_closes_even_before_its_last_weeks_and_before_a_missed_mid_point():
    assert (
        stage(today=datetime.date(2026, 12, 1), last=datetime.date(2026, 10, 1), concluding=True)
        == Stage.CLOSING
    )
