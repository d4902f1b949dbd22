"""The weekly digest for programme admins: what needs their attention in each running cohort, as
counts from SQL (a fixed number of queries, however many pairs), told once per ISO week."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from agreements.selectors import unsigned_by_cohort
from matching.models import Pairing
from people.models import Person
from programmes.models import Cohort, Enrolment
from sessions.checkins import open_flags_of
from sessions.models import Goal
from training.selectors import unfinished_required_by_cohort

from .models import Reminder
from .selectors import REMINDED, pairings_due_check_in, programme_admins

# Cohorts whose people can still have something unfinished: enrolling, matching or running.
DIGEST_STATES = (Cohort.State.ENROLLING, Cohort.State.MATCHING, Cohort.State.ACTIVE)


@dataclass
class CohortDigest:
    cohort: Cohort
    silent: int = 0
    flagged: int = 0
    overdue_goals: int = 0
    unmatched: int = 0
    unfinished_profiles: int = 0
    not_activated: int = 0
    unsigned_agreements: int = 0
    training_unfinished: int = 0

    @property
    def at_risk(self) -> int:
        return self.silent + self.flagged + self.overdue_goals

    @property
    def needs_attention(self) -> bool:
        return bool(
            self.at_risk
            or self.unmatched
            or self.unfinished_profiles
            or self.not_activated
            or self.unsigned_agreements
            or self.training_unfinished
        )


def week_key(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _by_cohort(rows, field: str = "cohort") -> dict[int, int]:
    return {row[field]: row["n"] for row in rows}


def admin_digest(*, today: datetime.date) -> list[CohortDigest]:
    """Per cohort that is enrolling, matching or running: pairs at risk (silent for their cadence,
    an open flag from the pulse: low satisfaction, not meeting or a blocker; overdue goals), mentees
    enrolled but unmatched, profiles unfinished, people who have not activated their login, pairs
    whose agreement is not signed a week after they started and people who have not finished the
    training their programme requires. Nine queries, whatever the number of cohorts or pairs."""
    cohorts = list(Cohort.objects.filter(state__in=DIGEST_STATES).select_related("programme"))
    silent = _by_cohort(
        Pairing.objects.filter(pk__in=pairings_due_check_in(today=today).values("pk"))
        .values("cohort")
        .annotate(n=Count("pk"))
    )
    flagged = _by_cohort(
        Pairing.objects.filter(REMINDED)
        .filter(Exists(open_flags_of()))
        .values("cohort")
        .annotate(n=Count("pk"))
    )
    overdue_goals = _by_cohort(
        Goal.objects.filter(status__in=[Goal.Status.ON_TRACK, Goal.Status.AT_RISK], due_on__lt=today)
        .filter(pairing__status=Pairing.Status.ACTIVE, pairing__cohort__state=Cohort.State.ACTIVE)
        .values("pairing__cohort")
        .annotate(n=Count("pairing", distinct=True)),
        field="pairing__cohort",
    )
    current = Enrolment.objects.filter(
        cohort__state__in=DIGEST_STATES,
        status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.APPLIED, Enrolment.Status.WAITLISTED],
    )
    unmatched = _by_cohort(
        Enrolment.objects.filter(
            cohort__state=Cohort.State.ACTIVE, role=Enrolment.Role.MENTEE, status=Enrolment.Status.ACTIVE
        )
        .exclude(Exists(Pairing.objects.filter(mentee=OuterRef("pk"), status=Pairing.Status.ACTIVE)))
        .values("cohort")
        .annotate(n=Count("pk"))
    )
    unfinished = _by_cohort(
        current.filter(profile_completed_at__isnull=True).values("cohort").annotate(n=Count("pk"))
    )
    not_activated = _by_cohort(
        current.filter(person__in=Person.objects.with_login(activated=False).filter(~Q(email="")))
        .values("cohort")
        .annotate(n=Count("pk"))
    )
    ids = [cohort.pk for cohort in cohorts]
    unsigned = unsigned_by_cohort(ids, today=today)
    training_left = unfinished_required_by_cohort(ids)
    return [
        CohortDigest(
            cohort=cohort,
            silent=silent.get(cohort.pk, 0),
            flagged=flagged.get(cohort.pk, 0),
            overdue_goals=overdue_goals.get(cohort.pk, 0),
            unmatched=unmatched.get(cohort.pk, 0),
            unfinished_profiles=unfinished.get(cohort.pk, 0),
            not_activated=not_activated.get(cohort.pk, 0),
            unsigned_agreements=unsigned.get(cohort.pk, 0),
            training_unfinished=training_left.get(cohort.pk, 0),
        )
        for cohort in cohorts
    ]


def admin_digests_owed(*, now: datetime.datetime, today: datetime.date) -> list:
    """This week's digest for each programme admin who has not had it (the figures are worked out
    only when someone is owed one). The first scan of the week records it; each admin's email then
    waits for their Monday morning (notifications.delivery)."""
    from django.urls import reverse

    from .services import owed_reminder

    period = week_key(today)
    admins = [p for p in programme_admins() if not p.has_left(today)]
    told = set(
        Reminder.objects.filter(
            kind=Reminder.Kind.ADMIN_DIGEST, period_key=period, person__in=admins
        ).values_list("person_id", flat=True)
    )
    owed_to = [admin for admin in admins if admin.pk not in told]
    if not owed_to:
        return []
    cohorts = [row for row in admin_digest(today=today) if row.needs_attention]
    _post_to_chat(cohorts, week=period)
    context = {
        "cohorts": cohorts,
        "week": period,
        "at_risk": sum(row.at_risk for row in cohorts),
    }
    return [
        owed_reminder(
            kind=Reminder.Kind.ADMIN_DIGEST,
            notice_kind="admin_digest",
            person=admin,
            target=f"person:{admin.pk}",
            period_key=period,
            now=now,
            context=context,
            url=reverse("dashboards:health"),
        )
        for admin in owed_to
    ]


def _post_to_chat(rows: list[CohortDigest], *, week: str) -> None:
    """The week's digest also goes to each cohort's chat channel, if it has one, once per week."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from programmes.chat import ChatPost, chat_post_many

    chat_post_many(
        ChatPost(
            cohort=row.cohort,
            key=f"digest:{week}",
            text=_(
                "Weekly digest for %(cohort)s: %(at_risk)d pairs at risk (%(silent)d silent, %(flagged)d "
                "flagged in the pulse, %(overdue)d with overdue goals), %(unmatched)d mentees unmatched, "
                "%(profiles)d profiles unfinished, %(activation)d logins not activated, %(unsigned)d "
                "agreements unsigned a week after starting, %(training)d people with required training "
                "unfinished."
            )
            % {
                "cohort": row.cohort.name,
                "at_risk": row.at_risk,
                "silent": row.silent,
                "flagged": row.flagged,
                "overdue": row.overdue_goals,
                "unmatched": row.unmatched,
                "profiles": row.unfinished_profiles,
                "activation": row.not_activated,
                "unsigned": row.unsigned_agreements,
                "training": row.training_unfinished,
            },
            link=reverse("dashboards:health") + f"?cohort={row.cohort.pk}",
            link_label=_("Open programme health"),
        )
        for row in rows
        if row.cohort.posts_to_chat()
    )
