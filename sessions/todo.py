"""What a member of a pair has to do, for their home page (mentorship/todo.py): sessions coming up
and sessions to confirm, their own open action items, the pulse to answer, goals due soon.

A fixed number of queries whatever the person has: their enrolments, their running pairings (with
each pair's next and last session and the sessions waiting for their confirmation), then one query
per other kind of step over all those pairings.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib

from django.core.cache import cache
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from matching import stamps
from matching.models import Pairing
from mentorship.todo import TodoItem
from people.models import Person
from programmes.models import Cohort
from programmes.selectors import enrolments_of

from . import checkins, fragments
from .models import ActionItem, CheckIn, Goal, MentoringSession, ScheduledSession

# Sessions starting within this many days are listed, with a link to add them to a calendar.
UPCOMING_DAYS = 7
# Goals still in progress and due within this many days (or already overdue) are listed.
GOALS_DUE_WITHIN_DAYS = 14
# The most steps of one kind listed: a home page stays readable (the workspace lists them all).
MOST_PER_KIND = 20


@dataclasses.dataclass(frozen=True)
class PairSummary:
    """One running pair as its member sees it on the home page."""

    pairing_id: int
    partner_name: str
    i_am_mentor: bool
    cohort_name: str
    url: str
    next_session_at: datetime.datetime | None
    last_session_on: datetime.date | None

    @property
    def partner_initials(self) -> str:
        words = self.partner_name.split()
        return "".join(word[0] for word in words[:1] + words[1:][-1:]).upper()


def enrolment_ids(person: Person) -> list[int]:
    """The person's enrolments (any status), read once per person object."""
    return [enrolment.pk for enrolment in enrolments_of(person)]


def _running_pairings(person: Person) -> list[Pairing]:
    """The person's active pairings in cohorts that are not closed (Pairing.is_active): where a
    step can still be taken, with what the pair cards show."""
    enrolments = enrolment_ids(person)
    if not enrolments:
        return []
    now = timezone.now()
    next_session = ScheduledSession.objects.filter(
        pairing=OuterRef("pk"), cancelled_at__isnull=True, starts_at__gte=now
    ).order_by("starts_at")
    last_session = MentoringSession.objects.filter(pairing=OuterRef("pk")).order_by("-held_on", "-pk")
    # Sessions the other side logged that this person has not confirmed, oldest first.
    to_confirm = (
        MentoringSession.objects.filter(pairing=OuterRef("pk"), confirmed_at__isnull=True)
        .exclude(logged_by=person)
        .order_by("held_on", "pk")
    )
    counted = to_confirm.order_by().values("pairing").annotate(n=Count("pk")).values("n")
    return list(
        # Through the enrolment ids (a few), as sessions.selectors.pairings_for does: the planner
        # then reads the mentor and mentee indexes instead of joining every pairing.
        Pairing.objects.filter(Q(mentor__in=enrolments) | Q(mentee__in=enrolments))
        .filter(status=Pairing.Status.ACTIVE)
        .exclude(cohort__state=Cohort.State.CLOSED)
        .select_related("cohort", "mentor__person", "mentee__person")
        .annotate(
            next_session_at=Subquery(next_session.values("starts_at")[:1]),
            last_session_on=Subquery(last_session.values("held_on")[:1]),
            to_confirm_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
            first_to_confirm_id=Subquery(to_confirm.values("pk")[:1]),
            first_to_confirm_on=Subquery(to_confirm.values("held_on")[:1]),
        )
        .order_by("started_on", "pk")
    )


def _summaries(person: Person, pairings: list[Pairing]) -> list[PairSummary]:
    return [
        PairSummary(
            pairing_id=pairing.pk,
            partner_name=pairing.partner_of(person).full_name,
            i_am_mentor=pairing.mentor.person_id == person.pk,
            cohort_name=pairing.cohort.name,
            url=pairing.get_absolute_url(),
            next_session_at=pairing.next_session_at,
            last_session_on=pairing.last_session_on,
        )
        for pairing in pairings
    ]


def _day(value: datetime.date) -> str:
    return date_format(value, "j M")


def pairs_of(person: Person, *, today: datetime.date) -> list[PairSummary]:
    """The person's running pairs, oldest first, each with its next and last session."""
    return _kept(person, today=today)[0]


def todo_for(person: Person, *, today: datetime.date) -> list[TodoItem]:
    """Sessions in the next UPCOMING_DAYS, sessions the other side logged and this person has not
    confirmed, their own open action items, this period's pulse if unanswered, and goals due within
    GOALS_DUE_WITHIN_DAYS or overdue. Seven queries; two while kept (`_kept`) or without a running
    pairing."""
    return _kept(person, today=today)[1]


# A planned session that has begun may stay listed as upcoming, and a pair's next session shown,
# this long after: every other change to what the list shows replaces the key at once.
KEPT_SECONDS = 300


def _kept(person: Person, *, today: datetime.date) -> tuple[list[PairSummary], list[TodoItem]]:
    """The pair cards and the steps, read once per person object and kept in the cache (with
    Redis, as the pair's pages are: sessions/fragments.py) under what they depend on: which
    pairings run (and their cohort's state and start, which set the pulse), each pairing's stamp
    (every write to its sessions, plans, action items, goals and check-ins replaces it:
    matching/stamps.py), the person, their time zone, the day and the language. A kept list costs
    the person's enrolments and one light query of their pairings instead of seven."""
    found = getattr(person, "_todo_kept", None)
    if found is not None and found[0] == today:
        return found[1]
    seconds = min(fragments.fragment_seconds(), KEPT_SECONDS)
    enrolments = enrolment_ids(person)
    if not enrolments:
        result = ([], [])
    elif not seconds:
        result = _read(person, today=today)
    else:
        running = list(
            Pairing.objects.filter(Q(mentor__in=enrolments) | Q(mentee__in=enrolments))
            .filter(status=Pairing.Status.ACTIVE)
            .exclude(cohort__state=Cohort.State.CLOSED)
            .order_by("pk")
            .values_list("pk", "cohort__state", "started_on", "mentor_id", "mentee_id")
        )
        if not running:
            result = ([], [])
        else:
            # The stamps are read before the rows they cover: what is kept under them is at least
            # as new as they are.
            parts = [person.pk, person.time_zone, today, get_language(), running]
            parts += [stamps.stamp(row[0]) for row in running]
            key = "member-steps:v1:" + hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()
            result = cache.get(key)
            if result is None:
                result = _read(person, today=today)
                cache.set(key, result, seconds)
    person._todo_kept = (today, result)
    return result


def _read(person: Person, *, today: datetime.date) -> tuple[list[PairSummary], list[TodoItem]]:
    pairings = _running_pairings(person)
    return _summaries(person, pairings), _steps(person, pairings, today=today)


def _steps(person: Person, running: list[Pairing], *, today: datetime.date) -> list[TodoItem]:
    pairings = {pairing.pk: pairing for pairing in running}
    if not pairings:
        return []
    ids = list(pairings)
    items: list[TodoItem] = []

    def partner(pairing_id: int) -> str:
        return pairings[pairing_id].partner_of(person).full_name

    now = timezone.now()
    upcoming = ScheduledSession.objects.filter(
        pairing__in=ids,
        cancelled_at__isnull=True,
        starts_at__gte=now,
        starts_at__lt=now + datetime.timedelta(days=UPCOMING_DAYS),
    ).order_by("starts_at", "pk")[:MOST_PER_KIND]
    for scheduled in upcoming:
        starts = timezone.localtime(scheduled.starts_at, person.tzinfo)
        items.append(
            TodoItem(
                kind="session-upcoming",
                title=_("Session with %(name)s") % {"name": partner(scheduled.pairing_id)},
                url=pairings[scheduled.pairing_id].get_absolute_url(),
                due=starts.date(),
                pairing_id=scheduled.pairing_id,
                detail=_("%(when)s (%(zone)s), %(minutes)d min")
                % {
                    "when": date_format(starts, "D j M, H:i"),
                    "zone": person.time_zone,
                    "minutes": scheduled.duration_minutes,
                },
                links=(
                    (
                        _("Add to my calendar"),
                        reverse("mentoring_sessions:session-ics", args=[scheduled.pairing_id, scheduled.pk]),
                    ),
                ),
            )
        )

    # One step per pair, however many sessions wait: it opens the oldest, and the next follows.
    for pairing in pairings.values():
        waiting = pairing.to_confirm_count
        if not waiting:
            continue
        name = partner(pairing.pk)
        items.append(
            TodoItem(
                kind="session-confirm",
                title=ngettext(
                    "Confirm and rate your session with %(name)s",
                    "Confirm and rate %(n)d sessions with %(name)s",
                    waiting,
                )
                % {"n": waiting, "name": name},
                url=reverse(
                    "mentoring_sessions:session-detail", args=[pairing.pk, pairing.first_to_confirm_id]
                ),
                pairing_id=pairing.pk,
                detail=ngettext(
                    "Logged by %(name)s for %(day)s",
                    "Logged by %(name)s, the first for %(day)s",
                    waiting,
                )
                % {"name": name, "day": _day(pairing.first_to_confirm_on)},
            )
        )

    actions = (
        ActionItem.objects.filter(pairing__in=ids, owner=person, done_at__isnull=True)
        .only("pk", "pairing_id", "description", "due_on")
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:MOST_PER_KIND]
    )
    for action in actions:
        items.append(
            TodoItem(
                kind="action-item",
                title=action.description,
                url=pairings[action.pairing_id].get_absolute_url() + "#actions-heading",
                due=action.due_on,
                pairing_id=action.pairing_id,
                detail=_("Action item agreed with %(name)s") % {"name": partner(action.pairing_id)},
            )
        )

    # The pulse: from the end of a pair's first interval each period asks both members once
    # (reminders.selectors.pairings_due_pulse, in a running cohort only).
    periods = {}
    for pairing in pairings.values():
        if pairing.cohort.state != Cohort.State.ACTIVE:
            continue
        period = checkins.pulse_period(pairing, today=today)
        if period is not None and period >= 1:
            periods[pairing.pk] = period
    if periods:
        answered = set(
            CheckIn.objects.filter(
                person=person,
                pairing__in=list(periods),
                period_key__in={checkins.period_key(n) for n in periods.values()},
            ).values_list("pairing_id", "period_key")
        )
        for pairing_id, period in periods.items():
            if (pairing_id, checkins.period_key(period)) in answered:
                continue
            items.append(
                TodoItem(
                    kind="pulse",
                    title=_("Answer this period's check-in on your mentoring with %(name)s")
                    % {"name": partner(pairing_id)},
                    url=reverse("mentoring_sessions:checkin-create", args=[pairing_id]),
                    due=checkins.period_ends_on(pairings[pairing_id], period),
                    pairing_id=pairing_id,
                    detail=_("Two questions, a minute of your time."),
                )
            )

    goals = (
        Goal.objects.filter(
            pairing__in=ids,
            status__in=[Goal.Status.ON_TRACK, Goal.Status.AT_RISK],
            due_on__lte=today + datetime.timedelta(days=GOALS_DUE_WITHIN_DAYS),
        )
        .only("pk", "pairing_id", "specific", "due_on", "status")
        .order_by("due_on", "pk")[:MOST_PER_KIND]
    )
    for goal in goals:
        items.append(
            TodoItem(
                kind="goal-due",
                title=_("Goal: %(goal)s") % {"goal": goal.specific},
                url=reverse("mentoring_sessions:goal-detail", args=[goal.pairing_id, goal.pk]),
                due=goal.due_on,
                pairing_id=goal.pairing_id,
                detail=_("Record progress or update its status (with %(name)s)")
                % {"name": partner(goal.pairing_id)},
            )
        )
    return items
