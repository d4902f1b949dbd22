"""Reads for reminders: which pairings owe their members a nudge, and which reminders still need sending."""

import datetime

from django.db.models import DateField, F, Func, Max, Q, QuerySet
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


# Only a pairing that is running, in a cohort that is running, is reminded of anything: an ended
# pairing (ended early by the admin, or completed) or a cohort that is concluding or closed gets no
# check-in or pulse reminder, and the emails of reminders recorded before it ended and not yet sent
# are cancelled (reminders.services.reminders_cancel_unowed).
REMINDED = Q(status=Pairing.Status.ACTIVE, cohort__state=Cohort.State.ACTIVE)


def pairings_due_check_in(*, today: datetime.date) -> QuerySet[Pairing]:
    """Active pairings in active cohorts that have not met for `cadence_days` or more.

    One query, whatever the number of pairs or sessions: the database finds each pair's last
    session (MAX over a join), falls back to the start date for pairs that never met, and filters on
    `last_met_on + cadence <= today`. Each row carries `last_met_on` and `due_on`, and has its cohort
    and both members' people loaded, so callers can build messages without further queries.
    """
    return (
        Pairing.objects.filter(REMINDED)
        .annotate(last_met_on=Coalesce(Max("sessions__held_on"), F("started_on")))
        .annotate(due_on=_AddDays("last_met_on", "cohort__cadence_days"))
        .filter(due_on__lte=today)
        .select_related("cohort", "mentor__person", "mentee__person")
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


def reminders_without_message() -> QuerySet[Reminder]:
    """Reminders recorded whose email is not yet in the outbox, with everything the email needs
    loaded (one query)."""
    return (
        Reminder.objects.filter(message__isnull=True)
        .select_related(
            "person",
            "pairing__cohort__programme",
            "pairing__mentor__person",
            "pairing__mentee__person",
        )
        .annotate(last_met_on=Max("pairing__sessions__held_on"))
        .order_by("pk")
    )


def reminder_messages_no_longer_owed() -> QuerySet[Reminder]:
    """Reminders whose email still waits in the outbox although their pairing is no longer reminded."""
    from outbox.models import Message

    return Reminder.objects.filter(message__status=Message.Status.PENDING, pairing__isnull=False).exclude(
        pairing__in=Pairing.objects.filter(REMINDED)
    )
