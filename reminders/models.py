from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Pairing
from people.models import Person


class Reminder(models.Model):
    """One reminder owed to one person. The unique key makes it happen once per period, however
    many scans run; its email goes through the outbox, which sends it once."""

    class Kind(models.TextChoices):
        CHECK_IN = "check_in", _("Check-in due")
        PULSE = "pulse", _("Pulse check-in")
        CHECK_IN_OVERDUE = "check_in_overdue", _("Check-in overdue (to the programme admin)")
        SESSION_UPCOMING = "session_upcoming", _("Session tomorrow")
        ACTION_ITEM_DUE = "action_item_due", _("Action item due soon or overdue")
        GOAL_DUE = "goal_due", _("Goal due soon or overdue")
        ADMIN_DIGEST = "admin_digest", _("Weekly digest for programme admins")
        MANAGER_DIGEST = "manager_digest", _("Monthly digest for managers")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # "pairing:12/person:34": one string so the key stays unique whichever targets are set.
    target = models.CharField(_("target"), max_length=80)
    period_key = models.CharField(_("period"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reminders")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Its email, once written to the outbox (which knows whether it was sent).
    message = models.OneToOneField(
        "outbox.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["kind", "target", "period_key"], name="reminder_once_per_period"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.person} ({self.period_key})"
