"""Reads for training: what a member sees, what an admin sees, and the one rule of who has not
finished what a programme requires (`missing_required`), which matching and sessions ask."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Mapping

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorship.todo import TodoItem
from people.models import Person
from people.roles import is_programme_admin, person_of
from programmes.models import Cohort, Enrolment, Programme

from .models import Completion, TrainingModule

# Enrolments that see their programme's training: still part of the cohort (enrolled, applying or
# waiting), in a cohort that is not closed.
_CURRENT = Q(
    status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.APPLIED, Enrolment.Status.WAITLISTED]
) & ~Q(cohort__state=Cohort.State.CLOSED)
# Cohorts whose people still have training to do before a step (the to-do list).
TODO_STATES = (Cohort.State.ENROLLING, Cohort.State.MATCHING, Cohort.State.ACTIVE)


def _done_by(person_id) -> Exists:
    return Exists(Completion.objects.filter(module=OuterRef("pk"), person_id=person_id))


def _for_enrolled(enrolments) -> Q:
    """A module filter: one of `enrolments` (a queryset) is in the module's programme, in a role
    the module is for (TrainingModule.is_for, as SQL)."""
    in_programme = enrolments.filter(cohort__programme=OuterRef("programme"))
    return Exists(in_programme.filter(role=OuterRef("audience"))) | (
        Q(audience=TrainingModule.Audience.BOTH) & Exists(in_programme)
    )


def modules_for(user) -> QuerySet[TrainingModule]:
    """The modules `user` may open: those of programmes they are enrolled in for their role there;
    a programme admin reads every module (to preview it)."""
    modules = TrainingModule.objects.select_related("programme")
    if is_programme_admin(user):
        return modules
    person = person_of(user)
    if person is None:
        return modules.none()
    return modules.filter(_for_enrolled(Enrolment.objects.filter(_CURRENT, person_id=person.pk)))


def module_page(user, pk: int) -> TrainingModule | None:
    """The module with the user's completion (`completed_at`, None when not done), or None."""
    person = person_of(user)
    completed = Completion.objects.filter(module=OuterRef("pk"), person_id=person.pk if person else None)
    return (
        modules_for(user)
        .annotate(completed_at=Subquery(completed.values("completed_at")[:1]))
        .filter(pk=pk)
        .first()
    )


@dataclasses.dataclass
class ProgrammeTraining:
    programme: Programme
    roles: set[str]
    modules: list[TrainingModule]

    @property
    def done(self) -> int:
        return sum(1 for m in self.modules if m.completed_at)

    @property
    def required_left(self) -> list[TrainingModule]:
        return [m for m in self.modules if m.is_required and not m.completed_at]


def my_training(person: Person) -> list[ProgrammeTraining]:
    """Per programme the person is enrolled in (cohort not closed): the modules for the roles they
    have there, each with `completed_at`. Two queries, whatever the person has."""
    enrolments = list(
        Enrolment.objects.filter(_CURRENT, person=person)
        .select_related("cohort__programme")
        .order_by("cohort__programme__name", "pk")
    )
    if not enrolments:
        return []
    by_programme: dict[int, ProgrammeTraining] = {}
    for e in enrolments:
        entry = by_programme.setdefault(
            e.cohort.programme_id, ProgrammeTraining(programme=e.cohort.programme, roles=set(), modules=[])
        )
        entry.roles.add(e.role)
    completed = Completion.objects.filter(module=OuterRef("pk"), person=person)
    modules = TrainingModule.objects.filter(programme_id__in=by_programme).annotate(
        completed_at=Subquery(completed.values("completed_at")[:1])
    )
    for module in modules:
        entry = by_programme[module.programme_id]
        if any(module.is_for(role) for role in entry.roles):
            entry.modules.append(module)
    return [entry for entry in by_programme.values() if entry.modules]


def missing_required(
    roles: Mapping[int, str], programme_id: int, stage: str
) -> dict[int, list[TrainingModule]]:
    """Who of `roles` (person id -> the role they are enrolled in: Enrolment.Role) has not finished
    a module the programme requires at `stage` (TrainingModule.Requirement) for that role: person id
    -> the modules left, in order. The rule that matching and the first session ask; one query when
    the programme requires nothing at that stage, two otherwise, whatever the number of people."""
    required = list(TrainingModule.objects.filter(programme_id=programme_id, requirement=stage))
    if not required or not roles:
        return {}
    done: dict[int, set[int]] = defaultdict(set)
    for person_id, module_id in Completion.objects.filter(
        module__in=[m.pk for m in required], person_id__in=list(roles)
    ).values_list("person_id", "module_id"):
        done[person_id].add(module_id)
    missing = {}
    for person_id, role in roles.items():
        left = [m for m in required if m.is_for(role) and m.pk not in done[person_id]]
        if left:
            missing[person_id] = left
    return missing


def todo_for(person: Person, *, today: datetime.date) -> list[TodoItem]:
    """The person's training steps for the home page: each required module not finished (for
    enrolments in cohorts that are enrolling, matching or active), then the optional ones left as
    one item. One query."""
    enrolled = Enrolment.objects.filter(_CURRENT, person_id=person.pk, cohort__state__in=TODO_STATES)
    left = list(
        TrainingModule.objects.filter(_for_enrolled(enrolled))
        .exclude(_done_by(person.pk))
        .order_by("programme__name", "position", "pk")
    )
    items = [
        TodoItem(
            kind="training",
            title=_("Finish the training “%(title)s”") % {"title": m.title},
            url=m.get_absolute_url(),
            detail=m.get_requirement_display(),
        )
        for m in left
        if m.is_required
    ]
    optional = sum(1 for m in left if not m.is_required)
    if optional:
        items.append(
            TodoItem(
                kind="training",
                title=ngettext("%(n)d optional module to read", "%(n)d optional modules to read", optional)
                % {"n": optional},
                url=reverse("training:mine"),
            )
        )
    return items


# --- admin pages ----------------------------------------------------------------------------------


def programme_modules(programme: Programme) -> QuerySet[TrainingModule]:
    """The programme's modules in order, each with how many people finished it."""
    return programme.training_modules.annotate(completed_count=Count("completions")).order_by(
        "position", "pk"
    )


def modules_with_completions() -> QuerySet[TrainingModule]:
    return TrainingModule.objects.annotate(completed_count=Count("completions"))


def _count_of(queryset, per: str = "person") -> Coalesce:
    """COUNT(*) of `queryset` (correlated to one outer row through `per`), 0 when none."""
    counted = queryset.order_by().values(per).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def cohort_completion_rows(cohort: Cohort) -> QuerySet[Enrolment]:
    """The cohort's enrolled people, each with `required_done`, `modules_done` and `last_completed`
    (over the modules for their role), computed in SQL; totals per role from `cohort_module_totals`."""
    theirs = Completion.objects.filter(
        person=OuterRef("person"), module__programme_id=cohort.programme_id
    ).filter(Q(module__audience=TrainingModule.Audience.BOTH) | Q(module__audience=OuterRef("role")))
    return (
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .select_related("person")
        .annotate(
            modules_done=_count_of(theirs),
            required_done=_count_of(theirs.exclude(module__requirement=TrainingModule.Requirement.NONE)),
            last_completed=Subquery(
                theirs.order_by().values("person").annotate(last=Max("completed_at")).values("last")
            ),
        )
        .order_by("role", "person__full_name", "pk")
    )


def cohort_module_totals(cohort: Cohort) -> dict[str, dict[str, int]]:
    """Per role: how many modules there are for it, and how many of them are required. One query."""
    totals = {role: {"modules": 0, "required": 0} for role in Enrolment.Role.values}
    rows = (
        TrainingModule.objects.filter(programme_id=cohort.programme_id)
        .order_by()
        .values("audience")
        .annotate(
            n=Count("pk"),
            required=Count("pk", filter=~Q(requirement=TrainingModule.Requirement.NONE)),
        )
    )
    for row in rows:
        for role in Enrolment.Role.values:
            if row["audience"] in (role, TrainingModule.Audience.BOTH):
                totals[role]["modules"] += row["n"]
                totals[role]["required"] += row["required"]
    return totals


def cohort_module_figures(cohort: Cohort) -> list[TrainingModule]:
    """Each of the programme's modules with `audience_count` (the cohort's enrolled people it is
    for), `completed_count` (how many of them finished it) and `share` (0-1, None for nobody). Two
    queries."""
    sizes = dict(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .order_by()
        .values_list("role")
        .annotate(n=Count("pk"))
    )
    enrolled = Enrolment.objects.filter(
        cohort=cohort, status=Enrolment.Status.ACTIVE, person=OuterRef("person")
    )
    # A completion counts when its person is enrolled in the cohort in a role the module is for.
    counted = Completion.objects.filter(module=OuterRef("pk")).filter(
        Exists(enrolled.filter(role=OuterRef("module__audience")))
        | (Q(module__audience=TrainingModule.Audience.BOTH) & Exists(enrolled))
    )
    modules = list(
        TrainingModule.objects.filter(programme_id=cohort.programme_id)
        .annotate(completed_count=_count_of(counted, per="module"))
        .order_by("position", "pk")
    )
    for module in modules:
        module.audience_count = sum(n for role, n in sizes.items() if module.is_for(role))
        module.share = module.completed_count / module.audience_count if module.audience_count else None
    return modules
