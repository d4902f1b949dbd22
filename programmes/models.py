import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from outbox.webhooks import SLACK, TEAMS, mask, validate_webhook_url, webhook_channel
from people.models import Person, Tag

from .stamps import CohortContentQuerySet, CohortRowsQuerySet

# The topics a pair can log a session under (support-team defaults); each cohort keeps its own
# editable copy of the keys.
SUPPORT_TOPICS = [
    ("de-escalation", _("De-escalation")),
    ("product-knowledge", _("Product knowledge")),
    ("tooling", _("Tooling")),
    ("ticket-triage", _("Ticket triage")),
    ("written-tone", _("Written tone")),
    ("leadership", _("Leadership")),
]
DEFAULT_TOPIC_KEYS = tuple(key for key, _label in SUPPORT_TOPICS)


def default_topics() -> list[str]:
    return list(DEFAULT_TOPIC_KEYS)


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    objectives = models.TextField(_("objectives"), blank=True)
    retention_target = models.DecimalField(
        _("retention target (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Share of participants still with the company a year after joining."),
    )
    satisfaction_target = models.DecimalField(
        _("satisfaction target (1-5)"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    csat_target = models.DecimalField(
        _("CSAT target (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("The support queue's customer satisfaction the programme aims for."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    # Every write replaces the stamp of pages listing every cohort (programmes/stamps.py).
    objects = CohortRowsQuerySet.as_manager()

    # Who changed what and when (audit/): one row per save, with the user who made it.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(retention_target__isnull=True)
                | (Q(retention_target__gte=0) & Q(retention_target__lte=100)),
                name="programme_retention_target_percent",
            ),
            models.CheckConstraint(
                condition=Q(csat_target__isnull=True) | (Q(csat_target__gte=0) & Q(csat_target__lte=100)),
                name="programme_csat_target_percent",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction_target__isnull=True)
                | (Q(satisfaction_target__gte=1) & Q(satisfaction_target__lte=5)),
                name="programme_satisfaction_target_1_to_5",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:programme-detail", args=[self.pk])


class Cohort(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ENROLLING = "enrolling", _("Enrolling")
        MATCHING = "matching", _("Matching")
        ACTIVE = "active", _("Active")
        CONCLUDING = "concluding", _("Concluding")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=150)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.ENROLLING)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    cadence_days = models.PositiveSmallIntegerField(
        _("meet every (days)"), default=14, help_text=_("How often each pair is expected to meet.")
    )
    check_in_interval_days = models.PositiveSmallIntegerField(
        _("pulse check-in every (days)"),
        default=28,
        help_text=_("How often both sides are asked how the mentorship is going."),
    )
    max_mentees_per_mentor = models.PositiveSmallIntegerField(_("most mentees per mentor"), default=3)
    min_mentor_tenure_days = models.PositiveSmallIntegerField(
        _("minimum tenure to mentor (days)"), default=365
    )
    mentee_hire_window_days = models.PositiveSmallIntegerField(
        _("new-hire window for mentees (days)"),
        null=True,
        blank=True,
        help_text=_("Only people hired within this many days may join as mentees. Empty: anyone."),
    )
    topics = models.JSONField(_("session topics"), default=default_topics, blank=True)
    weight_work_style = models.PositiveSmallIntegerField(_("weight: work style"), default=30)
    weight_interests = models.PositiveSmallIntegerField(_("weight: shared interests"), default=30)
    weight_goals = models.PositiveSmallIntegerField(_("weight: goals covered"), default=40)
    trait_modes = models.JSONField(
        _("work-style matching"),
        default=dict,
        blank=True,
        help_text=_("Per trait, whether the pair should be alike (similar) or differ (complementary)."),
    )
    min_tenure_gap_days = models.PositiveSmallIntegerField(
        _("mentor's minimum extra tenure (days)"),
        default=180,
        help_text=_("A mentor must have been here at least this much longer than their mentee."),
    )

    class TeamRule(models.TextChoices):
        ANY = "any", _("Any team")
        SAME = "same", _("Same team only")
        DIFFERENT = "different", _("Different team only")

    team_rule = models.CharField(
        _("team rule"), max_length=10, choices=TeamRule.choices, default=TeamRule.ANY
    )
    min_overlap_hours = models.PositiveSmallIntegerField(
        _("minimum shared working hours"),
        null=True,
        blank=True,
        help_text=_("Pairs need this many hours of their 9-to-5 in common, by time zone. Empty: no rule."),
    )
    fair_matching = models.BooleanField(
        _("fairness first"),
        default=False,
        help_text=_("Raise the lowest pair score first, then the total (instead of the total alone)."),
    )

    class MatchingMode(models.TextChoices):
        ASSIGNED = "assigned", _("The admin assigns pairs")
        CHOICE = "choice", _("Mentees choose from suggestions")

    matching_mode = models.CharField(
        _("matching mode"), max_length=10, choices=MatchingMode.choices, default=MatchingMode.ASSIGNED
    )
    self_enrolment_open = models.BooleanField(
        _("open self-enrolment"),
        default=False,
        help_text=_("Anyone with the cohort's link may apply while the cohort is enrolling."),
    )
    # Optional Slack or Teams incoming webhook for the admin digest and at-risk alerts
    # (programmes.chat). A secret: forms and pages show `chat_webhook_masked`, never the address.
    # db_default: rows written by code that predates the column (a rolling deploy) still insert.
    chat_webhook_url = models.CharField(
        _("chat webhook"), max_length=1000, blank=True, db_default="", validators=[validate_webhook_url]
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    # Every write replaces the stamp of pages listing every cohort (programmes/stamps.py).
    objects = CohortRowsQuerySet.as_manager()

    # Who changed what and when (audit/): one row per save, with the user who made it.
    # The chat webhook's address holds a secret token: it is left out of history.
    history = HistoricalRecords(excluded_fields=["chat_webhook_url"])

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="cohort_name_unique_in_programme"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="cohort_ends_after_start"),
            models.CheckConstraint(
                condition=Q(cadence_days__gte=1) & Q(cadence_days__lte=90), name="cohort_cadence_1_to_90_days"
            ),
            models.CheckConstraint(
                condition=Q(check_in_interval_days__gte=7) & Q(check_in_interval_days__lte=180),
                name="cohort_check_in_interval_7_to_180_days",
            ),
            models.CheckConstraint(
                condition=Q(max_mentees_per_mentor__gte=1) & Q(max_mentees_per_mentor__lte=10),
                name="cohort_max_mentees_1_to_10",
            ),
            models.CheckConstraint(
                condition=(
                    Q(weight_work_style__lte=100) & Q(weight_interests__lte=100) & Q(weight_goals__lte=100)
                )
                & (Q(weight_work_style__gt=0) | Q(weight_interests__gt=0) | Q(weight_goals__gt=0)),
                name="cohort_weights_0_to_100_not_all_zero",
            ),
        ]

    def __str__(self):
        return f"{self.programme.name}: {self.name}"

    def get_absolute_url(self):
        return reverse("programmes:cohort-detail", args=[self.pk])

    # States in which people may still be invited, enrolled or moved in.
    ENROLMENT_STATES = (State.DRAFT, State.ENROLLING, State.MATCHING)

    def accepts_enrolment(self) -> bool:
        """People may be invited, enrolled (by any path) or moved in."""
        return self.state in self.ENROLMENT_STATES

    def self_enrolment_is_open(self) -> bool:
        """The cohort's link lets people apply themselves: switched on, and only while enrolling."""
        return self.self_enrolment_open and self.state == self.State.ENROLLING

    def admits_from_waitlist(self) -> bool:
        """A waitlisted mentee may take a freed place: while people can still join, and in an active
        cohort whose mentees choose their mentor (choice mode keeps pairing people then)."""
        return self.accepts_enrolment() or (
            self.state == self.State.ACTIVE and self.matching_mode == self.MatchingMode.CHOICE
        )

    def places_of(self, capacity: int) -> int:
        """Mentee places a mentor of this capacity offers: never more than the cohort's limit."""
        return min(capacity, self.max_mentees_per_mentor)

    def mentee_places(self) -> tuple[int, int]:
        """(places, taken): places = the sum of places_of(capacity) over active mentors; taken = active
        mentees. Two small queries, cheap enough to ask before every decision."""
        # Mentors counted per capacity value (a handful of rows, however many mentors), since
        # places_of() is a rule in Python.
        mentors_by_capacity = (
            self.enrolments.filter(role=Enrolment.Role.MENTOR, status=Enrolment.Status.ACTIVE)
            .order_by()
            .values_list("capacity")
            .annotate(n=models.Count("pk"))
        )
        taken = self.enrolments.filter(role=Enrolment.Role.MENTEE, status=Enrolment.Status.ACTIVE).count()
        return sum(self.places_of(capacity) * n for capacity, n in mentors_by_capacity), taken

    def free_mentee_places(self) -> int:
        places, taken = self.mentee_places()
        return max(places - taken, 0)

    def mentees_choose_now(self) -> bool:
        """Mentee-choice mode is running: mentees pick and mentors answer while matching or active."""
        return self.matching_mode == self.MatchingMode.CHOICE and self.state in (
            self.State.MATCHING,
            self.State.ACTIVE,
        )

    @property
    def can_run_matching(self) -> bool:
        return self.state in (self.State.ENROLLING, self.State.MATCHING)

    @property
    def is_read_only(self) -> bool:
        """Closed: its history stays for the dashboards and nothing in it changes any more."""
        return self.state == self.State.CLOSED

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def is_concluding(self) -> bool:
        return self.state == self.State.CONCLUDING

    @property
    def is_closing(self) -> bool:
        """Concluding or closed: the survey and its results are shown."""
        return self.state in (self.State.CONCLUDING, self.State.CLOSED)

    @property
    def is_choice_mode(self) -> bool:
        return self.matching_mode == self.MatchingMode.CHOICE

    @property
    def chat_channel(self) -> str | None:
        """webhooks.SLACK or TEAMS when the cohort has a webhook, else None (also for an address
        no longer accepted, e.g. a local test address on a server with DEBUG off)."""
        if not self.chat_webhook_url:
            return None
        try:
            return webhook_channel(self.chat_webhook_url)
        except ValidationError:
            return None

    @property
    def chat_service(self) -> str:
        """The chat service's name, for people ("" without a usable webhook)."""
        return {SLACK: "Slack", TEAMS: "Microsoft Teams"}.get(self.chat_channel, "")

    @property
    def chat_webhook_masked(self) -> str:
        return mask(self.chat_webhook_url)

    def posts_to_chat(self) -> bool:
        """A usable webhook is set and the cohort is not closed (a closed cohort says nothing more)."""
        return not self.is_read_only and self.chat_channel is not None

    def session_due_since(self, today: datetime.date) -> datetime.date:
        """A pair whose last session (or start, if it never met) is before this date is overdue for
        a session: it has gone longer than the cadence. The one definition, used by
        `Pairing.is_overdue_for_session` and by the queries that list overdue pairs."""
        return today - datetime.timedelta(days=self.cadence_days)

    @property
    def weights(self) -> dict[str, float]:
        return {
            "work_style": self.weight_work_style,
            "interests": self.weight_interests,
            "goals": self.weight_goals,
        }


class Enrolment(models.Model):
    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied (awaiting approval)")
        ACTIVE = "active", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waitlisted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECLINED = "declined", _("Not approved")

    class MeetingFormat(models.TextChoices):
        VIDEO = "video", _("Video call")
        IN_PERSON = "in_person", _("In person")
        CHAT = "chat", _("Chat")
        ANY = "any", _("No preference")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="enrolments"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="enrolments"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=1, help_text=_("How many mentees a mentor takes on (mentees: always 1).")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    goals = models.TextField(_("goals in their own words"), blank=True)
    goal_areas = models.ManyToManyField(Tag, verbose_name=_("goal areas"), blank=True, related_name="+")
    availability = models.CharField(
        _("availability"),
        max_length=200,
        blank=True,
        help_text=_("e.g. “Tue/Thu mornings, not on weekend shifts”"),
    )
    preferred_format = models.CharField(
        _("preferred meeting format"), max_length=12, choices=MeetingFormat.choices, default=MeetingFormat.ANY
    )
    motivation = models.TextField(
        _("why they want to mentor"),
        blank=True,
        help_text=_("Mentors: expertise, and how they help others learn."),
    )
    profile_completed_at = models.DateTimeField(_("profile completed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    review_checks = models.JSONField(
        _("review checklist"),
        default=list,
        blank=True,
        help_text=_("What the reviewer confirmed, e.g. patience."),
    )
    withdrawn_reason = models.CharField(_("reason for withdrawing"), max_length=200, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)

    # Every write replaces the cohort's stamp (programmes/stamps.py): its admin page is kept under it.
    objects = CohortContentQuerySet.as_manager()

    # Who changed what and when (audit/): one row per save, with the user who made it.
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "person__full_name"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        indexes = [
            # The cohort page's lists and counts, the people list's cohort and role filters.
            models.Index(fields=["cohort", "role", "status"], name="enrolment_cohort_role_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="enrolment_once_per_cohort"),
            models.CheckConstraint(
                condition=(Q(role="mentee") & Q(capacity=1))
                | (Q(role="mentor") & Q(capacity__gte=1) & Q(capacity__lte=10)),
                name="enrolment_capacity_fits_role",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}, {self.cohort.name})"

    @property
    def profile_complete(self) -> bool:
        return self.profile_completed_at is not None

    @property
    def is_current(self) -> bool:
        """Still part of the cohort (enrolled, applying or waiting), not withdrawn or declined."""
        return self.status not in (self.Status.WITHDRAWN, self.Status.DECLINED)
