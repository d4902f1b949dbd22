from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm, ModelIdsField
from programmes.models import Cohort, Enrolment

from . import selectors
from .models import Person, Team


class ImportUploadForm(BoundedForm):
    file = forms.FileField(
        label=_("CSV file from the HR system"),
        help_text=_(
            "UTF-8 CSV with a header row: employee_id, name, email, team, manager_employee_id, "
            "hire_date, leave_date (dates as 2024-03-31; leave_date and manager_employee_id may be "
            "left out). At most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class PersonFilterForm(BoundedForm):
    ROLE_CHOICES = [("", _("Any role")), *Enrolment.Role.choices, ("none", _("In no cohort"))]
    STATUS_CHOICES = [("", _("Everyone")), ("current", _("Current staff")), ("left", _("Has left"))]
    SORT_CHOICES = [
        ("name", _("Name A–Z")),
        ("-name", _("Name Z–A")),
        ("team", _("Team")),
        ("-team", _("Team, reversed")),
        ("hire_date", _("Hire date, earliest first")),
        ("-hire_date", _("Hire date, latest first")),
    ]

    q = forms.CharField(label=_("Search name, email or employee id"), required=False, max_length=100)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, required=False)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.select_related("programme"), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].empty_label = _("Any team")
        self.fields["cohort"].empty_label = _("Any cohort")
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> dict:
        """Keyword arguments for selectors.person_list; an invalid value is ignored, not an error page."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q") or "",
            "team": data.get("team"),
            "role": data.get("role") or "",
            "cohort": data.get("cohort"),
            "status": data.get("status") or "",
            "sort": data.get("sort") or "",
        }


class BulkActionForm(BoundedForm):
    ENROL, EXPORT = "enrol", "export"

    people = ModelIdsField(
        label=_("People"),
        queryset=Person.objects.all(),
        error_messages={"required": _("Select at least one person first.")},
    )
    action = forms.ChoiceField(choices=[(ENROL, _("Enrol")), (EXPORT, _("Export as CSV"))])
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none(), required=False)
    role = forms.ChoiceField(label=_("as"), choices=Enrolment.Role.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = selectors.enrollable_cohorts()
        self.fields["cohort"].empty_label = _("Choose a cohort")
        for name in ("cohort", "role"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.ENROL:
            if not cleaned.get("cohort"):
                self.add_error("cohort", _("Choose the cohort to enrol them in."))
            if not cleaned.get("role"):
                self.add_error("role", _("Choose mentor or mentee."))
        return cleaned
