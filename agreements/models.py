"""A pair's mentoring agreement, and the programme's template it starts from (issue 11)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Pairing
from matching.stamps import PairingContent
from people.models import Person
from programmes.models import Programme

from .defaults import KEYS

# What a person may write in one section of an agreement or a template's starting text.
SECTION_TEXT_MAX = 2000
# A week after the pairing started, an agreement not signed by both is shown to admins.
SIGN_WITHIN_DAYS = 7


class Role(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class TemplateSection(models.Model):
    """A programme's own wording of one section of its agreement template. A programme with no
    rows uses our default (agreements/defaults.py); saving the template stores all sections."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("section"), max_length=30, choices=[(k, k) for k in KEYS])
    heading = models.CharField(_("heading"), max_length=120)
    prompt = models.CharField(_("question for the pair"), max_length=300)
    text = models.TextField(_("starting text"), max_length=SECTION_TEXT_MAX, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        Person,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agreement template section")
        verbose_name_plural = _("agreement template sections")
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="agreement_template_section_once"),
            models.CheckConstraint(condition=Q(key__in=KEYS), name="agreement_template_section_known_key"),
        ]

    def __str__(self):
        return f"{self.programme}: {self.heading}"


def validate_sections(value) -> None:
    """An agreement's text: a list of {"key", "heading", "text"}, one per known section, in order."""
    if not isinstance(value, list) or [s.get("key") if isinstance(s, dict) else None for s in value] != list(
        KEYS
    ):
        raise ValidationError(_("The agreement's sections are not the expected ones."), code="sections")
    for section in value:
        if set(section) != {"key", "heading", "text"} or not all(
            isinstance(v, str) for v in section.values()
        ):
            raise ValidationError(_("The agreement's sections are not the expected ones."), code="sections")
        if len(section["text"]) > SECTION_TEXT_MAX:
            raise ValidationError(
                _("Keep each section under %(max)d characters."),
                code="too_long",
                params={"max": SECTION_TEXT_MAX},
            )


class Agreement(PairingContent):
    """What a pair agreed: the current text (`version` counts its changes) and who signed this
    version. Each signature is kept with the text it signed (`Signature`), so changing the text
    clears the signatures here and the history stays."""

    pairing = models.OneToOneField(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="agreement"
    )
    sections = models.JSONField(_("sections"), validators=[validate_sections])
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        Person, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )
    mentor_signed_at = models.DateTimeField(_("signed by the mentor"), null=True, blank=True)
    mentee_signed_at = models.DateTimeField(_("signed by the mentee"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentoring agreement")
        verbose_name_plural = _("mentoring agreements")
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="agreement_version_from_1"),
        ]

    def __str__(self):
        return f"{self.pairing} (v{self.version})"

    def get_absolute_url(self):
        return reverse("agreements:agreement", args=[self.pairing_id])

    @property
    def is_signed_by_both(self) -> bool:
        return self.mentor_signed_at is not None and self.mentee_signed_at is not None

    def signed_at_by(self, role: str) -> datetime.datetime | None:
        return self.mentor_signed_at if role == Role.MENTOR else self.mentee_signed_at

    def is_signed_by(self, role: str) -> bool:
        return self.signed_at_by(role) is not None

    @property
    def is_signed_by_anyone(self) -> bool:
        return self.mentor_signed_at is not None or self.mentee_signed_at is not None

    def text_of(self, key: str) -> str:
        return next((s["text"] for s in self.sections if s["key"] == key), "")

    def differs_from(self, texts: dict[str, str]) -> bool:
        return any(self.text_of(key) != texts.get(key, "") for key in KEYS)


class Signature(PairingContent):
    """One side's signature of one version, with the text they signed."""

    PAIRING_LOOKUP = "agreement__pairing_id"

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="signatures"
    )
    version = models.PositiveIntegerField(_("version"))
    role = models.CharField(_("signed as"), max_length=10, choices=Role.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    sections = models.JSONField(_("text signed"), validators=[validate_sections])

    class Meta:
        ordering = ["-version", "signed_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version", "role"], name="signature_once_per_side"),
        ]

    def __str__(self):
        return f"{self.person} signed v{self.version}"

    def pairing_of_content(self):
        return self.agreement.pairing_id
