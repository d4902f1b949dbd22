"""Hypothesis posts generated input to every form in the project and asserts that nothing a user
types gives a 500, and that a refused form saves nothing.

The forms are found from the URLconf, so a new form is covered without touching this file: every
route whose view does not refuse POST is fuzzed, with its URL built from real ids (the `targets`
fixture, `KWARGS`), as the first of the named people who sees a form posting to it. The fields come
from that form's HTML (on the route's own page, or on a page near it), and each example changes some
of them: a field missing, empty, repeated, or replaced by something nasty (`NASTY`: non-ASCII digits,
25-digit ids, dates near year 1 and 9999, very long strings, formula cells...), and a formset's
TOTAL_FORMS of 100,000,000. Work queued for after the commit runs, and when the post is accepted the
pages it leads to are opened too. A route whose URL needs an id this file cannot build fails, naming
the argument to add to `KWARGS`.

Each example runs in a savepoint that is rolled back, so examples do not see each other's writes.
FUZZ_EXAMPLES sets the examples per form (default 25).
"""

import datetime
import html
import html.parser
import inspect
import os
import re
import types
import urllib.parse

import pytest
import time_machine
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SKIPPED_NAMESPACES = {"admin"}  # Django's own admin site: not a form of this project
FROZEN_AT = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)


# --- the routes ---------------------------------------------------------------------------------


def _walk(resolvers, prefix="", namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIPPED_NAMESPACES:
                continue
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield types.SimpleNamespace(
                name=name,
                pattern=prefix + str(entry.pattern),
                converters=dict(entry.pattern.converters),
                callback=entry.callback,
            )


def _source(callback) -> str:
    view = inspect.unwrap(getattr(callback, "view_class", callback))
    try:
        return inspect.getsource(view)
    except (OSError, TypeError):
        return ""


def _handles_post(route) -> bool:
    """Every route but those that refuse POST outright: a view may handle POST in a helper."""
    view_class = getattr(route.callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    return not re.search(r"@require_(GET|safe)\b", _source(route.callback))


def _query_names(route) -> list[str]:
    """The query-string parameters a view reads, from its source."""
    source = _source(route.callback)
    return sorted(set(re.findall(r"""request\.GET(?:\.get\(|\[|\.getlist\()\s*["'](\w+)["']""", source)))


ROUTES = list(_walk(get_resolver().url_patterns))
POST_ROUTES = [r for r in ROUTES if _handles_post(r)]
# Answers only a sign-in this browser started at the OpenID provider, so every generated query is
# refused before it is read; tests/people/test_sso.py sends it forged, replayed, made-up and
# malformed answers against a real provider instead.
NOT_FUZZED_BY_QUERY = {"sso:callback"}
QUERY_ROUTES = [r for r in ROUTES if _query_names(r) and r.name not in NOT_FUZZED_BY_QUERY]


# --- real ids for every route -------------------------------------------------------------------


@pytest.fixture
def targets(world):
    return build_targets(world)


def build_targets(world):
    """Objects each route acts on, added to the world: an enrolling cohort with an applicant, a
    waitlisted mentee and an invitation; a cohort in matching with a proposed run and a rule; a
    choice cohort with an open request; a goal with a milestone, a scheduled and a logged session."""
    from enrolment.models import Invitation
    from enrolment.services import cohort_join_token, invitation_token
    from matching.models import MatchRun, MentorRequest, PairRule
    from people.models import ImportJob
    from programmes.models import Cohort, Enrolment
    from sessions import links
    from sessions.checkins import pulse_period, pulse_token
    from sessions.models import GoalTemplate, Milestone, ScheduledSession
    from tests.factories import (
        CohortFactory,
        EnrolmentFactory,
        GoalFactory,
        PairingFactory,
        PersonFactory,
        SessionFactory,
    )
    from tests.matching.test_choice import build_choice

    programme = world.cohort.programme
    enrolling = CohortFactory(
        programme=programme,
        name="Spring 2027",
        state=Cohort.State.ENROLLING,
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 8, 31),
        self_enrolment_open=True,
    )
    applicant = EnrolmentFactory(
        cohort=enrolling,
        person=PersonFactory(hire_date=datetime.date(2019, 1, 7)),
        role=Enrolment.Role.MENTOR,
        status=Enrolment.Status.APPLIED,
    )
    waitlisted = EnrolmentFactory(cohort=enrolling, status=Enrolment.Status.WAITLISTED)
    invited = PersonFactory()
    invitation = Invitation.objects.create(
        cohort=enrolling, email=invited.email, person=invited, role=Enrolment.Role.MENTEE
    )
    matching = CohortFactory(programme=programme, name="Matching 2027", state=Cohort.State.MATCHING)
    run = MatchRun.objects.create(cohort=matching, status=MatchRun.Status.PROPOSED, created_by=world.admin)
    proposed = PairingFactory(match_run=run, status="proposed")
    PairingFactory(match_run=run, status="proposed")
    rule = PairRule.objects.create(
        cohort=matching, mentor=proposed.mentor, mentee=proposed.mentee, kind=PairRule.Kind.PIN
    )
    choice = build_choice(world)
    concluding = CohortFactory(programme=programme, name="Spring 2026", state=Cohort.State.CONCLUDING)
    concluding_pair = PairingFactory(
        match_run__cohort=concluding,
        mentor=EnrolmentFactory(cohort=concluding, person=world.mentor, role=Enrolment.Role.MENTOR),
        mentee=EnrolmentFactory(cohort=concluding, person=world.mentee),
    )
    mentor_request = MentorRequest.objects.create(cohort=choice.cohort, mentee=choice.bo, mentor=choice.omar)
    goal = GoalFactory(pairing=world.pair)
    milestone = Milestone.objects.create(goal=goal, title="Shadow two escalations")
    scheduled = ScheduledSession.objects.create(
        pairing=world.pair,
        starts_at=FROZEN_AT + datetime.timedelta(days=3),
        duration_minutes=45,
        created_by=world.mentee,
    )
    logged = SessionFactory(pairing=world.pair, logged_by=world.mentee)
    template = GoalTemplate.objects.create(
        title="Faster first response", specific="Answer faster", metric="FRT"
    )
    job = ImportJob.objects.create(created_by=world.admin, filename="people.csv", source="")
    from kpis.models import KpiImport

    kpi_job = KpiImport.objects.create(created_by=world.admin, filename="kpis.csv", source="")
    from outbox.models import Message

    failed_email = Message.objects.create(
        key="fuzz:failed",
        kind="test",
        to="someone@example.com",
        subject="Hello",
        text="Hello",
        status=Message.Status.FAILED,
    )
    period = pulse_period(world.pair, today=FROZEN_AT.date())
    return types.SimpleNamespace(
        programme=programme,
        enrolling=enrolling,
        applicant=applicant,
        waitlisted=waitlisted,
        invitation=invitation,
        invitation_token=invitation_token(invitation),
        join_token=cohort_join_token(enrolling),
        matching=matching,
        run=run,
        rule=rule,
        choice=choice,
        concluding=concluding,
        concluding_pair=concluding_pair,
        mentor_request=mentor_request,
        goal=goal,
        milestone=milestone,
        scheduled=scheduled,
        logged=logged,
        template=template,
        job=job,
        kpi_job=kpi_job,
        failed_email=failed_email,
        pulse_token=pulse_token(pairing_id=world.pair.pk, person_id=world.mentor.pk, period=period or 0),
        pulse_answer_token=links.pulse_answer_token(
            person_id=world.mentor.pk, pairing_id=world.pair.pk, period=period or 0
        ),
        confirm_token=links.session_confirm_token(person_id=world.mentor.pk, session_id=logged.pk),
    )


_LIBRARY_RESOURCE_ROUTES = (
    "resource-edit",
    "resource-archive",
    "resource-restore",
    "resource-delete",
    "resource-share",
)


def _library_resource(world):
    """One of the starter resources every programme gets, shareable with mentees."""
    from library.models import Resource

    return Resource.objects.filter(programme=world.cohort.programme, audience="both").order_by("pk").first()


def _library_shared(world):
    from library.services import resource_share

    return resource_share(resource=_library_resource(world), pairing=world.pair, by=world.mentor)[0]


# (route name or namespace, argument) -> the value from the world `w` and the targets `t`.
KWARGS = {
    ("mentoring_sessions", "pk"): lambda w, t: w.pair.pk,
    ("mentoring_sessions", "goal_pk"): lambda w, t: t.goal.pk,
    ("mentoring_sessions", "milestone_pk"): lambda w, t: t.milestone.pk,
    ("mentoring_sessions", "scheduled_pk"): lambda w, t: t.scheduled.pk,
    ("mentoring_sessions", "session_pk"): lambda w, t: t.logged.pk,
    ("mentoring_sessions", "template_pk"): lambda w, t: t.template.pk,
    ("mentoring_sessions", "token"): lambda w, t: t.pulse_token,
    ("mentoring_sessions:pulse-page", "token"): lambda w, t: t.pulse_answer_token,
    ("mentoring_sessions:pulse-answer", "token"): lambda w, t: t.pulse_answer_token,
    ("mentoring_sessions:pulse-answer", "score"): lambda w, t: 4,
    ("mentoring_sessions:session-confirm-link", "token"): lambda w, t: t.confirm_token,
    ("mentoring_sessions", "cohort_pk"): lambda w, t: w.cohort.pk,
    ("matching", "pk"): lambda w, t: t.run.pk,
    ("matching", "rule_pk"): lambda w, t: t.rule.pk,
    ("matching", "cohort_pk"): lambda w, t: t.matching.pk,
    ("choice", "enrolment_pk"): lambda w, t: t.choice.ada.pk,
    ("choice", "pk"): lambda w, t: t.mentor_request.pk,
    ("choice", "cohort_pk"): lambda w, t: t.choice.cohort.pk,
    ("closeout", "pairing_pk"): lambda w, t: w.pair.pk,
    ("closeout", "enrolment_pk"): lambda w, t: w.pair.mentee.pk,
    ("closeout", "cohort_pk"): lambda w, t: t.concluding.pk,
    ("closeout:reflection", "pairing_pk"): lambda w, t: t.concluding_pair.pk,
    ("agreements", "pairing_pk"): lambda w, t: w.pair.pk,
    ("agreements", "programme_pk"): lambda w, t: t.programme.pk,
    ("agreements", "cohort_pk"): lambda w, t: w.cohort.pk,
    ("enrolment", "enrolment_pk"): lambda w, t: w.pair.mentee.pk,
    ("enrolment:application-review", "enrolment_pk"): lambda w, t: t.applicant.pk,
    ("enrolment:promote", "enrolment_pk"): lambda w, t: t.waitlisted.pk,
    ("enrolment:admin-withdraw", "enrolment_pk"): lambda w, t: t.waitlisted.pk,
    ("enrolment:move", "enrolment_pk"): lambda w, t: t.waitlisted.pk,
    ("enrolment", "cohort_pk"): lambda w, t: t.enrolling.pk,
    ("enrolment", "invitation_pk"): lambda w, t: t.invitation.pk,
    ("enrolment:accept", "token"): lambda w, t: t.invitation_token,
    ("enrolment:join", "token"): lambda w, t: t.join_token,
    ("programmes", "pk"): lambda w, t: t.enrolling.pk,
    ("programmes:programme-detail", "pk"): lambda w, t: t.programme.pk,
    ("programmes:programme-edit", "pk"): lambda w, t: t.programme.pk,
    ("programmes:cohort-transition", "to"): lambda w, t: "matching",
    ("programmes:wording-list", "pk"): lambda w, t: t.programme.pk,
    ("programmes:wording-edit", "pk"): lambda w, t: t.programme.pk,
    ("programmes:wording-reset", "pk"): lambda w, t: t.programme.pk,
    ("programmes", "kind"): lambda w, t: "promoted",
    ("people", "pk"): lambda w, t: t.job.pk,
    ("kpis", "pk"): lambda w, t: t.kpi_job.pk,
    ("outbox", "pk"): lambda w, t: t.failed_email.pk,
    ("library", "pk"): lambda w, t: t.programme.pk,
    ("library", "stage"): lambda w, t: "closing",
    **{(f"library:{name}", "pk"): lambda w, t: _library_resource(w).pk for name in _LIBRARY_RESOURCE_ROUTES},
    ("library:pairing-shared", "pk"): lambda w, t: w.pair.pk,
    ("library:shared-done", "pk"): lambda w, t: _library_shared(w).pk,
    ("library:shared-remove", "pk"): lambda w, t: _library_shared(w).pk,
    ("training", "pk"): lambda w, t: t.programme.training_modules.get(title="Active listening").pk,
    ("training", "programme_pk"): lambda w, t: t.programme.pk,
    ("training", "cohort_pk"): lambda w, t: w.cohort.pk,
    ("training:module-move", "direction"): lambda w, t: "down",
    ("privacy:person-erase", "pk"): lambda w, t: w.mentee.pk,
    # A pair's history (the other kinds share the view).
    ("audit:object-history", "kind"): lambda w, t: "pairing",
    ("audit:object-history", "pk"): lambda w, t: w.pair.pk,
}


def _kwargs(route, world, t) -> dict:
    namespace = route.name.rpartition(":")[0]
    found = {}
    for arg, converter in route.converters.items():
        build = KWARGS.get((route.name, arg)) or KWARGS.get((namespace, arg))
        if build is not None:
            found[arg] = build(world, t)
        elif type(converter).__name__ in ("StringConverter", "SlugConverter", "PathConverter"):
            found[arg] = "not-a-valid-link"  # a token or code this file cannot make: still fuzzed
        else:
            pytest.fail(f"tests/test_forms_fuzz.py: add how to build {arg!r} for {route.name} to KWARGS")
    return found


def _url(route, world, t) -> str:
    return reverse(route.name, kwargs=_kwargs(route, world, t))


# --- which of the named people may use a form ---------------------------------------------------


def _candidates(world):
    people = [world.mentor, world.mentee, world.mentor2, world.mentee2, world.manager, world.outsider]
    return [world.admin, *(p.user for p in people), None]


def _refused(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def _rolled_back(call):
    with transaction.atomic():
        try:
            return call()
        finally:
            transaction.set_rollback(True)


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _user_and_fields(url, world, t):
    """The first named person who sees a form posting to `url`, and that form's fields. The form is
    looked for on the route's own page, the links from it back to itself (`?step=`), then the pages
    under the same first path segment, closest first. With no form anywhere: the first person the
    route does not refuse, posting blind."""
    top = "/" + url.strip("/").split("/")[0] + "/"
    pages = sorted(
        (u for u in {_url(r, world, t) for r in ROUTES if _buildable(r)} if u.startswith(top) and u != url),
        key=lambda u: -len(os.path.commonprefix([u, url])),
    )
    fallback = None
    for user in _candidates(world):
        client = _client_for(user)
        own = client.get(url)
        if own.status_code != 405 and not _refused(own):
            fallback = fallback or user
        elif (
            own.status_code == 405
            and fallback is None
            and not _refused(_rolled_back(lambda c=client: c.post(url, {})))
        ):
            fallback = user
        queue = [(url, own)] if own.status_code == 200 else []
        queue += [(u, None) for u in _links_to_self(url, own)]
        queue += [(u, None) for u in pages]
        for page, response in queue:
            response = response or client.get(page)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in _post_forms(page, response.content.decode()):
                if form["action"] == url:
                    return user, form["fields"]
    return fallback, {}


def _links_to_self(url, response) -> list[str]:
    if response.status_code != 200:
        return []
    hrefs = re.findall(r'href="([^"]+)"', response.content.decode(errors="replace"))
    links = [urllib.parse.urljoin(url, html.unescape(h)) for h in hrefs]
    return [link for link in links if link.startswith(url + "?")]


# --- the fields of a form, from its HTML --------------------------------------------------------


class _Forms(html.parser.HTMLParser):
    """Every POST form on a page: its action and its fields (name -> the values it offers)."""

    def __init__(self):
        super().__init__()
        self.forms, self._current, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._current = {"action": a.get("action") or "", "fields": {}}
                self.forms.append(self._current)
            return
        if tag == "option" and self._select is not None:
            if a.get("value"):
                self._select["values"].append(a["value"])
            return
        if self._current is None or not a.get("name"):
            return
        fields = self._current["fields"]
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                fields.setdefault(name, {"type": kind, "values": []})["values"].append(a.get("value") or "")
            elif kind in ("checkbox", "radio"):
                fields.setdefault(name, {"type": kind, "values": []})["values"].append(a.get("value") or "on")
            else:
                fields.setdefault(name, {"type": kind, "values": [a.get("value") or ""]})
        elif tag == "select":
            self._select = fields.setdefault(name, {"type": "select", "values": []})
        elif tag == "textarea":
            self._textarea = fields.setdefault(name, {"type": "textarea", "values": [""]})

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea is not None and data.strip():
            self._textarea["values"] = [data.strip()]

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _post_forms(page_url: str, html_text: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html_text)
    for form in parser.forms:
        form["action"] = urllib.parse.urljoin(page_url, form["action"]).split("?")[0]
    return parser.forms


def _buildable(route) -> bool:
    namespace = route.name.rpartition(":")[0]
    return all((route.name, a) in KWARGS or (namespace, a) in KWARGS for a in route.converters)


# --- what to post -------------------------------------------------------------------------------

# Classes of bad input, each drawn as often as the others, so that every class meets every form.
NASTY = {
    "blank": ["", " ", "\x00", "\u200b"],
    "non-ASCII digits": ["²", "١٢", "७", "³⁴", "٣"],
    "not a number": ["abc", "1.5", "1e309", "NaN", "-inf", "0x10", "1_000"],
    "huge or negative numbers": [
        "9" * 25,
        "-" + "9" * 25,
        "2147483648",
        "9223372036854775808",
        "100000000",
        "-1",
        "0",
    ],
    "far dates": [
        "0001-01-01",
        "0001-01-02",
        "9999-12-31",
        "9999-12-30",
        "1900-02-29",
        "2026-13-45",
        "24:00",
    ],
    "formula cells": ["=1+1", ' =HYPERLINK("http://x")', "\t@SUM(A1)", "+1", "-2+3"],
    "long strings": ["x" * 5001, "é" * 100_001, "a," * 3000],
    "markup": ["<script>alert(1)</script>", "Ωμέγα 😀", "'; DROP TABLE people; --", "%s%n{0}"],
}
values = st.one_of(
    *(st.sampled_from(examples) for examples in NASTY.values()),
    st.text(max_size=40),
    st.integers().map(str),
)


def _baseline(fields: dict) -> dict:
    """A plausible filled-in form: what a person would most likely send."""
    data = {}
    for name, field in fields.items():
        kind, offered = field["type"], field["values"]
        if kind in ("submit", "button", "image", "reset", "checkbox"):
            continue
        if kind == "radio" or kind == "select":
            if offered:
                data[name] = offered[0]
            continue
        value = offered[0] if offered else ""
        if not value:
            value = {"date": "2026-11-20", "time": "10:00", "number": "3", "email": "new@example.com"}.get(
                kind, "Something sensible"
            )
        data[name] = value
    return data


# What each kind of input meets most: a field gets its own kind's nasties as often as all the rest.
_ids = st.sampled_from(NASTY["huge or negative numbers"] + NASTY["non-ASCII digits"])
_BY_KIND = {
    "date": st.one_of(st.sampled_from(NASTY["far dates"]), values),
    "time": st.one_of(st.sampled_from(NASTY["far dates"]), values),
    "number": st.one_of(_ids, values),
    "select": st.one_of(_ids, values),
    "radio": st.one_of(_ids, values),
    "checkbox": st.one_of(_ids, values),
    "hidden": st.one_of(_ids, values),
    "text": st.one_of(st.sampled_from(NASTY["long strings"] + NASTY["formula cells"]), values),
    "textarea": st.one_of(st.sampled_from(NASTY["long strings"] + NASTY["formula cells"]), values),
}


@st.composite
def payloads(draw, fields: dict):
    data = _baseline(fields)
    names = sorted(set(fields) | set(data)) or ["field"]
    for name in draw(st.lists(st.sampled_from(names), max_size=max(4, len(names) // 2), unique=True)):
        nasty = _BY_KIND.get(fields.get(name, {}).get("type"), values)
        action = draw(st.sampled_from(["drop", "empty", "repeat", "nasty", "nasty", "nasty"]))
        if action == "drop":
            data.pop(name, None)
        elif action == "empty":
            data[name] = ""
        elif action == "repeat":
            data[name] = [data.get(name, ""), draw(nasty)]
        else:
            data[name] = draw(nasty)
    for name in fields:
        if name.endswith("-TOTAL_FORMS") and draw(st.booleans()):
            data[name] = draw(st.sampled_from(["100000000", "-1", "²", "11", "2"]))
    return data


# --- the properties -----------------------------------------------------------------------------


def _row_counts() -> dict:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m is not Session}


def _refused_with_errors(response) -> bool:
    if response.status_code not in (200, 400, 409, 422):
        return False
    text = response.content.decode(errors="replace")
    return "is-invalid" in text or "errorlist" in text or "invalid-feedback" in text


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN_AT, tick=True):
        yield


def _pages_after(client, location, route, data):
    """Accepted input must not break the pages that show it: the page the post went to, and the
    pages and downloads it links to under the same path (e.g. a scheduled session's .ics)."""
    if not location.startswith("/"):
        return
    page = client.get(location)
    assert page.status_code < 500, f"{location} after {route.name}: {page.status_code} for {data!r}"
    if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
        return
    top = "/" + location.strip("/").split("/")[0] + "/"
    hrefs = re.findall(r'href="(/[^"#?]*)"', page.content.decode(errors="replace"))
    for href in sorted({h for h in hrefs if h.startswith(top) and h != location})[:8]:
        linked = client.get(href)
        assert linked.status_code < 500, f"{href} after {route.name}: {linked.status_code} for {data!r}"


@pytest.mark.parametrize("route", POST_ROUTES, ids=[r.name for r in POST_ROUTES])
def test_no_form_gives_a_500_or_saves_when_refused(
    route, world, targets, frozen, django_capture_on_commit_callbacks
):
    url = _url(route, world, targets)
    user, fields = _user_and_fields(url, world, targets)

    @settings(
        # A route with no form of its own (a page, a download) gets a few blind posts.
        max_examples=EXAMPLES if fields else 5,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=payloads(fields))
    def posts(data):
        def attempt():
            client = _client_for(user)
            before = _row_counts()
            # Work queued for after the commit (emails, invites) runs too: accepted input must not
            # fail there either.
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(url, data)
            assert response.status_code < 500, f"{route.name}: {response.status_code} for {data!r}"
            if _refused_with_errors(response):
                assert _row_counts() == before, f"{route.name} saved rows although it refused {data!r}"
            elif response.status_code == 302:
                _pages_after(client, response["Location"], route, data)

        _rolled_back(attempt)

    posts()


@pytest.mark.parametrize("route", QUERY_ROUTES, ids=[r.name for r in QUERY_ROUTES])
def test_no_page_gives_a_500_for_an_odd_query_string(route, world, targets, frozen):
    url = _url(route, world, targets)
    user = next(u for u in _candidates(world) if not _refused(_client_for(u).get(url)))
    names = _query_names(route)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
    @given(query=st.dictionaries(st.sampled_from(names), values, min_size=1))
    def gets(query):
        response = _rolled_back(lambda: _client_for(user).get(url, query))
        assert response.status_code < 500, f"{route.name}: {response.status_code} for {query!r}"

    gets()


@pytest.mark.parametrize(
    "name",
    [
        "mentoring_sessions:session-schedule",
        "mentoring_sessions:session-create",
        "mentoring_sessions:goal-create",
        "mentoring_sessions:goal-update",
        "enrolment:profile",
        "enrolment:invite",
        "choice:request-create",
        "programmes:cohort-create",
        "people:person-bulk",
    ],
)
def test_the_forms_are_found_not_fuzzed_blind(name, world, targets, frozen):
    """A guard for the finder itself: these forms are known to exist, so their fields must be found."""
    route = next(r for r in POST_ROUTES if r.name == name)
    user, fields = _user_and_fields(_url(route, world, targets), world, targets)
    assert user is not None and set(fields) - {"csrfmiddlewaretoken", "submission"}, (name, fields)
