"""Writes for people: the CSV import from the HR system. (Bulk enrolment from the people list is
enrolment's: enrolment.services.people_enrol.)"""

import dataclasses
import datetime
import logging
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.history import history_copy
from outbox.services import email_enqueue

from . import accounts, import_jobs, importing, selectors
from .models import ImportJob, Person, Team

logger = logging.getLogger(__name__)

# Files with more rows than this are applied by a Celery worker while the page shows progress.
ASYNC_THRESHOLD_ROWS = 2_000
BATCH_SIZE = 1_000
UPDATE_BATCH_SIZE = 250
# A 10,000-row import applies in about a second; a job running for this long has lost its worker.
IMPORT_LEASE = datetime.timedelta(minutes=15)


@dataclasses.dataclass(frozen=True)
class ImportCounts:
    created: int
    updated: int
    unchanged: int


# Kept under its old name: people's callers and tests raise and catch it here.
ImportRejected = import_jobs.ImportRejected


@transaction.atomic
def import_preview(*, upload, by) -> tuple[importing.ImportResult, ImportJob | None]:
    """Check every row of the upload. A valid file is kept as a job waiting to be applied; a file
    with errors keeps nothing. Raises importing.ImportFileError for a file that cannot be read."""
    text = importing.decode_upload(upload)
    result = importing.validate(importing.parse(text), selectors.import_snapshot())
    if not result.is_valid:
        return result, None
    job = import_jobs.job_keep(
        model=ImportJob, by=by, filename=upload.name, text=text, total_rows=len(result.rows)
    )
    return result, job


def import_start(*, job: ImportJob) -> bool:
    """Apply a previewed job: inline when small (True when done here), otherwise queue it for a
    worker (False: the job page follows its progress)."""
    return import_jobs.job_start(
        job=job, threshold=ASYNC_THRESHOLD_ROWS, run=import_job_run, queue=_queue_import
    )


def _queue_import(job_id: int) -> None:
    from .tasks import apply_import  # tasks imports this module

    apply_import.delay(job_id)


def import_jobs_sweep(*, now: datetime.datetime | None = None) -> tuple[list[int], list[int]]:
    """Run by beat: fail jobs whose worker died, queue again those the broker may have lost.
    Returns (ids failed, ids queued again)."""
    return import_jobs.jobs_sweep(model=ImportJob, lease=IMPORT_LEASE, queue=_queue_import, now=now)


def import_restart(*, job: ImportJob) -> bool:
    """Start a job again after its worker died (its file is still kept). Same return as `import_start`."""
    return import_jobs.job_restart(job=job, start=import_start)


def import_job_run(*, job_id: int, claim_from: str = ImportJob.Status.QUEUED) -> bool:
    """Run one import job once. Returns False when another run has already claimed it."""
    return import_jobs.job_run(model=ImportJob, job_id=job_id, claim_from=claim_from, apply=_import_job_apply)


@transaction.atomic
def _import_job_apply(*, job: ImportJob, progress: Callable[[int], None]) -> None:
    counts = people_import_apply(
        text=job.source,
        progress=progress,
        # The admin who uploaded the file made these changes, even when a worker applies them.
        by=job.created_by,
        reason=_("Imported from %(file)s") % {"file": job.filename},
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        processed_rows=job.total_rows,
        created_count=counts.created,
        updated_count=counts.updated,
        unchanged_count=counts.unchanged,
        # The people are in the database now; the export's copy of them need not stay.
        source="",
        finished_at=timezone.now(),
    )


def _progress_reporter(job_id: int):
    return import_jobs.progress_reporter(ImportJob, job_id)


@transaction.atomic
def people_import_apply(
    *, text: str, progress: Callable[[int], None] = lambda processed: None, by=None, reason: str = ""
) -> ImportCounts:
    """Create or update everyone in the CSV text, keyed by employee id: all or nothing.

    The file is checked again against the database as it is now, inside this transaction. A manager
    may appear after their reports: rows are written managers first (`_managers_first`), so each
    report's manager already has a primary key and no second pass is needed. Bulk statements keep
    the query count independent of the row count (apart from one statement per batch). full_clean()
    is not called per person: importing.validate applies the same rules to every row at once, and
    the database constraints back them. Each person created or changed gets a history row (`by`,
    `reason`), in one INSERT per batch; unchanged rows get none.
    """
    existing = selectors.import_snapshot()
    result = importing.validate(importing.parse(text), existing)
    if not result.is_valid:
        errors = result.errors
        first = errors[0]
        raise ImportRejected(
            _(
                "The file no longer passes the checks (%(count)d errors; the first: row %(row)s, "
                "%(column)s %(message)s). Upload it again to see the preview."
            )
            % {"count": len(errors), "row": first.row, "column": first.column, "message": first.message}
        )
    has_leave = "leave_date" in result.columns
    teams = _teams_by_name({row.team for row in result.rows if row.team})
    pk_of = {eid: person.pk for eid, person in existing.items()}

    has_managers = "manager_employee_id" in result.columns
    fields = ["full_name", "email", "team", "hire_date"]
    fields += ["leave_date"] if has_leave else []
    fields += ["manager"] if has_managers else []
    processed = 0
    for level in _managers_first(result.rows, has_managers=has_managers):
        for start in range(0, len(level), BATCH_SIZE):
            batch = level[start : start + BATCH_SIZE]
            new = [_person_from(row, teams, pk_of) for row in batch if row.action == "create"]
            Person.objects.bulk_create(new, batch_size=BATCH_SIZE)
            history_copy(Person, [person.pk for person in new], by=by, reason=reason, created=True)
            pk_of.update((person.employee_id, person.pk) for person in new)
            changed = [
                _person_from(row, teams, pk_of, pk=pk_of[row.employee_id])
                for row in batch
                if row.action == "update"
            ]
            _people_update(changed, fields)
            # The rows as the database now holds them: the file may lack columns (skills, time zone).
            history_copy(Person, [person.pk for person in changed], by=by, reason=reason)
            processed += len(batch)
            progress(processed)
    return ImportCounts(
        created=result.count("create"), updated=result.count("update"), unchanged=result.count("unchanged")
    )


def _people_update(people: list[Person], fields: list[str]) -> None:
    """bulk_update builds a CASE WHEN per row and field in Python: 10,000 changed rows took over 20 s,
    nearly all of it in Django. On PostgreSQL one UPDATE … FROM (VALUES …) per batch does the same
    work in well under a second; other databases (the embedded SQLite) keep bulk_update."""
    if not people:
        return
    if connection.vendor != "postgresql":
        Person.objects.bulk_update(people, fields, batch_size=UPDATE_BATCH_SIZE)
        return
    qn = connection.ops.quote_name
    table = qn(Person._meta.db_table)
    model_fields = [Person._meta.get_field(name) for name in fields]
    casts = {"team_id": "::bigint", "manager_id": "::bigint", "hire_date": "::date", "leave_date": "::date"}
    assignments = ", ".join(
        f"{qn(f.column)} = v.{qn(f.column)}{casts.get(f.column, '')}" for f in model_fields
    )
    names = ", ".join(qn(f.column) for f in model_fields)
    row_sql = "(" + ", ".join(["%s"] * (len(model_fields) + 1)) + ")"
    for start in range(0, len(people), BATCH_SIZE):
        batch = people[start : start + BATCH_SIZE]
        params = [
            value
            for person in batch
            for value in (person.pk, *(getattr(person, f.attname) for f in model_fields))
        ]
        sql = (
            f"UPDATE {table} SET {assignments} "  # noqa: S608 - names come from the model, values are parameters
            f"FROM (VALUES {', '.join([row_sql] * len(batch))}) AS v(id, {names}) WHERE {table}.id = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _teams_by_name(names: set[str]) -> dict[str, Team]:
    teams = {team.name: team for team in Team.objects.filter(name__in=names)}
    missing = [Team(name=name) for name in sorted(names - teams.keys())]
    for team in missing:
        team.full_clean(validate_unique=False)
    Team.objects.bulk_create(missing)
    if missing and missing[0].pk is None:  # a backend that does not return ids from bulk inserts
        return {team.name: team for team in Team.objects.filter(name__in=names)}
    teams.update((team.name, team) for team in missing)
    return teams


def _managers_first(
    rows: list[importing.ParsedRow], *, has_managers: bool
) -> list[list[importing.ParsedRow]]:
    """The rows in levels: a row's manager from the file is always in an earlier level, so every
    manager has a primary key by the time their reports are written (the file's order does not
    matter). validate() has refused loops; `seen` only keeps a bug from looping forever."""
    if not has_managers:
        return [rows]
    in_file = {row.employee_id: row for row in rows}
    depth: dict[str, int] = {}
    for row in rows:
        chain, seen, node = [], set(), row
        while node is not None and node.employee_id not in depth and node.employee_id not in seen:
            chain.append(node)
            seen.add(node.employee_id)
            node = in_file.get(node.manager_employee_id)
        level = depth.get(node.employee_id, 0) if node is not None else -1
        for member in reversed(chain):
            level += 1
            depth[member.employee_id] = level
    levels: dict[int, list[importing.ParsedRow]] = {}
    for row in rows:
        levels.setdefault(depth[row.employee_id], []).append(row)
    return [levels[level] for level in sorted(levels)]


def _person_from(
    row: importing.ParsedRow, teams: dict[str, Team], pk_of: dict[str, int], pk: int | None = None
) -> Person:
    return Person(
        pk=pk,
        manager_id=pk_of.get(row.manager_employee_id) if row.manager_employee_id else None,
        employee_id=row.employee_id,
        full_name=row.full_name,
        email=row.email,
        team=teams.get(row.team),
        hire_date=row.hire_date,
        leave_date=row.leave_date,
    )


# --- logins -------------------------------------------------------------------------------------


def _login_for(person: Person):
    """The person's login, created with an unusable password when they have none. An existing login
    whose username is their email, linked to nobody, is theirs: it is linked instead of duplicated."""
    if person.user_id:
        return person.user
    User = get_user_model()
    user = User.objects.filter(username__iexact=person.email, person__isnull=True).first()
    if user is None:
        user = User(username=_free_username(person), email=person.email)
        user.first_name, user.last_name = accounts.full_name_parts(person)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    person.user = user
    person.save(update_fields=["user"])
    return user


def _free_username(person: Person) -> str:
    """Their email, as for people who accept an invitation; when another login has it (two people
    share an address) or it is no valid username (too long, odd characters), a name from their id,
    which the activation email tells them."""
    User = get_user_model()
    field = User._meta.get_field(User.USERNAME_FIELD)
    try:
        field.run_validators(person.email)
        if len(person.email) > field.max_length:
            raise ValidationError("too long")
    except ValidationError:
        return f"person-{person.pk}"
    if User.objects.filter(username__iexact=person.email).exists():
        return f"person-{person.pk}"
    return person.email


@transaction.atomic
def sso_login_for(*, person: Person):
    """The login of `person`, who signed in through single sign-on (people/sso.py) and had none: made
    as for an enrolment (an unusable password: they never need one) and linked. Locked, so two
    sign-ins at once cannot make two logins."""
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    return _login_for(person)


@transaction.atomic
def activation_link(*, person: Person, next_url: str = "") -> dict | None:
    """A fresh activation link for `person` if they cannot log in yet (no login, or one never
    activated), as {"activate_url", "username", "expires_on"}; None when they can log in, an admin
    switched their login off, they have left or have no email. Any older link stops working (a new
    unusable password is a new hash, and the token signs the hash): call it only when the message
    that carries the link is really sent."""
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    if not person.email or person.has_left():
        return None
    if person.can_log_in or (person.user_id and not person.user.is_active):
        return None  # they can log in, or an admin has switched their login off
    user = _login_for(person)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    token = accounts.activation_tokens.make_token(user)
    return {
        "activate_url": accounts.activation_url(user, token, next_url=next_url),
        "username": user.get_username(),
        "expires_on": timezone.localdate(timezone.now() + accounts.ACTIVATION_MAX_AGE),
        "key": f"{user.pk}:{token}",
    }


@transaction.atomic
def activation_owed(*, person: Person, next_url: str = "", cohort=None, reason: str = "") -> bool:
    """Owe `person` an account activation email if they cannot log in yet; True when one is owed.
    Call it in the transaction of the change that lets them in, when no other message of that change
    carries the link (lifecycle messages carry it themselves: see activation_link). `next_url` is
    where the link leads after they set a password; `reason` says in a sentence why they get it."""
    link = activation_link(person=person, next_url=next_url)
    if link is None:
        return False
    email_enqueue(
        key=f"activation:{link['key']}",
        template="account_activation",
        context={
            "name": person.full_name,
            "reason": reason,
            "purpose": accounts.purpose_of(next_url),
            "username": link["username"],
            "activate_url": link["activate_url"],
            "expires_on": link["expires_on"],
        },
        to=person.email,
        cohort_id=getattr(cohort, "pk", None),
    )
    return True
