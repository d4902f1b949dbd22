"""Logins for people: activation of an account nobody has used yet, password reset through the outbox,
and what a link someone followed is for (the sentence on the login and activation pages).

A person who arrives by import, bulk enrolment or an admin's "Enrol someone" has no login. They get one
with an unusable password and an activation email: a signed link that works once (setting a password
changes the hash it signs), expires, and stops working when a newer one is sent (a fresh unusable
password is a new hash too).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import Resolver404, resolve, reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import (
    base36_to_int,
    url_has_allowed_host_and_scheme,
    urlencode,
    urlsafe_base64_encode,
)
from django.utils.translation import gettext as _

from .models import Person

ACTIVATION_MAX_AGE = datetime.timedelta(days=14)


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token (it signs the password hash and last login, so it works once), with its own
    salt and a longer life than a reset link: people are enrolled some days before they look."""

    key_salt = "people.accounts.ActivationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= ACTIVATION_MAX_AGE.total_seconds()


activation_tokens = ActivationTokenGenerator()


def safe_next(url: str | None, *, host: str | None = None) -> str:
    """`url` if it is a path on this site, else ""."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={host} if host else set()):
        return url
    return ""


# What a link leads to, by route, for the sentence "Log in to …" (pages people reach from an email).
PURPOSES = {
    "mentoring_sessions:pairing-detail": lambda: _("open your mentoring workspace"),
    "mentoring_sessions:pairing-list": lambda: _("see your mentoring pairs"),
    "mentoring_sessions:checkin-answer": lambda: _("answer your pulse check-in"),
    "mentoring_sessions:checkin-create": lambda: _("answer your pulse check-in"),
    "closeout:reflection": lambda: _("write your reflection on the mentorship"),
    "closeout:survey": lambda: _("answer the end-of-cohort survey"),
    "enrolment:accept": lambda: _("accept your invitation"),
    "enrolment:join": lambda: _("join a mentoring cohort"),
    "enrolment:profile": lambda: _("fill in your mentoring profile"),
    "enrolment:mine": lambda: _("see your programmes"),
    "choice:suggestions": lambda: _("choose your mentor"),
    "choice:requests": lambda: _("answer requests from mentees"),
}


def purpose_of(next_url: str) -> str:
    """What following `next_url` will do, as the end of "Log in to …", or "" when it is not known."""
    if not next_url:
        return ""
    try:
        match = resolve(next_url.split("?", 1)[0])
    except Resolver404:
        return ""
    purpose = PURPOSES.get(match.view_name)
    return purpose() if purpose else _("continue to the page you opened")


def activation_url(user, token: str, *, next_url: str = "") -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("account-activate", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL + path + ("?" + urlencode({"next": next_url}) if next_url else "")


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, with two changes: the email goes through the outbox (never SMTP inside the
    request), and a login that was never activated (an unusable password) can use it too, so someone
    whose activation link expired helps themselves. Like Django's, it never says whether an address
    exists."""

    def get_users(self, email):
        User = get_user_model()
        email_field = User.get_email_field_name()
        return (
            user
            for user in User._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
            if getattr(user, email_field, "").lower() == email.lower()
        )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from outbox.services import email_enqueue

        user = context["user"]
        link = settings.SITE_URL + reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        email_enqueue(
            key=f"password-reset:{user.pk}:{context['token']}",
            template="password_reset",
            context={"name": user.get_full_name() or user.get_username(), "reset_url": link},
            to=to_email,
        )


def full_name_parts(person: Person) -> tuple[str, str]:
    first, _sep, last = person.full_name.partition(" ")
    return first[:150], last[:150]
