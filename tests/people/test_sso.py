"""Single sign-on (issue 12): the real authorization code flow against a real OpenID provider
(django-oauth-toolkit, tests/oidc_provider/) on loopback. The product side is Django's test client;
its calls to the provider (discovery, token, keys, user info) go over HTTP to that server."""

import datetime
import html
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from django.utils import timezone

from people import sso
from people.models import Person
from tests.factories import PersonFactory, UserFactory
from tests.oidc_provider import serve
from tests.realservers import free_port

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def sso_on(settings, oidc_provider):
    settings.OIDC_RP_CLIENT_ID = serve.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = serve.CLIENT_SECRET
    settings.OIDC_PROVIDER_URL = oidc_provider.url
    settings.OIDC_BUTTON_LABEL = "Sign in with Example Corp"
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", "")
    return oidc_provider


@pytest.fixture
def people(db):
    """Who the product holds: someone with no login yet (their address in another case than the
    provider's), someone with a login, someone who has left, someone whose provider address is not
    verified. The provider's "stranger" is nobody here."""
    linked_user = UserFactory(username="linked-login", email="linked@example.com")
    return {
        "known": PersonFactory(full_name="Kim Known", email="known.person@example.com"),
        "linked": PersonFactory(full_name="Lee Linked", email="LINKED@example.com", user=linked_user),
        "leaver": PersonFactory(
            full_name="Lou Leaver", email="leaver@example.com", leave_date=YESTERDAY, hire_date=YESTERDAY
        ),
        "unconfirmed": PersonFactory(full_name="Una Unconfirmed", email="unconfirmed@example.com"),
    }


def start(client, next_url=None):
    """Press the button: the product sends the browser to the provider's authorize endpoint."""
    response = client.get(reverse("sso:login"), {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content
    return response.url


def at_provider(provider, username, authorize_url):
    """The provider's side, as the browser follows it: logged in there, sent back with a code."""
    answer = provider.logged_in_as(username).get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = answer.headers["Location"]
    assert back.startswith(serve.REDIRECT_URI), back
    parts = urlsplit(back)
    return f"{parts.path}?{parts.query}"


def sign_in(client, provider, username, next_url=None):
    return client.get(at_provider(provider, username, start(client, next_url)))


def page_text(response) -> str:
    """The page as a reader sees it (the template escapes apostrophes in what it is given)."""
    return html.unescape(response.content.decode())


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_a_person_with_no_login_is_logged_in_with_a_new_login_linked_to_them(client, sso_on, people):
    response = sign_in(client, sso_on, "known", next_url="/notifications/")

    assert response.status_code == 302
    assert response.url == "/notifications/"
    person = Person.objects.select_related("user").get(pk=people["known"].pk)
    assert person.user is not None
    assert logged_in_user_id(client) == str(person.user.pk)
    # Made as for an enrolment: named after their email, no password of ours to guess.
    assert person.user.username == "known.person@example.com"
    assert person.user.password.startswith(UNUSABLE_PASSWORD_PREFIX)
    assert client.get("/notifications/").status_code == 200
    # Signed in once, they count as activated (admins' lists, activation emails) without a password.
    assert Person.objects.select_related("user").get(pk=person.pk).can_log_in
    assert Person.objects.with_login().filter(pk=person.pk).exists()
    assert not Person.objects.with_login(activated=False).filter(pk=person.pk).exists()


def test_a_second_sign_in_reuses_the_login_made_by_the_first(client, sso_on, people):
    sign_in(client, sso_on, "known")
    client.logout()
    logins = User.objects.count()

    response = sign_in(client, sso_on, "known")

    assert response.status_code == 302
    assert User.objects.count() == logins
    assert logged_in_user_id(client) == str(Person.objects.get(pk=people["known"].pk).user_id)


def test_a_person_with_a_login_gets_that_login_matched_by_email_in_any_case(client, sso_on, people):
    logins = User.objects.count()

    response = sign_in(client, sso_on, "linked")

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert logged_in_user_id(client) == str(people["linked"].user_id)
    assert User.objects.count() == logins


def test_someone_with_no_person_record_is_refused_and_no_account_is_made(client, sso_on, people):
    logins = User.objects.count()

    response = sign_in(client, sso_on, "stranger")

    assert response.status_code == 403
    body = page_text(response)
    assert "We don't have you on record" in body
    assert "stranger@example.com" in body
    assert "Ask your programme admin" in body
    assert logged_in_user_id(client) is None
    assert User.objects.count() == logins


def test_a_person_who_has_left_is_refused(client, sso_on, people):
    response = sign_in(client, sso_on, "leaver")

    assert response.status_code == 403
    assert "Your access has ended" in page_text(response)
    assert logged_in_user_id(client) is None
    assert Person.objects.get(pk=people["leaver"].pk).user_id is None


def test_an_address_the_provider_has_not_verified_is_refused(client, sso_on, people):
    response = sign_in(client, sso_on, "unconfirmed")

    assert response.status_code == 403
    assert "isn't verified" in page_text(response)
    assert logged_in_user_id(client) is None
    assert Person.objects.get(pk=people["unconfirmed"].pk).user_id is None


def test_a_login_an_admin_switched_off_is_refused(client, sso_on, people):
    User.objects.filter(pk=people["linked"].user_id).update(is_active=False)

    response = sign_in(client, sso_on, "linked")

    assert response.status_code == 403
    assert "Your login is switched off" in page_text(response)
    assert logged_in_user_id(client) is None


def test_an_email_two_people_share_is_refused_rather_than_guessed(client, sso_on, people):
    PersonFactory(full_name="Kim Known (again)", email="KNOWN.person@example.com")
    logins = User.objects.count()

    response = sign_in(client, sso_on, "known")

    assert response.status_code == 403
    assert "More than one person" in page_text(response)
    assert User.objects.count() == logins


def test_a_callback_with_a_state_this_browser_never_started_is_refused_without_a_500(client, sso_on, people):
    callback = at_provider(sso_on, "known", start(client))
    query = parse_qs(urlsplit(callback).query)

    forged = client.get(reverse("sso:callback"), {"code": query["code"][0], "state": "not-the-state"})

    assert forged.status_code == 403
    assert "The sign-in didn't complete" in page_text(forged)
    assert logged_in_user_id(client) is None


def test_a_code_the_provider_never_issued_is_refused_without_a_500(client, sso_on, people):
    callback = at_provider(sso_on, "known", start(client))
    state = parse_qs(urlsplit(callback).query)["state"][0]

    response = client.get(reverse("sso:callback"), {"code": "made-up", "state": state})

    assert response.status_code == 403
    assert "The sign-in didn't complete" in page_text(response)
    assert Person.objects.get(pk=people["known"].pk).user_id is None


def test_a_callback_in_a_browser_that_started_nothing_is_refused(client, sso_on, people):
    other_browser = client.__class__()
    callback = at_provider(sso_on, "known", start(other_browser))

    response = client.get(callback)

    assert response.status_code == 403
    assert logged_in_user_id(client) is None


def test_a_callback_used_twice_logs_in_only_once(client, sso_on, people):
    callback = at_provider(sso_on, "known", start(client))
    assert client.get(callback).status_code == 302
    client.logout()

    replayed = client.get(callback)

    assert replayed.status_code == 403
    assert logged_in_user_id(client) is None


def test_the_provider_saying_no_shows_the_refused_page(client, sso_on, people):
    authorize = urlsplit(start(client))
    state = parse_qs(authorize.query)["state"][0]

    response = client.get(reverse("sso:callback"), {"error": "access_denied", "state": state})

    assert response.status_code == 403
    assert logged_in_user_id(client) is None


def test_an_error_answer_this_browser_never_asked_for_logs_nobody_out(client, sso_on, people):
    client.force_login(people["linked"].user)

    response = client.get(reverse("sso:callback"), {"error": "access_denied", "state": "from-elsewhere"})

    assert response.status_code == 403
    assert logged_in_user_id(client) == str(people["linked"].user_id)


def test_next_on_another_site_is_dropped_for_the_home_page(client, sso_on, people):
    response = sign_in(client, sso_on, "linked", next_url="https://elsewhere.example/steal")

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_provider_that_is_down_when_the_sign_in_starts_gets_a_clear_page(client, settings, db):
    settings.OIDC_RP_CLIENT_ID = serve.CLIENT_ID
    settings.OIDC_PROVIDER_URL = f"http://127.0.0.1:{free_port()}/o"  # nothing listens there

    response = client.get(reverse("sso:login"))

    assert response.status_code == 503
    assert "sign-in provider isn't answering" in page_text(response)


def test_a_provider_that_goes_down_before_the_code_is_exchanged_gets_a_clear_page(
    client, sso_on, settings, people
):
    callback = at_provider(sso_on, "known", start(client))
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{free_port()}/o/token/"

    response = client.get(callback)

    assert response.status_code == 503
    assert "sign-in provider isn't answering" in page_text(response)
    assert logged_in_user_id(client) is None
    assert Person.objects.get(pk=people["known"].pk).user_id is None


def test_the_login_page_offers_the_button_with_the_configured_label_and_keeps_next(client, sso_on):
    page = client.get(reverse("login"), {"next": "/notifications/"}).content.decode()

    assert "Sign in with Example Corp" in page
    assert 'href="/accounts/sso/login/?next=/notifications/"' in page


def test_single_sign_on_is_off_when_not_configured(client, settings, db):
    settings.OIDC_RP_CLIENT_ID = ""

    assert reverse("sso:login") not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("sso:login")).status_code == 404
    assert client.get(reverse("sso:callback"), {"code": "x", "state": "y"}).status_code == 404


def test_a_password_login_whose_address_carries_code_and_state_never_asks_the_provider(client, settings, db):
    settings.OIDC_RP_CLIENT_ID = serve.CLIENT_ID
    settings.OIDC_PROVIDER_URL = f"http://127.0.0.1:{free_port()}/o"  # would fail if it were asked
    user = UserFactory(username="pat")

    response = client.post(reverse("login") + "?code=abc&state=def", {"username": "pat", "password": "demo"})

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


@pytest.mark.parametrize(
    ("claims", "verified"),
    [
        ({"email": "a@example.com"}, True),  # a provider that never sends it vouches for its addresses
        ({"email_verified": True}, True),
        ({"email_verified": "true"}, True),  # some providers send the string
        ({"email_verified": False}, False),
        ({"email_verified": "false"}, False),
        ({"email_verified": None}, False),
        ({"email_verified": 1}, False),
    ],
)
def test_email_verified_must_say_true_when_the_provider_sends_it(claims, verified):
    assert sso.email_verified(claims) is verified


def _backend_trusting(secret: str) -> sso.PersonOIDCBackend:
    """The backend as authenticate() sets it up, for an HS256 provider (the client secret signs)."""
    backend = sso.PersonOIDCBackend()
    backend.OIDC_RP_CLIENT_ID = "ours"
    backend.OIDC_RP_CLIENT_SECRET = secret
    backend.OIDC_RP_SIGN_ALGO = "HS256"
    backend.OIDC_RP_IDP_SIGN_KEY = None
    return backend


@pytest.mark.parametrize(
    ("audience", "accepted"), [("ours", True), (["other", "ours"], True), ("other", False)]
)
def test_an_id_token_made_for_another_application_is_refused(audience, accepted):
    secret = "a-client-secret-of-at-least-32-bytes"  # noqa: S105 - a test key
    backend = _backend_trusting(secret)
    token = jwt.encode({"aud": audience, "sub": "1", "nonce": "n"}, secret, algorithm="HS256")

    if accepted:
        assert backend.verify_token(token, nonce="n")["sub"] == "1"
    else:
        with pytest.raises(SuspiciousOperation):
            backend.verify_token(token, nonce="n")


def test_a_malformed_id_token_is_refused_not_a_500(settings, rf, monkeypatch):
    settings.OIDC_RP_CLIENT_ID = "ours"
    settings.OIDC_RP_CLIENT_SECRET = "a-client-secret-of-at-least-32-bytes"  # noqa: S105 - a test key
    settings.OIDC_RP_SIGN_ALGO = "HS256"  # checked with the secret: nothing fetched before the token is read
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"http://127.0.0.1:9/{name.lower()}")
    backend = sso.PersonOIDCBackend()
    monkeypatch.setattr(backend, "get_token", lambda payload: {"id_token": "not-a-jwt", "access_token": "x"})
    request = rf.get("/accounts/sso/callback/", {"code": "c", "state": "s"})

    assert backend.authenticate(request, nonce="n", code_verifier="v") is None
    assert request.sso_refusal == sso.FAILED
