"""The mentee-choice pages: who may see and do what, the refusals they show, emails, query counts,
and one browser journey with axe-core on every page."""

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from matching.models import MentorRequest, Pairing
from programmes.models import Enrolment
from tests.browser import assert_accessible, open_person_menu
from tests.browser import login as browser_login
from tests.conftest import login
from tests.factories import EnrolmentFactory, PersonFactory
from tests.matching.test_choice import add_mentors, build_choice

# Lifecycle emails wait for working hours: these tests read what was sent.
pytestmark = pytest.mark.usefixtures("working_hours")


@pytest.fixture
def c(world):
    return build_choice(world)


def suggestions_url(enrolment):
    return reverse("choice:suggestions", args=[enrolment.pk])


def ask(client, c, mentee, mentor):
    return client.post(reverse("choice:request-create", args=[mentee.pk]), {"mentor": mentor.pk}, follow=True)


# --- access ---------------------------------------------------------------------------------------


def test_another_mentee_gets_404_on_someone_elses_suggestions(client, c, world):
    login(client, world.mentee2.user)
    assert client.get(suggestions_url(c.ada)).status_code == 404
    assert (
        client.post(reverse("choice:request-create", args=[c.ada.pk]), {"mentor": c.omar.pk}).status_code
        == 404
    )
    assert not MentorRequest.objects.exists()


def test_an_admin_gets_404_on_a_mentees_suggestions(client, c, world):
    login(client, world.admin)
    assert client.get(suggestions_url(c.ada)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, c):
    response = client.get(suggestions_url(c.ada))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_another_mentor_cannot_accept_decline_or_see_a_request(client, c, world):
    request = MentorRequest.objects.create(cohort=c.cohort, mentee=c.ada, mentor=c.omar)
    login(client, world.mentor2.user)
    assert client.post(reverse("choice:request-accept", args=[request.pk])).status_code == 404
    assert client.post(reverse("choice:request-decline", args=[request.pk])).status_code == 404
    assert "Ada Mentee" not in client.get(reverse("choice:requests")).content.decode()
    request.refresh_from_db()
    assert request.status == MentorRequest.Status.REQUESTED


def test_another_mentee_cannot_withdraw_a_request(client, c, world):
    request = MentorRequest.objects.create(cohort=c.cohort, mentee=c.ada, mentor=c.omar)
    login(client, world.mentee2.user)
    assert client.post(reverse("choice:request-withdraw", args=[request.pk])).status_code == 404


def test_overview_is_for_programme_admins_only(client, c, world):
    url = reverse("choice:overview", args=[c.cohort.pk])
    login(client, world.mentor.user)
    assert client.get(url).status_code == 403
    login(client, world.admin)
    assert client.get(url).status_code == 200


def test_get_does_not_change_anything(client, c, world):
    login(client, world.mentee.user)
    assert client.get(reverse("choice:request-create", args=[c.ada.pk])).status_code == 405


# --- the journey through the views ------------------------------------------------------------------


def test_mentee_asks_mentor_accepts_and_each_side_is_emailed_once(
    client, c, world, django_capture_on_commit_callbacks
):
    login(client, world.mentee.user)
    page = client.get(suggestions_url(c.ada)).content.decode()
    assert "Ask Omar Mentor" in page and "Ask Lin Mentor" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, c, c.ada, c.omar)
    assert "Your request is on its way to Omar Mentor" in response.content.decode()
    assert "You asked Omar Mentor" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[world.mentor.email]]

    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, c, c.ada, c.lin)
    assert "You have already asked Omar Mentor" in response.content.decode()
    assert len(mail.outbox) == 1

    login(client, world.mentor.user)
    page = client.get(reverse("choice:requests")).content.decode()
    assert "Handle angry billing customers" in page and "Accept Ada Mentee" in page
    request = MentorRequest.objects.get(mentee=c.ada)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("choice:request-accept", args=[request.pk]), follow=True)
        client.post(reverse("choice:request-accept", args=[request.pk]), follow=True)
    assert "You are now mentoring Ada Mentee" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[world.mentor.email], [world.mentee.email]]
    assert Pairing.objects.get(cohort=c.cohort, mentee=c.ada).status == Pairing.Status.ACTIVE

    login(client, world.mentee.user)
    assert "Your mentor is Omar Mentor" in client.get(suggestions_url(c.ada)).content.decode()


def test_the_losing_mentee_is_told_and_can_ask_again(client, c, world, django_capture_on_commit_callbacks):
    first = MentorRequest.objects.create(cohort=c.cohort, mentee=c.ada, mentor=c.lin, score=50)
    second = MentorRequest.objects.create(cohort=c.cohort, mentee=c.bo, mentor=c.lin, score=50)
    login(client, world.mentor2.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("choice:request-accept", args=[first.pk]))
        response = client.post(reverse("choice:request-accept", args=[second.pk]), follow=True)
    # Lin reads why, in words for her; Bo is emailed the reason in words for him.
    page = response.content.decode()
    assert "Your places are all taken, so Bo Mentee&#x27;s request has been closed" in page
    assert "pick another mentor" not in page
    second.refresh_from_db()
    assert second.status == MentorRequest.Status.CLOSED
    assert "Lin Mentor has no free place any more" in mail.outbox[-1].body

    login(client, world.mentee2.user)
    page = client.get(suggestions_url(c.bo)).content.decode()
    assert "Lin Mentor could not take you on" in page and "Ask Omar Mentor" in page
    assert ask(client, c, c.bo, c.omar).status_code == 200
    assert MentorRequest.objects.filter(mentee=c.bo, status="requested").count() == 1


def test_decline_with_a_note_and_withdraw(client, c, world, django_capture_on_commit_callbacks):
    request = MentorRequest.objects.create(cohort=c.cohort, mentee=c.ada, mentor=c.omar, score=50)
    login(client, world.mentor.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("choice:request-decline", args=[request.pk]), {"note": "Full this quarter"}, follow=True
        )
    assert "Declined. Ada Mentee can ask someone else." in response.content.decode()
    assert "Full this quarter" in mail.outbox[0].body

    login(client, world.mentee.user)
    # The mentee reads the mentor's note on their page too, not only in the email.
    page = client.get(suggestions_url(c.ada)).content.decode()
    assert "Omar Mentor could not take you on" in page and "Full this quarter" in page
    ask(client, c, c.ada, c.lin)
    open_request = MentorRequest.objects.get(mentee=c.ada, status="requested")
    response = client.post(reverse("choice:request-withdraw", args=[open_request.pk]), follow=True)
    assert "Request withdrawn" in response.content.decode()
    response = client.post(reverse("choice:request-withdraw", args=[open_request.pk]), follow=True)
    assert "This request is no longer open." in response.content.decode()


def test_suggestions_page_explains_a_cohort_not_in_choice_mode(client, world):
    mentee = Enrolment.objects.get(cohort=world.cohort, person=world.mentee)
    login(client, world.mentee.user)
    page = client.get(suggestions_url(mentee)).content.decode()
    assert "the programme admin assigns mentors" in page
    assert "Ask " not in page


# --- query counts, at two sizes ---------------------------------------------------------------------


@pytest.mark.parametrize("extra_mentors", [0, 8])
def test_suggestions_query_count_does_not_grow_with_mentors(
    client, c, world, django_assert_num_queries, extra_mentors
):
    add_mentors(c.cohort, extra_mentors)
    login(client, world.mentee.user)
    with django_assert_num_queries(21):
        assert client.get(suggestions_url(c.ada)).status_code == 200


@pytest.mark.parametrize("waiting", [1, 6])
def test_requests_query_count_does_not_grow_with_requests(
    client, c, world, django_assert_num_queries, waiting
):
    for _ in range(waiting):
        MentorRequest.objects.create(cohort=c.cohort, mentee=EnrolmentFactory(cohort=c.cohort), mentor=c.omar)
    MentorRequest.objects.create(cohort=c.cohort, mentee=c.ada, mentor=c.omar, status="declined")
    login(client, world.mentor.user)
    with django_assert_num_queries(3):
        assert client.get(reverse("choice:requests")).status_code == 200


@pytest.mark.parametrize("mentees", [1, 6])
def test_overview_query_count_does_not_grow_with_the_cohort(
    client, c, world, django_assert_num_queries, mentees
):
    for _ in range(mentees):
        mentee = EnrolmentFactory(cohort=c.cohort, person=PersonFactory())
        MentorRequest.objects.create(cohort=c.cohort, mentee=mentee, mentor=c.omar)
    login(client, world.admin)
    with django_assert_num_queries(4):
        assert client.get(reverse("choice:overview", args=[c.cohort.pk])).status_code == 200


# --- in a real browser, with axe-core -----------------------------------------------------------------


@pytest.mark.browser
def test_choice_pages_in_a_browser_pass_axe(live_server, transactional_db, world, page: Page):
    c = build_choice(world)
    MentorRequest.objects.create(
        cohort=c.cohort, mentee=c.bo, mentor=c.lin, score=40, explanation=["Both prefer x"]
    )

    browser_login(page, live_server, "mentee")
    page.goto(f"{live_server.url}{suggestions_url(c.ada)}")
    expect(page.get_by_role("heading", level=1, name="Choose your mentor")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ask Omar Mentor").click()
    expect(page.get_by_text("Your request is on its way to Omar Mentor")).to_be_visible()
    assert_accessible(page)
    open_person_menu(page)
    page.get_by_role("button", name="Log out").click()

    browser_login(page, live_server, "mentor2")
    page.goto(f"{live_server.url}{reverse('choice:requests')}")
    expect(page.get_by_role("heading", level=1, name="Mentoring requests")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("A note for the mentee (optional)").fill("On leave")
    page.get_by_role("button", name="Decline Bo Mentee").click()
    expect(page.get_by_text("Declined. Bo Mentee can ask someone else.")).to_be_visible()
    assert_accessible(page)
    open_person_menu(page)
    page.get_by_role("button", name="Log out").click()

    browser_login(page, live_server, "admin")
    page.goto(f"{live_server.url}{reverse('choice:overview', args=[c.cohort.pk])}")
    expect(page.get_by_role("heading", level=1, name="Mentee choice")).to_be_visible()
    assert_accessible(page)
