"""Writes for training: the default modules, admins' edits, and a person finishing a module."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import Person
from programmes.models import Programme

from . import defaults
from .models import Completion, TrainingModule


def default_modules(programme_id: int) -> list[TrainingModule]:
    """The default modules for a programme, unsaved, in order."""
    return [
        TrainingModule(
            programme_id=programme_id,
            position=position,
            title=module["title"],
            audience=module["audience"],
            summary=module["summary"],
            body=module["body"],
            links=module["links"],
            checklist=module["checklist"],
            questions=module["questions"],
        )
        for position, module in enumerate(defaults.MODULES, start=1)
    ]


@transaction.atomic
def defaults_install(*, programme: Programme) -> None:
    """Give a programme the default modules it does not have yet (by title): one insert."""
    # ignore_conflicts: a module of the same title (an admin's own, or a default already there)
    # stays as it is.
    TrainingModule.objects.bulk_create(default_modules(programme.pk), ignore_conflicts=True)


@transaction.atomic
def module_save(*, module: TrainingModule) -> TrainingModule:
    """Create or update a module; a new one goes last."""
    if module.pk is None:
        last = TrainingModule.objects.filter(programme_id=module.programme_id).aggregate(last=Max("position"))
        module.position = (last["last"] or 0) + 1
    module.updated_at = timezone.now()
    module.full_clean()
    module.save()
    return module


@transaction.atomic
def module_move(*, module: TrainingModule, up: bool) -> TrainingModule:
    """Swap the module with its neighbour above (or below). Positions are renumbered 1..n first,
    so equal or missing positions never make a move do nothing."""
    modules = list(
        TrainingModule.objects.select_for_update()
        .filter(programme_id=module.programme_id)
        .order_by("position", "pk")
    )
    at = next(i for i, m in enumerate(modules) if m.pk == module.pk)
    other = at - 1 if up else at + 1
    if 0 <= other < len(modules):
        modules[at], modules[other] = modules[other], modules[at]
    for position, m in enumerate(modules, start=1):
        m.position = position
    TrainingModule.objects.bulk_update(modules, ["position"])
    return next(m for m in modules if m.pk == module.pk)


@transaction.atomic
def module_delete(*, module: TrainingModule) -> None:
    """Remove a module and the completions recorded for it."""
    module.delete()


def answers_problems(module: TrainingModule, *, ticked: list[int], answers: dict[int, int | None]) -> dict:
    """What stops `ticked` (checklist item indexes) and `answers` from completing the module:
    {"checklist": message} and/or {question index: message}; empty when it is complete."""
    problems: dict = {}
    if module.checklist and sorted(set(ticked)) != list(range(len(module.checklist))):
        problems["checklist"] = _("Tick every item on the checklist.")
    for i in module.wrong_answers(answers):
        problems[i] = (
            _("Not quite: read that part again and choose another answer.")
            if answers.get(i) is not None
            else _("Choose an answer.")
        )
    return problems


def module_complete(
    *, module: TrainingModule, person: Person, ticked: list[int] = (), answers: dict | None = None
) -> Completion:
    """Record that `person` finished `module`: every checklist item ticked and every question
    answered right, else ValidationError (per question index or "checklist"). A second submit
    returns the first completion and records nothing new."""
    problems = answers_problems(module, ticked=list(ticked), answers=answers or {})
    if problems:
        raise ValidationError({str(key): message for key, message in problems.items()})
    existing = Completion.objects.filter(module=module, person=person).first()
    if existing is not None:
        return existing
    try:
        # The unique constraint decides between two submits at once; the loser reads the winner's.
        with transaction.atomic():
            completion = Completion(module=module, person=person)
            completion.full_clean(validate_constraints=False)
            completion.save()
            return completion
    except IntegrityError:
        return Completion.objects.get(module=module, person=person)
