"""Training modules per programme and who finished them.

A module's body is plain text: pages render it escaped, with blank lines as paragraph breaks, so
nothing an admin types reaches a page as HTML. Its links, checklist and questions are small lists
kept on the module as JSON (written and checked by `training.forms`, checked again by `clean`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Person
from programmes.models import Enrolment, Programme

MAX_LINKS = 10
MAX_CHECKLIST = 12
MAX_QUESTIONS = 6
MAX_CHOICES = 6


class TrainingModule(models.Model):
    class Audience(models.TextChoices):
        # Values equal Enrolment.Role's, so "is this module for this enrolment" is one comparison
        # (in SQL too: audience = role OR audience = 'both').
        MENTOR = Enrolment.Role.MENTOR.value, _("Mentors")
        MENTEE = Enrolment.Role.MENTEE.value, _("Mentees")
        BOTH = "both", _("Mentors and mentees")

    class Requirement(models.TextChoices):
        NONE = "none", _("Optional")
        BEFORE_MATCHING = "matching", _("Required before matching")
        BEFORE_FIRST_SESSION = "first_session", _("Required before the first session")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="training_modules"
    )
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices, default=Audience.BOTH)
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One or two sentences."))
    body = models.TextField(
        _("text"), max_length=20000, help_text=_("Plain text. Leave a blank line between paragraphs.")
    )
    links = models.JSONField(_("links"), default=list, blank=True)  # [{"label", "url"}]
    checklist = models.JSONField(_("checklist"), default=list, blank=True)  # ["item", ...]
    # [{"text", "choices": [...], "answer": index into choices}]
    questions = models.JSONField(_("questions"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    requirement = models.CharField(
        _("requirement"), max_length=15, choices=Requirement.choices, default=Requirement.NONE
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["programme", "position", "pk"]
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        constraints = [
            models.UniqueConstraint(fields=["programme", "title"], name="training_module_title_unique"),
            models.CheckConstraint(
                condition=Q(audience__in=["mentor", "mentee", "both"]), name="training_module_audience_known"
            ),
            models.CheckConstraint(
                condition=Q(requirement__in=["none", "matching", "first_session"]),
                name="training_module_requirement_known",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:module", args=[self.pk])

    @property
    def is_required(self) -> bool:
        return self.requirement != self.Requirement.NONE

    @property
    def blocks_matching(self) -> bool:
        return self.requirement == self.Requirement.BEFORE_MATCHING

    @property
    def blocks_first_session(self) -> bool:
        return self.requirement == self.Requirement.BEFORE_FIRST_SESSION

    def is_for(self, role: str) -> bool:
        """The module applies to someone enrolled in `role` (Enrolment.Role)."""
        return self.audience in (self.Audience.BOTH, role)

    @classmethod
    def for_role_q(cls, role, prefix: str = "") -> Q:
        """The same rule as `is_for`, as a filter (`role` may be an F() expression)."""
        return Q(**{f"{prefix}audience": cls.Audience.BOTH}) | Q(**{f"{prefix}audience": role})

    @property
    def has_exercise(self) -> bool:
        return bool(self.checklist or self.questions)

    def wrong_answers(self, answers: dict[int, int | None]) -> list[int]:
        """Indexes of the questions `answers` (question index -> chosen choice index) gets wrong or
        leaves out. Completing a module needs this to be empty."""
        return [i for i, q in enumerate(self.questions) if answers.get(i) != q["answer"]]

    def clean(self):
        errors = {}
        links = self.links if isinstance(self.links, list) else None
        if links is None or len(links) > MAX_LINKS or not all(_is_link(link) for link in links):
            errors["links"] = _("Up to %(n)d links, each a label and a web address.") % {"n": MAX_LINKS}
        checklist = self.checklist if isinstance(self.checklist, list) else None
        if (
            checklist is None
            or len(checklist) > MAX_CHECKLIST
            or not all(isinstance(i, str) and 0 < len(i) <= 300 for i in checklist)
        ):
            errors["checklist"] = _("Up to %(n)d checklist items of at most 300 characters.") % {
                "n": MAX_CHECKLIST
            }
        questions = self.questions if isinstance(self.questions, list) else None
        if questions is None or len(questions) > MAX_QUESTIONS or not all(_is_question(q) for q in questions):
            errors["questions"] = _(
                "Up to %(n)d questions, each with two to %(c)d choices and one right answer."
            ) % {"n": MAX_QUESTIONS, "c": MAX_CHOICES}
        if errors:
            raise ValidationError(errors)


def _is_link(link) -> bool:
    if not (isinstance(link, dict) and set(link) == {"label", "url"}):
        return False
    if not (isinstance(link["label"], str) and 0 < len(link["label"]) <= 150):
        return False
    try:
        URLValidator(schemes=["http", "https"])(link["url"])
    except ValidationError:
        return False
    return len(link["url"]) <= 500


def _is_question(question) -> bool:
    if not (isinstance(question, dict) and set(question) == {"text", "choices", "answer"}):
        return False
    choices = question["choices"]
    return (
        isinstance(question["text"], str)
        and 0 < len(question["text"]) <= 300
        and isinstance(choices, list)
        and 2 <= len(choices) <= MAX_CHOICES
        and all(isinstance(c, str) and 0 < len(c) <= 200 for c in choices)
        and isinstance(question["answer"], int)
        and 0 <= question["answer"] < len(choices)
    )


class Completion(models.Model):
    """A person finished a module: once, whatever how often they submit it."""

    module = models.ForeignKey(
        TrainingModule, verbose_name=_("module"), on_delete=models.CASCADE, related_name="completions"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="training_completions"
    )
    completed_at = models.DateTimeField(_("completed"), default=timezone.now)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("training completion")
        verbose_name_plural = _("training completions")
        constraints = [
            models.UniqueConstraint(fields=["module", "person"], name="training_completion_once"),
        ]
        indexes = [
            # "What has this person finished" (my training, the to-do list, the checks before
            # matching and the first session) reads by person.
            models.Index(fields=["person", "module"], name="training_completion_person_idx"),
        ]

    def __str__(self):
        return f"{self.person} – {self.module}"
