from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Pairing
from people.models import Person

SUPPORT_TOPICS = [
    ("de-escalation", _("De-escalation")),
    ("product-knowledge", _("Product knowledge")),
    ("tooling", _("Tooling")),
    ("ticket-triage", _("Ticket triage")),
    ("written-tone", _("Written tone")),
    ("leadership", _("Leadership")),
]


class MentoringSession(models.Model):
    class Format(models.TextChoices):
        VIDEO = "video", _("Video call")
        IN_PERSON = "in_person", _("In person")
        CHAT = "chat", _("Chat")
        TICKET_SHADOWING = "ticket_shadowing", _("Ticket shadowing")
        TICKET_REVIEW = "ticket_review", _("Ticket review")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=45)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.VIDEO)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    notes = models.TextField(_("shared notes"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (1-5)"), null=True, blank=True)
    logged_by = models.ForeignKey(
        Person, verbose_name=_("logged by"), on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(_("logged"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="session_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480),
                name="session_length_5_to_480_minutes",
            ),
        ]

    def __str__(self):
        return f"{self.pairing} on {self.held_on}"

    @property
    def topic_labels(self) -> list[str]:
        labels = dict(SUPPORT_TOPICS)
        return [str(labels.get(topic, topic)) for topic in self.topics]


class Goal(models.Model):
    """A SMART goal: each letter is a field, so none can be skipped."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="goals"
    )
    specific = models.CharField(_("specific: what exactly"), max_length=200)
    metric = models.CharField(_("measurable: metric"), max_length=100)
    baseline = models.DecimalField(_("baseline"), max_digits=10, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    achievable = models.TextField(_("achievable: the plan"), blank=True)
    relevant = models.CharField(_("relevant: why it matters"), max_length=200, blank=True)
    due_on = models.DateField(_("time-bound: due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ON_TRACK)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(target=F("baseline")), name="goal_target_differs_from_baseline"
            ),
        ]

    def __str__(self):
        return self.specific

    @property
    def is_overdue(self) -> bool:
        open_ = self.status in (self.Status.ON_TRACK, self.Status.AT_RISK)
        return open_ and self.due_on < timezone.localdate()


class CheckIn(models.Model):
    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="check_ins"
    )
    person = models.ForeignKey(Person, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-5)"))
    meeting_regularly = models.BooleanField(_("meeting as planned"), default=True)
    blockers = models.TextField(_("blockers"), blank=True)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5), name="checkin_satisfaction_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.person} on {self.pairing}: {self.satisfaction}/5"
