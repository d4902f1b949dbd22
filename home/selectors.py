"""The home page's reads: each person's to-do list gathered from the apps, what needs a programme
admin's attention across cohorts, and a manager's dashboard headline. A fixed number of queries
per role, whatever the data."""

from __future__ import annotations

import dataclasses
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.selectors import unsigned_by_cohort
from closeout import selectors as closeout_selectors
from closeout import todo as closeout_todo
from dashboards.cohort_selectors import ACTIVITY_CACHE_SECONDS, flags_stamp
from dashboards.filters import scope_for
from dashboards.health_selectors import HealthFilters, health_rows
from dashboards.panels_kept import cache_seconds
from dashboards.privacy import too_few
from dashboards.selectors import outcomes_cached
from enrolment import todo as enrolment_todo
from matching.models import Pairing
from mentorship.todo import TodoItem
from outbox.models import Message
from people.models import Person
from programmes.models import Cohort, Enrolment
from sessions import todo as sessions_todo
from training import selectors as training_selectors
from training.selectors import unfinished_required_by_cohort

from . import kept

# Who owes a person a step: each offers `todo_for(person, *, today) -> list[TodoItem]` in a fixed
# number of queries (mentorship/todo.py). A new app's steps are one more line here; steps of a
# pair's content (agreement, shared resources, messages) are kept with the sessions' (sessions/todo.py).
PROVIDERS = (
    sessions_todo.todo_for,
    sessions_todo.pair_content_todo_for,
    closeout_todo.todo_for,
    closeout_selectors.todo_for,  # thanks to write at close
    enrolment_todo.todo_for,
    training_selectors.todo_for,
)


def _by_due(item: TodoItem) -> tuple:
    # Dated steps first, earliest first (so the overdue ones lead), then the undated in the order
    # their app gave them.
    return (item.due is None, item.due or datetime.date.max)


def todo_for(person: Person, *, today: datetime.date) -> list[TodoItem]:
    """Everything the person has to do, from every provider, by due date (overdue first). Every
    step comes from taking part in a cohort: without an enrolment no provider is asked."""
    if not sessions_todo.enrolment_ids(person):
        return []
    items = [item for provider in PROVIDERS for item in provider(person, today=today)]
    return sorted(items, key=_by_due)


# --- members ------------------------------------------------------------------------------------


@dataclasses.dataclass
class PairGroup:
    """A mentor's steps for one of their mentees."""

    pair: sessions_todo.PairSummary
    items: list[ShownItem]


@dataclasses.dataclass
class MemberHome:
    items: list[ShownItem]  # everything, by due date
    pairs: list[sessions_todo.PairSummary]
    # A mentor with several mentees: their steps per mentee, and the rest (their own as a mentee,
    # surveys, profiles) in `other_items`. Empty otherwise.
    groups: list[PairGroup]
    other_items: list[ShownItem]
    has_enrolments: bool

    @property
    def shown(self) -> bool:
        """Whether the person takes part in anything their to-do list speaks of."""
        return bool(self.items or self.pairs or self.has_enrolments)

    @property
    def next_session_at(self) -> datetime.datetime | None:
        """What comes next when nothing is to do: the earliest planned session of any pair."""
        planned = [pair.next_session_at for pair in self.pairs if pair.next_session_at]
        return min(planned) if planned else None

    @property
    def overdue_count(self) -> int:
        return sum(1 for shown in self.items if shown.overdue)


# Bootstrap Icons (served from static/ by the look lane) per kind of step; "bi-check2-circle" otherwise.
ICONS = {
    "session-upcoming": "bi-calendar-event",
    "session-confirm": "bi-patch-check",
    "action-item": "bi-list-check",
    "pulse": "bi-heart-pulse",
    "goal-due": "bi-bullseye",
    "reflection": "bi-journal-text",
    "survey": "bi-clipboard-check",
    "profile": "bi-person-lines-fill",
    "training": "bi-mortarboard",
    "agreement-sign": "bi-pen",
    "resource-read": "bi-bookmark",
    "messages": "bi-chat-dots",
    "thanks": "bi-heart",
}


@dataclasses.dataclass(frozen=True)
class ShownItem:
    """A TodoItem as the page shows it on `today`: whether it is overdue, and when it is due in words."""

    item: TodoItem
    today: datetime.date

    def __getattr__(self, name):
        return getattr(self.item, name)

    @property
    def overdue(self) -> bool:
        return self.item.is_overdue(self.today)

    @property
    def icon(self) -> str:
        return ICONS.get(self.item.kind, "bi-check2-circle")

    @property
    def due_label(self) -> str:
        due = self.item.due
        # A session's time is its detail; "due" is for steps.
        if due is None or self.item.kind == "session-upcoming":
            return ""
        if due < self.today:
            return _("Overdue: due %(day)s") % {"day": date_format(due, "j M")}
        if due == self.today:
            return _("Due today")
        return _("Due %(day)s") % {"day": date_format(due, "j M")}


def _member_steps(person: Person, *, today: datetime.date) -> tuple[list[TodoItem], list]:
    return todo_for(person, today=today), sessions_todo.pairs_of(person, today=today)


def member_home(person: Person, *, today: datetime.date) -> MemberHome:
    steps, pairs = kept.member_steps(person, today=today, read=_member_steps)
    items = [ShownItem(item, today) for item in steps]
    mentored = [pair for pair in pairs if pair.i_am_mentor]
    groups, other = [], []
    if len(mentored) >= 2:
        ids = {pair.pairing_id for pair in mentored}
        groups = [
            PairGroup(pair, [shown for shown in items if shown.pairing_id == pair.pairing_id])
            for pair in mentored
        ]
        other = [shown for shown in items if shown.pairing_id not in ids]
    return MemberHome(
        items=items,
        pairs=pairs,
        groups=groups,
        other_items=other,
        has_enrolments=bool(sessions_todo.enrolment_ids(person)),
    )


# --- programme admins -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AttentionLine:
    """One thing a programme admin should act on: how many, in words, and the page that acts on it
    (which lists exactly those: a line is never shown with a count of 0)."""

    kind: str
    count: int
    text: str
    url: str
    cohort: str = ""


# Cohorts an admin still acts in.
OPEN_STATES = (Cohort.State.ENROLLING, Cohort.State.MATCHING, Cohort.State.ACTIVE, Cohort.State.CONCLUDING)


def _health_url(**params) -> str:
    return reverse("dashboards:health") + "?" + urlencode(params)


def _pairs_by_cohort(filters: HealthFilters, *, today: datetime.date) -> dict[int, int]:
    """How many of programme health's rows with `filters` each cohort has: the same rule as the
    page the line links to, counted in one grouped query."""
    rows = health_rows(filters=filters, today=today).order_by().values("pk")
    counted = Pairing.objects.filter(pk__in=rows).order_by().values("cohort").annotate(n=Count("pk"))
    return {row["cohort"]: row["n"] for row in counted}


def _pairs_at_risk(*, today: datetime.date) -> tuple[dict[int, int], dict[int, int]]:
    """Per cohort, the pairs not keeping their cadence and those with an open flag: the page's
    dearest reads (every active pair's latest session and check-ins; 60-250 ms at 20,000 people on
    a busy machine). Kept as the admin's cohort page keeps them (dashboards.cohort_selectors): for
    ACTIVITY_CACHE_SECONDS, under the flags' stamp (a new check-in or a resolved flag shows at
    once) and which pairs are active (ending or publishing pairs shows at once); a session logged
    may take that minute to show."""

    def read():
        return (
            _pairs_by_cohort(HealthFilters(cadence_missed=True), today=today),
            _pairs_by_cohort(HealthFilters(flagged_only=True), today=today),
        )

    if not settings.PAIRING_FRAGMENT_SECONDS:
        return read()
    active = Pairing.objects.filter(status=Pairing.Status.ACTIVE).aggregate(n=Count("pk"), newest=Max("pk"))
    key = f"home-at-risk:v1:{today.isoformat()}:{flags_stamp()}:{active['n']}:{active['newest']}"
    return cache.get_or_set(key, read, ACTIVITY_CACHE_SECONDS)


def admin_attention(*, today: datetime.date) -> list[AttentionLine]:
    """The lines below, kept for a minute under the stamps of what they count (home/kept.py)."""
    return kept.admin_lines(today=today, read=_admin_attention)


def _admin_attention(*, today: datetime.date) -> list[AttentionLine]:
    """Per open cohort: pairs not keeping their cadence and pairs with an open flag (programme
    health's own filters), mentor applications and the waitlist to review, mentees without a mentor
    (as the cohort page counts them), agreements unsigned a week after the pair started, people
    who have not finished required training, and a step the cohort is due for; then emails that
    failed. Nine queries, however many cohorts and pairs; seven while the pairs at risk are kept."""
    cohorts = {
        cohort.pk: cohort
        for cohort in Cohort.objects.filter(state__in=OPEN_STATES)
        .select_related("programme")
        .order_by("starts_on", "name", "pk")
    }
    silent, flagged = _pairs_at_risk(today=today)
    waiting = {
        (row["cohort"], row["role"], row["status"]): row["n"]
        for row in Enrolment.objects.filter(
            cohort__state__in=OPEN_STATES, status__in=[Enrolment.Status.APPLIED, Enrolment.Status.WAITLISTED]
        )
        .order_by()
        .values("cohort", "role", "status")
        .annotate(n=Count("pk"))
    }
    # The cohort page's rule (dashboards.cohort_selectors.cohort_overview): an active mentee with no
    # active pairing who has not completed one, in a cohort matching or running.
    unmatched = {
        row["cohort"]: row["n"]
        for row in Enrolment.objects.filter(
            cohort__state__in=[Cohort.State.MATCHING, Cohort.State.ACTIVE],
            role=Enrolment.Role.MENTEE,
            status=Enrolment.Status.ACTIVE,
        )
        .exclude(Exists(Pairing.objects.filter(mentee=OuterRef("pk"), status=Pairing.Status.ACTIVE)))
        .exclude(
            Exists(
                Pairing.objects.filter(
                    mentee=OuterRef("pk"), status=Pairing.Status.ENDED, outcome=Pairing.Outcome.COMPLETED
                )
            )
        )
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
    }
    failed = Message.objects.filter(status=Message.Status.FAILED).count()
    unsigned = unsigned_by_cohort(cohorts, today=today)
    training_left = unfinished_required_by_cohort(list(cohorts))

    lines: list[AttentionLine] = []
    for pk, cohort in cohorts.items():
        name = str(cohort)
        page = cohort.get_absolute_url()
        review = reverse("enrolment:review", args=[pk])

        def line(kind, count, text, url, name=name):
            if count:
                lines.append(AttentionLine(kind=kind, count=count, text=text, url=url, cohort=name))

        n = silent.get(pk, 0)
        line(
            "pairs-silent",
            n,
            ngettext("pair not meeting as often as planned", "pairs not meeting as often as planned", n),
            _health_url(cohort=pk, cadence_missed="on"),
        )
        n = flagged.get(pk, 0)
        line(
            "pairs-flagged",
            n,
            ngettext(
                "pair flagged low satisfaction, not meeting or a blocker",
                "pairs flagged low satisfaction, not meeting or a blocker",
                n,
            ),
            _health_url(cohort=pk, flagged="on"),
        )
        n = unmatched.get(pk, 0)
        line("mentees-unmatched", n, ngettext("mentee without a mentor", "mentees without a mentor", n), page)
        n = waiting.get((pk, Enrolment.Role.MENTOR, Enrolment.Status.APPLIED), 0)
        line(
            "applications",
            n,
            ngettext("mentor application to review", "mentor applications to review", n),
            review,
        )
        n = waiting.get((pk, Enrolment.Role.MENTEE, Enrolment.Status.WAITLISTED), 0)
        line("waitlist", n, ngettext("mentee on the waitlist", "mentees on the waitlist", n), review)
        n = unsigned.get(pk, 0)
        line(
            "agreements-unsigned",
            n,
            ngettext(
                "pair without a signed agreement a week after starting",
                "pairs without a signed agreement a week after starting",
                n,
            ),
            reverse("agreements:unsigned", args=[pk]),
        )
        n = training_left.get(pk, 0)
        line(
            "training-unfinished",
            n,
            ngettext(
                "person has not finished required training", "people have not finished required training", n
            ),
            reverse("training:cohort-completion", args=[pk]),
        )
        step = _next_step(cohort, today=today)
        if step:
            line("cohort-step", 1, step, page)
    if failed:
        lines.append(
            AttentionLine(
                kind="emails-failed",
                count=failed,
                text=ngettext("email or chat post failed", "emails or chat posts failed", failed),
                url=reverse("outbox:message-list") + "?" + urlencode({"status": Message.Status.FAILED}),
            )
        )
    return lines


def _next_step(cohort: Cohort, *, today: datetime.date) -> str:
    """The cohort's move that is due, in words ("" when none is)."""
    if cohort.state == Cohort.State.ENROLLING and cohort.starts_on <= today:
        return _("Still enrolling although it started on %(day)s: move it on to matching") % {
            "day": date_format(cohort.starts_on, "j M Y")
        }
    if cohort.is_active and cohort.ends_on <= today:
        return _("Its end date has passed: begin close-out")
    if cohort.is_concluding:
        return _("Concluding: close it once reflections and surveys are in")
    return ""


# --- managers -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Figure:
    label: str
    value: str
    note: str = ""

    @property
    def shown(self) -> bool:
        """A figure, not "too few to show" (the page sets the two apart)."""
        return self.value != too_few()


def _rate(rate) -> str:
    return f"{rate.percent} %" if rate.shown else too_few()


def manager_headline(user) -> list[Figure]:
    """The figures the dashboard shows first, for the teams `user` may see there (the same scope,
    the same privacy rules, the same cached figures: dashboards.selectors.outcomes_cached)."""
    scope, _form = scope_for(user, QueryDict())
    data = outcomes_cached(scope, seconds=cache_seconds())
    mentees = next(
        group for group in data.retention.groups if group.role == Enrolment.Role.MENTEE and not group.compared
    )
    compared = next(
        group for group in data.retention.groups if group.role == Enrolment.Role.MENTEE and group.compared
    )
    pulse = data.satisfaction.pulse[Enrolment.Role.MENTEE]
    return [
        Figure(_("Active pairings"), str(data.active_pairings)),
        Figure(
            _("Mentees still with us 90 days after joining"),
            _rate(mentees.at[90]),
            _("Comparable colleagues: %(rate)s") % {"rate": _rate(compared.at[90])},
        ),
        Figure(_("Mentees' pulse satisfaction (1–5)"), str(pulse) if pulse.shown else too_few()),
        Figure(_("Pairs keeping their cadence"), _rate(data.engagement.cadence_kept)),
    ]
