import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .stamps import PeopleQuerySet


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    objects = PeopleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class Tag(models.Model):
    """An interest, skill or goal area from the shared tag list."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    objects = PeopleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class Communication(models.TextChoices):
    WRITTEN = "written", _("Written first")
    SPOKEN = "spoken", _("Talk it through")


class Structure(models.TextChoices):
    STRUCTURED = "structured", _("Structured, with an agenda")
    FLEXIBLE = "flexible", _("Flexible, go where it leads")


class Pace(models.TextChoices):
    STEADY = "steady", _("Steady and thorough")
    FAST = "fast", _("Fast and iterative")


class Feedback(models.TextChoices):
    DIRECT = "direct", _("Direct and candid")
    GENTLE = "gentle", _("Gentle and encouraging")


# Work-style traits in the order the matcher reads them.
WORK_STYLE_TRAITS = ("communication", "structure", "pace", "feedback")


class PersonQuerySet(PeopleQuerySet):
    def with_login(self, activated: bool = True):
        """People who can log in (activated=True), or who cannot yet: Person.can_log_in in SQL."""
        can = Q(user__isnull=False, user__is_active=True) & (
            ~Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX) | Q(user__last_login__isnull=False)
        )
        return self.filter(can if activated else ~can)


class Person(models.Model):
    """An employee, enrolled or not: retention compares participants with everyone else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    employee_id = models.CharField(_("employee id"), max_length=40, unique=True, null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    hire_date = models.DateField(_("hire date"))
    leave_date = models.DateField(_("leave date"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Kept by notifications.services (F() updates) so the navigation shows it from the row every
    # request already loads with the user (people/backends.py), without a count per page.
    # db_default as well: rows written by code that predates the column (a rolling deploy, an older
    # migration's model) still insert.
    unread_notifications = models.PositiveIntegerField(
        _("unread notifications"), default=0, db_default=0, editable=False
    )

    communication = models.CharField(
        _("communication"), max_length=20, choices=Communication.choices, blank=True
    )
    structure = models.CharField(_("structure"), max_length=20, choices=Structure.choices, blank=True)
    pace = models.CharField(_("pace"), max_length=20, choices=Pace.choices, blank=True)
    feedback = models.CharField(_("feedback style"), max_length=20, choices=Feedback.choices, blank=True)
    interests = models.ManyToManyField(Tag, verbose_name=_("interests"), blank=True, related_name="+")
    skills = models.ManyToManyField(Tag, verbose_name=_("skills"), blank=True, related_name="+")

    objects = PersonQuerySet.as_manager()

    # Who changed what and when (audit/): one row per save, with the user who made it.
    # The unread count changes on every notification; it says nothing about who changed the person.
    history = HistoricalRecords(excluded_fields=["unread_notifications"])

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            # The people list's default order: its first page of 50 without sorting 20,000 rows.
            models.Index(fields=["full_name", "id"], name="person_name_idx"),
            # The dashboards' comparison group: teammates hired within a window of a participant.
            models.Index(fields=["team", "hire_date"], name="person_team_hire_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(leave_date__isnull=True) | Q(leave_date__gte=F("hire_date")),
                name="person_leaves_after_hire",
            ),
            models.CheckConstraint(
                condition=Q(manager__isnull=True) | ~Q(manager=F("pk")),
                name="person_not_own_manager",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def first_name(self) -> str:
        """What emails greet the person by: the first word of their name."""
        return self.full_name.split(maxsplit=1)[0] if self.full_name.strip() else ""

    @property
    def can_log_in(self) -> bool:
        """Has a login with a password they chose (an enrolled person gets an unusable one until they
        follow their activation link), or has signed in through single sign-on (which sets no
        password). Load `user` with the person (select_related) on lists; in SQL,
        Person.objects.with_login()."""
        if self.user_id is None or not self.user.is_active:
            return False
        return self.user.has_usable_password() or self.user.last_login is not None

    def has_left(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.leave_date is not None and self.leave_date <= on

    def tenure_days(self, on: datetime.date | None = None) -> int:
        on = on or timezone.localdate()
        return (on - self.hire_date).days

    @property
    def tzinfo(self) -> datetime.tzinfo:
        """The person's time zone; UTC when it is empty or not a zone this machine knows."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return datetime.UTC


class BackgroundImport(models.Model):
    """One upload of a CSV file: checked at preview, then applied inline or by a Celery worker under
    a lease (people/import_jobs.py). The people import and the KPI import (kpis/) are its kinds.

    The CSV text itself is kept (not a path to a file) because the worker may run on another
    machine; it is cleared once the import has been applied.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Checked, waiting to be applied")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    source = models.TextField(_("CSV text"), blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    error_message = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def can_restart(self) -> bool:
        """Failed with its file still kept: its worker stopped, so it can simply run again."""
        return self.status == self.Status.FAILED and bool(self.source)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ImportJob(BackgroundImport):
    """One upload of an HR export of people."""

    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)

    class Meta(BackgroundImport.Meta):
        verbose_name = _("people import")
        verbose_name_plural = _("people imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=F("total_rows")), name="importjob_processed_within_total"
            ),
        ]
