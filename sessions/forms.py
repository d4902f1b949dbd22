from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SUPPORT_TOPICS, Goal, MentoringSession


class DateInput(forms.DateInput):
    input_type = "date"


class SessionForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=SUPPORT_TOPICS, required=False, widget=forms.CheckboxSelectMultiple
    )
    rating = forms.TypedChoiceField(
        label=_("How useful was it? (1 = not at all, 5 = very)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = MentoringSession
        fields = ["held_on", "duration_minutes", "format", "topics", "notes", "rating"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"notes": _("Both of you can read these.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("Log sessions that have happened; the date is in the future."))
        return held_on


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["specific", "metric", "baseline", "target", "achievable", "relevant", "due_on"]
        widgets = {"due_on": DateInput(), "achievable": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "specific": _("e.g. “Handle billing escalations without handing over to tier 2”"),
            "metric": _("e.g. CSAT %, first response time (minutes), escalations per week"),
            "relevant": _("Which support KPI or part of your role does it move?"),
        }

    def clean(self):
        cleaned = super().clean()
        baseline, target = cleaned.get("baseline"), cleaned.get("target")
        if baseline is not None and target is not None and baseline == target:
            self.add_error(
                "target", _("The target must differ from the baseline, or there is nothing to measure.")
            )
        return cleaned
