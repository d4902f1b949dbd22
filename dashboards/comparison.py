"""Who took part, and who they are compared with: one definition for every outcome figure
(retention on the dashboard, the support-KPI differences and ramp-up in dashboards/kpi_*).

Participants of a role are the people enrolled (status "enrolled") in that role in the cohorts in
scope. They are counted once, from `joined_on`: the start of the first of those cohorts.

The comparison group of a role is the people who never enrolled in any cohort (in any status:
someone who applied and was declined, or withdrew, is in neither group) and who, for at least one
participant of that role in those cohorts:

- sit in the same team,
- were hired within HIRE_WINDOW_DAYS of that participant's hire date (so senior mentors are
  compared with senior agents, and new-hire mentees with new hires),
- and were employed on the day that participant's cohort started.

Each is counted once, from `joined_on`: the start of the first such cohort, so both groups are
followed from the same day. Both querysets are Person querysets annotated with `joined_on`; the
caller narrows them further (a manager's teams, a team filter) with ordinary filters on Person.
Where `joined_on` is not needed, participant_ids and comparison_ids give the same people more
cheaply, for `pk__in` (the support-KPI figures, per cohort).
A comparison shows association, never cause: the groups differ in who chose to take part.

Finding the comparison group joins every participant to every teammate hired near them: tens of
milliseconds per group at 20,000 people, four groups per dashboard view. So the join's result, who is
compared for which cohort and role, is kept in ComparisonMember and read from there while it holds:
it is worked out again by the first view after any write to people or to cohorts and their
enrolments (either replaces its stamp: people/stamps.py, programmes/stamps.py), and at least daily;
only where every process shares the cache that holds those stamps (REDIS_URL).
Until then, and inside a transaction (where another view's table could not be trusted to match
what this one has written), the join itself is read; both give the same people.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import DateField, Exists, ExpressionWrapper, F, Min, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from mentorship import stamps
from people.models import Person
from people.stamps import people_stamp
from programmes.models import Cohort, Enrolment
from programmes.stamps import ANY_COHORT_STAMP_KEY

from .models import ComparisonMember

HIRE_WINDOW_DAYS = 180
# Each outcome figure is shown for mentees and mentors apart, in this order.
ROLES = (Enrolment.Role.MENTEE, Enrolment.Role.MENTOR)

_WINDOW = datetime.timedelta(days=HIRE_WINDOW_DAYS)


def _cohort_filter(cohorts: QuerySet[Cohort] | None, path: str) -> Q:
    return Q() if cohorts is None else Q(**{f"{path}__in": cohorts})


def participants(*, role: str, cohorts: QuerySet[Cohort] | None = None) -> QuerySet[Person]:
    """People enrolled as `role` in `cohorts` (every cohort when None), with `joined_on`."""
    return (
        Person.objects.filter(
            _cohort_filter(cohorts, "enrolments__cohort"),
            enrolments__role=role,
            enrolments__status=Enrolment.Status.ACTIVE,
        )
        # Filtered in the same call, the Min reads the same (filtered) enrolment rows.
        .annotate(joined_on=Min("enrolments__cohort__starts_on"))
    )


def participant_ids(*, role: str, cohorts: QuerySet[Cohort] | None = None) -> QuerySet[Enrolment]:
    """The person ids of participants(role, cohorts), for `pk__in` where `joined_on` is not needed:
    one scan of the enrolments, without participants' join to the cohorts and its grouping."""
    return Enrolment.objects.filter(
        _cohort_filter(cohorts, "cohort"), role=role, status=Enrolment.Status.ACTIVE
    ).values("person_id")


def _matched(role: str, cohorts: QuerySet[Cohort] | None) -> QuerySet[Person]:
    """The definition as one join (person -> team -> teammates -> their enrolments -> cohort), a row
    per (person, matching participant): no correlated subquery per person, so it stays one plain
    query at 20,000 people."""
    mate = "team__people"
    starts_on = F(f"{mate}__enrolments__cohort__starts_on")
    mate_hired = F(f"{mate}__hire_date")
    never_enrolled = ~Exists(Enrolment.objects.filter(person=OuterRef("pk")))
    return Person.objects.filter(never_enrolled).filter(
        _cohort_filter(cohorts, f"{mate}__enrolments__cohort"),
        Q(leave_date__isnull=True) | Q(leave_date__gt=starts_on),
        Q(hire_date__lte=starts_on),
        **{
            f"{mate}__enrolments__role": role,
            f"{mate}__enrolments__status": Enrolment.Status.ACTIVE,
            # The window is put on this person's hire date, not the teammate's: so the join
            # finds them by (team, hire_date) in person_team_hire_idx, not by team alone.
            "hire_date__gte": ExpressionWrapper(mate_hired - _WINDOW, output_field=DateField()),
            "hire_date__lte": ExpressionWrapper(mate_hired + _WINDOW, output_field=DateField()),
        },
    )


def comparison_group(*, role: str, cohorts: QuerySet[Cohort] | None = None) -> QuerySet[Person]:
    """Non-participants matched to the participants of `role` in `cohorts`, with `joined_on`."""
    if members_kept():
        kept = "comparison_memberships"
        return Person.objects.filter(
            _cohort_filter(cohorts, f"{kept}__cohort"), **{f"{kept}__role": role}
        ).annotate(joined_on=Min(f"{kept}__cohort__starts_on"))
    return _matched(role, cohorts).annotate(joined_on=Min("team__people__enrolments__cohort__starts_on"))


def comparison_ids(*, role: str, cohorts: QuerySet[Cohort] | None = None) -> QuerySet[Person]:
    """The people of comparison_group(role, cohorts) without `joined_on`, for `pk__in` where it is
    not needed (as participant_ids is participants'). Without the kept table: each person kept once
    by EXISTS, a semi-join, rather than by grouping every (participant, teammate) row of the join
    (about 14 against 20 ms for a cohort of 2,000 mentees at 20,000 people)."""
    if members_kept():
        members = ComparisonMember.objects.filter(_cohort_filter(cohorts, "cohort"), role=role)
        return Person.objects.filter(pk__in=members.values("person_id"))
    mates = Enrolment.objects.filter(
        _cohort_filter(cohorts, "cohort"),
        role=role,
        status=Enrolment.Status.ACTIVE,
        person__team=OuterRef("team"),
        # _matched's window seen from this person: their hire date is within the window of the
        # participant's exactly when the participant's is within the window of theirs.
        person__hire_date__gte=ExpressionWrapper(OuterRef("hire_date") - _WINDOW, output_field=DateField()),
        person__hire_date__lte=ExpressionWrapper(OuterRef("hire_date") + _WINDOW, output_field=DateField()),
        cohort__starts_on__gte=OuterRef("hire_date"),
        cohort__starts_on__lt=Coalesce(OuterRef("leave_date"), Value(datetime.date.max)),
    )
    never_enrolled = ~Exists(Enrolment.objects.filter(person=OuterRef("pk")))
    return Person.objects.filter(never_enrolled, Exists(mates))


# The kept comparison groups (ComparisonMember): the stamps they were worked out under.
KEPT_KEY = "dashboards:comparison-members"
# Worked out afresh at least this often, so rows written outside the ORM (which replaces no stamp)
# show within a day.
KEPT_SECONDS = 24 * 3600
# While one view works them out, others read the join (the claim lapses if that view dies).
_WORKING_KEY = f"{KEPT_KEY}:working"
_WORKING_SECONDS = 120


def _inputs_stamp() -> str:
    """The stamps of what the groups are drawn from: people (teams, hire and leave dates) and
    cohorts with their enrolments. Read before the rows, so what is kept under it is no older."""
    return f"{people_stamp()}|{stamps.current(ANY_COHORT_STAMP_KEY)}"


def members_kept() -> bool:
    """Whether ComparisonMember holds the groups as people and cohorts are now. If not, this view
    works them out and keeps them, unless another view is doing so or a transaction is open (its
    own writes may not be committed, and a rolled-back write must not leave its groups kept). Only
    with a cache every process shares."""
    if not settings.PAIRING_FRAGMENT_SECONDS:
        # One cache per process (no REDIS_URL): a write in another process (a worker's import)
        # could not replace the stamps this one reads, so the join is read every time.
        return False
    now = _inputs_stamp()
    if cache.get(KEPT_KEY) == now:
        return True
    if connection.in_atomic_block or not cache.add(_WORKING_KEY, 1, _WORKING_SECONDS):
        return False
    try:
        rebuild_members()
        cache.set(KEPT_KEY, now, KEPT_SECONDS)
    finally:
        cache.delete(_WORKING_KEY)
    return True


# Rows deleted or inserted per statement (bound parameters each; SQLite allows some thousands per
# statement).
_BATCH = 1000


@transaction.atomic
def rebuild_members() -> None:
    """Bring the kept groups to what the join gives now, for every cohort and both roles: the join
    once per role, then only the rows that differ are deleted or inserted. Most writes that make
    the groups be worked out again move nobody in or out (a name, a time zone, an interest), and then
    nothing is written: replacing every row instead left about 7,500 dead rows per rebuild at
    20,000 people, and bursts of rebuilds swelled the table to hundreds of megabytes between
    vacuums, slowing every read of it. Readers of the old rows go on reading them until this
    commits."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(ComparisonMember._meta.db_table)
        with connection.cursor() as cursor:
            # Two at once: the second waits for the first, then finds little or nothing to change.
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
    for role in ROLES:
        now = set(
            _matched(role, None).values_list("pk", "team__people__enrolments__cohort").distinct().order_by()
        )
        kept = {
            (person, cohort): pk
            for pk, person, cohort in ComparisonMember.objects.filter(role=role).values_list(
                "pk", "person_id", "cohort_id"
            )
        }
        gone = [pk for member, pk in kept.items() if member not in now]
        for start in range(0, len(gone), _BATCH):
            ComparisonMember.objects.filter(pk__in=gone[start : start + _BATCH]).delete()
        ComparisonMember.objects.bulk_create(
            (
                ComparisonMember(role=role, person_id=person, cohort_id=cohort)
                for person, cohort in now - kept.keys()
            ),
            batch_size=_BATCH,
        )
