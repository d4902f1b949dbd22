"""The bench's history top-up (demo/history.py): the rows it is asked for, inside each pairing's
active days, from the pair's own members, within the models' rules, in a fixed number of queries."""

import datetime

import pytest
from django.db.models import Max
from django.utils import timezone

from demo.history import history_top_up
from demo.services import seed_demo
from matching.models import Pairing
from sessions.models import CheckIn, MentoringSession

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def seeded(db):
    seed_demo(people=60, today=TODAY)
    return {
        "session": MentoringSession.objects.aggregate(last=Max("pk"))["last"],
        "check_in": CheckIn.objects.aggregate(last=Max("pk"))["last"],
    }


def test_top_up_writes_the_rows_asked_for_inside_each_pairings_days_from_its_members(seeded):
    sessions_before, check_ins_before = MentoringSession.objects.count(), CheckIn.objects.count()

    counts = history_top_up(sessions=600, check_ins=400, today=TODAY)

    assert counts == {"sessions": 600, "check_ins": 400}
    assert MentoringSession.objects.count() == sessions_before + 600
    assert CheckIn.objects.count() == check_ins_before + 400
    pairings = {
        p.pk: p
        for p in Pairing.objects.select_related("cohort", "mentee__person", "mentor__person").filter(
            status__in=(Pairing.Status.ACTIVE, Pairing.Status.ENDED)
        )
    }
    new_sessions = MentoringSession.objects.filter(pk__gt=seeded["session"])
    for session in new_sessions:
        pairing = pairings[session.pairing_id]
        assert pairing.started_on <= session.held_on <= (pairing.ended_on or TODAY)
        assert session.logged_by_id in (pairing.mentee.person_id, pairing.mentor.person_id)
        assert session.rating is None or 1 <= session.rating <= 5
        assert session.confirmed_at is not None or session.partner_rating is None
    assert len({s.pairing_id for s in new_sessions}) > len(pairings) // 2  # spread, not piled up
    assert {s.rating for s in new_sessions} >= {None, 3, 4, 5}

    new_check_ins = list(CheckIn.objects.filter(pk__gt=seeded["check_in"]))
    for check_in in new_check_ins:
        pairing = pairings[check_in.pairing_id]
        day = timezone.localdate(check_in.created_at)
        assert pairing.started_on <= day <= (pairing.ended_on or TODAY)
        assert check_in.person_id in (pairing.mentee.person_id, pairing.mentor.person_id)
        if check_in.period_key:
            # The pulse period the answer falls in, worked out here from the dates.
            expected = (day - pairing.started_on).days // pairing.cohort.check_in_interval_days
            assert check_in.period_key == str(expected)
    keyed = [(c.pairing_id, c.person_id, c.period_key) for c in new_check_ins if c.period_key]
    assert len(keyed) == len(set(keyed)) > 0
    flagged = CheckIn.objects.filter(CheckIn.FLAGGED, pk__gt=seeded["check_in"]).count()
    assert 0 < flagged < 400 // 2  # some flags for the admin, most answers content


def test_top_up_leaves_a_period_already_answered_to_that_answer(seeded):
    """Once per person per pulse period: a period answered before the top-up gets no second
    pulse answer from that person (a later check-in in it is recorded outside the pulse)."""
    pairing = Pairing.objects.filter(status=Pairing.Status.ACTIVE).order_by("pk").first()
    person_id = pairing.mentee.person_id
    periods = (TODAY - pairing.started_on).days // pairing.cohort.check_in_interval_days + 1
    for n in range(periods):
        CheckIn.objects.create(pairing=pairing, person_id=person_id, satisfaction=4, period_key=str(n))
    last = CheckIn.objects.aggregate(last=Max("pk"))["last"]

    # Enough check-ins that every pairing's every period is drawn many times over.
    history_top_up(sessions=0, check_ins=3_000, today=TODAY)

    again = CheckIn.objects.filter(pk__gt=last, pairing=pairing, person_id=person_id)
    assert again.exists()
    assert not again.exclude(period_key="").exists()


@pytest.mark.parametrize("sessions, check_ins", [(5, 5), (60, 60)])
def test_top_up_runs_in_a_fixed_number_of_queries(seeded, django_assert_num_queries, sessions, check_ins):
    # The pairings, the periods already answered, one write per table; the savepoint pair of the
    # atomic block (inside the test's transaction); the pairings' months for the dashboard
    # (dashboards.rollups.refresh: its savepoint pair, the pairings locked, their old months
    # deleted, sessions and check-ins summed, the months written).
    with django_assert_num_queries(13):
        history_top_up(sessions=sessions, check_ins=check_ins, today=TODAY)
