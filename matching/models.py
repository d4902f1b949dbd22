import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programmes.models import Cohort, Enrolment
from programmes.stamps import CohortContentQuerySet


class MatchRun(models.Model):
    """One attempt to match a cohort, and the pairs it proposed.

    Lifecycle: a run made inline starts PROPOSED; a large cohort's run is QUEUED, then RUNNING once
    a worker claims it, then PROPOSED (or FAILED with its error, or FAILED when its lease ran out
    because the worker died). A new proposal SUPERSEDES the previous one; publishing one makes it
    PUBLISHED, writing both sides' emails into the outbox as it does. Pairs made one at a time
    (mentee choice, re-matching) live in published runs of their own kind.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        PROPOSED = "proposed", _("Proposed")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        MATCHER = "matcher", _("Match run")
        CHOICE = "choice", _("Mentee choice")
        SINGLE = "single", _("Single pair")

    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="match_runs"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MATCHER)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Until this moment a queued or running run belongs to its worker; after it, the sweep
    # (`services.match_runs_expire`) marks it failed, so a dead worker cannot leave it running forever.
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    unmatched = models.JSONField(
        _("unmatched mentees"), default=list, blank=True, help_text=_("[{enrolment_id, name, reason}]")
    )
    fair = models.BooleanField(_("fairness first"), default=False)
    quality = models.JSONField(
        _("quality"),
        default=dict,
        blank=True,
        help_text=_("mean_score, lowest_score, share_matched, share_top3: filled when the run finishes."),
    )

    # Every write replaces the cohort's stamp (programmes/stamps.py): its admin page is kept under it.
    objects = CohortContentQuerySet.as_manager()

    # Who changed what and when (audit/): one row per save, with the user who made it.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="matchrun_published_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""), name="matchrun_failed_has_error"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["queued", "running"]) | Q(lease_expires_at__isnull=False),
                name="matchrun_in_progress_has_lease",
            ),
            models.CheckConstraint(
                condition=~Q(status="running") | Q(started_at__isnull=False),
                name="matchrun_running_has_start",
            ),
            # One background run at a time per cohort: starting again waits until it ends or fails.
            models.UniqueConstraint(
                fields=["cohort"],
                condition=Q(status__in=["queued", "running"]),
                name="matchrun_one_in_progress_per_cohort",
            ),
            # Accepted mentee requests gather in one run per cohort, not one run per accept.
            models.UniqueConstraint(
                fields=["cohort"], condition=Q(kind="choice"), name="matchrun_one_choice_run_per_cohort"
            ),
        ]

    def __str__(self):
        return f"{self.cohort} run {self.pk}"

    def get_absolute_url(self):
        return reverse("matching:run-detail", args=[self.pk])

    @property
    def is_in_progress(self) -> bool:
        """Queued or running in the background: the page waits for it."""
        return self.status in self.IN_PROGRESS

    @property
    def is_editable(self) -> bool:
        """Only the current proposal can be steered (pins, swaps) and published."""
        return self.status == self.Status.PROPOSED

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def is_listed(self) -> bool:
        """Whether the run has pairs to show (runs in progress or failed have none)."""
        return self.status not in (*self.IN_PROGRESS, self.Status.FAILED)

    def lease_expired(self, now=None) -> bool:
        return (
            self.is_in_progress
            and self.lease_expires_at is not None
            and self.lease_expires_at <= (now or timezone.now())
        )

    @property
    def lacks_top3_share(self) -> bool:
        """A finished run without the matcher's top-3 share (published one pair at a time, or made
        before figures were stored): services.match_run_top3_fill works it out once."""
        quality = self.quality if isinstance(self.quality, dict) else {}
        return self.is_listed and quality.get("share_top3") is None

    @property
    def pairs_heading(self) -> str:
        """What the run's table of pairs is: proposed until published."""
        if self.status == self.Status.PUBLISHED:
            return _("Published pairs")
        if self.status == self.Status.PROPOSED:
            return _("Proposed pairs")
        return _("Pairs of this run")


class Pairing(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")

    # The cohort is stored again (it is also reachable through either enrolment) so the database can
    # enforce "one active pairing per mentee per cohort" with a plain partial unique constraint.
    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="+")
    match_run = models.ForeignKey(
        MatchRun, verbose_name=_("match run"), on_delete=models.CASCADE, related_name="pairings"
    )
    mentor = models.ForeignKey(
        Enrolment, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="pairings_as_mentor"
    )
    mentee = models.ForeignKey(
        Enrolment, verbose_name=_("mentee"), on_delete=models.PROTECT, related_name="pairings_as_mentee"
    )
    score = models.FloatField(_("score"))
    explanation = models.JSONField(_("why this pair"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)

    # Every write replaces the cohort's stamp (programmes/stamps.py): its admin page is kept under it.
    objects = CohortContentQuerySet.as_manager()

    # Who changed what and when (audit/): one row per save, with the user who made it.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        indexes = [
            # A run's page of pairs, best first: read 50 rows down this index, not sort every pair of
            # the run joined to both people and teams (100 ms at 20,000 people).
            models.Index(fields=["match_run", "-score", "id"], name="pairing_run_best_first_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "mentee"],
                condition=Q(status="active"),
                name="pairing_one_active_per_mentee",
            ),
            models.UniqueConstraint(fields=["match_run", "mentee"], name="pairing_mentee_once_per_run"),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="pairing_not_with_self"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="pairing_score_0_100"),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(started_on__isnull=False),
                name="pairing_active_has_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(ended_on__isnull=False) & ~Q(outcome="")),
                name="pairing_ended_has_date_and_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="ended_early") | ~Q(end_reason=""),
                name="pairing_ended_early_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.mentor.person} → {self.mentee.person}"

    def get_absolute_url(self):
        return reverse("mentoring_sessions:pairing-detail", args=[self.pk])

    def days_since_last_session(self, last_session_on: datetime.date | None, today=None) -> int | None:
        """Days since the pair last met (or since it started, if it never has)."""
        today = today or timezone.localdate()
        since = last_session_on or self.started_on
        return None if since is None else (today - since).days

    def members(self) -> tuple:
        """The two people of the pairing: (mentor, mentee)."""
        return self.mentor.person, self.mentee.person

    def has_member(self, person) -> bool:
        return person is not None and person.pk in (self.mentor.person_id, self.mentee.person_id)

    def partner_of(self, person):
        """The other member, seen from `person` (one of the two)."""
        return self.mentee.person if self.mentor.person_id == person.pk else self.mentor.person

    @property
    def is_active(self) -> bool:
        """Active, in a cohort that is not closed: the pair can still write in its workspace.
        (Closing a cohort ends its pairings; the second test guards against one left active by hand.)"""
        return self.status == self.Status.ACTIVE and not self.cohort.is_read_only

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.ENDED and self.outcome == self.Outcome.COMPLETED

    @property
    def accepts_reflection(self) -> bool:
        """Reflections open when the cohort is concluding or the pairing has ended, until it closes."""
        if self.cohort.is_read_only:
            return False
        return self.is_ended or self.cohort.is_concluding

    def is_overdue_for_session(self, last_session_on: datetime.date | None, today=None) -> bool:
        """An active pair that has gone longer than its cohort's cadence without a session (or,
        never having met, since it started). `Cohort.session_due_since` says the same in SQL."""
        if self.status != self.Status.ACTIVE:
            return False
        since = last_session_on or self.started_on
        today = today or timezone.localdate()
        return since is not None and since < self.cohort.session_due_since(today)


class PairRule(models.Model):
    """An admin's instruction for matching in one cohort: always pair these two, or never."""

    class Kind(models.TextChoices):
        PIN = "pin", _("Pinned")
        FORBID = "forbid", _("Forbidden")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pair_rules")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    # Every write replaces the cohort's stamp (programmes/stamps.py): its run pages are kept under it.
    objects = CohortContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("pair rule")
        verbose_name_plural = _("pair rules")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "mentor", "mentee"], name="pair_rule_once_per_pair"),
            # A mentee can be pinned to one mentor at most.
            models.UniqueConstraint(
                fields=["cohort", "mentee"], condition=Q(kind="pin"), name="pair_rule_one_pin_per_mentee"
            ),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="pair_rule_not_with_self"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.mentor.person} → {self.mentee.person}"

    @property
    def is_pin(self) -> bool:
        return self.kind == self.Kind.PIN


class MentorRequest(models.Model):
    """Mentee-choice mode: a mentee asks one suggested mentor; the mentor accepts or declines.

    One owner moves a request: `matching.services`. Besides the two people's own decisions, a
    request is CLOSED (with its reason) when a change elsewhere settles it: the mentor has no free
    place, either person left the cohort, or the mentee was paired another way. Only a mentor's own
    decline is final; after a closure the mentee may ask the same mentor again.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("Closed")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="mentor_requests")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="mentor_requests_made")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="mentor_requests_received")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    score = models.FloatField(_("score"), default=0)
    explanation = models.JSONField(_("why this mentor"), default=list, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(
        _("reason"), max_length=300, blank=True, help_text=_("Why it was declined or closed.")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mentor request")
        verbose_name_plural = _("mentor requests")
        constraints = [
            # One open request per mentee at a time.
            models.UniqueConstraint(
                fields=["cohort", "mentee"],
                condition=Q(status="requested"),
                name="mentor_request_one_open_per_mentee",
            ),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentor_request_not_with_self"),
        ]

    def __str__(self):
        return f"{self.mentee.person} → {self.mentor.person} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.REQUESTED
