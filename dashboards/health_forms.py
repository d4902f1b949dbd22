from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import Pairing
from mentorship.forms import BoundedForm, ModelIdsField
from mentorship.widgets import LongModelChoiceField
from people.models import Team
from programmes.models import Cohort, Programme

from .health_selectors import DEFAULT_SORT, SORTS, HealthFilters, Status

# Selected pairs one nudge may cover: a page and a half of the table, far above what a person ticks.
NUDGE_MAX = 200


class HealthFilterForm(BoundedForm):
    """The table's filters and sort, from the query string. A value that is not valid is named
    on the page and left out; the other filters still apply."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.all(), required=False)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.select_related("programme"), required=False
    )
    team = LongModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), label_field="name", required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False
    )
    flagged = forms.BooleanField(label=_("Open flags only"), required=False)
    cadence_missed = forms.BooleanField(label=_("Cadence missed only"), required=False)
    sort = forms.ChoiceField(
        choices=[(key, key) for name in SORTS for key in (name, f"-{name}")],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].empty_label = _("Any programme")
        self.fields["cohort"].empty_label = _("Any cohort")
        self.fields["team"].empty_label = _("Any team (mentor's or mentee's)")
        for name in ("programme", "cohort", "team", "status"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in ("flagged", "cadence_missed"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def filters(self) -> HealthFilters:
        # Bound, its valid fields apply (an invalid one is named on the page); unbound (no query
        # string), it has no cleaned_data and nothing is filtered.
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return HealthFilters(
            programme=data.get("programme"),
            cohort=data.get("cohort"),
            team=data.get("team"),
            status=data.get("status") or "",
            flagged_only=bool(data.get("flagged")),
            cadence_missed=bool(data.get("cadence_missed")),
            sort=data.get("sort") or DEFAULT_SORT,
        )


class PairingIdsField(ModelIdsField):
    """Published pairings by id, at most NUDGE_MAX of them (counted before any query)."""

    def _check_values(self, value):
        if len(set(value)) > NUDGE_MAX:
            raise forms.ValidationError(
                _("Select at most %(max)d pairs at a time."), code="too_many", params={"max": NUDGE_MAX}
            )
        return super()._check_values(value)


class NudgeForm(BoundedForm):
    pairing = PairingIdsField(
        label=_("Pairs"),
        queryset=Pairing.objects.exclude(status=Pairing.Status.PROPOSED),
        error_messages={"required": _("Select at least one pair to nudge.")},
    )
    # The table's query string, to go back to the same filters, sort and page.
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
