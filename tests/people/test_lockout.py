"""Guessing passwords (issue 12): "100 wrong passwords in a minute were all accepted for trying and the
right one then worked". django-axes on the login page and the Django admin's; reset requests
throttled by address and by client; the client's address from X-Forwarded-For only when configured."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import SESSION_KEY, authenticate
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from people import lockout
from tests.factories import UserFactory

PASSWORD = "a-long-Pa55word"  # noqa: S105 - a test password
T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
LIMIT, COOLOFF = 5, datetime.timedelta(minutes=15)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def person(db):
    user = UserFactory(username="ana", email="ana@example.com")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, password, *, username="ana", url=None, **extra):
    return client.post(url or reverse("login"), {"username": username, "password": password}, **extra)


def is_locked_out(response) -> bool:
    return response.status_code == 429 and "Too many attempts" in response.text


def test_the_limit_and_cool_off_are_what_the_settings_say(settings):
    """The figures every other test here relies on (LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES)."""
    assert settings.AXES_FAILURE_LIMIT == LIMIT and settings.AXES_COOLOFF_TIME == COOLOFF
    assert settings.AUTHENTICATION_BACKENDS[0] == "people.backends.LockoutBackend"


def test_a_password_checked_without_a_request_is_not_refused(person):
    """A script or command has no client to lock out (axes alone would raise)."""
    assert authenticate(username="ana", password=PASSWORD) == person
    assert authenticate(username="ana", password="wrong") is None


def test_100_wrong_passwords_in_a_minute_lock_the_login_and_the_right_one_waits_for_the_cool_off(
    client, person, frozen
):
    answers = []
    for second in range(100):
        frozen.move_to(T0 + datetime.timedelta(seconds=second * 0.6))
        answers.append(log_in(client, f"guess-{second}"))
    # The form says "wrong" four times; the fifth failure and every one after get the lockout page.
    assert [a.status_code for a in answers[: LIMIT - 1]] == [200] * (LIMIT - 1)
    assert "Please enter a correct username and password" in answers[0].text
    assert all(is_locked_out(a) for a in answers[LIMIT - 1 :])
    assert answers[-1]["Retry-After"] == "900"
    assert "try again in 15 minutes" in answers[-1].text
    last_try = T0 + datetime.timedelta(seconds=99 * 0.6)

    # The right password is refused while locked (and, as a try, starts the wait again).
    right_try = last_try + COOLOFF - datetime.timedelta(minutes=1)
    frozen.move_to(right_try)
    assert is_locked_out(log_in(client, PASSWORD))
    assert SESSION_KEY not in client.session

    frozen.move_to(right_try + COOLOFF + datetime.timedelta(seconds=1))
    response = log_in(client, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(person.pk)
    # The success cleared the count: four wrong passwords later, the form still answers.
    assert not AccessAttempt.objects.filter(username="ana").exists()
    assert AccessLog.objects.filter(username="ana").count() == 1
    client.logout()
    assert [log_in(client, "wrong").status_code for _ in range(LIMIT - 1)] == [200] * (LIMIT - 1)


def test_failures_without_a_username_are_not_counted_and_lock_nobody_out(client, person, frozen):
    """A failed single sign-on callback has no username: keyed on the address alone, a few of them
    would lock out everyone behind the same office address."""
    for _ in range(LIMIT * 2):
        request = RequestFactory().get("/sso/callback/", REMOTE_ADDR="127.0.0.1")
        assert authenticate(request, code="not-a-real-code") is None
    assert not AccessAttempt.objects.exists()
    assert log_in(client, PASSWORD).status_code == 302


def test_the_passwords_tried_are_never_stored(client, person, frozen):
    for n in range(3):
        log_in(client, f"near-miss-{n}")
    [attempt] = AccessAttempt.objects.filter(username="ana")
    assert attempt.failures_since_start == 3 and attempt.ip_address == "127.0.0.1"
    assert "near-miss" not in attempt.post_data and "password=****" in attempt.post_data


def test_a_lockout_holds_one_login_from_one_address_not_the_office_or_the_person_elsewhere(
    client, person, frozen
):
    """Keyed on username and IP together: a colleague behind the same office address still gets in,
    and so does the person from another address."""
    colleague = UserFactory(username="bo")
    colleague.set_password(PASSWORD)
    colleague.save()
    for _ in range(LIMIT):
        log_in(client, "wrong")
    assert is_locked_out(log_in(client, PASSWORD))
    assert log_in(client, PASSWORD, username="bo").status_code == 302
    client.logout()
    assert log_in(client, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_x_forwarded_for_is_ignored_unless_proxies_are_configured(client, person, frozen, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(LIMIT):
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    # A new made-up address on every try changed nothing: still one client.
    assert is_locked_out(log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99"))


def test_a_new_browser_name_on_every_try_changes_nothing(client, person, frozen):
    for n in range(LIMIT - 1):
        log_in(client, "wrong", HTTP_USER_AGENT=f"Browser/{n}")
    assert is_locked_out(log_in(client, "wrong", HTTP_USER_AGENT="Browser/99"))


def test_client_ip_takes_the_address_the_outermost_trusted_proxy_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert lockout.client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1  # the client wrote 6.6.6.6 itself; our proxy appended 198.51.100.7
    assert lockout.client_ip(request) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert lockout.client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: not what our proxies send
    assert lockout.client_ip(request) == "10.0.0.1"


def test_the_django_admin_login_is_locked_out_too(client, db, frozen):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin.set_password(PASSWORD)
    admin.save()
    url = reverse("admin:login")
    answers = [log_in(client, "wrong", username="root", url=url) for _ in range(LIMIT)]
    assert [a.status_code for a in answers[:-1]] == [200] * (LIMIT - 1)
    assert is_locked_out(answers[-1])
    assert is_locked_out(log_in(client, PASSWORD, username="root", url=url))
    assert client.get(reverse("admin:index")).status_code == 302  # not logged in


def test_the_lockout_page_looks_like_the_product(client, person, frozen):
    for _ in range(LIMIT):
        page = log_in(client, "wrong")
    assert "Django administration" not in page.text and "<h1" in page.text
    assert reverse("password_reset") in page.text and reverse("login") in page.text


def test_a_new_password_from_an_emailed_link_ends_the_lockout(client, person, frozen):
    """What the lockout page suggests: "Forgot your password?" and then log in at once."""
    for _ in range(LIMIT):
        log_in(client, "wrong")
    assert is_locked_out(log_in(client, PASSWORD))
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(person)])
    form_url = client.get(link).url
    new = "another-l0ng-Password"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    assert log_in(client, new).status_code == 302


# --- password reset -----------------------------------------------------------------------------


def ask_for_reset(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_reset_links_to_one_address_stop_after_the_limit_and_the_page_reads_the_same(
    client, person, frozen, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT = 3
    known, unknown = [], []
    for minute in range(5):  # a minute apart: a link's token (and the outbox key) changes each second
        frozen.move_to(T0 + datetime.timedelta(minutes=minute))
        with django_capture_on_commit_callbacks(execute=True):
            known.append(ask_for_reset(client, "ana@example.com"))
            unknown.append(ask_for_reset(client, "nobody@example.com"))
    assert len(mail.outbox) == 3 and {m.to[0] for m in mail.outbox} == {"ana@example.com"}
    # Throttled or not, known or not: the same redirect to the same page.
    assert {(r.status_code, r.url) for r in known + unknown} == {(302, reverse("password_reset_done"))}
    # The address's count is case-blind and its window is an hour.
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_reset(client, "ANA@example.com")
    assert len(mail.outbox) == 3
    frozen.move_to(T0 + lockout.RESET_WINDOW + datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_reset(client, "ana@example.com")
    assert len(mail.outbox) == 4


def test_reset_requests_from_one_client_are_refused_past_the_limit_whatever_the_addresses(
    client, person, frozen, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_IP_LIMIT = 20
    with django_capture_on_commit_callbacks(execute=True):
        answers = [ask_for_reset(client, f"probe{n}@example.com") for n in range(20)]
        refused = ask_for_reset(client, "ana@example.com")
    assert {a.status_code for a in answers} == {302}
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "Too many password reset requests" in refused.text and "60 minutes" in refused.text
    assert mail.outbox == []
    # Another client is not held back by this one.
    with django_capture_on_commit_callbacks(execute=True):
        assert ask_for_reset(client, "ana@example.com", REMOTE_ADDR="10.9.9.9").status_code == 302
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]


def test_without_the_cache_a_reset_request_still_goes_through(
    client, person, frozen, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(lockout.cache, "add", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_reset(client, "ana@example.com")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]
