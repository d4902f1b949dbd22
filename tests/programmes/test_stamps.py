"""The cohort's stamp (programmes/stamps.py): every write to an enrolment, run or pairing replaces
its cohort's stamp; an update(), whose cohorts are not at hand, replaces every cohort's."""

import pytest

from matching.models import MatchRun, Pairing
from mentorship import stamps as stamp_store
from programmes.models import Enrolment
from programmes.stamps import COHORTS_STAMP_KEY, cohort_stamp_key
from tests.factories import CohortFactory, EnrolmentFactory, MatchRunFactory, PairingFactory


def _stamps(cohort) -> tuple[str, str, str]:
    """(this cohort's, another cohort's, every cohort's)"""
    return tuple(
        stamp_store.current(key)
        for key in (cohort_stamp_key(cohort.pk), cohort_stamp_key(0), COHORTS_STAMP_KEY)
    )


@pytest.mark.parametrize(
    "write",
    [
        lambda w: EnrolmentFactory(cohort=w.cohort, person=w.outsider),
        lambda w: w.pair2.mentee.save(),
        lambda w: Enrolment.objects.bulk_create(
            [Enrolment(cohort=w.cohort, person=w.outsider, role="mentee")]
        ),
        lambda w: Enrolment.objects.bulk_update([w.pair.mentee], ["goals"]),
        lambda w: w.pair.mentee.goal_areas.add(*w.tags),
        lambda w: MatchRunFactory(cohort=w.cohort),
        lambda w: w.run.save(),
        lambda w: PairingFactory(match_run=w.run),
        lambda w: Pairing.objects.bulk_update([w.pair], ["end_reason"]),
        lambda w: w.pair2.delete(),
    ],
)
def test_a_write_to_one_row_replaces_its_cohorts_stamp_only(world, write):
    own, other, every = _stamps(world.cohort)
    write(world)
    now = _stamps(world.cohort)
    assert now[0] != own and now[1:] == (other, every)


@pytest.mark.parametrize(
    "write",
    [
        lambda w: Enrolment.objects.filter(pk=w.pair.mentee.pk).update(goals="Refunds"),
        lambda w: MatchRun.objects.filter(pk=w.run.pk).update(error=""),
        lambda w: Pairing.objects.filter(pk=w.pair.pk).update(end_reason=""),
        lambda w: w.run.pairings.update(end_reason=""),
    ],
)
def test_an_update_replaces_every_cohorts_stamp(world, write):
    own, other, every = _stamps(world.cohort)
    write(world)
    assert _stamps(world.cohort)[2] != every


def test_another_cohorts_write_leaves_this_one_kept(world):
    own = _stamps(world.cohort)[0]
    EnrolmentFactory(cohort=CohortFactory(programme=world.cohort.programme), person=world.outsider)
    assert _stamps(world.cohort)[0] == own
