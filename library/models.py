from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Pairing
from matching.stamps import PairingContent
from people.models import Person
from programmes.models import DEFAULT_TOPIC_KEYS, SUPPORT_TOPICS, Programme

from .defaults import GUIDE_PROMPTS
from .stages import Stage

# A link is followed by people's browsers from our pages: web addresses only (no javascript:,
# data: or file: links).
validate_web_url = URLValidator(schemes=["http", "https"])


class Resource(models.Model):
    """A link or a short note in a programme's library, under one of the session topics."""

    class Audience(models.TextChoices):
        BOTH = "both", _("Mentors and mentees")
        MENTORS = "mentors", _("Mentors only")
        MENTEES = "mentees", _("Mentees only")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="resources"
    )
    topic = models.CharField(_("topic"), max_length=40, choices=SUPPORT_TOPICS)
    title = models.CharField(_("title"), max_length=150)
    url = models.CharField(
        _("link"),
        max_length=500,
        blank=True,
        validators=[validate_web_url],
        help_text=_("Optional: a web address starting with http:// or https://."),
    )
    note = models.TextField(
        _("note"), max_length=1000, blank=True, help_text=_("What it is and why it helps.")
    )
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices, default=Audience.BOTH)
    created_by = models.ForeignKey(
        Person, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        ordering = ["topic", "title", "pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [models.Index(fields=["programme", "topic", "title"], name="resource_programme_topic_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(topic__in=DEFAULT_TOPIC_KEYS), name="resource_topic_known"),
            models.CheckConstraint(
                condition=Q(audience__in=["both", "mentors", "mentees"]), name="resource_audience_known"
            ),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="resource_url_is_web_address",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:resource-list", args=[self.programme_id]) + f"?topic={self.topic}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_for_mentees(self) -> bool:
        return self.audience != self.Audience.MENTORS

    def can_be_shared(self) -> bool:
        """A mentor shares into a workspace the mentee reads: never a mentors-only or archived one."""
        return self.is_for_mentees and not self.is_archived

    @staticmethod
    def audiences_for(*, mentor: bool, mentee: bool) -> list[str]:
        """The audiences someone in these roles reads."""
        found = [Resource.Audience.BOTH]
        if mentor:
            found.append(Resource.Audience.MENTORS)
        if mentee:
            found.append(Resource.Audience.MENTEES)
        return found


class SharedResource(PairingContent):
    """A resource a mentor shared into their pair's workspace: once per pair."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="shared_resources"
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="shares"
    )
    shared_by = models.ForeignKey(
        Person, verbose_name=_("shared by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    shared_at = models.DateTimeField(_("shared"), default=timezone.now)
    done_at = models.DateTimeField(_("read"), null=True, blank=True)
    done_by = models.ForeignKey(
        Person, verbose_name=_("read by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-shared_at", "-pk"]
        verbose_name = _("shared resource")
        verbose_name_plural = _("shared resources")
        indexes = [models.Index(fields=["pairing", "-shared_at"], name="shared_pairing_latest_idx")]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "resource"], name="shared_resource_once_per_pairing"),
        ]

    def __str__(self):
        return f"{self.resource} in {self.pairing_id}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class SessionGuide(models.Model):
    """A programme's own prompts for one stage; without a row the stage uses ours (GUIDE_PROMPTS)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="session_guides"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    prompts = models.TextField(_("prompts"), max_length=4000, help_text=_("One prompt per line."))
    updated_by = models.ForeignKey(
        Person,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("session guide")
        verbose_name_plural = _("session guides")
        constraints = [
            models.UniqueConstraint(fields=["programme", "stage"], name="session_guide_once_per_stage"),
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in Stage]), name="session_guide_stage_known"
            ),
        ]

    def __str__(self):
        return f"{self.programme}: {self.get_stage_display()}"

    @property
    def prompt_list(self) -> list[str]:
        return split_prompts(self.prompts)


def split_prompts(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def default_prompts(stage: str) -> list[str]:
    return [str(p) for p in GUIDE_PROMPTS[stage]]
