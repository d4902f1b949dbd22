"""Who may do what on every page: a matrix generated from the URLconf.

Every URL pattern (namespaces included; Django's admin site as one group, `django-admin`) is
requested by each role in `ROLES` (anonymous, a programme admin, a manager, a mentor and a mentee
of one pair, the mentor of another pair in the same cohort, a logged-in person in no programme),
by GET and by an empty POST, and each answer is compared with `EXPECTED`: 200, 400, 403, 404, 405,
L (302 to the login page), A (302 to the admin site's login) or R (302 anywhere else: a successful
POST or a page that sends you on). A pattern missing from the table fails, and so does a line of the
table whose pattern is gone, so a new view cannot be missed; the failure prints the missing lines as
the routes answer now, to start from (read each cell before you paste it).

URL arguments are built from the fuzz test's objects (tests/test_forms_fuzz.py KWARGS and
build_targets) and `ARGS` here. Each request runs in a savepoint that is rolled back, so the
cells do not see each other's writes; the world is built once for the module.

Then every object URL is requested again with the ids of things none of the roles may reach
(`FOREIGN`): a third pair in the same cohort, a pair in another cohort of the same programme and a
pair in a second programme, all ids replaced at once and, for nested URLs, only the inner one (a
pair's own URL with another pair's goal). Anyone but the programme admin (who administers every
programme) must be refused there, with 404 where the same URL with their own ids answers, and
nothing of those pairs' (names, notes, goals, messages) may be in the body. Across all the
matrix's answers, the words each pair wrote show only to those who may read them (`MAY_READ`).

The sizes (computed below, printed at the end of this docstring): routes × roles × methods, and
the extra requests with other ids.
"""

import datetime
import types

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import empty_caches
from tests.test_forms_fuzz import FROZEN_AT, KWARGS, build_targets

ROLES = ("anonymous", "admin", "manager", "mentor", "mentee", "other_pair", "nobody")
ADMIN_SITE = "django-admin"
METHODS = ("get", "post")


def _walk(entries, prefix="", namespace=""):
    for entry in entries:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if ns == "admin":
                yield types.SimpleNamespace(key=ADMIN_SITE, name=None, pattern=prefix + str(entry.pattern))
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = (f"{namespace}:{entry.name}" if namespace else entry.name) if entry.name else None
            yield types.SimpleNamespace(
                key=name or prefix + str(entry.pattern),
                name=name,
                pattern=prefix + str(entry.pattern),
                converters=dict(entry.pattern.converters),
            )


def routes():
    seen, found = set(), []
    for route in _walk(get_resolver().url_patterns):
        if route.key not in seen:  # a name listed twice (accounts/login/): reverse() finds the first
            seen.add(route.key)
            found.append(route)
    return found


ROUTES = routes()


# Arguments test_forms_fuzz.py does not build (its KWARGS covers the rest).
ARGS = {
    ("dashboards:panel-csv", "panel"): lambda w, t: "retention",
    ("dashboards:kpi-csv", "panel"): lambda w, t: "support-kpis",
    ("notifications:open", "pk"): lambda w, t: t.notification.pk,
    ("notifications:unsubscribe", "token"): lambda w, t: t.unsubscribe_token,
    ("enrolment:mentor-capacity", "enrolment_pk"): lambda w, t: w.pair.mentor.pk,
    ("choice", "pk"): lambda w, t: t.ada_request.pk,
    ("account-activate", "uidb64"): lambda w, t: t.outsider_uid,
    ("password_reset_confirm", "uidb64"): lambda w, t: t.outsider_uid,
}


def _url(route, w, t) -> str:
    if route.key == ADMIN_SITE:
        return "/" + route.pattern
    if route.name is None:
        return "/" + route.pattern
    namespace = route.name.rpartition(":")[0]
    kwargs = {}
    for arg in route.converters:
        build = next(
            (
                table[key]
                for table in (ARGS, KWARGS)
                for key in ((route.name, arg), (namespace, arg))
                if key in table
            ),
            None,
        )
        if build is not None:
            kwargs[arg] = build(w, t)
        else:
            assert type(route.converters[arg]).__name__ == "StringConverter", f"add {arg!r} of {route.name}"
            kwargs[arg] = "not-a-valid-link"
    return reverse(route.name, kwargs=kwargs)


def _login_url():
    return resolve_url(settings.LOGIN_URL)


def outcome(response):
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(_login_url()):
            return "login"
        if location.startswith("/django-admin/login/"):
            return "admin-login"
        return "redirect"
    return response.status_code


def _add_targets(w, t):
    """What the fuzz's targets lack for this matrix: a notification, links that need a real
    person, a mentee-choice request between two of the named people, and words each pair wrote
    (`markers`) that must never show to anyone outside it."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from matching.models import MentorRequest
    from notifications.links import unsubscribe_token
    from notifications.models import Notification

    t.notification = Notification.objects.create(
        person=w.mentee, kind="enrolled", key="matrix:enrolled", title="You were enrolled", url="/"
    )
    t.unsubscribe_token = unsubscribe_token(person_id=w.mentee.pk, kind="enrolled")
    t.outsider_uid = urlsafe_base64_encode(force_bytes(w.outsider.user.pk))
    # Ada asks Lin: the mentee withdraws it, the other pair's mentor answers it.
    t.ada_request = MentorRequest.objects.create(
        cohort=t.choice.cohort, mentee=t.choice.ada, mentor=t.choice.lin
    )
    t.markers = {
        "pair": _write_in(w.pair, w.mentee, "pair one", session=t.logged),
        "pair2": _write_in(w.pair2, w.mentee2, "pair two"),
    }


def _write_in(pairing, author, words, *, session=None):
    """A session's shared and private notes, a goal and a message in `pairing`, each with its own
    words, returned by what they are."""
    from sessions.models import PairMessage, SessionPrivateNote
    from tests.factories import GoalFactory, SessionFactory

    session = session or SessionFactory(pairing=pairing, logged_by=author)
    session.notes = f"Shared note of {words}"
    session.save(update_fields=["notes"])
    SessionPrivateNote.objects.create(session=session, author=author, text=f"Private note of {words}")
    GoalFactory(pairing=pairing, specific=f"Goal of {words}")
    PairMessage.objects.create(pairing=pairing, author=author, body=f"Message of {words}")
    return {
        "shared note": f"Shared note of {words}",
        "private note": f"Private note of {words}",
        "goal": f"Goal of {words}",
        "message": f"Message of {words}",
    }


CODES = {"L": "login", "A": "admin-login", "R": "redirect"}
NAMES = {v: k for k, v in CODES.items()}
REFUSED = {"login", "admin-login", 403, 404, 405}


def _read_table(text):
    table = {}
    for line in text.strip().splitlines():
        if line.startswith("#"):
            continue
        key, cells = line.split(maxsplit=1)
        get, post = (c.split() for c in cells.split("|"))
        assert len(get) == len(post) == len(ROLES), line
        table[key] = {
            method: {role: CODES.get(c) or int(c) for role, c in zip(ROLES, codes, strict=True)}
            for method, codes in (("get", get), ("post", post))
        }
    return table


def _line(key, answers) -> str:
    """A route's line of the table, from its answers ({method: {role: answer}})."""
    return f"{key:42} " + " | ".join(
        " ".join(f"{NAMES.get(answers[m][r], str(answers[m][r])):>3}" for r in ROLES) for m in METHODS
    )


EXPECTED = _read_table(
    """
# route                                   GET: anon admin manager mentor mentee other nobody | POST
home                                         L 200 200 200 200 200 200 |   L 200 200 200 200 200 200
healthz                                    200 200 200 200 200 200 200 | 200 200 200 200 200 200 200
favicon.ico                                  R   R   R   R   R   R   R |   R   R   R   R   R   R   R
login                                      200 200 200 200 200 200 200 | 200 200 200 200 200 200 200
password_reset                             200 200 200 200 200 200 200 | 200 200 200 200 200 200 200
account-activate                           200 200 200 200 200 200 200 | 200 200 200 200 200 200 200
logout                                       L 405 405 405 405 405 405 |   L   L   L   L   L   L   L
password_change                              L 200 200 200 200 200 200 |   L 200 200 200 200 200 200
password_change_done                         L 200 200 200 200 200 200 |   L 405 405 405 405 405 405
# Single sign-on is off unless configured (tests/people/test_sso.py turns it on): no such pages.
sso:login                                  404 404 404 404 404 404 404 | 405 405 405 405 405 405 405
sso:callback                               404 404 404 404 404 404 404 | 405 405 405 405 405 405 405
brand-css                                  200 200 200 200 200 200 200 | 405 405 405 405 405 405 405
# An admin's email preview: 404 until they have previewed that wording (kept in their session).
programmes:wording-preview                   L 404 403 403 403 403 403 |   L 405 405 405 405 405 405
privacy:mine                                 L 200 200 200 200 200 200 |   L 405 405 405 405 405 405
# The world's admin has a login but no person record: nothing to export.
privacy:export-json                          L 404 200 200 200 200 200 |   L 405 405 405 405 405 405
privacy:export-csv                           L 404 200 200 200 200 200 |   L 405 405 405 405 405 405
privacy:person-erase                         L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
password_reset_done                        200 200 200 200 200 200 200 | 405 405 405 405 405 405 405
password_reset_confirm                     200 200 200 200 200 200 200 | 200 200 200 200 200 200 200
password_reset_complete                    200 200 200 200 200 200 200 | 405 405 405 405 405 405 405
programmes:programme-list                    L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
programmes:programme-create                  L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
programmes:programme-detail                  L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
programmes:programme-edit                    L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
programmes:cohort-list                       L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
programmes:cohort-create                     L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
programmes:cohort-edit                       L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
programmes:cohort-chat                       L 405 405 405 405 405 405 |   L 200 403 403 403 403 403
programmes:cohort-chat-test                  L 405 405 405 405 405 405 |   L   R 403 403 403 403 403
programmes:cohort-transition                 L 200 403 403 403 403 403 |   L   R 403 403 403 403 403
programmes:cohort-messages                   L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
programmes:wording-list                      L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
programmes:wording-edit                      L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
programmes:wording-reset                     L 405 405 405 405 405 405 |   L   R 403 403 403 403 403
programmes:cohort-detail                     L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
people:person-list                           L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
people:person-bulk                           L 405 405 405 405 405 405 |   L   R 403 403 403 403 403
people:person-search                         L 200 403 403 403 403 403 |   L 405 405 405 405 405 405
people:team-search                           L 200 403 403 403 403 403 |   L 405 405 405 405 405 405
people:import                                L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
people:import-job                            L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
people:import-apply                          L 405 405 405 405 405 405 |   L   R 403 403 403 403 403
people:import-restart                        L 405 405 405 405 405 405 |   L   R 403 403 403 403 403
people:import-job-status                     L 200 403 403 403 403 403 |   L 405 405 405 405 405 405
enrolment:mine                               L 200 200 200 200 200 200 |   L 200 200 200 200 200 200
enrolment:accept                           200 200 200 200 200 200 200 | 200 200 200 200 200 200 200
enrolment:join                               L 403 200 200 200 200 200 |   L 403 200 200 200 200 200
enrolment:profile                            L 404 404 404 200 404 404 |   L 404 404 404 200 404 404
enrolment:withdraw                           L 404 404 404 200 404 404 |   L 404 404 404 200 404 404
enrolment:invite                             L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
enrolment:invitation-resend                  L 405 403 403 403 403 403 |   L   R 403 403 403 403 403
enrolment:review                             L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
enrolment:application-review                 L 405 403 403 403 403 403 |   L 400 403 403 403 403 403
enrolment:promote                            L 405 403 403 403 403 403 |   L   R 403 403 403 403 403
enrolment:admin-withdraw                     L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
enrolment:move                               L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
enrolment:mentor-capacity                    L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
enrolment:activation-resend                  L 405 403 403 403 403 403 |   L   R 403 403 403 403 403
closeout:pairing-end                         L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
closeout:rematch                             L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
closeout:reflection                          L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
closeout:survey                              L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
closeout:cohort-summary                      L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
closeout:thanks                              L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
closeout:contribution                        L 200 200 200 200 200 200 |   L 200 200 200 200 200 200
closeout:contribution-print                  L 200 200 200 200 200 200 |   L 200 200 200 200 200 200
closeout:contribution-csv                    L   R   R 200   R 200   R |   L   R   R 200   R 200   R
matching:run-start                           L 405 403 403 403 403 403 |   L 200 403 403 403 403 403
matching:run-compare                         L 200 403 403 403 403 403 |   L 405 403 403 403 403 403
matching:run-detail                          L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
matching:run-status                          L 200 403 403 403 403 403 |   L 405 403 403 403 403 403
matching:pair-rule-set                       L 405 403 403 403 403 403 |   L   R 403 403 403 403 403
matching:pair-rule-clear                     L 405 403 403 403 403 403 |   L   R 403 403 403 403 403
matching:run-swap                            L 405 403 403 403 403 403 |   L   R 403 403 403 403 403
matching:run-publish                         L 405 403 403 403 403 403 |   L   R 403 403 403 403 403
choice:suggestions                           L 404 404 404 200 404 404 |   L 404 404 404 200 404 404
choice:request-create                        L 405 405 405 405 405 405 |   L 404 404 404   R 404 404
choice:requests                              L 200 200 200 200 200 200 |   L 200 200 200 200 200 200
choice:request-withdraw                      L 405 405 405 405 405 405 |   L 404 404 404   R 404 404
choice:request-accept                        L 405 405 405 405 405 405 |   L 404 404 404 404   R 404
choice:request-decline                       L 405 405 405 405 405 405 |   L 404 404 404 404   R 404
choice:overview                              L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
mentoring_sessions:pairing-list              L 403 200 200 200   R 200 |   L 403 200 200 200   R 200
mentoring_sessions:pairing-detail            L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
mentoring_sessions:pairing-export            L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
mentoring_sessions:session-create            L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
mentoring_sessions:session-schedule          L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
mentoring_sessions:session-schedule-edit     L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
mentoring_sessions:session-ics               L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
mentoring_sessions:session-detail            L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
mentoring_sessions:session-confirm           L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
mentoring_sessions:goal-create               L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
mentoring_sessions:goal-detail               L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
mentoring_sessions:goal-update               L 405 405 405 405 405 405 |   L 404 404 200 200 404 404
mentoring_sessions:goal-status               L 405 405 405 405 405 405 |   L 404 404 200 200 404 404
mentoring_sessions:goal-milestone-add        L 405 405 405 405 405 405 |   L 404 404 200 200 404 404
mentoring_sessions:goal-milestone-done       L 405 405 405 405 405 405 |   L 404 404   R   R 404 404
mentoring_sessions:goal-comment              L 405 405 405 405 405 405 |   L 404 404 200 200 404 404
mentoring_sessions:goal-templates            L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
mentoring_sessions:goal-template-create      L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
mentoring_sessions:goal-template-edit        L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
mentoring_sessions:checkin-create            L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
mentoring_sessions:checkin-answer            L 404 404 200 404 404 404 |   L 404 404 200 404 404 404
mentoring_sessions:pairing-flags             L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
mentoring_sessions:checkin-flags             L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
mentoring_sessions:pulse-page              200 200 200 200 200 200 200 | 200 200 200 200 200 200 200
mentoring_sessions:pulse-answer              R   R   R   R   R   R   R | 405 405 405 405 405 405 405
mentoring_sessions:session-confirm-link    200 200 200 200 200 200 200 | 200 200 200 200 200 200 200
mentoring_sessions:pairing-messages          L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
dashboards:overview                          L 200 200 403 403 403 403 |   L 200 200 403 403 403 403
dashboards:kpis                              L 200 200 403 403 403 403 |   L 405 405 405 405 405 405
dashboards:kpi-csv                           L 200 200 403 403 403 403 |   L 405 405 405 405 405 405
dashboards:report                            L 200 200 403 403 403 403 |   L 200 200 403 403 403 403
dashboards:report-csv                        L 200 200 403 403 403 403 |   L 200 200 403 403 403 403
dashboards:panel-csv                         L 200 200 403 403 403 403 |   L 200 200 403 403 403 403
dashboards:health                            L 200 403 403 403 403 403 |   L 405 405 405 405 405 405
dashboards:health-csv                        L 200 403 403 403 403 403 |   L 405 405 405 405 405 405
dashboards:health-nudge                      L   R 403 403 403 403 403 |   L   R 403 403 403 403 403
kpis:import                                  L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
kpis:import-job                              L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
kpis:import-apply                            L 405 405 405 405 405 405 |   L   R 403 403 403 403 403
kpis:import-restart                          L 405 405 405 405 405 405 |   L   R 403 403 403 403 403
kpis:import-job-status                       L 200 403 403 403 403 403 |   L 405 405 405 405 405 405
outbox:message-list                          L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
outbox:message-resend                        L 405 405 405 405 405 405 |   L   R 403 403 403 403 403
notifications:list                           L 200 200 200 200 200 200 |   L 200 200 200 200 200 200
notifications:open                           L 404 404 404   R 404 404 |   L 405 405 405 405 405 405
notifications:read-all                       L 405 405 405 405 405 405 |   L   R   R   R   R   R   R
notifications:unsubscribe                  200 200 200 200 200 200 200 | 200 200 200 200 200 200 200
notifications:settings                       L 404 200 200 200 200 200 |   L 404 200 200 200 200 200
training:mine                                L 200 200 200 200 200 200 |   L 200 200 200 200 200 200
training:module                              L 200 404 200 200 200 404 |   L   R 404 200 200 200 404
training:programme-modules                   L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
training:module-create                       L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
training:module-edit                         L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
training:module-move                         L 405 403 403 403 403 403 |   L   R 403 403 403 403 403
training:module-delete                       L 200 403 403 403 403 403 |   L   R 403 403 403 403 403
training:cohort-completion                   L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
agreements:agreement                         L 200 404 200 200 404 404 |   L 403 404   R   R 404 404
agreements:agreement-edit                    L 403 404 200 200 404 404 |   L 403 404 200 200 404 404
agreements:agreement-history                 L 200 404 200 200 404 404 |   L 200 404 200 200 404 404
agreements:programme                         L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
agreements:template-edit                     L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
agreements:template-reset                    L 405 403 403 403 403 403 |   L   R 403 403 403 403 403
agreements:unsigned                          L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
library:resource-list                        L 200 404 200 200 200 404 |   L 200 404 200 200 200 404
library:resource-create                      L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
library:guide-list                           L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
library:guide-reset                          L 405 403 403 403 403 403 |   L   R 403 403 403 403 403
library:resource-edit                        L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
library:resource-archive                     L 200 403 403 403 403 403 |   L   R 403 403 403 403 403
library:resource-restore                     L 405 403 403 403 403 403 |   L   R 403 403 403 403 403
library:resource-delete                      L 200 403 403 403 403 403 |   L   R 403 403 403 403 403
library:resource-share                       L 404 404 200 404 200 404 |   L 404 404 200 404 200 404
library:pairing-shared                       L 404 404 200 200 404 404 |   L 404 404 200 200 404 404
library:shared-done                          L 405 405 405 405 405 405 |   L 404 404   R   R 404 404
library:shared-remove                        L 404 404 200 404 404 404 |   L 404 404   R 404 404 404
audit:object-history                         L 200 403 403 403 403 403 |   L 200 403 403 403 403 403
django-admin                                 A   A   A   A   A   A   A |   A   A   A   A   A   A   A
"""
)


# --- the world, once for the module ---------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    from tests.factories import build_world

    with django_db_blocker.unblock(), time_machine.travel(FROZEN_AT, tick=True), transaction.atomic():
        world = build_world(today=FROZEN_AT.date())
        targets = build_targets(world)
        _add_targets(world, targets)
        users = {
            "anonymous": None,
            "admin": world.admin,
            "manager": world.manager.user,
            "mentor": world.mentor.user,
            "mentee": world.mentee.user,
            "other_pair": world.mentor2.user,
            "nobody": world.outsider.user,
        }
        yield types.SimpleNamespace(
            world=world, targets=targets, users=users, elsewhere=_elsewhere(world, targets)
        )
        transaction.set_rollback(True)


def _rolled_back(call):
    with transaction.atomic():
        try:
            return call()
        finally:
            transaction.set_rollback(True)


class Visitor:
    """One role's browser. Every request's writes are rolled back and its messages forgotten; after
    a POST the caches are emptied (a page kept under a stamp the rollback undid would be stale), and
    a request that ended the session (logging out) is followed by logging in again."""

    def __init__(self, user):
        self.user = user
        self.client = Client()
        self._login()

    def _login(self):
        if self.user is not None:
            self.client.force_login(self.user)
        self.session = self._session()

    def _session(self):
        cookie = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        return cookie.value if cookie else None

    def request(self, method, url):
        response = _rolled_back(lambda: getattr(self.client, method)(url))
        # A message a request left ("Removed the rule for…") would show on the next page.
        self.client.cookies.pop("messages", None)
        if method != "get":
            empty_caches()
        if self._session() != self.session:
            self._login()
        return types.SimpleNamespace(outcome=outcome(response), body=_body(response))


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


# --- who may read what each pair wrote ---------------------------------------------------------

# Private notes: their author only; messages: the pair; shared notes and goals: the pair (the
# programme admin reads neither in this product: a pair's page is 404 to them).
MAY_READ = {
    ("pair", "private note"): {"mentee"},
    ("pair", "message"): {"mentor", "mentee"},
    ("pair", "shared note"): {"mentor", "mentee"},
    ("pair", "goal"): {"mentor", "mentee"},
    ("pair2", "private note"): set(),  # written by the other pair's mentee, who is not a role here
    ("pair2", "message"): {"other_pair"},
    ("pair2", "shared note"): {"other_pair"},
    ("pair2", "goal"): {"other_pair"},
}


def _leaks(role, body, markers) -> list[str]:
    return [
        f"{pair}'s {what}"
        for (pair, what), readers in MAY_READ.items()
        if role not in readers and markers[pair][what] in body
    ]


# --- the matrix -----------------------------------------------------------------------------------


def test_every_url_pattern_has_a_line_in_the_table_and_every_line_a_pattern(matrix, db):
    gone = sorted(set(EXPECTED) - {route.key for route in ROUTES})
    assert gone == [], "lines of EXPECTED whose URL pattern is gone"
    missing = [route for route in ROUTES if route.key not in EXPECTED]
    if missing:
        # What each role gets now, as lines to start from: read every cell before pasting one.
        answers = {route.key: {m: {} for m in METHODS} for route in missing}
        for role in ROLES:
            visitor = Visitor(matrix.users[role])
            for route in missing:
                url = _url(route, matrix.world, matrix.targets)
                for method in METHODS:
                    answers[route.key][method][role] = visitor.request(method, url).outcome
        drafts = "\n".join(_line(key, found) for key, found in answers.items())
        pytest.fail(f"URL patterns with no line in EXPECTED; as they answer now:\n{drafts}")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_from_every_url(role, matrix, db):
    visitor = Visitor(matrix.users[role])
    wrong, leaks, seen = [], [], set()
    markers = {
        (pair, what): text for pair, words in matrix.targets.markers.items() for what, text in words.items()
    }
    # What the pairs of `_elsewhere` wrote shows on no page of the matrix, whoever asks (their
    # names may: a mentee choosing sees every mentor of the cohort, an admin sees everyone).
    strangers = {
        (place, what): text
        for place, (_, words) in matrix.elsewhere.items()
        for what, text in words.items()
        if what not in ("mentor", "mentee")
    }
    for route in ROUTES:
        url = _url(route, matrix.world, matrix.targets)
        for method in METHODS:
            answer = visitor.request(method, url)
            expected = EXPECTED.get(route.key, {}).get(method, {}).get(role)
            if answer.outcome != expected:
                wrong.append(f"{method.upper()} {url} ({route.key}): {answer.outcome}, expected {expected}")
            leaks += [
                f"{method.upper()} {url}: {leak}"
                for leak in _leaks(role, answer.body, matrix.targets.markers)
            ]
            seen |= {key for key, text in markers.items() if text in answer.body}
            leaks += [
                f"{method.upper()} {url}: {place}'s {what}"
                for (place, what), text in strangers.items()
                if text in answer.body
            ]
    # The words are on the pages of those who may read them, so not finding them elsewhere means
    # something (the matrix opens the first pair's pages: its words, not the other pair's).
    unseen = [
        f"never saw {pair}'s {what}"
        for (pair, what), readers in MAY_READ.items()
        if pair == "pair" and role in readers and (pair, what) not in seen
    ]
    assert not wrong and not leaks and not unseen, f"as {role}:\n" + "\n".join(wrong + leaks + unseen)


def test_django_admin_site_is_for_staff_only(client, matrix, db):
    """The matrix finds the admin site refused to every role (none is staff); staff get in."""
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    assert client.get("/" + next(r.pattern for r in ROUTES if r.key == ADMIN_SITE)).status_code == 200


# --- other pairs', cohorts' and programmes' ids ------------------------------------------------

# What each object argument names, by route or namespace: the key into each place of `_elsewhere`.
# An object argument missing here fails the test (add it); GLOBAL ones have no owner among the
# roles (programme admins' own records), so other ids tell nothing new.
FOREIGN = {
    ("programmes", "pk"): "cohort",
    **{
        (f"programmes:{name}", "pk"): "programme"
        for name in ("programme-detail", "programme-edit", "wording-list", "wording-edit", "wording-reset")
    },
    ("enrolment", "enrolment_pk"): "mentee_enrolment",
    ("enrolment:mentor-capacity", "enrolment_pk"): "mentor_enrolment",
    ("enrolment", "cohort_pk"): "cohort",
    ("enrolment", "invitation_pk"): "invitation",
    ("closeout", "pairing_pk"): "pairing",
    ("closeout", "enrolment_pk"): "mentee_enrolment",
    ("closeout", "cohort_pk"): "cohort",
    ("matching", "cohort_pk"): "cohort",
    ("matching", "pk"): "run",
    ("matching", "rule_pk"): "rule",
    ("choice", "enrolment_pk"): "mentee_enrolment",
    ("choice", "pk"): "request",
    ("choice", "cohort_pk"): "cohort",
    ("mentoring_sessions", "pk"): "pairing",
    ("mentoring_sessions", "scheduled_pk"): "scheduled",
    ("mentoring_sessions", "session_pk"): "session",
    ("mentoring_sessions", "goal_pk"): "goal",
    ("mentoring_sessions", "milestone_pk"): "milestone",
    ("mentoring_sessions", "cohort_pk"): "cohort",
    ("notifications:open", "pk"): "notification",
    ("training", "pk"): "module",
    ("training", "programme_pk"): "programme",
    ("training", "cohort_pk"): "cohort",
    ("agreements", "pairing_pk"): "pairing",
    ("agreements", "programme_pk"): "programme",
    ("agreements", "cohort_pk"): "cohort",
    ("library", "pk"): "programme",
    **{
        (f"library:{name}", "pk"): "resource"
        for name in (
            "resource-edit",
            "resource-archive",
            "resource-restore",
            "resource-delete",
            "resource-share",
        )
    },
    ("library:pairing-shared", "pk"): "pairing",
    ("library:shared-done", "pk"): "shared",
    ("library:shared-remove", "pk"): "shared",
    ("audit:object-history", "pk"): "pairing",
}
GLOBAL = {
    ("people", "pk"),  # an import job
    ("kpis", "pk"),  # a KPI import
    ("outbox", "pk"),  # an email
    ("mentoring_sessions", "template_pk"),  # a goal template, the same for every programme
    ("mentoring_sessions:pulse-answer", "score"),
    ("privacy", "pk"),  # a person: the organisation's, erased by a programme admin only
}


def _object_args(route) -> dict:
    """The route's object arguments and what each names."""
    namespace = route.name.rpartition(":")[0] if route.name else ""
    found = {}
    for arg, converter in getattr(route, "converters", {}).items():
        if type(converter).__name__ != "IntConverter":
            continue
        keys = ((route.name, arg), (namespace, arg))
        if any(key in GLOBAL for key in keys):
            continue
        kind = next((FOREIGN[key] for key in keys if key in FOREIGN), None)
        assert kind is not None, f"add what {arg!r} of {route.name} names to FOREIGN (or GLOBAL)"
        found[arg] = kind
    return found


def _elsewhere(w, t) -> dict:
    """Three places none of the roles belongs to, each with a pair and everything a URL can name
    in it: a third pair in the world's cohort, a pair in another cohort of the same programme and
    a pair in a second programme. Each place's `markers` are its people's names and their words."""
    from enrolment.models import Invitation
    from library.models import SharedResource
    from matching.models import MentorRequest, PairRule
    from notifications.models import Notification
    from programmes.models import Cohort, Enrolment
    from sessions.models import Milestone, ScheduledSession
    from tests.factories import (
        CohortFactory,
        EnrolmentFactory,
        MatchRunFactory,
        PairingFactory,
        PersonFactory,
        ProgrammeFactory,
        TeamFactory,
    )

    team = TeamFactory(name="Far away")

    def place(label, cohort, run):
        mentor = PersonFactory(full_name=f"Quentin {label}", team=team)
        mentee = PersonFactory(full_name=f"Rosa {label}", team=team)
        pairing = PairingFactory(
            match_run=run,
            mentor=EnrolmentFactory(cohort=cohort, person=mentor, role=Enrolment.Role.MENTOR, capacity=2),
            mentee=EnrolmentFactory(cohort=cohort, person=mentee),
        )
        markers = _write_in(pairing, mentee, label)
        goal = pairing.goals.get()
        resource = cohort.programme.resources.filter(audience="both").order_by("pk").first()
        found = {
            "pairing": pairing,
            "mentee_enrolment": pairing.mentee,
            "mentor_enrolment": pairing.mentor,
            "session": pairing.sessions.get(),
            "goal": goal,
            "milestone": Milestone.objects.create(goal=goal, title=f"Milestone of {label}"),
            "scheduled": ScheduledSession.objects.create(
                pairing=pairing,
                starts_at=FROZEN_AT + datetime.timedelta(days=3),
                duration_minutes=45,
                created_by=mentee,
                agenda=f"Agenda of {label}",
            ),
            "shared": SharedResource.objects.create(pairing=pairing, resource=resource, shared_by=mentor),
            "notification": Notification.objects.create(
                person=mentee, kind="enrolled", key=f"matrix:{label}", title=f"Notice of {label}", url="/"
            ),
        }
        markers |= {
            "mentor": mentor.full_name,
            "mentee": mentee.full_name,
            "milestone": f"Milestone of {label}",
            "agenda": f"Agenda of {label}",
        }
        return found, markers

    places = {}
    # Another pair, same cohort; and a mentee-choice request between strangers in the choice cohort.
    third, markers = place("Thirdpair", w.cohort, w.run)
    third["request"] = MentorRequest.objects.create(
        cohort=t.choice.cohort,
        mentee=EnrolmentFactory(cohort=t.choice.cohort, person=third["mentee_enrolment"].person),
        mentor=EnrolmentFactory(
            cohort=t.choice.cohort, person=third["mentor_enrolment"].person, role=Enrolment.Role.MENTOR
        ),
    )
    places["another pair"] = (third, markers)

    def cohort_place(label, programme):
        cohort = CohortFactory(programme=programme, name=f"Cohort {label}", state=Cohort.State.ACTIVE)
        run = MatchRunFactory(cohort=cohort, created_by=w.admin, published_by=w.admin)
        found, markers = place(label, cohort, run)
        found["cohort"] = cohort
        found["run"] = run
        found["rule"] = PairRule.objects.create(
            cohort=cohort,
            mentor=found["mentor_enrolment"],
            mentee=found["mentee_enrolment"],
            kind=PairRule.Kind.PIN,
        )
        found["invitation"] = Invitation.objects.create(
            cohort=cohort, email=f"{label.lower()}@example.com", role=Enrolment.Role.MENTEE
        )
        return found, markers

    places["another cohort"] = cohort_place("Othercohort", w.cohort.programme)
    programme = ProgrammeFactory(name="Elsewhere programme")
    found, markers = cohort_place("Otherprogramme", programme)
    found["programme"] = programme
    found["resource"] = found["shared"].resource
    found["module"] = programme.training_modules.order_by("pk").first()
    places["another programme"] = (found, markers)
    return places


_PAIR_KINDS = {
    "pairing",
    "mentee_enrolment",
    "mentor_enrolment",
    "session",
    "goal",
    "milestone",
    "scheduled",
    "shared",
    "notification",
}
_COHORT_KINDS = _PAIR_KINDS | {"cohort", "run", "rule", "invitation"}
# What each place of `_elsewhere` holds.
PLACES = {
    "another pair": _PAIR_KINDS | {"request"},
    "another cohort": _COHORT_KINDS,
    "another programme": _COHORT_KINDS | {"programme", "resource", "module"},
}


def _variants(route):
    """(place, arguments replaced) for each way of pointing the route at another place: all its
    object arguments that place has at once, and for a nested URL each alone (the others the
    role's own: a pair's own URL with another pair's goal)."""
    args = _object_args(route)
    for label, kinds in PLACES.items():
        usable = [arg for arg, kind in args.items() if kind in kinds]
        if usable:
            yield label, usable
        if len(usable) > 1:
            yield from ((label, [arg]) for arg in usable)


def _foreign_urls(route, w, t, places):
    own = get_resolver().resolve(_url(route, w, t)).kwargs
    args = _object_args(route)
    for label, replaced in _variants(route):
        found, markers = places[label]
        kwargs = own | {arg: found[args[arg]].pk for arg in replaced}
        yield f"{label}: {', '.join(replaced)}", reverse(route.name, kwargs=kwargs), markers


def _foreign_requests(matrix):
    return [
        (route, method, label, url, markers)
        for route in ROUTES
        for label, url, markers in _foreign_urls(route, matrix.world, matrix.targets, matrix.elsewhere)
        for method in METHODS
    ]


@pytest.mark.parametrize("role", ROLES)
def test_other_pairs_cohorts_and_programmes_ids_are_refused_and_nothing_of_theirs_shows(role, matrix, db):
    visitor = Visitor(matrix.users[role])
    wrong = []
    for route, method, label, url, markers in _foreign_requests(matrix):
        own = EXPECTED[route.key][method][role]
        answer = visitor.request(method, url)
        where = f"{method.upper()} {url} ({route.key}, {label}): {answer.outcome}"
        if own in REFUSED:
            allowed = {own} | ({404} if own == 405 else set())
        elif role == "admin":
            allowed = None  # programme admins administer every programme
        else:
            allowed = {404}
        if allowed is not None and answer.outcome not in allowed:
            wrong.append(f"{where}, expected {' or '.join(map(str, sorted(allowed, key=str)))}")
        secret = ("private note", "message")
        shown = [
            what
            for what, text in markers.items()
            if text in answer.body and (answer.outcome in REFUSED or role != "admin" or what in secret)
        ]
        if shown:
            wrong.append(f"{where} shows their {', '.join(shown)}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


# Ids a page reads from its query string (tests/test_forms_fuzz.py finds which), by what they name.
QUERY_IDS = {
    ("library:resource-list", "pairing"): "pairing",
    ("library:resource-share", "pairing"): "pairing",
    ("programmes:cohort-create", "programme"): "programme",
}


def test_ids_in_query_strings_show_nothing_of_other_pairs(matrix, db):
    """`?pairing=` picks the pair a library page leads back to or shares into: with another pair's
    id the page is the role's own, with nothing of that pair's on it."""
    from tests.test_forms_fuzz import QUERY_ROUTES, _query_names

    named = {(route.name, arg) for route in QUERY_ROUTES for arg in _query_names(route)}
    # Not ids: paging, return addresses, tabs, and the brand stylesheet's version (`v`).
    not_ids = ("page", "next", "timeline", "topic", "template", "v")
    unknown = sorted(key for key in named if key[1] not in not_ids)
    assert sorted(set(unknown) - set(QUERY_IDS)) == [], "add what these query ids name to QUERY_IDS"
    visitors, wrong = {}, []
    for (name, arg), kind in QUERY_IDS.items():
        route = next(r for r in ROUTES if r.key == name)
        url = _url(route, matrix.world, matrix.targets)
        for role in ROLES:
            if EXPECTED[name]["get"][role] != 200:
                continue
            visitor = visitors.setdefault(role, Visitor(matrix.users[role]))
            for label, (found, markers) in matrix.elsewhere.items():
                if kind not in found:
                    continue
                answer = visitor.request("get", f"{url}?{arg}={found[kind].pk}")
                shown = [what for what, text in markers.items() if text in answer.body]
                if answer.outcome != 200 or (shown and role != "admin"):
                    wrong.append(f"{name}?{arg}= ({label}) as {role}: {answer.outcome}, shows {shown}")
    assert not wrong, "\n".join(wrong)


def _sizes() -> str:
    cells = len(ROUTES) * len(ROLES) * len(METHODS)
    urls = sum(1 for route in ROUTES for _ in _variants(route))
    extra = urls * len(ROLES) * len(METHODS)
    per_url = f"{len(ROLES)} roles × {len(METHODS)} methods"
    return (
        f"\n\nSize: {len(ROUTES)} URL patterns × {per_url} = {cells} requests,"
        f"\nand {urls} URLs with other ids × {per_url} = {extra} more.\n"
    )


__doc__ += _sizes()


# A GET that changes something and so refuses HEAD, which must change nothing.
HEAD_REFUSED = {"notifications:open": "opening a notification marks it read"}


def test_every_page_answers_head_as_it_answers_get(matrix, db):
    """Link checkers, mail scanners and monitors ask HEAD: each page answers it as it answers GET
    (to the first role whose GET is answered), not 405 (`require_GET` refuses HEAD: `require_safe`)."""
    visitors, wrong = {}, []
    for route in ROUTES:
        role = next((r for r in ROLES if EXPECTED[route.key]["get"][r] in (200, "redirect")), None)
        if role is None:
            continue
        expected = 405 if route.key in HEAD_REFUSED else EXPECTED[route.key]["get"][role]
        visitor = visitors.setdefault(role, Visitor(matrix.users[role]))
        answer = visitor.request("head", _url(route, matrix.world, matrix.targets))
        if answer.outcome != expected:
            wrong.append(f"HEAD {route.key} as {role}: {answer.outcome}, expected {expected}")
    assert not wrong, "\n".join(wrong)
