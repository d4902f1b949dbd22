from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import Person, Tag

from .models import Cohort, Enrolment, Programme


class DateInput(forms.DateInput):
    input_type = "date"


class CohortForm(forms.ModelForm):
    new_programme = forms.CharField(
        label=_("…or start a new programme"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to add the cohort to the programme chosen above."),
    )

    class Meta:
        model = Cohort
        fields = ["programme", "name", "starts_on", "ends_on", "cadence_days"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].required = False

    def clean(self):
        cleaned = super().clean()
        programme, new_name = cleaned.get("programme"), (cleaned.get("new_programme") or "").strip()
        if programme and new_name:
            self.add_error("new_programme", _("Choose an existing programme or name a new one, not both."))
        elif not programme and not new_name:
            self.add_error("programme", _("Choose a programme, or name a new one below."))
        elif new_name and Programme.objects.filter(name__iexact=new_name).exists():
            self.add_error("new_programme", _("A programme with this name exists already: choose it above."))
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The cohort must end after it starts."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The programme may not exist until the view creates it; the service checks it then.
        exclude = set(exclude or ()) | {"programme"}
        return super().validate_constraints(exclude=exclude)


class EnrolmentForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.filter(leave_date__isnull=True).select_related("team")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Enrolment.Role.choices)
    capacity = forms.IntegerField(
        label=_("Mentees they can take (mentors)"), min_value=1, max_value=10, initial=1, required=False
    )
    goals = forms.CharField(
        label=_("Goals in their own words (mentees)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    goal_areas = forms.ModelMultipleChoiceField(
        label=_("Goal areas"), queryset=Tag.objects.all(), required=False
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = self.fields["person"].queryset.exclude(enrolments__cohort=cohort)
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} ({p.team or _('no team')})"
