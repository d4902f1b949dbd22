"""What the product holds about a person, model by model: one declaration that the export, the
erasure and the retention task all read, so a new kind of row is covered by all three at once.

tests/privacy/test_registry.py walks `apps.get_models()`: a model with a foreign key to Person or
to the login model, or with a text or JSON field, that has no entry here fails the suite, and so
does an entry that leaves one of its model's text fields unclassified (`free_text` or `kept`).

Lookups are ORM paths from the model to a Person's id ("author", "pairing__mentee__person").
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Case, F, Q, When

# What a required text field (a database constraint refuses "") holds once its words are gone.
ERASED = "[erased]"
# The name an erased person's record keeps: rows that protect it still show "who" as this.
ERASED_NAME = "Erased person"

PAIR_MEMBERS = ("pairing__mentor__person", "pairing__mentee__person")


@dataclass(frozen=True)
class Holding:
    """One model's part in a person's data.

    kind: the export's section name (None: not exported, `why` says).
    sees: lookups to the person whose export includes the row (any of them).
    wrote: lookups to the person whose words the row's `free_text` are (erasure blanks those rows).
    free_text: text fields blanked at erasure (rows `wrote`) and at retention (rows of old cohorts).
    blank: a field's blanked value when it is not "" / ERASED / the JSON field's default.
    refs: nullable references to the person, set to null at erasure (the row is someone else's).
    delete: erasure deletes the rows `wrote` instead of blanking them (nothing counts them).
    cohort: lookup to the row's cohort id, for retention (None: retention leaves it).
    fields: the exported columns (values() names); annotate(person_id) adds computed ones.
    kept: text fields knowingly left as they are (`why` says why).
    """

    model: str
    kind: str | None = None
    sees: tuple[str, ...] = ()
    wrote: tuple[str, ...] = ()
    free_text: tuple[str, ...] = ()
    blank: dict = field(default_factory=dict)
    refs: tuple[str, ...] = ()
    delete: bool = False
    cohort: str | None = None
    fields: tuple[str, ...] = ()
    annotate: Callable[[int], dict] | None = None
    kept: tuple[str, ...] = ()
    why: str = ""

    @property
    def installed(self) -> bool:
        """Its app is installed (axes comes with the accounts lane's settings)."""
        return self.model.split(".")[0] in apps.app_configs

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def blanked(self) -> dict:
        """{field: its blanked value} for every free-text field."""
        values = {}
        for name in self.free_text:
            if name in self.blank:
                values[name] = self.blank[name]
                continue
            model_field = self.model_class._meta.get_field(name)
            if isinstance(model_field, models.JSONField):
                values[name] = model_field.get_default()
            elif model_field.null:
                values[name] = None
            else:
                values[name] = "" if model_field.blank else ERASED
        return values

    def seen_by(self, person_id: int) -> Q:
        return _any(self.sees, person_id)

    def written_by(self, person_id: int) -> Q:
        return _any(self.wrote, person_id)


def _any(lookups: tuple[str, ...], person_id: int) -> Q:
    """Rows any of `lookups` leads from to the person. A side of a pairing is asked through the
    person's few enrolments (and a pair's content through their few pairings) as subqueries: an OR
    over joins down to the person would read every session of every pair to find theirs."""
    from matching.models import Pairing
    from programmes.models import Enrolment

    enrolments = Enrolment.objects.filter(person=person_id).values("pk")
    sides: dict[str, list[str]] = {}
    found = Q(pk__in=[])
    for lookup in lookups:
        prefix, side = "", ""
        for role in ("mentor", "mentee"):
            if lookup == f"{role}__person" or lookup.endswith(f"__{role}__person"):
                side = role
                prefix = lookup[: -len(f"{role}__person")]
        if side:
            sides.setdefault(prefix, []).append(side)
        else:
            found |= Q(**{lookup: person_id})
    for prefix, roles in sides.items():
        on_a_side = Q(pk__in=[])
        for role in roles:
            on_a_side |= Q(**{f"{role}__in": enrolments})
        if prefix:
            found |= Q(**{f"{prefix}in": Pairing._base_manager.filter(on_a_side).values("pk")})
        else:
            found |= on_a_side
    return found


def _partner_name(person_id: int, prefix: str = "") -> dict:
    """The other side's name in a pairing: the only thing of theirs an export shows."""
    return {
        "other_side": Case(
            When(**{f"{prefix}mentor__person": person_id}, then=F(f"{prefix}mentee__person__full_name")),
            default=F(f"{prefix}mentor__person__full_name"),
        )
    }


def _written_by_me(person_id: int, author: str) -> dict:
    return {"written_by_me": Case(When(**{author: person_id}, then=True), default=False)}


# Sections of an agreement with their words gone (headings and order kept: the page still reads).
def blank_sections() -> list[dict]:
    from agreements.defaults import DEFAULT_SECTIONS

    return [{"key": s.key, "heading": str(s.heading), "text": ""} for s in DEFAULT_SECTIONS]


HISTORY_FIELDS = ("history_id", "history_date", "history_type")

HOLDINGS: tuple[Holding, ...] = (
    # --- the person and their login -------------------------------------------------------------
    Holding(
        "people.Person",
        kind="person",
        sees=("pk",),
        fields=(
            "full_name",
            "email",
            "employee_id",
            "team__name",
            "manager__full_name",
            "hire_date",
            "leave_date",
            "time_zone",
            "communication",
            "structure",
            "pace",
            "feedback",
        ),
        why="Anonymised by privacy.erasure (ERASED_NAME, no email or employee id, profile cleared); "
        "hire and leave dates kept exactly: retention at 90/180/365 days and the comparison group "
        "(hired within six months) are worked out to the day.",
        kept=("full_name", "email", "employee_id", "time_zone"),
    ),
    Holding(
        "people.HistoricalPerson",
        kind="person_history",
        sees=("id",),
        refs=("history_user",),
        fields=(*HISTORY_FIELDS, "full_name", "email", "employee_id", "hire_date", "leave_date", "time_zone"),
        free_text=("history_change_reason",),
        wrote=("id",),
        kept=("full_name", "email", "employee_id", "time_zone"),
        why="Their own rows are anonymised as the person is, by privacy.erasure.",
    ),
    Holding(
        "auth.User",
        kind="login",
        sees=("person",),
        fields=("username", "email", "date_joined", "last_login"),
        kept=("password", "username", "first_name", "last_name", "email"),
        why="Deleted by privacy.erasure (with its sessions and lockout records).",
    ),
    Holding(
        "sessions.Session",
        kept=("session_key", "session_data"),
        why="Signed-in sessions: privacy.erasure deletes those of the person's login.",
    ),
    Holding(
        "admin.LogEntry",
        refs=(),
        kept=("object_id", "object_repr", "change_message"),
        why="The Django admin's log: a login's own entries go with it (CASCADE); entries about the "
        "person lose their name (privacy.erasure).",
    ),
    Holding(
        "submissions.Submission",
        kept=("token", "redirect_to"),
        why="Form tokens of a login, deleted with it (CASCADE) and forgotten after a day anyway.",
    ),
    # --- enrolments and pairs -------------------------------------------------------------------
    Holding(
        "programmes.Enrolment",
        kind="enrolments",
        sees=("person",),
        wrote=("person",),
        cohort="cohort",
        free_text=("goals", "availability", "motivation", "review_note", "review_checks", "withdrawn_reason"),
        refs=("reviewed_by",),
        fields=(
            "cohort__programme__name",
            "cohort__name",
            "role",
            "status",
            "capacity",
            "goals",
            "availability",
            "preferred_format",
            "motivation",
            "review_note",
            "withdrawn_reason",
            "enrolled_at",
            "profile_completed_at",
        ),
    ),
    Holding(
        "programmes.HistoricalEnrolment",
        kind="enrolment_history",
        sees=("person",),
        wrote=("person",),
        cohort="cohort",
        free_text=(
            "goals",
            "availability",
            "motivation",
            "review_note",
            "review_checks",
            "withdrawn_reason",
            "history_change_reason",
        ),
        refs=("history_user",),
        fields=(*HISTORY_FIELDS, "cohort__name", "role", "status", "goals", "availability", "motivation"),
    ),
    Holding(
        "matching.Pairing",
        kind="pairings",
        sees=("mentor__person", "mentee__person"),
        wrote=("mentor__person", "mentee__person"),
        cohort="cohort",
        free_text=("end_reason",),
        # An early end must say why (a constraint): its words go, the fact stays.
        blank={"end_reason": ERASED},
        fields=("cohort__name", "status", "started_on", "ended_on", "outcome", "end_reason"),
        annotate=_partner_name,
        kept=("explanation",),
        why="The explanation is the matcher's reasons (traits and tags), not anyone's words.",
    ),
    Holding(
        "matching.HistoricalPairing",
        wrote=("mentor__person", "mentee__person"),
        cohort="cohort",
        free_text=("end_reason", "history_change_reason"),
        refs=("history_user",),
        kept=("explanation",),
        why="Not exported: the pairing itself is; its history rows lose their free text.",
    ),
    Holding(
        "matching.MatchRun",
        refs=("created_by", "published_by"),
        kept=("error", "unmatched", "quality"),
        why="Unmatched mentees' names are replaced by privacy.erasure; the rest is the run's figures.",
    ),
    Holding(
        "matching.HistoricalMatchRun",
        refs=("history_user", "created_by", "published_by"),
        kept=("error", "unmatched", "quality", "history_change_reason"),
        why="As MatchRun.",
    ),
    Holding("matching.PairRule", refs=("created_by",), why="An admin's pin or forbid: ids only."),
    Holding(
        "matching.MentorRequest",
        kind="mentor_requests",
        sees=("mentee__person", "mentor__person"),
        wrote=("mentor__person",),
        cohort="cohort",
        free_text=("reason",),
        fields=("cohort__name", "status", "created_at", "decided_at", "reason"),
        kept=("explanation",),
        why="The explanation is the matcher's reasons.",
    ),
    Holding(
        "enrolment.Invitation",
        kind="invitations",
        sees=("person",),
        wrote=("person",),
        delete=True,
        refs=("invited_by",),
        fields=("cohort__name", "email", "role", "created_at", "accepted_at"),
        kept=("email",),
        why="Deleted at erasure (their address is the row); nothing counts old invitations.",
    ),
    # --- the pair's workspace -------------------------------------------------------------------
    Holding(
        "mentoring_sessions.ScheduledSession",
        kind="scheduled_sessions",
        sees=PAIR_MEMBERS,
        wrote=PAIR_MEMBERS,
        cohort="pairing__cohort",
        free_text=("agenda",),
        fields=("pairing_id", "starts_at", "duration_minutes", "format", "agenda", "cancelled_at"),
        kept=("format",),
    ),
    Holding(
        "mentoring_sessions.MentoringSession",
        kind="sessions",
        sees=PAIR_MEMBERS,
        # Shared notes are the pair's joint record of a meeting about them both.
        wrote=PAIR_MEMBERS,
        cohort="pairing__cohort",
        free_text=("notes", "ticket_refs", "rating_comment", "partner_comment"),
        fields=(
            "pairing_id",
            "held_on",
            "duration_minutes",
            "format",
            "topics",
            "notes",
            "ticket_refs",
            "rating",
            "rating_comment",
            "partner_rating",
            "partner_comment",
            "confirmed_at",
        ),
        kept=("topics",),
        why="Topics are keys from the cohort's list; ratings are figures the dashboards count.",
    ),
    Holding(
        "mentoring_sessions.SessionPrivateNote",
        kind="private_notes",
        # Only the author's own: never the other side's (the export's one hard rule).
        sees=("author",),
        wrote=("author",),
        delete=True,
        cohort="session__pairing__cohort",
        free_text=("text",),
        fields=("session__pairing_id", "session__held_on", "text", "updated_at"),
    ),
    Holding(
        "mentoring_sessions.ActionItem",
        kind="action_items",
        sees=PAIR_MEMBERS,
        wrote=("owner",),
        cohort="pairing__cohort",
        free_text=("description",),
        fields=("pairing_id", "description", "owner__full_name", "due_on", "done_at"),
    ),
    Holding(
        "mentoring_sessions.Goal",
        kind="goals",
        sees=PAIR_MEMBERS,
        # A goal is the mentee's, whoever typed it.
        wrote=("pairing__mentee__person", "created_by"),
        cohort="pairing__cohort",
        free_text=("specific", "metric", "achievable", "relevant", "unit"),
        fields=(
            "pairing_id",
            "specific",
            "metric",
            "baseline",
            "target",
            "unit",
            "achievable",
            "relevant",
            "due_on",
            "status",
            "achieved_at",
        ),
    ),
    Holding(
        "mentoring_sessions.GoalUpdate",
        kind="goal_updates",
        sees=("goal__pairing__mentor__person", "goal__pairing__mentee__person"),
        wrote=("created_by",),
        cohort="goal__pairing__cohort",
        free_text=("note",),
        fields=("goal_id", "value", "note", "created_at"),
    ),
    Holding(
        "mentoring_sessions.Milestone",
        kind="milestones",
        sees=("goal__pairing__mentor__person", "goal__pairing__mentee__person"),
        wrote=("goal__pairing__mentee__person",),
        cohort="goal__pairing__cohort",
        free_text=("title",),
        fields=("goal_id", "title", "due_on", "done_at"),
    ),
    Holding(
        "mentoring_sessions.GoalComment",
        kind="goal_comments",
        sees=("goal__pairing__mentor__person", "goal__pairing__mentee__person"),
        wrote=("author",),
        cohort="goal__pairing__cohort",
        free_text=("text",),
        fields=("goal_id", "author__full_name", "text", "created_at"),
    ),
    Holding(
        "mentoring_sessions.CheckIn",
        kind="check_ins",
        sees=("person",),
        wrote=("person",),
        cohort="pairing__cohort",
        free_text=("blockers", "comment"),
        fields=(
            "pairing_id",
            "satisfaction",
            "meeting_regularly",
            "blockers",
            "comment",
            "period_key",
            "created_at",
        ),
        kept=("period_key",),
        why="Scores and 'meeting as planned' are figures; the period is a date key.",
    ),
    Holding(
        "mentoring_sessions.FlagResolution",
        wrote=("checkin__person",),
        cohort="checkin__pairing__cohort",
        free_text=("note",),
        refs=("resolved_by",),
        why="An admin's note about a flagged check-in, for admins only: blanked, not exported.",
    ),
    Holding(
        "mentoring_sessions.PairMessage",
        kind="messages",
        sees=PAIR_MEMBERS,
        wrote=("author",),
        cohort="pairing__cohort",
        free_text=("body",),
        fields=("pairing_id", "body", "created_at", "read_at"),
        annotate=lambda person_id: _written_by_me(person_id, "author"),
    ),
    Holding(
        "mentoring_sessions.GoalTemplate",
        kept=("title", "specific", "metric", "unit", "achievable", "relevant"),
        why="Admins' ready-made goals: about no one.",
    ),
    Holding(
        "agreements.Agreement",
        kind="agreements",
        sees=PAIR_MEMBERS,
        # The pair wrote it together.
        wrote=PAIR_MEMBERS,
        cohort="pairing__cohort",
        free_text=("sections",),
        blank={"sections": "blank_sections"},
        fields=("pairing_id", "version", "sections", "mentor_signed_at", "mentee_signed_at"),
    ),
    Holding(
        "agreements.Signature",
        kind="signatures",
        sees=("person",),
        wrote=("person",),
        cohort="agreement__pairing__cohort",
        free_text=("sections",),
        blank={"sections": "blank_sections"},
        fields=("agreement__pairing_id", "version", "role", "signed_at", "sections"),
    ),
    Holding(
        "agreements.TemplateSection",
        refs=("updated_by",),
        kept=("heading", "prompt", "text"),
        why="A programme's template, written by its admins.",
    ),
    Holding(
        "library.Resource",
        refs=("created_by",),
        kept=("title", "url", "note"),
        why="A programme's library, curated by its admins.",
    ),
    Holding(
        "library.SharedResource",
        kind="shared_resources",
        sees=PAIR_MEMBERS,
        wrote=("shared_by",),
        cohort="pairing__cohort",
        free_text=("note",),
        refs=("done_by",),
        fields=("pairing_id", "resource__title", "note", "shared_at", "done_at"),
    ),
    Holding("library.SessionGuide", refs=("updated_by",), kept=("prompts",), why="A programme's prompts."),
    Holding(
        "training.Completion",
        kind="training",
        sees=("person",),
        fields=("module__programme__name", "module__title", "completed_at"),
        why="Completions are counted per cohort (unfinished required training): kept.",
    ),
    Holding(
        "training.TrainingModule",
        kept=("title", "summary", "body", "links", "checklist", "questions"),
        why="A programme's training, written by its admins.",
    ),
    # --- close-out ------------------------------------------------------------------------------
    Holding(
        "closeout.Reflection",
        kind="reflections",
        sees=("person",),
        wrote=("person",),
        cohort="pairing__cohort",
        free_text=("achieved", "learned"),
        fields=("pairing_id", "achieved", "learned", "created_at"),
    ),
    Holding(
        "closeout.SurveyResponse",
        kind="survey",
        sees=("person",),
        wrote=("person",),
        cohort="cohort",
        free_text=("comment",),
        fields=("cohort__name", "role", "satisfaction", "recommend", "comment", "created_at"),
    ),
    Holding(
        "closeout.Thanks",
        kind="thanks",
        sees=PAIR_MEMBERS,
        wrote=("pairing__mentee__person",),
        cohort="pairing__cohort",
        free_text=("body",),
        fields=("pairing_id", "body", "created_at"),
        annotate=lambda person_id: _written_by_me(person_id, "pairing__mentee__person"),
    ),
    # --- messages to the person -----------------------------------------------------------------
    Holding(
        "notifications.Notification",
        kind="notifications",
        sees=("person",),
        wrote=("person",),
        delete=True,
        refs=("actor",),
        fields=("kind", "title", "url", "created_at", "read_at"),
        kept=("key", "title", "url"),
        why="Theirs are deleted at erasure; where they are the actor, their name leaves the title.",
    ),
    Holding(
        "notifications.Preferences",
        kind="preferences",
        sees=("person",),
        wrote=("person",),
        delete=True,
        fields=("working_days", "quiet_start", "quiet_end", "away_until", "muted_kinds"),
        kept=("muted_kinds",),
    ),
    Holding(
        "notifications.Wording",
        refs=("updated_by",),
        kept=("subject", "text"),
        why="A programme's wording of a message kind.",
    ),
    Holding(
        "notifications.Broadcast", refs=("actor",), kept=("key", "last_error"), why="A cohort's message."
    ),
    Holding(
        "outbox.Message",
        kept=(
            "key",
            "kind",
            "to",
            "endpoint",
            "payload",
            "subject",
            "text",
            "html",
            "attachments",
            "headers",
            "last_error",
        ),
        why="Emails to the person's address are cancelled (if not sent) and deleted by privacy.erasure.",
    ),
    Holding(
        "reminders.Reminder",
        kind="reminders",
        sees=("person",),
        fields=("kind", "period_key", "created_at"),
        kept=("target", "period_key"),
        why="Once-per-period keys (no words): kept so a scan does not owe them again.",
    ),
    # --- support KPIs and imports ---------------------------------------------------------------
    Holding(
        "kpis.AgentMonth",
        kind="support_kpis",
        sees=("person",),
        fields=(
            "month",
            "csat",
            "first_response_minutes",
            "resolution_minutes",
            "tickets_solved",
            "qa_score",
        ),
        why="Figures the dashboards compare (difference in differences): kept, with no name on them.",
    ),
    Holding("kpis.MedianReach", kept=("kpi",), why="Derived from the KPI months: figures only."),
    Holding(
        "dashboards.ComparisonMember",
        kept=("role",),
        why="Who is compared with a cohort's participants, derived from teams, hire dates and "
        "enrolments and worked out again after any write to people (an erasure too): no words.",
    ),
    Holding(
        "kpis.KpiImport",
        refs=("created_by",),
        kept=("filename", "source", "error_message"),
        why="An upload's CSV is cleared once applied.",
    ),
    Holding(
        "people.ImportJob",
        refs=("created_by",),
        kept=("filename", "source", "error_message"),
        why="An upload's CSV is cleared once applied.",
    ),
    # --- settings about no one ------------------------------------------------------------------
    Holding("programmes.Programme", kept=("name", "objectives"), why="A programme: about no one."),
    Holding(
        "programmes.HistoricalProgramme",
        refs=("history_user",),
        kept=("name", "objectives", "history_change_reason"),
        why="A programme's history.",
    ),
    Holding("programmes.Cohort", kept=("name", "topics", "trait_modes", "chat_webhook_url"), why="A cohort."),
    Holding(
        "programmes.HistoricalCohort",
        refs=("history_user",),
        kept=("name", "topics", "trait_modes", "history_change_reason"),
        why="A cohort's history.",
    ),
    # django-axes (the accounts lane): login attempts by username; privacy.erasure deletes the
    # person's. Checked only when axes is installed.
    *(
        Holding(
            f"axes.{name}",
            kept=("user_agent", "username", "http_accept", "path_info", *extra),
            why="Login attempts, deleted by username at erasure.",
        )
        for name, extra in (
            ("AccessAttempt", ("get_data", "post_data")),
            ("AccessLog", ("session_hash",)),
            ("AccessFailureLog", ()),
        )
    ),
    Holding(
        "privacy.Erasure",
        kept=("rows",),
        why="The audit of erasures: who erased whom and when, counts only, no content.",
    ),
)

BY_MODEL = {holding.model: holding for holding in HOLDINGS}


def exported() -> list[Holding]:
    return [holding for holding in HOLDINGS if holding.kind]


def holding_of(model: type[models.Model]) -> Holding | None:
    return BY_MODEL.get(model._meta.label)


def resolve_blank(value):
    """A `blank` entry may name a function that builds the value (kept lazy: translations)."""
    return blank_sections() if value == "blank_sections" else value
