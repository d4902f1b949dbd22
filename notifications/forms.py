import datetime

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm

from .kinds import KINDS
from .services import available_time_zones


class PreferencesForm(BoundedForm):
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_(
            "Type to search, e.g. “Berlin” or “America/”. Your working days and quiet hours are in it."
        ),
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"}),
    )
    working_days = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        choices=[(str(day), name) for day, name in WEEKDAYS.items()],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("On other days, emails wait for your next working day."),
        error_messages={"required": _("Pick at least one working day.")},
    )
    quiet_start = forms.TimeField(
        label=_("Quiet from"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_end = forms.TimeField(
        label=_("Quiet until"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_(
            "Emails that would reach you in quiet hours wait for the morning: they are sent when your quiet "
            "hours end. The same time in both fields means never quiet."
        ),
    )
    away_until = forms.DateField(
        label=_("Away until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "On leave? Emails wait until the working day after this date. Leave empty when you are here."
        ),
    )
    emailed_kinds = forms.MultipleChoiceField(
        label=_("Email me about"),
        required=False,
        choices=[(kind.name, kind.label) for kind in KINDS.values()],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        if value not in available_time_zones():
            raise forms.ValidationError(_("Pick a time zone from the list, such as Europe/Berlin."))
        return value

    @staticmethod
    def initial_for(person, prefs) -> dict:
        return {
            "time_zone": person.time_zone or "UTC",
            "working_days": [str(day) for day in sorted(prefs.working_day_set)],
            "quiet_start": prefs.quiet_start or datetime.time(20, 0),
            "quiet_end": prefs.quiet_end or datetime.time(8, 0),
            "away_until": prefs.away_until,
            "emailed_kinds": [name for name in KINDS if prefs.wants_email(name)],
        }
