from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Person, Tag


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    objectives = models.TextField(_("objectives"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name


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
    created_at = models.DateTimeField(_("created"), default=timezone.now)

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
        ]

    def __str__(self):
        return f"{self.programme.name}: {self.name}"

    def get_absolute_url(self):
        return reverse("programmes:cohort-detail", args=[self.pk])

    @property
    def can_run_matching(self) -> bool:
        return self.state in (self.State.ENROLLING, self.State.MATCHING)


class Enrolment(models.Model):
    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

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
    goals = models.TextField(_("goals in their own words"), blank=True)
    goal_areas = models.ManyToManyField(Tag, verbose_name=_("goal areas"), blank=True, related_name="+")
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)

    class Meta:
        ordering = ["role", "person__full_name"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
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
