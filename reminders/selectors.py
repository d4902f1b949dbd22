"""Reads for reminders: which pairings owe their members a nudge, and which reminders still need sending."""

import datetime

from django.db.models import DateField, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from matching.models import Pairing
from programmes.models import Cohort

from .models import Reminder


class _AddDays(Func):
    """`date + n days`, as a date, in SQL.

    Django's own interval arithmetic (`F(date) + F(n) * timedelta(days=1)`) is emulated on SQLite
    (the embedded set-up) by a function that returns a datetime string, which then compares wrongly
    against a date; so each database gets its native date arithmetic instead.
    """

    arity = 2
    output_field = DateField()
    template = "(%(expressions)s)"
    arg_joiner = " + "

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", '+' || ",
            **extra_context,
        )


def last_session_on() -> Subquery:
    """The date of the pairing's latest session, as a correlated subquery: one index-only lookup
    per pairing (session_pairing_latest_idx), where MAX over a join grouped the whole wide row of
    every pairing and its people, due or not (2.2 s against 1 s at 50,000 pairings)."""
    from sessions.models import MentoringSession

    return Subquery(
        MentoringSession.objects.filter(pairing=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    )


# Only a pairing that is running, in a cohort that is running, is reminded of anything: an ended
# pairing (ended early by the admin, or completed) or a cohort that is concluding or closed gets no
# check-in or pulse reminder, and the emails of reminders recorded before it ended and not yet sent
# are cancelled (reminders.services.reminders_cancel_unowed).
REMINDED = Q(status=Pairing.Status.ACTIVE, cohort__state=Cohort.State.ACTIVE)


def pairings_due_check_in(*, today: datetime.date) -> QuerySet[Pairing]:
    """Active pairings in active cohorts that have not met for `cadence_days` or more.

    One query, whatever the number of pairs or sessions: the database finds each pair's last
    session (`last_session_on`), falls back to the start date for pairs that never met, and filters on
    `last_met_on + cadence <= today`. Each row carries `last_met_on` and `due_on`, and has its cohort
    and both members' people loaded, so callers can build messages without further queries.
    """
    return (
        Pairing.objects.filter(REMINDED)
        .annotate(last_session_on=last_session_on())
        .annotate(last_met_on=Coalesce("last_session_on", F("started_on")))
        .annotate(due_on=_AddDays("last_met_on", "cohort__cadence_days"))
        .filter(due_on__lte=today)
        .select_related("cohort__programme", "mentor__person", "mentee__person")
        .order_by("pk")
    )


def pairings_due_pulse(*, today: datetime.date) -> QuerySet[Pairing]:
    """Active pairings in active cohorts that have been running for at least one pulse interval
    (`check_in_interval_days`): from then on each period opens with a pulse check-in.

    One query; rows have their cohort (with its programme) and both members' people loaded. Which
    period is due is arithmetic on `started_on` (sessions.checkins.pulse_period).
    """
    return (
        Pairing.objects.filter(REMINDED)
        .filter(started_on__isnull=False)
        .annotate(first_pulse_on=_AddDays("started_on", "cohort__check_in_interval_days"))
        .filter(first_pulse_on__lte=today)
        .select_related("cohort__programme", "mentor__person", "mentee__person")
        .order_by("pk")
    )


def reminder_messages_no_longer_owed() -> QuerySet[Reminder]:
    """Reminders whose email still waits in the outbox although their pairing is no longer reminded."""
    from outbox.models import Message

    return Reminder.objects.filter(message__status=Message.Status.PENDING, pairing__isnull=False).exclude(
        pairing__in=Pairing.objects.filter(REMINDED)
    )


def pairings_overdue_for_escalation(*, today: datetime.date) -> QuerySet[Pairing]:
    """Active pairings in active cohorts silent for twice their cadence (since their last session,
    or their start if they never met): the programme admins hear of these. One query, as
    `pairings_due_check_in`; rows carry `last_met_on` and `overdue_on`."""
    return (
        Pairing.objects.filter(REMINDED)
        .annotate(last_session_on=last_session_on())
        .annotate(last_met_on=Coalesce("last_session_on", F("started_on")))
        .annotate(overdue_on=_AddDays("last_met_on", F("cohort__cadence_days") * 2))
        .filter(overdue_on__lte=today)
        .select_related("cohort__programme", "mentor__person", "mentee__person")
        .order_by("pk")
    )


def scheduled_sessions_upcoming(*, now: datetime.datetime, within: datetime.timedelta):
    """Planned sessions, not cancelled, starting after `now` and no later than `now + within`, of
    pairings that are still reminded; with the pairing's cohort and both members loaded."""
    from sessions.models import ScheduledSession

    return (
        ScheduledSession.objects.filter(
            cancelled_at__isnull=True, starts_at__gt=now, starts_at__lte=now + within
        )
        .filter(pairing__status=Pairing.Status.ACTIVE, pairing__cohort__state=Cohort.State.ACTIVE)
        .select_related("pairing__cohort__programme", "pairing__mentor__person", "pairing__mentee__person")
        .order_by("pk")
    )


# Open and due by `soon_until` (overdue ones included). The same rule as the models ask one row:
# an action item is open until done (ActionItem.done_at), a goal while it is in progress
# (Goal.is_in_progress); either is overdue once its due date has passed (Goal.is_overdue).
def action_items_due(*, soon_until: datetime.date):
    from sessions.models import ActionItem

    return (
        ActionItem.objects.filter(done_at__isnull=True, due_on__isnull=False, due_on__lte=soon_until)
        .filter(pairing__status=Pairing.Status.ACTIVE, pairing__cohort__state=Cohort.State.ACTIVE)
        .select_related("owner", "pairing__cohort__programme")
        .order_by("pk")
    )


def goals_due(*, soon_until: datetime.date):
    from sessions.models import Goal

    return (
        Goal.objects.filter(status__in=[Goal.Status.ON_TRACK, Goal.Status.AT_RISK], due_on__lte=soon_until)
        .filter(pairing__status=Pairing.Status.ACTIVE, pairing__cohort__state=Cohort.State.ACTIVE)
        .select_related("pairing__cohort__programme", "pairing__mentor__person", "pairing__mentee__person")
        .order_by("pk")
    )


def programme_admins():
    """The people who run programmes: their login is in the programme admins' group (or a
    superuser's), and they have not left. Digests and escalations go to them."""
    from django.conf import settings

    from people.models import Person

    return (
        Person.objects.filter(user__is_active=True)
        .filter(Q(user__groups__name=settings.ADMINS_GROUP) | Q(user__is_superuser=True))
        .distinct()
        .order_by("pk")
    )
