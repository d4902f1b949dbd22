import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from enrolment import services
from enrolment.models import Invitation
from people.models import Tag
from programmes.models import Enrolment
from tests.conftest import login
from tests.enrolment.conftest import active_mentor, days_ago, waitlisted
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, UserFactory


def url(name, *args):
    return reverse(f"enrolment:{name}", args=args)


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["manager", "mentor", "mentee", "outsider"])
def test_non_admins_get_403_on_admin_pages(client, world, open_cohort, username):
    login(client, User.objects.get(username=username))
    enrolment = EnrolmentFactory(cohort=open_cohort, status=Enrolment.Status.WAITLISTED)
    mentor = active_mentor(open_cohort)
    for target in (
        url("invite", open_cohort.pk),
        url("review", open_cohort.pk),
        url("move", enrolment.pk),
        url("mentor-capacity", mentor.pk),
    ):
        assert client.get(target).status_code == 403, target
    invitation = Invitation.objects.create(cohort=open_cohort, email="x@example.com", role="mentee")
    for target in (
        url("invitation-resend", invitation.pk),
        url("application-review", enrolment.pk),
        url("promote", enrolment.pk),
        url("admin-withdraw", enrolment.pk),
        url("mentor-capacity", mentor.pk),
        url("activation-resend", enrolment.pk),
        reverse("people:person-bulk"),
    ):
        assert client.post(target).status_code == 403, target


def test_mentee_cannot_open_or_withdraw_another_persons_enrolment(client, world):
    login(client, world.mentee2.user)
    assert client.get(url("profile", world.pair.mentee.pk)).status_code == 404
    assert client.get(url("withdraw", world.pair.mentee.pk)).status_code == 404
    assert client.get(url("profile", world.pair2.mentee.pk)).status_code == 200


def test_anonymous_visitors_must_log_in_except_on_the_invitation_link(client, world, open_cohort):
    for target in (url("mine"), url("join", services.cohort_join_token(open_cohort))):
        response = client.get(target)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(url("accept", "tampered")).status_code == 400


# --- invite ------------------------------------------------------------------------------------


def test_admin_invites_people_and_sees_them_listed(
    client, world, open_cohort, django_capture_on_commit_callbacks
):
    login(client, world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("invite", open_cohort.pk), {"people": [world.outsider.pk, world.mentor2.pk], "role": "mentor"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    page = client.get(response.url)
    assert "2 invitations on their way." in page.text
    assert page.text.count(">sent<") == 2


def test_invite_page_refuses_when_the_cohort_is_active(client, world):
    login(client, world.admin)
    page = client.get(url("invite", world.cohort.pk))
    assert "invitations can only be sent while it is in draft, enrolling or matching" in page.text
    response = client.post(url("invite", world.cohort.pk), {"people": [world.outsider.pk], "role": "mentee"})
    assert response.status_code == 200 and "only join while it is in draft" in response.text
    assert not Invitation.objects.exists()


def test_inviting_someone_invited_meanwhile_says_so(client, world, open_cohort):
    Invitation.objects.create(
        cohort=open_cohort, email=world.outsider.email, role="mentee", person=world.outsider
    )
    login(client, world.admin)
    response = client.post(
        url("invite", open_cohort.pk), {"people": [world.outsider.pk], "role": "mentee"}, follow=True
    )
    assert "Skipped: Sam Outsider was already invited." in response.text


def test_invite_form_errors_keep_the_filter_and_do_not_crash(client, world, open_cohort):
    login(client, world.admin)
    response = client.post(url("invite", open_cohort.pk) + "?q=Sam", {"people": ["abc"], "role": "boss"})
    assert response.status_code == 200
    assert 'value="Sam"' in response.text


# --- accept ------------------------------------------------------------------------------------


def _invite(cohort, person, role="mentee"):
    invitation = Invitation.objects.create(cohort=cohort, email=person.email, role=role, person=person)
    return invitation, url("accept", services.invitation_token(invitation))


def test_new_person_sets_a_password_then_lands_on_the_questionnaire(client, world, open_cohort):
    newcomer = PersonFactory(full_name="Nia New", email="nia@example.com")
    active_mentor(open_cohort)
    invitation, link = _invite(open_cohort, newcomer)
    page = client.get(link)
    assert page.status_code == 200 and "Set your password" in page.text and "nia@example.com" in page.text

    mismatch = client.post(link, {"password1": "a-long-secret-1", "password2": "different"})
    assert "The two passwords differ." in mismatch.text and not User.objects.filter(
        username="nia@example.com"
    )

    response = client.post(link, {"password1": "a-long-secret-1", "password2": "a-long-secret-1"})
    enrolment = Enrolment.objects.get(cohort=open_cohort, person=newcomer)
    assert response.status_code == 302 and response.url == url("profile", enrolment.pk)
    newcomer.refresh_from_db()
    assert newcomer.user.username == "nia@example.com"
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None
    # Logged in now: the second click goes straight to the same questionnaire.
    again = client.get(link)
    assert again.url == url("profile", enrolment.pk)
    assert client.get(again.url).status_code == 200


def test_an_invitation_activates_a_login_an_admin_enrolment_left_unused(client, world, open_cohort):
    other = CohortFactory(programme=open_cohort.programme, name="Autumn 2027", state="enrolling")
    person = PersonFactory(email="una@example.com")
    services.enrolment_add(cohort=other, person=person, role="mentee")  # a login nobody has used
    person.refresh_from_db()
    assert person.user is not None and not person.can_log_in
    _invitation, link = _invite(open_cohort, person)
    page = client.get(link)
    assert page.status_code == 200 and "Set your password" in page.text
    response = client.post(link, {"password1": "a-long-secret-1", "password2": "a-long-secret-1"})
    assert response.url == url("profile", Enrolment.objects.get(cohort=open_cohort, person=person).pk)
    assert User.objects.get(pk=person.user_id).check_password("a-long-secret-1")
    assert User.objects.filter(username__iexact="una@example.com").count() == 1


def test_person_with_a_login_is_asked_to_log_in_first(client, world, open_cohort):
    _invitation, link = _invite(open_cohort, world.outsider)
    response = client.get(link)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "next=" in response.url
    login(client, world.mentee.user)  # somebody else
    assert client.get(link).url.startswith(reverse("login"))
    login(client, world.outsider.user)
    response = client.get(link)
    enrolment = Enrolment.objects.get(cohort=open_cohort, person=world.outsider)
    assert response.url == url("profile", enrolment.pk)
    assert enrolment.status == Enrolment.Status.WAITLISTED


def test_expired_or_tampered_links_show_a_friendly_page(client, world, open_cohort):
    import time_machine

    _invitation, link = _invite(open_cohort, world.outsider)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=15)):
        expired = client.get(link)
    assert expired.status_code == 400 and "has expired" in expired.text
    tampered = client.get(link[:-3] + "x/")
    assert tampered.status_code == 400 and "not valid" in tampered.text


# --- join --------------------------------------------------------------------------------------


def test_self_enrolment_refuses_ineligible_mentors_with_the_reason(client, world, open_cohort):
    junior = PersonFactory(user=UserFactory(username="junior"), hire_date=days_ago(30))
    login(client, junior.user)
    link = url("join", services.cohort_join_token(open_cohort))
    response = client.post(link, {"role": "mentor"})
    assert response.status_code == 200 and "Mentors need at least 365 days" in response.text
    assert re.search(r'value="mentor"[^>]*checked', response.text)  # the choice is kept
    response = client.post(link, {"role": "mentee"})
    enrolment = Enrolment.objects.get(cohort=open_cohort, person=junior)
    assert response.url == url("profile", enrolment.pk)
    assert client.get(link).url == url("profile", enrolment.pk)  # a second visit goes to the profile


def test_join_link_is_closed_when_self_enrolment_is_off(client, world, open_cohort):
    open_cohort.self_enrolment_open = False
    open_cohort.save()
    login(client, world.outsider.user)
    response = client.get(url("join", services.cohort_join_token(open_cohort)))
    assert response.status_code == 403 and "not open for self-enrolment" in response.text


# --- profile, mine, withdraw -------------------------------------------------------------------


def test_profile_questionnaire_saves_and_keeps_what_was_typed_on_errors(client, world, open_cohort):
    enrolment = EnrolmentFactory(cohort=open_cohort, person=world.outsider, role="mentor", capacity=1)
    login(client, world.outsider.user)
    data = {
        "communication": "spoken",
        "structure": "structured",
        "pace": "steady",
        "feedback": "direct",
        "interests": [world.tags[0].pk],
        "skills": [world.tags[1].pk],
        "motivation": "I love teaching triage",
        "capacity": 5,
        "availability": "Mon afternoons",
        "time_zone": "Europe/Paris",
        "preferred_format": "video",
    }
    response = client.post(url("profile", enrolment.pk), data)
    assert response.status_code == 200 and "At most 2 in this cohort." in response.text
    assert "I love teaching triage" in response.text and 'value="Mon afternoons"' in response.text
    response = client.post(url("profile", enrolment.pk), {**data, "capacity": 2, "time_zone": "Nowhere/Land"})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    response = client.post(url("profile", enrolment.pk), {**data, "capacity": 2})
    assert response.url == url("mine")
    enrolment.refresh_from_db()
    assert enrolment.profile_complete and enrolment.capacity == 2


def test_profile_is_read_only_once_the_cohort_is_closed(client, world):
    world.cohort.state = "closed"
    world.cohort.save()
    login(client, world.mentee.user)
    page = client.get(url("profile", world.pair.mentee.pk))
    assert "can no longer be changed" in page.text and "Save my profile" not in page.text
    client.post(url("profile", world.pair.mentee.pk), {"communication": "spoken"})
    world.mentee.refresh_from_db()
    assert world.mentee.communication == "written"


def test_my_enrolments_shows_a_call_to_action_and_an_empty_state(client, world, open_cohort):
    login(client, world.outsider.user)
    assert "not enrolled in any cohort yet" in client.get(url("mine")).text
    EnrolmentFactory(cohort=open_cohort, person=world.outsider)
    assert "Complete your profile" in client.get(url("mine")).text


def test_person_withdraws_themselves_after_confirming(client, world, open_cohort):
    enrolment = EnrolmentFactory(cohort=open_cohort, person=world.outsider)
    login(client, world.outsider.user)
    confirm = client.get(url("withdraw", enrolment.pk))
    assert "Yes, withdraw" in confirm.text
    assert client.post(url("withdraw", enrolment.pk), {"reason": ""}).status_code == 200
    response = client.post(url("withdraw", enrolment.pk), {"reason": "Moving to nights"})
    assert response.url == url("mine")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN


def test_paired_person_is_told_to_end_the_pairing_first(client, world):
    login(client, world.mentee.user)
    response = client.post(url("withdraw", world.pair.mentee.pk), {"reason": "Busy"})
    assert response.status_code == 200 and "end the pairing first" in response.text


# --- review ------------------------------------------------------------------------------------


def test_admin_approves_declines_and_promotes_from_the_review_page(client, world, open_cohort):
    login(client, world.admin)
    application = EnrolmentFactory(cohort=open_cohort, role="mentor", capacity=1, status="applied")
    waiting = EnrolmentFactory(cohort=open_cohort, status="waitlisted")
    page = client.get(url("review", open_cohort.pk))
    assert page.status_code == 200 and "/enrol/join/" in page.text

    p = f"a{application.pk}-"
    refused = client.post(
        url("application-review", application.pk), {p + "decision": "approve", p + "note": "ok"}
    )
    assert refused.status_code == 400 and "Tick expertise" in refused.text and 'value="ok"' in refused.text

    full = client.post(url("promote", waiting.pk), follow=True)
    assert "No mentor place is free" in full.text

    checks = ["expertise", "communication", "patience"]
    client.post(url("application-review", application.pk), {p + "decision": "approve", p + "checks": checks})
    application.refresh_from_db()
    assert application.status == Enrolment.Status.ACTIVE
    client.post(url("promote", waiting.pk))
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.ACTIVE


def test_admin_moves_an_enrolment_to_another_cohort(client, world, open_cohort):
    from tests.factories import CohortFactory

    target = CohortFactory(programme=open_cohort.programme, state="draft", name="Summer 2027")
    enrolment = EnrolmentFactory(cohort=open_cohort)
    login(client, world.admin)
    assert "Summer 2027" in client.get(url("move", enrolment.pk)).text
    response = client.post(url("move", enrolment.pk), {"to_cohort": target.pk})
    assert response.url == url("review", open_cohort.pk)
    assert Enrolment.objects.filter(cohort=target, person=enrolment.person).exists()


def test_review_page_shows_a_page_of_each_list_and_keeps_the_others_pages(client, world, open_cohort):
    from enrolment.views import REVIEW_ROWS_PER_PAGE

    enrolled = [
        EnrolmentFactory(cohort=open_cohort, person=PersonFactory(full_name=f"Zed {n:03d}"))
        for n in range(REVIEW_ROWS_PER_PAGE + 2)
    ]
    login(client, world.admin)
    first = client.get(url("review", open_cohort.pk))
    assert len(first.context["enrolments"].object_list) == REVIEW_ROWS_PER_PAGE
    assert f'Enrolled <span class="text-body-secondary">({len(enrolled)})</span>' in first.text
    assert "Zed 000" in first.text and "Zed 026" not in first.text
    assert "?enrolled_page=2#enrolled-heading" in first.text
    second = client.get(url("review", open_cohort.pk), {"enrolled_page": 2, "waitlist_page": 1})
    assert [e.person.full_name for e in second.context["enrolments"].object_list] == ["Zed 025", "Zed 026"]
    # The links keep the other lists' pages.
    assert "?enrolled_page=1&amp;waitlist_page=1#enrolled-heading" in second.text


def test_the_waitlist_numbers_on_across_pages_and_only_its_first_can_be_promoted(client, world, open_cohort):
    from enrolment.views import REVIEW_ROWS_PER_PAGE

    active_mentor(open_cohort, capacity=2)  # a free place, so the first in line can be promoted
    line = [waitlisted(open_cohort, days=100 - n) for n in range(REVIEW_ROWS_PER_PAGE + 1)]
    login(client, world.admin)
    first = client.get(url("review", open_cohort.pk))
    assert f'Waitlist <span class="text-body-secondary">({len(line)})</span>' in first.text
    assert first.text.count(url("promote", line[0].pk)) == 1
    second = client.get(url("review", open_cohort.pk), {"waitlist_page": 2})
    assert [e.pk for e in second.context["waitlist"].object_list] == [line[-1].pk]
    assert f'start="{REVIEW_ROWS_PER_PAGE + 1}"' in second.text  # numbered 26, not 1
    assert url("promote", line[-1].pk) not in second.text  # first on its page, not in line


def test_a_refused_review_shows_its_errors_whatever_page_the_application_is_on(client, world, open_cohort):
    from enrolment.views import APPLICATIONS_PER_PAGE

    applications = [
        EnrolmentFactory(
            cohort=open_cohort,
            role="mentor",
            status="applied",
            enrolled_at=timezone.now() - timezone.timedelta(days=100 - n),
        )
        for n in range(APPLICATIONS_PER_PAGE + 1)
    ]
    last = applications[-1]
    login(client, world.admin)
    assert url("application-review", last.pk) not in client.get(url("review", open_cohort.pk)).text
    p = f"a{last.pk}-"
    refused = client.post(url("application-review", last.pk), {p + "decision": "approve", p + "note": "ok"})
    assert refused.status_code == 400
    assert url("application-review", last.pk) in refused.text
    assert "Tick expertise" in refused.text and 'value="ok"' in refused.text


def test_invitations_are_a_page_at_a_time_on_the_review_and_invite_pages(client, world, open_cohort):
    from enrolment.views import REVIEW_ROWS_PER_PAGE

    for n in range(REVIEW_ROWS_PER_PAGE + 1):
        Invitation.objects.create(cohort=open_cohort, email=f"inv{n}@example.com", role="mentee")
    login(client, world.admin)
    for name in ("review", "invite"):
        page = client.get(url(name, open_cohort.pk))
        assert len(page.context["invitations"].object_list) == REVIEW_ROWS_PER_PAGE
        assert (
            f'Invitations <span class="text-body-secondary">({REVIEW_ROWS_PER_PAGE + 1})</span>' in page.text
        )
        assert "?invitations_page=2#invitations-heading" in page.text


# --- query counts ------------------------------------------------------------------------------


def _fill(cohort, n):
    tags = Tag.objects.all()
    for _ in range(n):
        EnrolmentFactory(cohort=cohort, role="mentor", capacity=1, status="applied").person.skills.set(tags)
        EnrolmentFactory(cohort=cohort, status="waitlisted")
        # An active mentor who has activated a login, for the capacity and login columns.
        EnrolmentFactory(
            cohort=cohort, role="mentor", status="active", person=PersonFactory(user=UserFactory())
        )
        person = PersonFactory()
        Invitation.objects.create(cohort=cohort, email=person.email, role="mentee", person=person)


@pytest.mark.parametrize("n", [1, 6])
def test_review_page_queries_do_not_grow_with_the_cohort(
    client, world, open_cohort, n, django_assert_num_queries
):
    _fill(open_cohort, n)
    login(client, world.admin)
    with django_assert_num_queries(REVIEW_QUERIES):
        assert client.get(url("review", open_cohort.pk)).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_invite_page_queries_do_not_grow(client, world, open_cohort, n, django_assert_num_queries):
    _fill(open_cohort, n)
    PersonFactory.create_batch(n * 3)
    login(client, world.admin)
    with django_assert_num_queries(INVITE_QUERIES):
        assert client.get(url("invite", open_cohort.pk)).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_my_enrolments_queries_do_not_grow(client, world, n, django_assert_num_queries):
    from tests.factories import CohortFactory

    for _ in range(n):
        EnrolmentFactory(cohort=CohortFactory(programme=world.cohort.programme), person=world.outsider)
    login(client, world.outsider.user)
    with django_assert_num_queries(MINE_QUERIES):
        assert client.get(url("mine")).status_code == 200


# user (with person and roles), cohort, the lengths of the applications, waitlist and enrolments
# (one COUNT grouped by role and status), a page of each, the applications' skills, mentor
# capacities, active mentees, invitations (a count and a page).
REVIEW_QUERIES = 11
# user (with person and roles), cohort, the people shown, invitations (a count and a page).
INVITE_QUERIES = 5
MINE_QUERIES = 2


# --- admin enrolment, bulk enrolment and capacity (issue 8) --------------------------------------


def test_bulk_enrolment_fills_free_places_then_waitlists_and_reports_refusals(client, world, open_cohort):
    """Issue 8: bulk enrolment put mentees into a cohort with no free places."""
    active_mentor(open_cohort, capacity=1)
    first, second = PersonFactory(full_name="First Comer"), PersonFactory(full_name="Second Comer")
    leaver = PersonFactory(full_name="Left Already", hire_date=days_ago(2000), leave_date=days_ago(100))
    EnrolmentFactory(cohort=open_cohort, person=world.outsider, role="mentee", status="waitlisted")
    login(client, world.admin)
    response = client.post(
        reverse("people:person-bulk"),
        {
            "action": "enrol",
            "cohort": open_cohort.pk,
            "role": "mentee",
            "people": [first.pk, second.pk, leaver.pk, world.outsider.pk],
            "query": "team=1&q=x",
        },
    )
    assert response.url == reverse("people:person-list") + "?team=1&q=x"
    text = client.get(response.url).text
    # Sam Outsider was waiting first, so the one place was his: both newcomers wait behind him.
    assert "2 people are on the waitlist of Spring 2027" in text
    assert "2 not enrolled" in text
    assert "Left Already has left the company." in text
    assert "Sam Outsider: already enrolled in this cohort" in text
    statuses = dict(
        Enrolment.objects.filter(cohort=open_cohort, role="mentee").values_list("person__full_name", "status")
    )
    assert statuses == {"Sam Outsider": "active", "First Comer": "waitlisted", "Second Comer": "waitlisted"}


def test_bulk_enrol_needs_a_cohort_and_a_selection(client, world):
    login(client, world.admin)
    response = client.post(reverse("people:person-bulk"), {"action": "enrol", "role": "mentor"}, follow=True)
    assert "Select at least one person first." in response.text
    assert "Choose the cohort to enrol them in." in response.text


def test_bulk_enrol_is_refused_in_a_cohort_that_is_already_active(client, world):
    login(client, world.admin)
    response = client.post(
        reverse("people:person-bulk"),
        {"action": "enrol", "cohort": world.cohort.pk, "role": "mentee", "people": [world.outsider.pk]},
        follow=True,
    )
    assert "Select a valid choice" in response.text
    assert not Enrolment.objects.filter(person=world.outsider).exists()


def test_admin_raises_a_mentor_capacity_and_the_longest_waiting_mentee_gets_the_place(
    client, world, open_cohort
):
    """Issue 8: the waitlist told the admin to raise a mentor's capacity, but no page allowed it."""
    mentor = active_mentor(open_cohort, capacity=1)
    EnrolmentFactory(cohort=open_cohort, role="mentee", status="active")
    older = waitlisted(open_cohort, days=5)
    newer = waitlisted(open_cohort, days=1)
    login(client, world.admin)
    review = client.get(url("review", open_cohort.pk)).text
    assert url("mentor-capacity", mentor.pk) in review
    assert client.get(url("mentor-capacity", mentor.pk)).status_code == 200
    response = client.post(url("mentor-capacity", mentor.pk), {"capacity": 2})
    assert response.url == url("review", open_cohort.pk)
    mentor.refresh_from_db(), older.refresh_from_db(), newer.refresh_from_db()
    assert (mentor.capacity, older.status, newer.status) == (2, "active", "waitlisted")


def test_capacity_above_the_cohort_limit_is_refused_in_words(client, world, open_cohort):
    mentor = active_mentor(open_cohort, capacity=1)
    login(client, world.admin)
    response = client.post(url("mentor-capacity", mentor.pk), {"capacity": 5})
    assert "Choose between 1 and 2 mentees." in response.text
    mentor.refresh_from_db()
    assert mentor.capacity == 1


def test_a_declined_applicant_sees_the_reason_on_their_page(client, world, open_cohort):
    """Issue 8: a declined applicant never saw the reason."""
    user = UserFactory()
    person = PersonFactory(user=user)
    EnrolmentFactory(
        cohort=open_cohort,
        person=person,
        role="mentor",
        status=Enrolment.Status.DECLINED,
        review_note="Please get a year of escalations first.",
    )
    login(client, user)
    text = client.get(url("mine")).text
    assert "Please get a year of escalations first." in text


def test_the_promote_button_shows_only_for_the_head_of_the_waitlist_when_a_place_is_free(
    client, world, open_cohort
):
    first, second = waitlisted(open_cohort, days=3), waitlisted(open_cohort, days=1)
    login(client, world.admin)
    page = client.get(url("review", open_cohort.pk)).text
    assert url("promote", first.pk) not in page  # no place is free
    active_mentor(open_cohort, capacity=2)
    page = client.get(url("review", open_cohort.pk)).text
    assert url("promote", first.pk) in page and url("promote", second.pk) not in page


@pytest.mark.parametrize("q", ["Sam\x00", "\x00", "x" * 500])
def test_a_search_with_a_nul_character_or_too_long_lists_everyone_instead_of_failing(
    client, world, open_cohort, q
):
    """PostgreSQL refuses NUL characters in a query; the search boxes read `q` through a form."""
    login(client, world.admin)
    invite = client.get(reverse("enrolment:invite", args=[open_cohort.pk]), {"q": q})
    assert invite.status_code == 200
    assert "Sam Outsider" in invite.text
    picker = client.get(reverse("people:person-search"), {"q": q})
    assert picker.status_code == 200 and picker.json()["results"] == []


def test_review_rows_say_places_login_profile_and_actions_as_counted_by_hand(client, world):
    """The world's cohort: Omar Mentor (2 places, 1 mentee paired), Lin Mentor (1 of 1); here a
    mentee without a login (an email: a resend form) and unpaired (move and withdraw), then the
    same rows once the cohort is closed (read-only: no change, move or withdraw)."""
    from programmes.models import Cohort

    mentor_row = Enrolment.objects.get(cohort=world.cohort, person=world.mentor)
    newcomer = EnrolmentFactory(
        cohort=world.cohort, person=PersonFactory(full_name="Nia <New>", email="nia@corp.example")
    )
    login(client, world.admin)
    page = client.get(url("review", world.cohort.pk))
    # The page is kept rendered (mentorship/kept.py): its CSRF token is filled in per request.
    text = re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value="token"', page.text
    )
    assert (
        f"<tr><td>{world.mentor.full_name}</td><td>Mentor</td><td>Enrolled</td>"
        f'<td>1 of 2 places taken · <a href="{url("mentor-capacity", mentor_row.pk)}">Change'
        f'<span class="visually-hidden"> the capacity of {world.mentor.full_name}</span></a></td>'
        "<td>active</td>"
    ) in text
    assert "<td>1 of 1 place taken · " in text
    token = "token"
    assert (
        "<tr><td>Nia &lt;New&gt;</td><td>Mentee</td><td>Enrolled</td><td>–</td>"
        '<td><span class="text-warning-emphasis">not activated</span>'
        f'<form method="post" action="{url("activation-resend", newcomer.pk)}" class="d-inline">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        '<button type="submit" class="btn btn-link btn-sm p-0 align-baseline">Resend link'
        '<span class="visually-hidden"> to Nia &lt;New&gt;</span></button></form></td>'
        "<td>not yet</td>"
        f'<td class="text-end text-nowrap"><a href="{url("move", newcomer.pk)}">Move'
        '<span class="visually-hidden"> Nia &lt;New&gt;</span></a> · '
        f'<a class="link-danger" href="{url("admin-withdraw", newcomer.pk)}">Withdraw'
        '<span class="visually-hidden"> Nia &lt;New&gt;</span></a> · '
        f'<a href="/history/enrolment/{newcomer.pk}/">History'
        '<span class="visually-hidden"> of the enrolment of Nia &lt;New&gt;</span></a></td></tr>'
    ) in text
    # Every row links its history (audit/), after what else it offers.
    assert (
        text.count('<small>in an active pairing</small> · <a href="/history/enrolment/') == 4
    )  # both pairs, both sides

    Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CLOSED)
    closed = client.get(url("review", world.cohort.pk)).text
    assert "<td>1 of 2 places taken</td>" in closed
    assert url("move", newcomer.pk) not in closed and "/capacity/" not in closed


def test_review_lists_lengths_are_counted_by_hand(client, world, open_cohort):
    """2 applying mentors, 3 waitlisted mentees, 1 active mentor, 2 active mentees, 1 withdrawn and
    1 declined: applications 2, waitlist 3, enrolled 2 + 3 + 1 + 2 = 8 (everyone still in)."""
    for _ in range(2):
        EnrolmentFactory(cohort=open_cohort, role="mentor", status="applied")
    for _ in range(3):
        EnrolmentFactory(cohort=open_cohort, status="waitlisted")
    active_mentor(open_cohort)
    for _ in range(2):
        EnrolmentFactory(cohort=open_cohort)
    EnrolmentFactory(cohort=open_cohort, status="withdrawn")
    EnrolmentFactory(cohort=open_cohort, role="mentor", status="declined")
    login(client, world.admin)
    page = client.get(url("review", open_cohort.pk))
    assert (
        page.context["applications"].paginator.count,
        page.context["waitlist"].paginator.count,
        page.context["enrolments"].paginator.count,
    ) == (2, 3, 8)
    assert 'Mentor applications <span class="text-body-secondary">(2)</span>' in page.text
    assert 'Waitlist <span class="text-body-secondary">(3)</span>' in page.text
    assert 'Enrolled <span class="text-body-secondary">(8)</span>' in page.text


def test_profile_lists_run_in_columns_and_say_how_many_are_chosen(client, world):
    login(client, world.mentee.user)
    page = client.get(url("profile", world.pair.mentee.pk)).text
    interests = world.mentee.interests.count()
    skills = world.mentee.skills.count()
    assert interests == 2  # the world's mentee: billing and tone
    assert '<div class="choice-columns" id="choices-interests">' in page
    counts = re.findall(r'data-choice-count="choices-(\w+)"[^>]*>\s*(\d+) chosen', page)
    assert ("interests", "2") in counts
    assert ("skills", str(skills)) in counts
    # The page names its parts so a long questionnaire can be walked through in steps.
    assert 'aria-label="Parts of your profile"' in page


def _progress(page):
    """The questionnaire's parts as its progress shows them: (title, state) in order."""
    return re.findall(r'\d+\. ([^<]+)<span class="visually-hidden">:\s*([^<]+?)</span>', page)


def test_profile_progress_counts_the_parts_answered_and_marks_the_part_with_an_error(
    client, world, open_cohort
):
    """A new mentor's questionnaire: by hand, only "when and how" has answers (the person's time
    zone and the default format); work style, interests/skills and mentoring are empty.
    After a post with a bad capacity, mentoring is the part to change and every answer typed is
    still on the page, in every part."""
    enrolment = EnrolmentFactory(cohort=open_cohort, person=world.outsider, role="mentor", capacity=1)
    world.outsider.interests.clear()
    world.outsider.skills.clear()
    login(client, world.outsider.user)
    page = client.get(url("profile", enrolment.pk)).text
    assert _progress(page) == [
        ("How you like to work", "not answered yet"),
        ("Interests and skills", "not answered yet"),
        ("Mentoring", "not answered yet"),
        ("When and how to meet", "answered"),
    ]
    assert (
        "1 of 4 parts answered" in page
        and '<progress class="profile-progress-bar mb-2" max="4" value="1"' in page
    )
    data = {
        "communication": "spoken",
        "structure": "structured",
        "pace": "steady",
        "feedback": "direct",
        "interests": [world.tags[0].pk, world.tags[2].pk],
        "skills": [world.tags[1].pk],
        "motivation": "Ten years of billing tickets",
        "capacity": 9,
        "availability": "Tue mornings",
        "time_zone": "Europe/Paris",
        "preferred_format": "video",
    }
    page = client.post(url("profile", enrolment.pk), data).text
    assert _progress(page) == [
        ("How you like to work", "answered"),
        ("Interests and skills", "answered"),
        ("Mentoring", "an answer to change"),
        ("When and how to meet", "answered"),
    ]
    assert "3 of 4 parts answered" in page
    assert (
        'some answers need a change, in\n    <a class="alert-link" href="#mentor-heading">Mentoring</a>'
        in page
    )
    # Every part keeps what was typed.
    checked = set(re.findall(r'name="(\w+)" value="(\d+)"[^>]*checked', page))
    assert {("interests", str(world.tags[0].pk)), ("interests", str(world.tags[2].pk))} <= checked
    assert ("skills", str(world.tags[1].pk)) in checked
    assert re.search(r'name="communication" value="spoken"[^>]*checked', page)
    assert "Ten years of billing tickets" in page and 'value="Tue mornings"' in page
    assert re.search(r'<option value="Europe/Paris" selected>', page)
    assert not enrolment.__class__.objects.get(pk=enrolment.pk).profile_complete
    assert "Not saved yet" in page
    assert client.post(url("profile", enrolment.pk), {**data, "capacity": 2}).status_code == 302
    assert "Not saved yet" not in client.get(url("profile", enrolment.pk)).text


def test_profile_page_has_no_inline_script_and_marks_its_counters_for_the_static_script(client, world):
    login(client, world.mentee.user)
    page = client.get(url("profile", world.pair.mentee.pk)).text
    # static/js/app.js (loaded by base.html) counts the ticked boxes of each marked list.
    assert "js/app.js" in page and "data-choice-count=" in page
    assert "<script>" not in page and 'document.querySelectorAll("[data-choice-count]")' not in page


# --- the review page kept rendered under the cohort's stamps (issue 8, §5) -----------------------

# user (with person and roles), cohort (its row is part of what the kept page is checked against).
REVIEW_KEPT_QUERIES = 2


def test_the_review_page_is_kept_until_a_write_it_shows(
    client, world, open_cohort, django_assert_num_queries
):
    _fill(open_cohort, 2)
    login(client, world.admin)
    first = client.get(url("review", open_cohort.pk)).text
    with django_assert_num_queries(REVIEW_KEPT_QUERIES):
        second = client.get(url("review", open_cohort.pk)).text
    assert re.sub(r'value="[^"]*"', "", first) == re.sub(r'value="[^"]*"', "", second)  # tokens differ


def _then_apply(world, cohort):
    EnrolmentFactory(cohort=cohort, role="mentor", capacity=1, status="applied", person=world.outsider)
    return "Sam Outsider"


def _then_approve(world, cohort):
    application = EnrolmentFactory(cohort=cohort, role="mentor", capacity=1, status="applied")
    services.application_review(
        enrolment=application, approve=True, checks=["expertise", "communication", "patience"], by=world.admin
    )
    return f"{application.person.full_name}"


def _then_invite(world, cohort):
    services.invitation_send(cohort=cohort, people=[world.outsider], role="mentee", by=world.admin)
    return world.outsider.email


def _then_accept_invitation(world, cohort):
    invitation = Invitation.objects.create(cohort=cohort, email="new@example.com", role="mentee")
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())  # as the service does
    return "new@example.com"


def _then_rename(world, cohort):
    EnrolmentFactory(cohort=cohort, person=world.outsider)
    world.outsider.full_name = "Sam Renamed"
    world.outsider.save()
    return "Sam Renamed"


def _then_close_self_enrolment(world, cohort):
    type(cohort).objects.filter(pk=cohort.pk).update(self_enrolment_open=False)
    return "!/enrol/join/"


@pytest.mark.parametrize(
    "write",
    [
        _then_apply,
        _then_approve,
        _then_invite,
        _then_accept_invitation,
        _then_rename,
        _then_close_self_enrolment,
    ],
)
def test_every_write_the_review_page_shows_shows_on_the_next_look(client, world, open_cohort, write):
    login(client, world.admin)
    client.get(url("review", open_cohort.pk))
    client.get(url("review", open_cohort.pk))  # kept now
    shown = write(world, open_cohort)
    text = client.get(url("review", open_cohort.pk)).text
    if shown.startswith("!"):
        assert shown[1:] not in text
    else:
        assert shown in text
