from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm

from . import selectors
from .models import Person, Team


class PersonPickerInput(forms.TextInput):
    """A text input that suggests people as you type (static/js/person-picker.js fills a
    <datalist> from people:person-search, so the browser draws the list, keyboard and screen
    readers included). Without JavaScript it is a plain text box for an email or employee id.
    `search_url` points the same picker at another search (people:team-search for teams)."""

    class Media:
        js = ("js/person-picker.js",)

    def __init__(self, attrs=None, *, search_url=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.search_url = reverse_lazy("people:person-search") if search_url is None else search_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["list"] = f"{widget_attrs.get('id', name)}-options"
        widget_attrs["data-person-search"] = self.search_url
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
            "help_text",
            _(
                "Start typing a name, team, email or employee id and choose from the suggestions, "
                "or type someone's full email or employee id."
            ),
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


class TeamField(forms.CharField):
    """Picks one team by its name (case ignored), suggested as you type from people:team-search:
    a <select> of every team was 1,300 options, most of the people list's page."""

    default_error_messages = {"unknown": _("No team has that name.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", Team._meta.get_field("name").max_length)
        kwargs.setdefault("widget", PersonPickerInput(search_url=reverse_lazy("people:team-search")))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.name if isinstance(value, Team) else value

    def clean(self, value):
        name = super().clean(value)
        if not name:
            return None
        team = selectors.team_by_name(name)
        if team is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        return team


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
