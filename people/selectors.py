"""Reads for the people import pages (people/views.py). The people list, which filters by enrolment, is
enrolment's (enrolment/selectors.py)."""

from django.db.models import QuerySet

from .importing import Existing
from .models import ImportJob, Person


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
