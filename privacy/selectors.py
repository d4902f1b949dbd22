from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Erasure
from .registry import HOLDINGS


@dataclass(frozen=True)
class Held:
    label: str
    count: int
    deleted: bool


def held_counts(person) -> list[Held]:
    """What an erasure of `person` will change, per kind of row they wrote (one count per kind;
    kinds with none left out): the confirmation page names it."""
    found = []
    for holding in HOLDINGS:
        if not holding.wrote or not (holding.free_text or holding.delete):
            continue
        if not holding.installed or holding.model.startswith("people.Historical"):
            continue
        model = holding.model_class
        count = model._base_manager.filter(holding.written_by(person.pk)).count()
        if count:
            found.append(Held(str(model._meta.verbose_name_plural), count, holding.delete))
    return found


def erasures_of(person) -> QuerySet[Erasure]:
    return Erasure.objects.filter(person=person).select_related("erased_by")
