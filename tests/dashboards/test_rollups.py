"""Pairing-months (dashboards/rollups.py): kept on every kind of write, equal to a rebuild from the
rows, and read by day with the cut months summed from the rows themselves."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict

from dashboards import rollups, selectors
from dashboards.filters import scope_for
from dashboards.models import PairingMonth
from sessions.models import CheckIn, MentoringSession
from tests.factories import CheckInFactory, SessionFactory

D = datetime.date


def _kept() -> list[dict]:
    return list(
        PairingMonth.objects.order_by("pairing_id", "month").values("pairing_id", "month", *rollups.COLUMNS)
    )


def _rebuilt() -> list[dict]:
    """What a rebuild from the rows gives, without changing what is kept."""
    return [
        {"pairing_id": m.pairing_id, "month": m.month, **{name: getattr(m, name) for name in rollups.COLUMNS}}
        for m in rollups._months_of(rollups.Q())
    ]


@pytest.mark.parametrize(
    ("start", "end", "whole", "cut"),
    [
        (None, None, (None, None), []),
        (D(2026, 3, 1), None, (D(2026, 3, 1), None), []),
        (D(2026, 3, 15), None, (D(2026, 4, 1), None), [(D(2026, 3, 1), D(2026, 3, 15), D(2026, 3, 31))]),
        (None, D(2026, 12, 2), (None, D(2026, 11, 1)), [(D(2026, 12, 1), D(2026, 12, 1), D(2026, 12, 2))]),
        (D(2026, 3, 15), D(2026, 3, 20), None, [(D(2026, 3, 1), D(2026, 3, 15), D(2026, 3, 20))]),
        (D(2026, 3, 1), D(2026, 3, 31), (D(2026, 3, 1), D(2026, 3, 1)), []),
        (
            D(2026, 1, 31),
            D(2026, 2, 28),
            (D(2026, 2, 1), D(2026, 2, 1)),
            [(D(2026, 1, 1), D(2026, 1, 31), D(2026, 1, 31))],
        ),
        (
            D(2026, 3, 15),
            D(2026, 5, 10),
            (D(2026, 4, 1), D(2026, 4, 1)),
            [(D(2026, 3, 1), D(2026, 3, 15), D(2026, 3, 31)), (D(2026, 5, 1), D(2026, 5, 1), D(2026, 5, 10))],
        ),
        (D(2026, 5, 1), D(2026, 4, 1), None, []),
    ],
)
def test_a_day_range_splits_into_whole_months_and_cut_ones(start, end, whole, cut):
    assert rollups.split(start, end) == (whole, cut)


def test_every_kind_of_write_keeps_the_months_equal_to_the_rows(answers):
    pairing, other = answers.pairings[0], answers.pairings[1]
    assert _kept() == _rebuilt()
    assert PairingMonth.objects.filter(pairing__in=answers.pairings).exists()

    session = SessionFactory(
        pairing=pairing, held_on=D(2025, 3, 10), logged_by=pairing.mentor.person, rating=2
    )
    row = PairingMonth.objects.get(pairing=pairing, month=D(2025, 3, 1))
    # Logged by the mentor: `rating` is the mentor's, the other side has not rated yet.
    assert (row.sessions, row.mentor_rating_n, row.mentor_rating_sum, row.mentee_rating_n) == (1, 1, 2, 0)
    assert row.mentor_rating_ids == row.mentor_rating_lo == row.mentor_rating_hi == session.pk

    session.partner_rating = 5
    session.save()
    MentoringSession.objects.filter(pk=session.pk).update(held_on=D(2025, 4, 2))  # a bulk write
    assert not PairingMonth.objects.filter(pairing=pairing, month=D(2025, 3, 1)).exists()
    row = PairingMonth.objects.get(pairing=pairing, month=D(2025, 4, 1))
    assert (row.mentee_rating_n, row.mentee_rating_sum) == (1, 5)

    MentoringSession.objects.bulk_create(
        [MentoringSession(pairing=other, held_on=D(2025, 4, 9), logged_by=other.mentee.person, rating=3)]
    )
    CheckInFactory(pairing=other, person=other.mentor.person, satisfaction=2)
    assert _kept() == _rebuilt()

    session.delete()
    CheckIn.objects.filter(pairing=other).delete()
    assert _kept() == _rebuilt()
    assert not PairingMonth.objects.filter(pairing=pairing, month=D(2025, 4, 1)).exists()


def test_a_rebuild_mends_what_a_write_outside_the_orm_left_and_drops_gone_pairings(answers):
    pairing = answers.pairings[0]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PairingMonth._meta.db_table} WHERE pairing_id = %s", [pairing.pk])  # noqa: S608 - the model's own table
    PairingMonth.objects.create(pairing_id=pairing.pk + 10_000, month=D(2025, 1, 1), sessions=3)
    assert _kept() != _rebuilt()
    rollups.rebuild()
    assert _kept() == _rebuilt()


def test_a_cut_month_counts_only_its_days_in_range(answers, admin_user):
    """The sessions of 2025-02-03 (answers) and two more on either side of a range that starts and
    ends within February: only the days in range count, read from the rows; whole months from
    the table."""
    pairing = answers.pairings[0]
    SessionFactory(pairing=pairing, held_on=D(2025, 2, 1), logged_by=pairing.mentee.person, rating=1)
    SessionFactory(pairing=pairing, held_on=D(2025, 2, 27), logged_by=pairing.mentee.person, rating=1)
    SessionFactory(
        pairing=pairing,
        held_on=D(2025, 3, 5),
        logged_by=pairing.mentee.person,
        duration_minutes=30,
        rating=None,
    )

    def held(dates):
        # The cohort's only: admin_user comes with a small organisation of its own.
        scope, _form = scope_for(admin_user, QueryDict(f"cohort={answers.cohort.pk}&{dates}"))
        done = selectors.activity(scope)
        return done.sessions, done.minutes, done.ratings["mentee"]["n"]

    # answers: five sessions on 2025-02-03, 45 minutes each, rated 4 by the mentee who logged them.
    assert held("start=2025-02-02&end=2025-02-26") == (5, 225, 5)
    assert held("start=2025-02-01&end=2025-02-27") == (7, 315, 7)
    assert held("start=2025-02-02&end=2025-03-31") == (7, 300, 6)
    assert held("") == (8, 345, 7)


def test_the_nightly_task_rebuilds(answers):
    from dashboards.tasks import rebuild_pairing_months

    PairingMonth.objects.all().delete()
    assert rebuild_pairing_months() == PairingMonth.objects.count() == len(_rebuilt()) > 0
