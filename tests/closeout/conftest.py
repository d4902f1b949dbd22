import datetime
import threading

import pytest
import time_machine
from django.db import connection

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
def in_browser():
    """Run `drive(page)` in a fresh Chromium on a thread of its own.

    The e2e journeys keep a session-wide sync Playwright open on the test thread, and a second one
    cannot start beside it there; on its own thread it can, whichever tests ran first.
    """
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM
    from tests.e2e.conftest import CHROMIUM_ARGS, DESKTOP, _new_page

    def run(drive):
        failure = []

        def target():
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                    )
                    try:
                        drive(_new_page(browser, DESKTOP))
                    finally:
                        browser.close()
            except BaseException as exc:  # noqa: BLE001 - pytest.fail raises a BaseException; re-raised below
                failure.append(exc)
            finally:
                connection.close()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(timeout=120)
        if failure:
            raise failure[0]

    return run
