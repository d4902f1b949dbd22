import datetime

import pytest
import time_machine

from programmes.models import Cohort, Enrolment
from tests.factories import EnrolmentFactory, PersonFactory


@pytest.fixture
def frozen(world):
    """The world on 2 Nov 2026, noon UTC: 'today' for ended_on and started_on."""
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield world


def enrol_mentor(cohort, full_name, *, capacity=2, interests=(), **person_fields) -> Enrolment:
    person = PersonFactory(full_name=full_name, hire_date=datetime.date(2020, 1, 6), **person_fields)
    person.interests.set(interests)
    return EnrolmentFactory(cohort=cohort, person=person, role=Enrolment.Role.MENTOR, capacity=capacity)


def set_state(cohort, state: Cohort.State) -> None:
    cohort.state = state
    cohort.save(update_fields=["state"])


@pytest.fixture
def in_browser(browser):
    """Run `drive(page)` in a fresh browser context of the session's Chromium."""
    from tests.browser import DESKTOP, assert_no_csp_violation, new_checked_page

    def run(drive):
        page = new_checked_page(browser, DESKTOP)
        try:
            drive(page)
            assert_no_csp_violation(page)
        finally:
            page.context.close()

    return run
