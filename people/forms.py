from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm, ModelIdsField
from mentorship.widgets import LongSelect
from programmes.models import Cohort, Enrolment

from . import selectors
from .models import Person, Team


class PersonPickerInput(forms.TextInput):
    """A text input that suggests people as you type (static/js/person-picker.js fills a
    <datalist> from people:person-search, so the browser draws the list, keyboard and screen
    readers included). Without JavaScript it is a plain text box for an email or employee id."""

    class Media:
        js = ("js/person-picker.js",)

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["list"] = f"{widget_attrs.get('id', name)}-options"
        widget_attrs["data-person-search"] = reverse_lazy("people:person-search")
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        return format_html(
            '{}<datalist id="{}"></datalist>',
            super().render(name, value, attrs, renderer),
            context["widget"]["attrs"]["list"],
        )


class PersonField(forms.CharField):
    """Picks one person of `queryset` by employee id or email: what the picker fills in, and what
    someone without JavaScript types. Replaces a <select> of the whole organisation."""

    widget = PersonPickerInput
    default_error_messages = {
        "unknown": _("No one who can be chosen here has that email or employee id."),
        "ambiguous": _("Several people share this email: type their employee id instead."),
    }

    def __init__(self, *, queryset, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault(
            "help_text", _("Start typing a name, team, email or employee id, then choose from the list.")
        )
        super().__init__(**kwargs)
        self.queryset = queryset

    def prepare_value(self, value):
        if isinstance(value, Person):
            return value.employee_id or value.email
        return value

    def clean(self, value):
        handle = super().clean(value)
        if not handle:
            return None
        found = selectors.person_by_handle(handle, people=self.queryset)
        if not found:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        if len(found) > 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        return found[0]


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
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, widget=LongSelect
    )
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
