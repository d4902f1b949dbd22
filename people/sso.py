"""Single sign-on through OpenID Connect (mozilla-django-oidc), configured by environment variables
(mentorship/settings.py, README "Single sign-on").

Someone who signs in at the organisation's provider is let in only as a Person we already hold:
matched by email (case-insensitive; a provider that says the address is not verified is refused),
still employed, and with a login an admin has not switched off. A person with no login yet gets one
(people.services.sso_login_for). Nobody else gets an account: they see a page that says to ask the
programme admin. The provider's answers are checked by the library (state, nonce, PKCE, the id token's
signature against the provider's keys); what it cannot decide is refused here with a reason the page
explains, and a provider that does not answer gets a page of its own, never a 500.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render, resolve_url
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import accounts, services
from .backends import RolesModelBackend
from .models import Person

logger = logging.getLogger(__name__)

# How long the provider's discovery document is kept: providers change endpoints and keys rarely.
DISCOVERY_SECONDS = 3600

# The endpoints this client needs: setting name -> name in the discovery document.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}

# Why a sign-in was refused (request.sso_refusal), each with its own heading and sentence on the page
# (%(email)s: the address the provider gave; %(product)s: the product's name).
NO_EMAIL = "no-email"
UNKNOWN = "unknown"
LEFT = "left"
UNVERIFIED = "unverified"
SWITCHED_OFF = "switched-off"
SHARED_EMAIL = "shared-email"
FAILED = "failed"
REFUSALS = {
    NO_EMAIL: (
        _lazy("We don't have you on record"),
        _lazy(
            "Your sign-in worked, but your provider gave us no email address to find you by in "
            "%(product)s. Ask your programme admin to add you; no account has been created."
        ),
    ),
    UNKNOWN: (
        _lazy("We don't have you on record"),
        _lazy(
            "Your sign-in worked, but nobody in %(product)s has the email address %(email)s. Ask your "
            "programme admin to add you (or to correct your email address); no account has been created."
        ),
    ),
    LEFT: (
        _lazy("Your access has ended"),
        _lazy(
            "Our records say you have left the organisation, so you can no longer log in. If that is "
            "wrong, ask your programme admin."
        ),
    ),
    UNVERIFIED: (
        _lazy("Your email address isn't verified"),
        _lazy(
            "Your sign-in provider says %(email)s is not verified, so we can't tell it is yours. Verify "
            "it with your provider and try again, or ask your programme admin."
        ),
    ),
    SWITCHED_OFF: (
        _lazy("Your login is switched off"),
        _lazy("An administrator has switched off your login. Ask your programme admin if you need it back."),
    ),
    SHARED_EMAIL: (
        _lazy("We can't tell which record is yours"),
        _lazy(
            "More than one person in our records has the email address %(email)s. Ask your programme "
            "admin to correct it; no account has been created."
        ),
    ),
    FAILED: (
        _lazy("The sign-in didn't complete"),
        _lazy(
            "The answer from your sign-in provider could not be checked (it may have expired, been used "
            "already, or been started in another browser). Try again; if it keeps happening, ask your "
            "programme admin."
        ),
    ),
}


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered with something that is not OpenID Connect."""


def enabled() -> bool:
    """On when a client id is set and the provider can be found (a discovery URL, or every endpoint)."""
    if not settings.OIDC_RP_CLIENT_ID:
        return False
    return bool(settings.OIDC_PROVIDER_URL) or all(getattr(settings, name) for name in ENDPOINTS)


def button_label() -> str:
    return settings.OIDC_BUTTON_LABEL or _("Sign in with single sign-on")


def endpoints() -> dict[str, str]:
    """The provider's endpoints by setting name: those set explicitly, the rest from its discovery
    document (kept in the cache). Raises ProviderUnavailable when one is missing and cannot be found."""
    found = {name: getattr(settings, name) for name in ENDPOINTS}
    if all(found.values()):
        return found
    discovered = _discovery(settings.OIDC_PROVIDER_URL) if settings.OIDC_PROVIDER_URL else {}
    for name, key in ENDPOINTS.items():
        found[name] = found[name] or discovered.get(key, "")
        if not isinstance(found[name], str) or not found[name]:
            raise ProviderUnavailable(f"the provider publishes no {key}")
    return found


def _discovery(provider_url: str) -> dict:
    key = f"sso:discovery:{provider_url}"
    document = cache.get(key)
    if document is not None:
        return document
    try:
        response = requests.get(
            f"{provider_url}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery at {provider_url} failed: {exc}") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"discovery at {provider_url} is not a JSON object")
    # Only a document that worked is kept: an outage is retried on the next sign-in.
    cache.set(key, document, DISCOVERY_SECONDS)
    return document


def _refuse(request, reason: str, *, email: str = ""):
    request.sso_refusal = reason
    request.sso_email = email
    return None


def email_verified(claims: dict) -> bool:
    """A provider that sends `email_verified` must say true; one that never sends it vouches for the
    addresses it holds (most workforce directories)."""
    if "email_verified" not in claims:
        return True
    value = claims["email_verified"]
    return value is True or (isinstance(value, str) and value.lower() == "true")


class PersonOIDCBackend(OIDCAuthenticationBackend):
    """The library's backend, matching people instead of creating users, with the endpoints found
    when it is used. It answers only the callback (which passes a nonce): a password login that
    happens to carry ?code=&state= in its address never reaches the provider."""

    def __init__(self, *args, **kwargs):
        # The library reads the endpoints here and refuses RS256 without keys; settings may be empty
        # (SSO off) and every login builds the backends, so that waits for authenticate().
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not enabled():
            return None
        found = endpoints()
        self.OIDC_OP_TOKEN_ENDPOINT = found["OIDC_OP_TOKEN_ENDPOINT"]
        self.OIDC_OP_USER_ENDPOINT = found["OIDC_OP_USER_ENDPOINT"]
        self.OIDC_OP_JWKS_ENDPOINT = found["OIDC_OP_JWKS_ENDPOINT"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except jwt.PyJWTError as exc:
            # An id token that is missing, malformed, expired or signed with a key the provider does
            # not publish (the library turns only some of these into SuspiciousOperation).
            logger.warning("single sign-on id token refused: %s", exc)
            return _refuse(request, FAILED)
        except requests.RequestException as exc:
            # The token, keys or user info did not come: the provider is down or refused the code.
            refused_code = isinstance(exc, requests.HTTPError) and exc.response is not None
            if refused_code and exc.response.status_code < 500:
                logger.warning("single sign-on refused by the provider: %s", exc)
                return _refuse(request, FAILED)
            raise ProviderUnavailable(str(exc)) from exc

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # The library leaves the audience unchecked: a token the provider made for another of its
        # applications is not for us, whatever else it says.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the id token is for another application")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(claims, dict):
            return _refuse(self.request, FAILED)
        email = claims.get("email")
        if not isinstance(email, str) or not email.strip():
            return _refuse(self.request, NO_EMAIL)
        email = email.strip()
        if not email_verified(claims):
            return _refuse(self.request, UNVERIFIED, email=email)
        people = list(Person.objects.select_related("user").filter(email__iexact=email)[:2])
        if not people:
            return _refuse(self.request, UNKNOWN, email=email)
        if len(people) > 1:
            return _refuse(self.request, SHARED_EMAIL, email=email)
        person = people[0]
        if person.has_left():
            return _refuse(self.request, LEFT, email=email)
        if person.user_id and not person.user.is_active:
            return _refuse(self.request, SWITCHED_OFF, email=email)
        return person.user if person.user_id else services.sso_login_for(person=person)

    def get_user(self, user_id):
        # A session started here loads its user like every other one: with roles, in one query.
        return RolesModelBackend().get_user(user_id)


@method_decorator(login_not_required, name="dispatch")
class SSOLoginView(OIDCAuthenticationRequestView):
    """The button on the login page: off the site to the provider, `next` kept for the way back."""

    def __init__(self, *args, **kwargs):
        # Not the library's __init__: it reads the endpoint from settings, which may be discovered.
        View.__init__(self, *args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_OP_AUTH_ENDPOINT = ""

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoints()["OIDC_OP_AUTHORIZATION_ENDPOINT"]
        except ProviderUnavailable as exc:
            return unavailable(request, exc)
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class SSOCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends people back: logged in and on to `next`, or a page saying why not."""

    def get(self, request):
        if not enabled():
            raise Http404
        # The library logs out whoever answers an error; only a sign-in this browser started may end
        # that way, not a link from another site.
        started = request.session.get("oidc_states", {})
        if request.GET.get("error") and request.GET.get("state") not in started:
            return refused(request, FAILED)
        try:
            return super().get(request)
        except ProviderUnavailable as exc:
            return unavailable(request, exc)
        except SuspiciousOperation as exc:
            # A state this browser never started (a replayed or forged link), a nonce or signature
            # that does not match: refused like any failed sign-in.
            logger.warning("single sign-on callback refused: %s", exc)
            return refused(request, FAILED)

    @property
    def success_url(self):
        # The library checked `next` when the sign-in started; checked again here, it cannot leave
        # the site whatever the session holds.
        session = self.request.session
        next_url = accounts.safe_next(session.get("oidc_login_next"), host=self.request.get_host())
        return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)

    def login_failure(self):
        return refused(self.request, getattr(self.request, "sso_refusal", FAILED))


def refused(request, reason: str):
    heading, sentence = REFUSALS.get(reason, REFUSALS[FAILED])
    text = sentence % {"email": getattr(request, "sso_email", ""), "product": settings.BRAND.name}
    return render(request, "people/sso_refused.html", {"heading": heading, "text": text}, status=403)


def unavailable(request, exc: Exception):
    logger.warning("single sign-on provider unavailable: %s", exc)
    return render(request, "people/sso_unavailable.html", status=503)
