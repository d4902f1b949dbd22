import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Pairing
from matching.stamps import PairingContent, PairingContentQuerySet
from people.models import Person
from programmes.models import SUPPORT_TOPICS


class GoalContent(PairingContent):
    PAIRING_LOOKUP = "goal__pairing_id"

    class Meta:
        abstract = True

    def pairing_of_content(self):
        return self.goal.pairing_id


class ScheduledSession(PairingContent):
    """A planned meeting. Its UID stays the same when it changes, so a calendar updates the event
    (with `sequence` raised) instead of adding a second one."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="scheduled_sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=45)
    format = models.CharField(_("format"), max_length=20, default="video")
    agenda = models.TextField(_("agenda"), blank=True)
    uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("scheduled session")
        verbose_name_plural = _("scheduled sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480),
                name="scheduled_length_5_to_480_minutes",
            ),
        ]

    def __str__(self):
        return f"{self.pairing} at {self.starts_at:%Y-%m-%d %H:%M}"


class MentoringSession(PairingContent):
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
    ticket_refs = models.CharField(
        _("ticket references"), max_length=300, blank=True, help_text=_("For shadowing and review sessions.")
    )
    # A pairing has exactly two members, so each side's rating has its own column: the one who
    # logged the session (rating) and the other (partner_rating), who also confirms it.
    rating = models.PositiveSmallIntegerField(_("rating (1-5)"), null=True, blank=True)
    rating_comment = models.CharField(_("comment on the rating"), max_length=300, blank=True)
    partner_rating = models.PositiveSmallIntegerField(
        _("the other side's rating (1-5)"), null=True, blank=True
    )
    partner_comment = models.CharField(_("the other side's comment"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed by the other side"), null=True, blank=True)
    scheduled = models.OneToOneField(
        ScheduledSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="log"
    )
    logged_by = models.ForeignKey(
        Person, verbose_name=_("logged by"), on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(_("logged"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        indexes = [
            # A pair's latest session (pairing list, workspace timeline, quiet pairs on the
            # cohort page) without reading the pair's whole history.
            models.Index(fields=["pairing", "-held_on", "-id"], name="session_pairing_latest_idx"),
            # The days of a month cut by the dashboard's date range (dashboards/rollups.py).
            models.Index(fields=["held_on"], name="session_held_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="session_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(partner_rating__isnull=True)
                | (Q(partner_rating__gte=1) & Q(partner_rating__lte=5)),
                name="session_partner_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480),
                name="session_length_5_to_480_minutes",
            ),
        ]

    def __str__(self):
        return f"{self.pairing} on {self.held_on}"

    def awaits_confirmation_by(self, person) -> bool:
        """Not yet confirmed, and `person` is the side that did not log it."""
        return self.confirmed_at is None and person is not None and self.logged_by_id != person.pk

    @property
    def topic_labels(self) -> list[str]:
        labels = dict(SUPPORT_TOPICS)
        return [str(labels.get(topic, topic)) for topic in self.topics]


class Goal(PairingContent):
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
    unit = models.CharField(_("unit"), max_length=30, blank=True, help_text=_("e.g. %, minutes, tickets"))
    due_on = models.DateField(_("time-bound: due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ON_TRACK)
    achieved_at = models.DateTimeField(_("achieved"), null=True, blank=True)
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
    def is_in_progress(self) -> bool:
        return self.status in (self.Status.ON_TRACK, self.Status.AT_RISK)

    @property
    def is_achieved(self) -> bool:
        return self.status == self.Status.ACHIEVED

    @property
    def is_at_risk(self) -> bool:
        return self.status == self.Status.AT_RISK

    @property
    def is_overdue(self) -> bool:
        return self.is_in_progress and self.due_on < timezone.localdate()

    def is_reached_by(self, value) -> bool:
        """Whether `value` (a progress update; None for none yet) is at or past the target, in
        whichever direction the goal runs (a target may be below the baseline)."""
        if value is None:
            return False
        return value >= self.target if self.target > self.baseline else value <= self.target

    def latest_value(self):
        """The value of the newest progress update, or None."""
        return self.updates.order_by("-created_at", "-pk").values_list("value", flat=True).first()


class CheckIn(PairingContent):
    """One member's answer to a pulse check-in.

    Flagged (the admin should look at the pair): satisfaction at or below LOW_SATISFACTION, not
    meeting as planned, or a blocker. `flagged` says it of one answer and `FLAGGED` in SQL; they are
    written side by side, and `clean` strips the blockers so a blank one never counts in either.
    A flag is open until an admin resolves it (`FlagResolution`): `OPEN_FLAG` in SQL. A pair's open
    flags are its members' latest answers that are open flags (`checkins.open_flags_of`)."""

    LOW_SATISFACTION = 2
    FLAGGED = Q(satisfaction__lte=LOW_SATISFACTION) | Q(meeting_regularly=False) | ~Q(blockers="")
    OPEN_FLAG = FLAGGED & Q(resolution__isnull=True)

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="check_ins"
    )
    person = models.ForeignKey(Person, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-5)"))
    meeting_regularly = models.BooleanField(_("meeting as planned"), default=True)
    blockers = models.TextField(_("blockers"), blank=True)
    comment = models.TextField(_("anything else"), blank=True)
    # The pulse period answered ("" for check-ins recorded outside the pulse); one answer each.
    period_key = models.CharField(_("period"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [
            # Each person's latest check-in in a pair: "flagged" is decided on it (pairing list,
            # cohort page, the admin's flag page).
            models.Index(fields=["pairing", "person", "-created_at", "-id"], name="checkin_latest_idx"),
            # The days of a month cut by the dashboard's date range (dashboards/rollups.py).
            models.Index(fields=["created_at"], name="checkin_created_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5), name="checkin_satisfaction_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["pairing", "person", "period_key"],
                condition=~Q(period_key=""),
                name="checkin_once_per_person_per_period",
            ),
        ]

    def __str__(self):
        return f"{self.person} on {self.pairing}: {self.satisfaction}/5"

    def clean(self):
        self.blockers = self.blockers.strip()

    @property
    def flagged(self) -> bool:
        """Low satisfaction, not meeting as planned, or a blocker: the admin should look at this pair."""
        return self.satisfaction <= self.LOW_SATISFACTION or not self.meeting_regularly or self.blockers != ""


class FlagResolution(models.Model):
    """A programme admin's answer to a flagged check-in: who looked, when, and what was done. The
    flag stops counting as open (`CheckIn.OPEN_FLAG`); the note is for admins only (never shown
    to managers or to the pair)."""

    checkin = models.OneToOneField(
        CheckIn, verbose_name=_("check-in"), on_delete=models.CASCADE, related_name="resolution"
    )
    # SET_NULL: an admin's account may be deleted; what they resolved stays resolved.
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), default=timezone.now)
    note = models.TextField(_("what was done"))

    # Resolving a flag changes what the pair's list shows ("your last check-in flagged a concern"):
    # it replaces the pairing's stamp as the pair's own content does (matching/stamps.py).
    PAIRING_LOOKUP = "checkin__pairing_id"
    objects = PairingContentQuerySet.as_manager()

    class Meta:
        ordering = ["-resolved_at", "-pk"]
        verbose_name = _("flag resolution")
        verbose_name_plural = _("flag resolutions")
        constraints = [
            # A resolution says what was done: an empty note would hide a flag without a trace.
            models.CheckConstraint(condition=~Q(note=""), name="flag_resolution_has_note"),
        ]

    def __str__(self):
        return f"{self.checkin} resolved on {self.resolved_at:%Y-%m-%d}"

    def pairing_of_content(self):
        return self.checkin.pairing_id

    def clean(self):
        self.note = self.note.strip()


class SessionPrivateNote(PairingContent):
    """Notes only their author ever sees: not the other side, not admins, not managers."""

    PAIRING_LOOKUP = "session__pairing_id"

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("private notes"))
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="private_note_once_per_author"),
        ]

    def __str__(self):
        return f"{self.author}'s note on {self.session}"

    def pairing_of_content(self):
        return self.session.pairing_id


class ActionItem(PairingContent):
    """A to-do agreed in a session; it stays open (and shows at the next session) until done."""

    # New items one session may add: the form offers this many rows, the service refuses more.
    PER_SESSION_MAX = 10

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="action_items")
    session = models.ForeignKey(
        MentoringSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    description = models.CharField(_("what"), max_length=200)
    owner = models.ForeignKey(Person, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("by when"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["done_at", "due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.description


class GoalUpdate(GoalContent):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal update")
        verbose_name_plural = _("goal updates")
        indexes = [
            # A goal's latest value (its progress on the workspace) is one index probe.
            models.Index(fields=["goal", "-created_at", "-id"], name="goalupdate_latest_idx"),
        ]

    def __str__(self):
        return f"{self.goal}: {self.value}"


class Milestone(GoalContent):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


class GoalComment(GoalContent):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal comment")
        verbose_name_plural = _("goal comments")

    def __str__(self):
        return f"{self.author} on {self.goal}"


class GoalTemplate(models.Model):
    """A common support goal an admin keeps ready for pairs to start from."""

    title = models.CharField(_("title"), max_length=150, unique=True)
    specific = models.CharField(_("specific: what exactly"), max_length=200)
    metric = models.CharField(_("measurable: metric"), max_length=100)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    achievable = models.TextField(_("achievable: the plan"), blank=True)
    relevant = models.CharField(_("relevant: why it matters"), max_length=200, blank=True)
    is_active = models.BooleanField(_("offered to pairs"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("goal template")
        verbose_name_plural = _("goal templates")

    def __str__(self):
        return self.title


# A message's longest body: a few paragraphs, not a document.
MESSAGE_BODY_MAX = 2000


class PairMessage(PairingContent):
    """A message between the two members of a pairing. Its recipient is always the other member,
    so one `read_at` is the whole read state. Only the two of them ever read it: not admins, not
    managers (as private notes)."""

    BODY_MAX = MESSAGE_BODY_MAX

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=MESSAGE_BODY_MAX)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read by the other side"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # The latest few of a pair, and its unread ones, read down this index.
            models.Index(fields=["pairing", "-created_at", "-id"], name="message_pairing_latest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), MESSAGE_BODY_MAX) & ~Q(body=""),
                name="message_body_1_to_2000_characters",
            ),
        ]

    def __str__(self):
        return f"{self.author} in {self.pairing_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def is_unread_by(self, person) -> bool:
        """Not yet seen by `person`, its recipient (one's own messages are never unread to oneself)."""
        return self.read_at is None and self.author_id != person.pk
