"""Logins for enrolled people (issue 8, section 1): activation, password reset, login with `next`."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from enrolment import services as enrolment_services
from people import services
from people.models import Person
from programmes.models import Enrolment
from tests.conftest import login
from tests.enrolment.conftest import active_mentor
from tests.factories import CohortFactory, PersonFactory, UserFactory

PASSWORD = "a-long-Pa55word"  # noqa: S105 - a test password
LINK = re.compile(r"http://testserver(/accounts/activate/[^\s\"<]+)")


@pytest.fixture
def open_cohort(world):
    return CohortFactory(programme=world.cohort.programme, name="Spring 2027", state="enrolling")


def activation_path(message) -> str:
    return LINK.search(message.body).group(1)


def set_password(client, path, password=PASSWORD):
    """Follow an activation link and choose a password; returns the final response."""
    landing = client.get(path)
    assert landing.status_code == 302  # the token moves into the session, out of the address bar
    form_url = landing.url
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_someone_enrolled_by_an_admin_gets_an_activation_link_that_leads_to_their_profile(
    working_hours, client, world, open_cohort, django_capture_on_commit_callbacks
):
    """Issue 8: a person enrolled by an admin had no login and could never get in."""
    active_mentor(open_cohort, capacity=2)
    person = PersonFactory(full_name="Ana Newcomer", email="ana@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_services.enrolment_add(cohort=open_cohort, person=person, role="mentee")
    person.refresh_from_db()
    assert person.user is not None and not person.user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.com"]
    assert "enrolled in Spring 2027" in message.body and "ana@example.com" in message.body

    path = activation_path(message)
    landing = client.get(path)
    page = client.get(landing.url)
    assert "Set your password" in page.text
    assert "go straight on to fill in your mentoring profile" in page.text
    assert "Django administration" not in page.text
    done = client.post(landing.url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.url == reverse("enrolment:profile", args=[enrolment.pk])
    assert client.get(done.url).status_code == 200  # logged in
    # Single use: the link is dead once the password is set.
    client.logout()
    again = client.get(path, follow=True)
    assert "This link can&#x27;t be used" in again.text or "This link can't be used" in again.text
    assert "Set my password" not in again.text


def test_every_enrolment_path_owes_an_activation_but_not_to_someone_who_can_log_in(
    working_hours, world, open_cohort, django_capture_on_commit_callbacks
):
    without, with_login = PersonFactory(), PersonFactory(user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        outcome = enrolment_services.people_enrol(
            cohort=open_cohort, people=[without, with_login], role="mentee"
        )
    assert len(outcome.waitlisted) == 2
    # Both hear they are waitlisted, once; only the one without a login finds an activation link in it.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([without.email, with_login.email])
    by_person = {m.to[0]: m.body for m in mail.outbox}
    assert "waitlist of Spring 2027" in by_person[without.email]
    assert "/accounts/activate/" in by_person[without.email]
    assert "/accounts/activate/" not in by_person[with_login.email]


def test_a_resent_activation_link_replaces_the_older_one(
    working_hours, client, world, open_cohort, django_capture_on_commit_callbacks
):
    person = PersonFactory(email="bo@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_services.enrolment_add(cohort=open_cohort, person=person, role="mentee")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_services.activation_resend(enrolment=enrolment)
    older, newer = (activation_path(m) for m in mail.outbox)
    assert older != newer
    assert "This link can" in client.get(older, follow=True).text
    assert set_password(client, newer).status_code == 302


def test_admin_sees_who_has_not_activated_and_can_resend(
    working_hours, client, world, open_cohort, django_capture_on_commit_callbacks
):
    person = PersonFactory(full_name="Cy Quiet")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_services.enrolment_add(cohort=open_cohort, person=person, role="mentee")
    login(client, world.admin)
    review = client.get(reverse("enrolment:review", args=[open_cohort.pk])).text
    assert "not activated" in review
    assert reverse("enrolment:activation-resend", args=[enrolment.pk]) in review
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enrolment:activation-resend", args=[enrolment.pk]), follow=True)
    assert "A new link to set a password is on its way to Cy Quiet" in response.text
    assert len(mail.outbox) == 2


def test_resending_to_someone_who_can_log_in_is_refused_in_words(world):
    mentee = Enrolment.objects.get(person=world.mentee, cohort=world.cohort)
    with pytest.raises(Exception, match="can log in"):
        enrolment_services.activation_resend(enrolment=mentee)


def test_activation_owed_says_nothing_for_people_who_have_left_or_have_no_email(world):
    assert not services.activation_owed(person=PersonFactory(email=""))
    assert not services.activation_owed(person=world.mentee)  # has a password already


def test_activation_links_to_an_existing_unlinked_login_with_their_email(world):
    user = User.objects.create_user("dee@example.com", "dee@example.com")
    user.set_unusable_password()
    user.save()
    person = PersonFactory(email="dee@example.com")
    assert services.activation_owed(person=person)
    assert Person.objects.get(pk=person.pk).user == user


# --- login, reset -------------------------------------------------------------------------------


def test_login_page_offers_a_password_reset_and_says_what_the_link_was_for(client, world):
    """Issue 8: a link in an email (workspace, pulse, reflection) should say what it leads to."""
    workspace = reverse("mentoring_sessions:pairing-detail", args=[world.pair.pk])
    redirect = client.get(workspace)
    assert redirect.status_code == 302 and "next=" in redirect.url
    page = client.get(redirect.url).text
    assert "Log in to open your mentoring workspace." in page
    assert reverse("password_reset") in page
    reflection = reverse("closeout:reflection", args=[world.pair.pk])
    assert "Log in to write your reflection" in client.get(client.get(reflection).url).text
    pulse = reverse("mentoring_sessions:checkin-answer", args=["abc"])
    response = client.get(pulse)
    if response.status_code == 302:  # the pulse answer page may take its token without a login
        assert "Log in to answer your pulse check-in." in client.get(response.url).text


def test_login_with_next_goes_back_to_the_page(client, world):
    workspace = reverse("mentoring_sessions:pairing-detail", args=[world.pair.pk])
    user = world.mentee.user
    user.set_password(PASSWORD)
    user.save()
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "next": workspace}
    )
    assert response.url == workspace


def test_password_reset_looks_like_the_product_and_never_says_whether_an_address_exists(
    client, world, django_capture_on_commit_callbacks
):
    page = client.get(reverse("password_reset"))
    assert "Forgot your password?" in page.text and "Django administration" not in page.text
    known = world.mentee.user
    known.email = "known@example.com"
    known.save()
    with django_capture_on_commit_callbacks(execute=True):
        unknown_response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
        known_response = client.post(reverse("password_reset"), {"email": "known@example.com"})
    assert unknown_response.status_code == known_response.status_code == 302
    assert unknown_response.url == known_response.url
    done = client.get(known_response.url).text
    assert "If the address belongs to a login" in done and "Django administration" not in done
    assert [m.to for m in mail.outbox] == [["known@example.com"]]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_someone_who_never_activated_can_use_forgot_password(
    client, world, open_cohort, django_capture_on_commit_callbacks
):
    person = PersonFactory(email="eve@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_services.enrolment_add(cohort=open_cohort, person=person, role="mentee")
        client.post(reverse("password_reset"), {"email": "eve@example.com"})
    assert [m.subject for m in mail.outbox][-1].startswith("Reset your password")


def test_reset_confirm_page_looks_like_the_product(client, world):
    page = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]), follow=True)
    assert "This link can" in page.text and "Django administration" not in page.text


def test_publishing_a_match_sends_a_fresh_activation_to_whoever_has_not_activated(
    working_hours, client, world, open_cohort, django_capture_on_commit_callbacks
):
    """Issue 8: the publish email linked to a workspace behind a login the person could never pass."""
    from matching.services import match_run_create, match_run_publish

    mentor = PersonFactory(full_name="Max Mentor", hire_date=datetime.date(2015, 1, 1), user=UserFactory())
    mentee = PersonFactory(full_name="Nora Mentee", email="nora@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_services.enrolment_add(cohort=open_cohort, person=mentor, role="mentor")
        enrolment_services.enrolment_add(cohort=open_cohort, person=mentee, role="mentee")
    first_link = activation_path(mail.outbox[-1])
    run = match_run_create(cohort=open_cohort, by=world.admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        match_run_publish(run=run, by=world.admin)
    activations = [m for m in mail.outbox if m.to == ["nora@example.com"] and "/accounts/activate/" in m.body]
    assert len(activations) == 1
    assert not any("/accounts/activate/" in m.body for m in mail.outbox if m.to != ["nora@example.com"])
    assert "This link can" in client.get(first_link, follow=True).text  # replaced by the new one
    pairing = run.pairings.get()
    done = set_password(client, activation_path(activations[0]))
    assert done.url == reverse("mentoring_sessions:pairing-detail", args=[pairing.pk])
    assert client.get(done.url).status_code == 200


def test_two_people_sharing_an_address_each_get_their_own_login(world):
    first, second = PersonFactory(email="team@example.com"), PersonFactory(email="team@example.com")
    assert services.activation_owed(person=first) and services.activation_owed(person=second)
    first.refresh_from_db(), second.refresh_from_db()
    assert first.user.username == "team@example.com"
    assert second.user.username == f"person-{second.pk}"
    long_local = "x" * 150 + "@example.com"
    long = PersonFactory(email=long_local)
    assert services.activation_owed(person=long)
    long.refresh_from_db()
    assert long.user.username == f"person-{long.pk}"
