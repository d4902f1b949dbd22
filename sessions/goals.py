"""SMART goals: writes (services) and the reads their pages share (selectors)."""

import dataclasses
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Pairing
from notifications import keys
from notifications.services import notices_withdraw
from people.models import Person

from .access import require_active
from .models import Goal, GoalComment, GoalTemplate, GoalUpdate, Milestone

# A goal is "at risk" when its progress lags the time used by more than this share of the whole.
AT_RISK_LAG = 0.2

# What "Relevant" is usually tied to in a support team; offered as suggestions, not a closed list.
RELEVANT_SUGGESTIONS = [
    "CSAT",
    "First response time",
    "Resolution time",
    "Tier-2 readiness",
    "Escalation rate",
    "Quality score",
    "Knowledge-base contributions",
]


# --- services ---------------------------------------------------------------------------------


def _check_due_on(pairing: Pairing, due_on) -> None:
    cohort = pairing.cohort
    if due_on and due_on > cohort.ends_on:
        raise ValidationError(
            {"due_on": _("Pick a date on or before the cohort ends (%(date)s).") % {"date": cohort.ends_on}}
        )


@transaction.atomic
def goal_create(*, pairing: Pairing, by: Person, **fields) -> Goal:
    require_active(pairing)
    goal = Goal(pairing=pairing, created_by=by, **fields)
    _check_due_on(pairing, goal.due_on)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_update_record(*, goal: Goal, by: Person, value: Decimal, note: str = "") -> GoalUpdate:
    """Record where the metric stands now. The status is not changed: a person confirms it."""
    require_active(goal.pairing)
    update = GoalUpdate(goal=goal, value=value, note=note, created_by=by)
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def goal_status_set(*, goal: Goal, by: Person, status: str, short_of_target_confirmed: bool = False) -> Goal:
    """A member sets the status (usually confirming the suggestion); achieving stamps achieved_at.

    A goal whose latest value has not reached its target is marked achieved only when the member
    says so explicitly (`short_of_target_confirmed`): a target can be met in spirit, but never by
    a stray click."""
    require_active(goal.pairing)
    newly_achieved = status == Goal.Status.ACHIEVED and goal.status != Goal.Status.ACHIEVED
    if newly_achieved and not short_of_target_confirmed and not goal.is_reached_by(goal.latest_value()):
        raise ValidationError(
            {
                "short_of_target_confirmed": _(
                    "The latest progress has not reached the target yet. Tick the box to mark the goal "
                    "achieved anyway, or record the progress first."
                )
            }
        )
    goal.status = status
    if status == Goal.Status.ACHIEVED:
        goal.achieved_at = goal.achieved_at or timezone.now()
    else:
        goal.achieved_at = None
    goal.full_clean()
    goal.save(update_fields=["status", "achieved_at"])
    if not goal.is_in_progress:
        # Achieved or dropped: a "due soon" or "overdue" email still waiting would be untrue.
        notices_withdraw(key_prefixes=keys.about_goal(goal.pk))
    return goal


@transaction.atomic
def milestone_add(*, goal: Goal, by: Person, title: str, due_on: datetime.date | None = None) -> Milestone:
    require_active(goal.pairing)
    if due_on and due_on > goal.due_on:
        raise ValidationError(
            {"due_on": _("Pick a date on or before the goal is due (%(date)s).") % {"date": goal.due_on}}
        )
    milestone = Milestone(goal=goal, title=title, due_on=due_on)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_complete(*, milestone: Milestone, by: Person, done: bool = True) -> Milestone:
    require_active(milestone.goal.pairing)
    if done:
        milestone.done_at = milestone.done_at or timezone.now()
    else:
        milestone.done_at = None
    milestone.full_clean()
    milestone.save(update_fields=["done_at"])
    return milestone


@transaction.atomic
def goal_comment_add(*, goal: Goal, by: Person, text: str) -> GoalComment:
    require_active(goal.pairing)
    comment = GoalComment(goal=goal, author=by, text=text)
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def template_save(*, by, template: GoalTemplate | None = None, **fields) -> GoalTemplate:
    """Create (template=None) or edit a goal template. Callers check programmes.manage."""
    template = template or GoalTemplate()
    for name, value in fields.items():
        setattr(template, name, value)
    template.full_clean()
    template.save()
    return template


def default_templates() -> list[dict]:
    """Common support goals every installation starts with (migration 0003 adds them; keep the two
    equal, a test checks)."""
    return [
        {
            "title": "Raise my CSAT",
            "specific": "Raise the CSAT on the tickets I handle",
            "metric": "CSAT",
            "unit": "%",
            "achievable": "Review two low-rated tickets a week with my mentor; reuse their phrasing.",
            "relevant": "CSAT",
        },
        {
            "title": "Answer faster",
            "specific": "Cut my median first response time on email tickets",
            "metric": "Median first response time",
            "unit": "minutes",
            "achievable": "Use macros for the five commonest questions; triage the queue twice a day.",
            "relevant": "First response time",
        },
        {
            "title": "Get ready for tier 2",
            "specific": "Solve technical tickets I now escalate to tier 2",
            "metric": "Tier-2 topics I can handle alone",
            "unit": "topics",
            "achievable": "Shadow my mentor on one tier-2 topic a fortnight, then take those tickets.",
            "relevant": "Tier-2 readiness",
        },
        {
            "title": "Fewer escalations",
            "specific": "Resolve billing questions without escalating them",
            "metric": "Billing escalations per week",
            "unit": "tickets",
            "achievable": "Learn the refund and invoice tools with my mentor; keep a checklist.",
            "relevant": "Escalation rate",
        },
        {
            "title": "Share what I know",
            "specific": "Write help-centre articles for questions customers keep asking",
            "metric": "Articles published",
            "unit": "articles",
            "achievable": "One draft a fortnight, reviewed by my mentor before publishing.",
            "relevant": "Knowledge-base contributions",
        },
    ]


@transaction.atomic
def ensure_default_templates() -> int:
    """Create the defaults when there are no templates at all (never re-adds deleted ones once
    any template exists). Safe to call twice; returns how many were created."""
    if GoalTemplate.objects.exists():
        return 0
    for fields in default_templates():
        GoalTemplate.objects.get_or_create(title=fields["title"], defaults=fields)
    return len(default_templates())


# --- selectors --------------------------------------------------------------------------------


def goals_for_pairing(pairing: Pairing):
    """The pairing's goals with `latest_value` and `update_count`, in two subqueries: no N+1.
    Use `progress_share(goal, goal.latest_value)` for the share of the way to target."""
    latest = GoalUpdate.objects.filter(goal=OuterRef("pk")).order_by("-created_at", "-pk").values("value")[:1]
    return pairing.goals.annotate(latest_value=Subquery(latest), update_count=Count("updates"))


def goal_in_pairing(pairing: Pairing, goal_pk: int) -> Goal:
    """A goal of a pairing already fetched through `own_pairing`; 404 for any other pairing's goal."""
    goal = get_object_or_404(Goal, pairing=pairing, pk=goal_pk)
    goal.pairing = pairing  # already loaded, with its cohort: no second join to them
    return goal


def active_templates():
    return GoalTemplate.objects.filter(is_active=True)


def progress_share(goal: Goal, value) -> float:
    """0 at the baseline, 1 at the target (either direction), clamped to [0, 1]."""
    if value is None:
        return 0.0
    span = goal.target - goal.baseline
    share = float((Decimal(value) - goal.baseline) / span)
    return min(max(share, 0.0), 1.0)


def elapsed_share(goal: Goal, today: datetime.date) -> float:
    start = timezone.localdate(goal.created_at)
    days = (goal.due_on - start).days
    if days <= 0:
        return 1.0
    return min(max((today - start).days / days, 0.0), 1.0)


@dataclasses.dataclass(frozen=True)
class Suggestion:
    status: str
    progress: float
    elapsed: float

    @property
    def label(self) -> str:
        return Goal.Status(self.status).label

    @property
    def progress_percent(self) -> int:
        return round(self.progress * 100)

    @property
    def elapsed_percent(self) -> int:
        return round(self.elapsed * 100)


def suggested_status(goal: Goal, updates, today: datetime.date) -> Suggestion:
    """Achieved when the latest value reaches the target; at risk when progress lags the share of
    time used by more than AT_RISK_LAG; on track otherwise. A suggestion only: people confirm it."""
    updates = list(updates)
    latest = updates[-1].value if updates else None
    progress = progress_share(goal, latest)
    elapsed = elapsed_share(goal, today)
    if goal.is_reached_by(latest):
        status = Goal.Status.ACHIEVED
    elif elapsed - progress > AT_RISK_LAG:
        status = Goal.Status.AT_RISK
    else:
        status = Goal.Status.ON_TRACK
    return Suggestion(status=status, progress=progress, elapsed=elapsed)


# The chart's drawing box, in SVG user units.
CHART_W, CHART_H, CHART_PAD = 320, 120, 12


def progress_chart(goal: Goal, updates) -> dict:
    """Coordinates for a small inline SVG of the value over time, with baseline and target lines."""
    updates = list(updates)
    values = [goal.baseline, goal.target, *(u.value for u in updates)]
    low, high = min(values), max(values)
    span = (high - low) or Decimal(1)

    def y(value) -> float:
        return round(CHART_PAD + float((high - value) / span) * (CHART_H - 2 * CHART_PAD), 1)

    n = len(updates)
    width = CHART_W - 2 * CHART_PAD
    points = [
        {"x": round(CHART_PAD + (i / (n - 1) if n > 1 else 0.5) * width, 1), "y": y(u.value), "update": u}
        for i, u in enumerate(updates)
    ]
    return {
        "width": CHART_W,
        "height": CHART_H,
        "x0": CHART_PAD,
        "x1": CHART_W - CHART_PAD,
        "baseline_y": y(goal.baseline),
        "target_y": y(goal.target),
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
    }
