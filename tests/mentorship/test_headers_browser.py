"""The Content-Security-Policy in a real Chromium: the browser tests' violation check (tests/browser.py)
catches what the policy refuses; the pages no other browser test opens (the Django admin, the error
pages) keep the policy too; and each behaviour that moved from an inline script to static/js/app.js
still works."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching.models import MatchRun
from people.models import ImportJob
from programmes.models import Cohort
from tests.browser import assert_accessible, assert_no_csp_violation, login, take_csp_violations
from tests.factories import MatchRunFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def probes(settings):
    settings.ROOT_URLCONF = "tests.mentorship.csp_urls"


def test_an_inline_script_is_refused_and_fails_the_browser_test(page: Page, live_server, probes):
    page.goto(f"{live_server.url}/csp-probe/inline-script/")
    expect(page.get_by_role("heading", name="Probe")).to_be_visible()
    assert page.title() == "probe"  # the script did not run
    with pytest.raises(pytest.fail.Exception) as failed:
        assert_no_csp_violation(page)
    assert "Content-Security-Policy violation" in str(failed.value)
    assert "script-src" in str(failed.value)
    # Taken by the check: nothing is left for the fixture's teardown to fail on.
    assert take_csp_violations(page) == []


def test_a_style_attribute_is_refused_and_fails_the_axe_check(page: Page, live_server, probes):
    page.goto(f"{live_server.url}/csp-probe/style-attribute/")
    assert page.locator("p").evaluate("p => getComputedStyle(p).color") != "rgb(255, 0, 0)"
    with pytest.raises(pytest.fail.Exception) as failed:
        assert_accessible(page)
    assert "style-src" in str(failed.value)
    assert take_csp_violations(page) == []


def test_a_style_refused_inside_a_frame_is_caught_too(page: Page, live_server, probes):
    """A frame whose scripts cannot run (sandbox) reports no event; Chromium's console still says it."""
    page.goto(f"{live_server.url}/csp-probe/framed-style/")
    expect(page.frame_locator("iframe").get_by_text("red")).to_be_visible()
    violations = take_csp_violations(page)
    assert any("style-src" in violation for violation in violations), violations


def test_the_django_admin_keeps_the_policy(page: Page, live_server, world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save(update_fields=["is_staff", "is_superuser"])
    login(page, live_server, "admin")
    for path in [
        "/django-admin/",
        "/django-admin/people/person/",
        f"/django-admin/people/person/{world.mentee.pk}/change/",
        "/django-admin/auth/user/add/",
        "/django-admin/programmes/cohort/",
        f"/django-admin/programmes/cohort/{world.cohort.pk}/change/",
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#content")).to_be_visible()
        assert_no_csp_violation(page)


def test_the_login_and_not_found_pages_keep_the_policy(page: Page, live_server, db):
    complaints = []
    page.on("console", lambda message: complaints.append(message.text))
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    # Chromium accepts every feature the Permissions-Policy names.
    assert [text for text in complaints if "Permissions-Policy" in text] == []
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


# --- the behaviours that left inline scripts for static/js/app.js ----------------------------------


def test_select_all_ticks_every_pair_on_programme_health(page: Page, live_server, world):
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{reverse('dashboards:health')}")
    boxes = page.locator('#nudge-form input[name="pairing"]')
    expect(boxes).to_have_count(2)
    page.get_by_label("Select every active pair on this page").check()
    for box in boxes.all():
        expect(box).to_be_checked()
    assert_accessible(page)


def test_select_all_ticks_everyone_on_the_people_list(page: Page, live_server, world):
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{reverse('people:person-list')}")
    page.get_by_label("Select everyone on this page").check()
    boxes = page.locator('#bulk-form input[name="people"]')
    assert boxes.count() > 1
    for box in boxes.all():
        expect(box).to_be_checked()


def test_ticket_references_show_only_for_ticket_sessions(page: Page, live_server, world):
    login(page, live_server, "mentee")
    page.goto(f"{live_server.url}{reverse('mentoring_sessions:session-create', args=[world.pair.pk])}")
    refs = page.locator("[data-ticket-refs]")
    page.locator("#id_format").select_option("video")
    expect(refs).to_be_hidden()
    page.locator("#id_format").select_option("ticket_review")
    expect(refs).to_be_visible()


def test_the_profile_counts_the_boxes_ticked(page: Page, live_server, world):
    login(page, live_server, "mentee")
    page.goto(f"{live_server.url}{reverse('enrolment:profile', args=[world.pair.mentee.pk])}")
    count = page.locator("[data-choice-count]").first
    boxes = page.locator(f"#{count.get_attribute('data-choice-count')} input[type=checkbox]")
    for box in boxes.all():
        box.uncheck()
    boxes.nth(0).check()
    expect(count).to_have_text("1 chosen")
    boxes.nth(1).check()
    expect(count).to_have_text("2 chosen")


def test_the_self_enrolment_link_is_copied(page: Page, live_server, world):
    world.cohort.state = Cohort.State.ENROLLING
    world.cohort.self_enrolment_open = True
    world.cohort.save(update_fields=["state", "self_enrolment_open"])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{reverse('enrolment:review', args=[world.cohort.pk])}")
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#join-url-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#join-url").input_value()


def test_the_print_buttons_print(page: Page, live_server, world):
    page.add_init_script("window.print = () => { window.printed = true; };")
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{reverse('dashboards:report')}")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") is True


def test_the_matching_page_moves_on_when_the_run_has_finished(page: Page, live_server, world):
    run = MatchRunFactory(
        cohort=world.cohort,
        status=MatchRun.Status.QUEUED,
        published_at=None,
        lease_expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{run.get_absolute_url()}")
    expect(page.get_by_text("Matching is queued")).to_be_visible()
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.FAILED, error="No mentors")
    # Back to the cohort, which says why.
    expect(page).to_have_url(f"{live_server.url}{world.cohort.get_absolute_url()}")


def test_the_import_page_follows_the_import_to_its_end(page: Page, live_server, world):
    job = ImportJob.objects.create(
        filename="people.csv", status=ImportJob.Status.RUNNING, total_rows=40, processed_rows=10
    )
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{reverse('people:import-job', args=[job.pk])}")
    bar = page.get_by_role("progressbar", name="Import progress")
    expect(bar).to_have_attribute("aria-valuenow", "25")
    # Drawn at 25 % by a class (w-pct-25), not a style attribute.
    assert bar.evaluate(
        "b => b.firstElementChild.getBoundingClientRect().width / b.getBoundingClientRect().width"
    ) == (pytest.approx(0.25, abs=0.01))
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=30)
    expect(bar).to_have_attribute("aria-valuenow", "75")
    expect(page.get_by_text("30 of 40 rows")).to_be_visible()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, processed_rows=40, created_count=40
    )
    expect(page.get_by_text("Done: 40 created, 0 updated, 0 unchanged.")).to_be_visible()
    expect(page.get_by_role("link", name="See the people")).to_be_visible()
