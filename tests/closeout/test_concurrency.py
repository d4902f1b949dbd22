import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from closeout import services
from matching.models import Pairing
from programmes.models import Cohort, Enrolment
from tests.factories import CohortFactory, EnrolmentFactory, UserFactory


def _race(target, n):
    start = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            start.wait()
            results.append(target(i))
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_rematches_of_one_mentee_leave_exactly_one_active_pairing():
    cohort = CohortFactory(state=Cohort.State.ACTIVE)
    mentors = EnrolmentFactory.create_batch(4, cohort=cohort, role=Enrolment.Role.MENTOR, capacity=2)
    mentee = EnrolmentFactory(cohort=cohort)
    admin = UserFactory()

    results, errors = _race(lambda i: services.pairing_rematch(mentee=mentee, mentor=mentors[i], by=admin), 4)

    assert len(results) == 1 and len(errors) == 3
    assert all("already has an active mentor" in str(e) for e in errors)
    assert Pairing.objects.filter(mentee=mentee, status=Pairing.Status.ACTIVE).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_rematches_cannot_overfill_a_mentor():
    cohort = CohortFactory(state=Cohort.State.ACTIVE)
    mentor = EnrolmentFactory(cohort=cohort, role=Enrolment.Role.MENTOR, capacity=1)
    mentees = EnrolmentFactory.create_batch(4, cohort=cohort)
    admin = UserFactory()

    results, errors = _race(lambda i: services.pairing_rematch(mentee=mentees[i], mentor=mentor, by=admin), 4)

    assert len(results) == 1 and len(errors) == 3
    assert all("no free slot" in str(e) for e in errors)
    assert Pairing.objects.filter(mentor=mentor, status=Pairing.Status.ACTIVE).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_thanks_keep_one_row_and_tell_the_mentor_once():
    from closeout.models import Thanks
    from notifications.models import Notification
    from tests.factories import PairingFactory

    pairing = PairingFactory(match_run__cohort=CohortFactory(state=Cohort.State.CONCLUDING))
    mentee = pairing.mentee.person

    results, errors = _race(
        lambda i: services.thanks_save(pairing=pairing, person=mentee, body=f"Thanks, take {i}"), 4
    )

    assert len(results) == 4 and not errors
    assert Thanks.objects.filter(pairing=pairing).count() == 1
    assert Notification.objects.filter(kind="thanks_received").count() == 1
