from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .webhooks import mask


class Message(models.Model):
    """One email owed to one address (or one post owed to a chat channel), written in the same
    transaction as the change that owes it and sent after commit by whichever worker claims it
    first (outbox.services.message_send).

    The message is rendered when it is recorded, so what goes out is what was true at that moment
    and a send needs no other table. `key` says what the message is for ("session-invite:12:0:45"):
    recording the same key twice records nothing new, which is what makes a repeated request,
    a retried task or a second scan harmless.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SLACK = "slack", _("Slack")
        TEAMS = "teams", _("Microsoft Teams")

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=60)
    # Emails and chat posts share one lifecycle (claim, lease, backoff, sweep, failed, resend); only
    # the hand-over differs (outbox.services._deliver).
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    to = models.EmailField(_("to"), blank=True)
    # A chat post's incoming webhook: a secret (never shown in full, never logged; see
    # outbox.webhooks), and the JSON body shaped for its service when the post was owed.
    endpoint = models.CharField(_("webhook"), max_length=1000, blank=True)
    payload = models.JSONField(_("body"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    # [{"filename": ..., "content": ..., "mimetype": ...}]: text attachments (calendar files, CSV).
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # Extra headers, e.g. {"List-Unsubscribe": "<https://...>", "List-Unsubscribe-Post": "..."}.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # A plain id, not a foreign key: the outbox sits below the apps that own cohorts, and a message
    # log must outlive what it was about.
    # Indexed by outbox_cohort_recent (its first column): a second index of its own only slowed inserts.
    cohort_id = models.PositiveIntegerField(_("cohort"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The sweep's question: what is pending and due?
            models.Index(
                fields=["next_attempt_at"], name="outbox_pending_due", condition=Q(status="pending")
            ),
            # A cohort's message log, newest first, a page at a time.
            models.Index(fields=["cohort_id", "-created_at", "-id"], name="outbox_cohort_recent"),
            # Its "n emails failed" banner: few rows, counted without reading the cohort's others.
            models.Index(fields=["cohort_id"], name="outbox_cohort_failed", condition=Q(status="failed")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="outbox_sent_has_time",
            ),
            models.CheckConstraint(
                condition=(Q(channel="email") & ~Q(to=""))
                | (Q(channel__in=["slack", "teams"]) & ~Q(endpoint="")),
                name="outbox_message_has_destination",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.destination} ({self.get_status_display()})"

    @property
    def is_chat(self) -> bool:
        return self.channel != self.Channel.EMAIL

    @property
    def destination(self) -> str:
        """Where it goes, fit to show: the address, or the chat service and its masked webhook."""
        if not self.is_chat:
            return self.to
        return f"{self.get_channel_display()} ({mask(self.endpoint)})"

    @property
    def can_resend(self) -> bool:
        return self.status == self.Status.FAILED

    def is_held(self, now) -> bool:
        """Waiting, never tried, and not due yet: held for the recipient's working hours."""
        return self.status == self.Status.PENDING and self.attempts == 0 and self.next_attempt_at > now

    def is_retrying(self) -> bool:
        """Waiting after a failed attempt, for the next try (`last_error` says why)."""
        return self.status == self.Status.PENDING and self.attempts > 0
