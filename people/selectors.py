"""Reads for the people import pages (people/views.py). The people list, which filters by enrolment, is
enrolment's (enrolment/selectors.py)."""

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat

from .importing import Existing
from .models import ImportJob, Person, Team

# How many people the picker offers for what has been typed so far: enough to recognise someone,
# few enough that every keystroke stays a small answer.
SEARCH_LIMIT = 20


# From this many characters a search uses the person_search_trgm index (trigrams are three long).
TRIGRAM_LENGTH = 3


def by_name_for_search(q: str) -> tuple:
    """ORDER BY for people found by `q`, in name order. Sorted on the bare column, PostgreSQL walks
    the name index and tests each person until it has a page: "smith" read 3,800 people for 25
    (16 ms at 20,000 people, and every person for a rare name). Sorted on the name as an expression
    (same order), it finds the few matches through the trigram index and sorts them (under 1 ms).
    Shorter terms cannot use the trigram index and keep the walk, which stops at the first page."""
    if len(q.strip()) >= TRIGRAM_LENGTH:
        return (Concat("full_name", Value("")), "pk")
    return ("full_name", "pk")


def person_search(q: str, *, people: QuerySet[Person] | None = None) -> list[Person]:
    """Who the person picker offers for `q` (name, email, employee id or team), among `people`
    (default: everyone who has not left). Only programme admins reach the picker's endpoint."""
    q = q.strip()
    if len(q) < 2:
        return []
    if people is None:
        people = Person.objects.filter(leave_date__isnull=True)
    # The matching teams first (a short list): an OR across a join to teams would stop PostgreSQL
    # from using the person_search_trgm and team indexes, and read every person per keystroke.
    teams = list(Team.objects.filter(name__icontains=q).values_list("pk", flat=True))
    return list(
        people.filter(
            Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(employee_id__icontains=q)
            | Q(team__in=teams)
        )
        .select_related("team")
        .order_by(*by_name_for_search(q))[:SEARCH_LIMIT]
    )


def team_search(q: str) -> list[Team]:
    """Teams whose name contains `q`, for the team picker (the people list's filter)."""
    q = q.strip()
    if len(q) < 2:
        return []
    return list(Team.objects.filter(name__icontains=q).order_by("name", "pk")[:SEARCH_LIMIT])


def team_by_name(name: str) -> Team | None:
    """The team named `name`, case ignored (names are unique)."""
    return Team.objects.filter(name__iexact=name.strip()).order_by("pk").first()


def person_by_handle(handle: str, *, people: QuerySet[Person]) -> list[Person]:
    """The people of `people` whom `handle` names: an employee id, else an email (case ignored).
    More than one only when several share an email."""
    handle = handle.strip()
    if not handle:
        return []
    by_id = list(people.filter(employee_id__iexact=handle)[:1])
    return by_id or list(people.filter(email__iexact=handle).order_by("pk")[:5])


def people_by_ids(ids) -> QuerySet[Person]:
    return Person.objects.filter(pk__in=ids).select_related("team", "manager").order_by("full_name", "pk")


def import_snapshot() -> dict[str, Existing]:
    """Everyone with an employee id, as an import sees them, in one query whatever the file's size."""
    rows = Person.objects.filter(employee_id__isnull=False).values_list(
        "employee_id",
        "full_name",
        "email",
        "team__name",
        "manager__employee_id",
        "hire_date",
        "leave_date",
        "pk",
    )
    return {
        employee_id: Existing(
            full_name=name,
            email=email,
            team=team or "",
            manager_employee_id=manager or "",
            hire_date=hired,
            leave_date=left,
            pk=pk,
        )
        for employee_id, name, email, team, manager, hired, left, pk in rows.iterator(chunk_size=5000)
    }


def import_jobs() -> QuerySet[ImportJob]:
    # The CSV text can be 10 MB: pages that show a job never load it.
    return ImportJob.objects.defer("source").select_related("created_by")
