"""Training in a real Chromium, with axe on every page.

The admin makes "Coaching questions" required before matching and runs matching: Omar, who has
not finished it, is left out and the run page says so. Omar then opens My training, answers a
question wrong (told which, his choices kept), then right, and marks the module done. The admin
runs matching again and Omar is paired; the completion page shows him done.
"""

import datetime
import re
import types

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from programmes.models import Cohort, Enrolment
from tests.browser import assert_accessible, log_out, login
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, UserFactory, person_with_login
from training.models import Completion, TrainingModule

pytestmark = pytest.mark.browser

MENTOR_HIRED, MENTEE_HIRED = datetime.date(2019, 1, 7), datetime.date(2025, 6, 2)
COACHING = "Coaching questions"


@pytest.fixture
def cohort(transactional_db):
    """An enrolling cohort with two mentees and two mentors of one place each: Lin has finished
    Coaching questions, Omar (login "mentor") has not."""
    admin = UserFactory(username="admin")
    admin.groups.add(Group.objects.get_or_create(name=settings.ADMINS_GROUP)[0])
    cohort = CohortFactory(name="Spring intake", state=Cohort.State.ENROLLING)
    done = timezone.now()
    for name in ("Ada Mentee", "Bo Mentee"):
        person = PersonFactory(full_name=name, hire_date=MENTEE_HIRED)
        EnrolmentFactory(cohort=cohort, person=person, role=Enrolment.Role.MENTEE, profile_completed_at=done)
    omar = person_with_login("mentor", "Omar Mentor", hire_date=MENTOR_HIRED)
    lin = PersonFactory(full_name="Lin Mentor", hire_date=MENTOR_HIRED)
    for person in (omar, lin):
        EnrolmentFactory(
            cohort=cohort, person=person, role=Enrolment.Role.MENTOR, capacity=1, profile_completed_at=done
        )
    coaching = TrainingModule.objects.get(programme=cohort.programme, title=COACHING)
    Completion.objects.create(module=coaching, person=lin)
    return types.SimpleNamespace(cohort=cohort, programme=cohort.programme)


def _run_matching(page: Page, live_server, cohort) -> None:
    page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    page.get_by_role("button", name=re.compile(r"^Run matching")).first.click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Match run \d+$"))).to_be_visible()
    assert_accessible(page)


def test_a_mentor_finishes_required_training_and_then_is_matched(page: Page, live_server, cohort):
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{cohort.programme.get_absolute_url()}")
    page.get_by_role("link", name="Training", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Training: "))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Edit {COACHING}").click()
    assert_accessible(page)
    page.get_by_label("Requirement").select_option(label="Required before matching")
    page.get_by_role("button", name="Save module").click()
    expect(page.get_by_role("status")).to_contain_text(f"Module “{COACHING}” saved.")
    expect(page.get_by_role("row").filter(has_text=COACHING)).to_contain_text("Required before matching")

    _run_matching(page, live_server, cohort.cohort)
    left_out = page.get_by_role("region", name=re.compile("left out: required training not finished"))
    expect(left_out).to_contain_text("Omar Mentor (mentor)")
    expect(page.locator("[data-metric='pairs']")).to_have_text("1")
    left_out.get_by_role("link", name="See who has finished what").click()
    expect(page.get_by_role("heading", level=1, name="Training completion: Spring intake")).to_be_visible()
    expect(page.locator("tr", has_text="Omar Mentor")).to_contain_text("0 / 1")
    assert_accessible(page)
    log_out(page)

    login(page, live_server, "mentor")
    page.get_by_role("link", name="My training").click()
    expect(page.get_by_role("heading", level=1, name="My training")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="required module")).to_contain_text(
        "1 required module is still to do."
    )
    assert_accessible(page)
    page.get_by_role("link", name=COACHING).click()
    expect(page.get_by_role("heading", level=1, name=COACHING)).to_be_visible()
    assert_accessible(page)
    show_them = page.get_by_role("radio", name="Show them where it is and how you would find it next time.")
    show_them.check()
    page.get_by_role("radio", name="Did you check the order history?").check()  # wrong
    page.get_by_role("button", name="Mark as done").click()
    wrong = page.locator("fieldset", has_text="Which is an open coaching question?")
    expect(wrong).to_contain_text("Not quite")
    expect(page.get_by_role("radio", name="Did you check the order history?")).to_be_checked()
    expect(
        page.get_by_role("radio", name="Show them where it is and how you would find it next time.")
    ).to_be_checked()
    assert_accessible(page)
    page.get_by_role("radio", name="What options did you see at that point?").check()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Well done: “{COACHING}” is marked as done.")
    expect(page.locator("li", has_text=COACHING)).to_contain_text("Done")
    assert_accessible(page)
    log_out(page)

    login(page, live_server, "admin")
    _run_matching(page, live_server, cohort.cohort)
    expect(page.get_by_role("region", name=re.compile("left out"))).to_have_count(0)
    expect(page.locator("[data-metric='pairs']")).to_have_text("2")
    expect(page.get_by_role("region", name="Proposed pairs")).to_contain_text("Omar Mentor")

    # The admin removes a module, after a page that says what goes with it.
    page.goto(f"{live_server.url}{cohort.programme.get_absolute_url()}")
    page.get_by_role("link", name="Training", exact=True).click()
    page.get_by_role("link", name="Remove De-escalation").click()
    expect(page.get_by_role("heading", level=1, name="Remove “De-escalation”?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Remove the module").click()
    expect(page.get_by_role("status")).to_contain_text("Module “De-escalation” removed.")
    expect(page.get_by_role("row").filter(has_text="De-escalation")).to_have_count(0)
