"""The demo's agreements (demo/agreements.py): most active pairs signed by both, the demo mentee's
signed by the mentor only, one other pair with nothing written a week on."""

import datetime

import pytest
from django.contrib.auth.models import User

from agreements import selectors
from agreements.models import Agreement, Signature
from demo.services import seed_demo
from matching.models import Pairing

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def seeded(db):
    seed_demo(people=60, today=TODAY)


def _person(username):
    return User.objects.get(username=username).person


def test_the_demo_mentee_has_the_agreement_to_sign_and_the_mentor_signed_it(seeded):
    mentee = _person("mentee")
    [item] = selectors.todo_for(mentee, today=TODAY)
    assert item.kind == "agreement-sign" and item.title.startswith("Sign your mentoring agreement with")
    agreement = Agreement.objects.get(pairing_id=item.pairing_id)
    assert agreement.mentor_signed_at is not None and agreement.mentee_signed_at is None
    assert selectors.todo_for(_person("mentor"), today=TODAY) == []


def test_most_active_pairs_signed_and_one_is_unsigned_after_a_week(seeded):
    active = Pairing.objects.filter(status=Pairing.Status.ACTIVE)
    both = Agreement.objects.filter(mentor_signed_at__isnull=False, mentee_signed_at__isnull=False).count()
    assert both == active.count() - 2
    cohort_ids = set(active.values_list("cohort_id", flat=True))
    unsigned = list(selectors.unsigned_after_a_week(cohort_ids, today=TODAY))
    assert len(unsigned) == 2
    assert [p.agreement_version for p in unsigned].count(None) == 1
    assert selectors.todo_for(_person("mentee2"), today=TODAY) == []
    # Every signature carries the text it signed, and every row passes its own rules.
    for row in [*Agreement.objects.all()[:5], *Signature.objects.all()[:5]]:
        row.full_clean()
