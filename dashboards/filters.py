"""The dashboard's filters: read from the query string, checked, and turned into one `Scope` that
every panel, CSV and the report apply the same way.

A plain form rather than django-filter: the filters do not narrow one queryset but a dozen (people,
enrolments, pairings, sessions, check-ins, survey answers), each by its own path, so a FilterSet
would only be used for parsing, which a form does as well.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django import forms
from django.db.models import QuerySet
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm
from mentorship.widgets import LongModelChoiceField
from people.models import Team
from people.roles import is_programme_admin, person_of, teams_managed_by
from programmes.models import Cohort, Programme

FILTER_NAMES = ("programme", "cohort", "team", "start", "end")


class FiltersForm(BoundedForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.all(), required=False)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.select_related("programme"), required=False
    )
    team = LongModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), label_field="name", required=False
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, teams: QuerySet[Team] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is not None:
            # A manager picks among their own teams only; another team's id is "not a valid choice".
            self.fields["team"].queryset = teams
        self.fields["programme"].empty_label = _("All programmes")
        self.fields["cohort"].empty_label = _("All cohorts")
        self.fields["team"].empty_label = _("All my teams") if teams is not None else _("All teams")
        for field_ in self.fields.values():
            field_.widget.attrs["class"] = (
                "form-select" if not isinstance(field_, forms.DateField) else "form-control"
            )

    def clean(self):
        data = super().clean()
        programme, cohort = data.get("programme"), data.get("cohort")
        if programme and cohort and cohort.programme_id != programme.pk:
            self.add_error("cohort", _("That cohort belongs to another programme."))
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
        return data


@dataclass(frozen=True)
class Scope:
    """What one view of the dashboard covers: whose people (None: everyone) and which filters."""

    teams: QuerySet[Team] | None
    team_key: str
    programme: Programme | None = None
    cohort: Cohort | None = None
    team: Team | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    errors: dict = field(default_factory=dict)

    @property
    def people_teams(self):
        """The teams whose people count (None: everyone, teams or not)."""
        if self.team is not None:
            return Team.objects.filter(pk=self.team.pk)
        return self.teams

    def cohorts(self) -> QuerySet[Cohort] | None:
        """The cohorts whose activity counts (None: all): the programme and cohort filters."""
        if not (self.programme or self.cohort):
            return None
        cohorts = Cohort.objects.all()
        if self.cohort:
            cohorts = cohorts.filter(pk=self.cohort.pk)
        if self.programme:
            cohorts = cohorts.filter(programme=self.programme)
        return cohorts

    def joined_cohorts(self) -> QuerySet[Cohort] | None:
        """The cohorts whose participants retention follows: as `cohorts`, and started in the date
        range (people are followed from the day they joined)."""
        cohorts = self.cohorts()
        if not (self.start or self.end):
            return cohorts
        cohorts = Cohort.objects.all() if cohorts is None else cohorts
        if self.start:
            cohorts = cohorts.filter(starts_on__gte=self.start)
        if self.end:
            cohorts = cohorts.filter(starts_on__lte=self.end)
        return cohorts

    @property
    def target_programme(self) -> Programme | None:
        return self.cohort.programme if self.cohort else self.programme

    def query(self) -> str:
        """The filters as a query string (for the CSV and report links)."""
        pairs = [
            ("programme", self.programme.pk if self.programme else ""),
            ("cohort", self.cohort.pk if self.cohort else ""),
            ("team", self.team.pk if self.team else ""),
            ("start", self.start.isoformat() if self.start else ""),
            ("end", self.end.isoformat() if self.end else ""),
        ]
        return urlencode([(k, v) for k, v in pairs if v != ""])

    def key(self) -> str:
        """Whose figures these are and how they are filtered: the same for every viewer who sees the
        same people with the same filters (two managers of the same teams share their figures)."""
        text = f"{self.team_key}|{self.query()}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def scope_for(user, data) -> tuple[Scope, FiltersForm]:
    """The scope `user` may see with the filters in `data` (a QueryDict). A value that does not
    check out is dropped with its message on the form; the rest still apply."""
    if is_programme_admin(user):
        teams, team_key = None, "all"
    else:
        person = person_of(user)
        teams = teams_managed_by(person) if person else Team.objects.none()
        team_ids = sorted(teams.values_list("pk", flat=True))
        teams = Team.objects.filter(pk__in=team_ids)
        team_key = "teams:" + ",".join(map(str, team_ids))
    form = FiltersForm(data, teams=teams)
    form.is_valid()
    clean = {name: form.cleaned_data.get(name) for name in FILTER_NAMES if name not in form.errors}
    scope = Scope(teams=teams, team_key=team_key, errors=dict(form.errors), **clean)
    return scope, form
