import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Person

from . import delivery, kinds, wording


class Preferences(models.Model):
    """How and when one person wants to hear from the product. A person without a row has the
    defaults (every kind by email, Monday to Friday, quiet from 20:00 to 08:00 in their time zone,
    which lives on Person)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="notification_preferences")
    # Bit d set: weekday d (Monday 0) is a working day.
    working_days = models.PositiveSmallIntegerField(_("working days"), default=0b0011111)
    quiet_start = models.TimeField(_("quiet from"), default=datetime.time(20, 0))
    quiet_end = models.TimeField(_("quiet until"), default=datetime.time(8, 0))
    away_until = models.DateField(_("away until"), null=True, blank=True)
    # Kinds this person asked not to be emailed (they still appear on the notifications page).
    muted_kinds = models.JSONField(_("no email for"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(condition=Q(working_days__lte=0b1111111), name="preferences_week_bits"),
        ]

    def __str__(self):
        return str(self.person)

    @property
    def working_day_set(self) -> frozenset[int]:
        return frozenset(day for day in range(7) if self.working_days & (1 << day))

    def wants_email(self, kind: str) -> bool:
        return kind not in self.muted_kinds

    def availability(self, time_zone: str) -> delivery.Availability:
        return delivery.Availability(
            tz=delivery.zone(time_zone),
            working_days=self.working_day_set,
            quiet_start=self.quiet_start,
            quiet_end=self.quiet_end,
            away_until=self.away_until,
        )


class Notification(models.Model):
    """One message to one person, as the notifications page shows it. Its email, when the person has
    an address and wants that kind by email, is the outbox message with the same `key` (a key, not a
    foreign key: the outbox log and this page each outlive the other's rows)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40, choices=kinds.choices())
    key = models.CharField(_("key"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    # A site-relative path ("/pairings/12/"): what the message asks the person to open.
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        Person, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Plain ids, as on outbox messages: the log outlives what it was about, and this app sits
    # below the apps that own programmes and cohorts.
    programme_id = models.PositiveIntegerField(_("programme"), null=True, blank=True)
    cohort_id = models.PositiveIntegerField(_("cohort"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["person", "-created_at", "-id"], name="notification_person_recent"),
            models.Index(
                fields=["person"], name="notification_person_unread", condition=Q(read_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.person}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Wording(models.Model):
    """A programme's own subject and text for one kind of message, used instead of the product's
    templates for every notification of that kind about the programme. Placeholders only (see
    notifications.wording), never template syntax."""

    # A plain id: this app sits below programmes in the layers.
    programme_id = models.PositiveIntegerField(_("programme"))
    kind = models.CharField(_("kind"), max_length=40, choices=kinds.choices())
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        Person, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("message wording")
        verbose_name_plural = _("message wordings")
        constraints = [
            models.UniqueConstraint(fields=["programme_id", "kind"], name="wording_one_per_programme_kind"),
            models.CheckConstraint(condition=~Q(subject="") & ~Q(text=""), name="wording_not_empty"),
        ]

    def __str__(self):
        return f"{self.kind} (programme {self.programme_id})"

    def clean(self):
        errors = {}
        for field in ("subject", "text"):
            found = wording.problems(getattr(self, field), kind=self.kind)
            if found:
                errors[field] = found
        if errors:
            raise ValidationError(errors)


class Broadcast(models.Model):
    """One message owed to everyone in a cohort (a match published, close-out begun, the cohort
    closed): recorded in the transaction of the change, for a few queries whatever the cohort's
    size, and told after commit by a worker, a chunk of people at a time (notifications.broadcasts).

    Each person's notice has its own key, so a broadcast told twice, or killed half-way and told
    again, tells each person once. The periodic sweep takes up one that no worker started (the
    broker was down) or whose worker died (its lease ran out), so none is lost."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Telling")
        DONE = "done", _("Told")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40, choices=kinds.choices())
    # Plain ids, as on notifications: this app sits below the apps that own cohorts and match runs.
    cohort_id = models.PositiveIntegerField(_("cohort"), db_index=True)
    # What the broadcast is about within the cohort, for the kind's source (a match run's id).
    subject_id = models.PositiveIntegerField(_("about"), null=True, blank=True)
    actor = models.ForeignKey(
        Person, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How many people it tells, counted when it was owed: the admin sees "Telling 1,000 people".
    people = models.PositiveIntegerField(_("people"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        indexes = [
            models.Index(fields=["created_at"], name="broadcast_pending", condition=Q(status="pending")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(finished_at__isnull=False),
                name="broadcast_finished_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → cohort {self.cohort_id} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def kind_label(self):
        return kinds.KINDS[self.kind].label if self.kind in kinds.KINDS else self.kind
