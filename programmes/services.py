"""Writes for programmes, cohorts and enrolments, including the cohort lifecycle."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from matching.models import MatchRun, Pairing
from people.models import Person

from .models import Cohort, Enrolment, Programme

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


# The lifecycle, in the order the buttons appear. Each move is checked by _check_<from>_<to> if present.
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


def _active(cohort, role):
    return cohort.enrolments.filter(role=role, status=Enrolment.Status.ACTIVE)


def _check_enrolling_draft(cohort):
    if cohort.enrolments.exists():
        return _("People are already enrolled; a cohort with enrolments can't go back to draft.")
    return None


def _check_enrolling_matching(cohort):
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


def _check_matching_enrolling(cohort):
    if cohort.match_runs.filter(status=MatchRun.Status.PUBLISHED).exists():
        return _("Pairs have been published; enrolment can't be reopened.")
    return None


def unexplained_unmatched_mentees(cohort: Cohort) -> list[Enrolment]:
    """Active mentees with no active pairing whom the latest run did not account for with a reason."""
    paired = Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).values("mentee_id")
    latest = cohort.match_runs.exclude(status=MatchRun.Status.SUPERSEDED).order_by("-created_at").first()
    explained = {u["enrolment_id"] for u in latest.unmatched} if latest else set()
    return [
        e
        for e in _active(cohort, Enrolment.Role.MENTEE).exclude(pk__in=paired).select_related("person")
        if e.pk not in explained
    ]


def _check_matching_active(cohort):
    if not Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).exists():
        return _("Publish a match run first: no pairs are active yet.")
    missing = unexplained_unmatched_mentees(cohort)
    if missing:
        names = ", ".join(e.person.full_name for e in missing[:5])
        return ngettext(
            "%(n)d mentee is unmatched without a reason (%(names)s): run matching again.",
            "%(n)d mentees are unmatched without a reason (%(names)s): run matching again.",
            len(missing),
        ) % {"n": len(missing), "names": names}
    return None


@transaction.atomic
def cohort_transition(*, cohort: Cohort, to: str, by) -> Cohort:
    """Move a cohort to the next state of its lifecycle, if the move is allowed and its checks pass."""
    from matching.services import pairings_complete

    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    allowed = {m.to for m in moves_from(cohort)}
    if to not in allowed:
        raise ValidationError(
            _("A cohort that is %(state)s can't move to %(to)s.")
            % {"state": cohort.get_state_display().lower(), "to": State(to).label.lower()}
        )
    check = globals().get(f"_check_{cohort.state}_{to}")
    problem = check(cohort) if check else None
    if problem:
        raise ValidationError(problem)
    if to == State.CLOSED:
        pairings_complete(cohort=cohort)
    cohort.state = to
    cohort.save(update_fields=["state"])
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


@transaction.atomic
def enrolment_create(
    *, cohort: Cohort, person: Person, role: str, capacity: int = 1, goals: str = "", goal_areas=()
) -> Enrolment:
    if cohort.state not in (State.DRAFT, State.ENROLLING, State.MATCHING):
        raise ValidationError(_("People can only be enrolled before the cohort is active."))
    if person.has_left():
        raise ValidationError(_("%(name)s has left the company.") % {"name": person.full_name})
    enrolment = Enrolment(
        cohort=cohort,
        person=person,
        role=role,
        capacity=1 if role == Enrolment.Role.MENTEE else capacity,
        goals=goals,
    )
    enrolment.full_clean()
    try:
        # A concurrent enrolment of the same person can pass full_clean and still lose the race
        # on the unique constraint; say so in words instead of a 500.
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as exc:
        raise ValidationError(_("%(name)s is already enrolled in this cohort.") % {"name": person}) from exc
    enrolment.goal_areas.set(goal_areas)
    return enrolment
