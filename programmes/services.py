"""Writes for programmes, cohorts and enrolments, including the cohort lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentorship.history import attribute

from .models import Cohort, Enrolment, Programme
from .notices import actor_of

State = Cohort.State

# Settings a cohort can have; which of them may change depends on its state (EDITABLE_IN).
COHORT_SETTINGS = (
    "name",
    "starts_on",
    "ends_on",
    "cadence_days",
    "check_in_interval_days",
    "max_mentees_per_mentor",
    "min_mentor_tenure_days",
    "mentee_hire_window_days",
    "topics",
    "weight_work_style",
    "weight_interests",
    "weight_goals",
    "trait_modes",
    "min_tenure_gap_days",
    "team_rule",
    "min_overlap_hours",
    "fair_matching",
    "matching_mode",
    "self_enrolment_open",
)
EDITABLE_IN = {
    State.DRAFT: set(COHORT_SETTINGS),
    State.ENROLLING: set(COHORT_SETTINGS),
    # Eligibility and enrolment rules are settled once matching starts; weights still steer re-runs.
    State.MATCHING: set(COHORT_SETTINGS)
    - {
        "starts_on",
        "min_mentor_tenure_days",
        "mentee_hire_window_days",
        "self_enrolment_open",
        "matching_mode",
    },
    # Pairs are meeting: only what shapes their rhythm from here on.
    State.ACTIVE: {"name", "ends_on", "cadence_days", "check_in_interval_days", "topics"},
    State.CONCLUDING: {"ends_on"},
    State.CLOSED: set(),
}


@dataclass(frozen=True)
class Move:
    to: str
    label: str
    style: str = "primary"
    confirm: str = ""


# The lifecycle, in the order the buttons appear. Each move is checked by the checks registered for it.
MOVES = {
    State.DRAFT: [Move(State.ENROLLING, gettext_lazy("Open enrolment"))],
    State.ENROLLING: [
        Move(State.MATCHING, gettext_lazy("Close enrolment and start matching")),
        Move(State.DRAFT, gettext_lazy("Back to draft"), "outline-secondary"),
    ],
    State.MATCHING: [
        Move(State.ACTIVE, gettext_lazy("Start the cohort")),
        Move(State.ENROLLING, gettext_lazy("Reopen enrolment"), "outline-secondary"),
    ],
    State.ACTIVE: [
        Move(
            State.CONCLUDING,
            gettext_lazy("Begin close-out"),
            "outline-primary",
            gettext_lazy("Pairs will be asked for reflections and the end-of-cohort survey."),
        )
    ],
    State.CONCLUDING: [
        Move(
            State.CLOSED,
            gettext_lazy("Close the cohort"),
            "danger",
            gettext_lazy(
                "Every remaining pairing ends as completed and the cohort becomes read-only. "
                "Its data stays for the dashboards. This cannot be undone."
            ),
        ),
        Move(State.ACTIVE, gettext_lazy("Back to active"), "outline-secondary"),
    ],
    State.CLOSED: [],
}


def moves_from(cohort: Cohort) -> list[Move]:
    return MOVES[State(cohort.state)]


# The rules of each move. A check returns why the move is refused, or None; a step runs inside the
# move's transaction. Apps above programmes, which programmes must not import, add their own from
# their AppConfig.ready() (matching/lifecycle.py: published pairs, unmatched mentees, closing pairings).
TransitionCheck = Callable[[Cohort], "str | None"]
_checks: dict[tuple[str, str], list[TransitionCheck]] = {}
_steps: dict[str, list[Callable[[Cohort], object]]] = {}


def transition_check(from_state: str, to: str):
    """Register a check on the move from `from_state` to `to` (a decorator)."""

    def register(check: TransitionCheck) -> TransitionCheck:
        checks = _checks.setdefault((State(from_state), State(to)), [])
        if check not in checks:
            checks.append(check)
        return check

    return register


def transition_step(to: str):
    """Register what must happen, in the same transaction, when a cohort moves to `to` (a decorator)."""

    def register(step):
        steps = _steps.setdefault(State(to), [])
        if step not in steps:
            steps.append(step)
        return step

    return register


def transition_tell(to: str):
    """Register who is told, in the same transaction, once a cohort has moved to `to` (a decorator):
    called as tell(cohort, by=person who moved it or None) after the cohort is saved in its new state."""

    def register(tell):
        tells = _tells.setdefault(State(to), [])
        if tell not in tells:
            tells.append(tell)
        return tell

    return register


_tells: dict[str, list[Callable[..., object]]] = {}


def _active(cohort, role):
    return cohort.enrolments.filter(role=role, status=Enrolment.Status.ACTIVE)


@transition_check(State.ENROLLING, State.DRAFT)
def _no_enrolments(cohort):
    if cohort.enrolments.exists():
        return _("People are already enrolled; a cohort with enrolments can't go back to draft.")
    return None


@transition_check(State.ENROLLING, State.MATCHING)
def _mentors_and_mentees_enrolled(cohort):
    if not _active(cohort, Enrolment.Role.MENTOR).exists():
        return _("Enrol and approve at least one mentor before matching.")
    if not _active(cohort, Enrolment.Role.MENTEE).exists():
        return _("Enrol at least one mentee before matching.")
    pending = cohort.enrolments.filter(status=Enrolment.Status.APPLIED).count()
    if pending:
        return ngettext(
            "Review the %(n)d mentor application first: approve or decline it.",
            "Review the %(n)d mentor applications first: approve or decline them.",
            pending,
        ) % {"n": pending}
    return None


@transaction.atomic
def cohort_transition(*, cohort: Cohort, to: str, by) -> Cohort:
    """Move a cohort to the next state of its lifecycle, if the move is allowed and its checks pass."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    allowed = {m.to for m in moves_from(cohort)}
    if to not in allowed:
        raise ValidationError(
            _("A cohort that is %(state)s can't move to %(to)s.")
            % {"state": cohort.get_state_display().lower(), "to": State(to).label.lower()}
        )
    for check in _checks.get((State(cohort.state), State(to)), []):
        problem = check(cohort)
        if problem:
            raise ValidationError(problem)
    for step in _steps.get(State(to), []):
        step(cohort)
    cohort.state = to
    attribute(cohort, by=by)
    cohort.save(update_fields=["state"])
    actor = actor_of(by)
    for tell in _tells.get(State(to), []):
        tell(cohort, by=actor)
    return cohort


@transaction.atomic
def cohort_update(*, cohort: Cohort, changes: dict) -> Cohort:
    """Change a cohort's settings; settings its state has locked are refused, not ignored."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    editable = EDITABLE_IN[State(cohort.state)]
    locked = sorted(
        name for name, value in changes.items() if getattr(cohort, name) != value and name not in editable
    )
    if locked:
        raise ValidationError(
            _("These settings can't change while the cohort is %(state)s: %(fields)s.")
            % {
                "state": cohort.get_state_display().lower(),
                "fields": ", ".join(str(Cohort._meta.get_field(n).verbose_name) for n in locked),
            }
        )
    for name, value in changes.items():
        setattr(cohort, name, value)
    cohort.full_clean()
    cohort.save()
    return cohort


@transaction.atomic
def programme_save(*, programme: Programme) -> Programme:
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def cohort_create(
    *, programme: Programme, name: str, starts_on, ends_on, cadence_days: int, **settings
) -> Cohort:
    cohort = Cohort(
        programme=programme,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        cadence_days=cadence_days,
        state=State.DRAFT,
        **settings,
    )
    cohort.full_clean()
    cohort.save()
    return cohort
