"""The objects whose history programme admins read, by the name their URL uses."""

import dataclasses
from collections.abc import Callable

from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from matching.models import MatchRun, Pairing
from people.models import Person
from programmes.models import Cohort, Enrolment, Programme


@dataclasses.dataclass(frozen=True)
class Kind:
    slug: str
    model: type[models.Model]
    # Loads what the object's __str__ reads, so naming it costs no query more.
    related: tuple[str, ...]
    # The object's own page: the history page's back link.
    page: Callable[[models.Model], str]
    page_label: str


def _enrolment_page(enrolment: Enrolment) -> str:
    return reverse("enrolment:review", args=[enrolment.cohort_id])


def _person_page(person: Person) -> str:
    # There is no page per person: the people list, searched for them (by employee id, else name).
    return reverse("people:person-list") + "?" + urlencode({"q": person.employee_id or person.full_name})


KINDS = {
    kind.slug: kind
    for kind in (
        Kind(
            "programme",
            Programme,
            (),
            lambda o: reverse("programmes:programme-detail", args=[o.pk]),
            _("Programme"),
        ),
        Kind(
            "cohort",
            Cohort,
            ("programme",),
            lambda o: reverse("programmes:cohort-detail", args=[o.pk]),
            _("Cohort"),
        ),
        Kind("enrolment", Enrolment, ("person", "cohort"), _enrolment_page, _("Enrolment review")),
        Kind(
            "pairing",
            Pairing,
            ("mentor__person", "mentee__person", "cohort"),
            # Admins read a pair on its run's page (the workspace is the pair's own).
            lambda o: reverse("matching:run-detail", args=[o.match_run_id]),
            _("Match run"),
        ),
        Kind(
            "match-run",
            MatchRun,
            ("cohort__programme",),
            lambda o: reverse("matching:run-detail", args=[o.pk]),
            _("Match run"),
        ),
        Kind("person", Person, (), _person_page, _("People")),
    )
}

SLUG_OF = {kind.model: slug for slug, kind in KINDS.items()}


def slug_of(obj: models.Model) -> str:
    return SLUG_OF[type(obj)]
