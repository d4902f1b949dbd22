import threading

import pytest
from django.db import connection

from matching.models import MatchRun
from matching.services import match_run_create
from programmes.models import Cohort, Enrolment
from tests.factories import CohortFactory, EnrolmentFactory, UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_match_runs_on_one_cohort_leave_exactly_one_proposal():
    cohort = CohortFactory(state=Cohort.State.ENROLLING)
    EnrolmentFactory.create_batch(3, cohort=cohort, role=Enrolment.Role.MENTOR, capacity=2)
    EnrolmentFactory.create_batch(5, cohort=cohort, role=Enrolment.Role.MENTEE)
    admin = UserFactory()
    start = threading.Barrier(4)
    errors = []

    def run():
        try:
            start.wait()
            match_run_create(cohort=cohort, by=admin)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    statuses = list(MatchRun.objects.filter(cohort=cohort).values_list("status", flat=True))
    assert len(statuses) == 4
    assert statuses.count(MatchRun.Status.PROPOSED) == 1
    assert statuses.count(MatchRun.Status.SUPERSEDED) == 3
