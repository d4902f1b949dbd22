"""Django's password validators on every path that sets a password (issue 12): activation, reset,
change, the invitation's new login, and the Django admin's add-user and set-password forms. Each
refuses a weak password with an error on the field, keeps what else was typed, and never sends the
password back."""

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from enrolment import services as enrolment_services
from enrolment.models import Invitation
from people import accounts
from programmes.models import Enrolment
from tests.conftest import login
from tests.factories import CohortFactory, PersonFactory, UserFactory

GOOD = "a-long-Pa55word"  # noqa: S105 - a test password
WEAK = "password"  # the list of common passwords has it; eight characters, so only that rule refuses it
TOO_COMMON = "This password is too common."


def assert_refused(response, field: str):
    text = response.text
    assert response.status_code == 200
    assert TOO_COMMON in text
    form = response.context["form"] if "form" in response.context else response.context["adminform"].form
    assert TOO_COMMON in " ".join(form.errors.get(field, [])), form.errors
    assert f'value="{WEAK}"' not in text


@pytest.fixture
def ana(db):
    user = UserFactory(username="ana@example.com", email="ana@example.com", first_name="Ana")
    user.set_password(GOOD)
    user.save()
    return user


def uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def follow_token_link(client, path):
    """Django's confirm views move the token into the session and redirect to the form."""
    landing = client.get(path)
    assert landing.status_code == 302
    return landing.url


def test_activation_refuses_a_weak_password(client, ana):
    ana.set_unusable_password()
    ana.save()
    link = reverse("account-activate", args=[uid(ana), accounts.activation_tokens.make_token(ana)])
    form_url = follow_token_link(client, link)
    response = client.post(form_url, {"new_password1": WEAK, "new_password2": WEAK})
    assert_refused(response, "new_password2")
    assert "Set your password" in response.text and "ana@example.com" in response.text  # the login shown
    ana.refresh_from_db()
    assert not ana.has_usable_password()


def test_reset_confirm_refuses_a_weak_password(client, ana):
    link = reverse("password_reset_confirm", args=[uid(ana), default_token_generator.make_token(ana)])
    form_url = follow_token_link(client, link)
    response = client.post(form_url, {"new_password1": WEAK, "new_password2": WEAK})
    assert_refused(response, "new_password2")
    ana.refresh_from_db()
    assert ana.check_password(GOOD)


def test_password_change_refuses_a_weak_password(client, ana):
    login(client, ana)
    response = client.post(
        reverse("password_change"),
        {"old_password": GOOD, "new_password1": WEAK, "new_password2": WEAK},
    )
    assert_refused(response, "new_password2")
    assert f'value="{GOOD}"' not in response.text  # the old one is a password too
    ana.refresh_from_db()
    assert ana.check_password(GOOD)


def test_the_invitations_new_login_refuses_a_weak_password(client, world):
    cohort = CohortFactory(programme=world.cohort.programme, state="enrolling")
    newcomer = PersonFactory(full_name="Nia New", email="nia@example.com")
    invitation = Invitation.objects.create(
        cohort=cohort, email=newcomer.email, role="mentee", person=newcomer
    )
    link = reverse("enrolment:accept", args=[enrolment_services.invitation_token(invitation)])
    response = client.post(link, {"password1": WEAK, "password2": WEAK})
    assert_refused(response, "password1")
    assert "nia@example.com" in response.text
    assert not User.objects.filter(username="nia@example.com").exists()
    assert not Enrolment.objects.filter(person=newcomer).exists()


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_django_admins_set_password_refuses_a_weak_password(client, superuser, ana):
    login(client, superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[ana.pk]),
        {"password1": WEAK, "password2": WEAK, "usable_password": "true"},
    )
    assert_refused(response, "password2")
    ana.refresh_from_db()
    assert ana.check_password(GOOD)


def test_the_django_admins_add_user_refuses_a_weak_password_and_keeps_the_username(client, superuser):
    login(client, superuser)
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "newbie", "password1": WEAK, "password2": WEAK, "usable_password": "true"},
    )
    assert_refused(response, "password2")
    assert 'value="newbie"' in response.text
    assert not User.objects.filter(username="newbie").exists()
