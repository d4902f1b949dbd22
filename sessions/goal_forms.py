from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Goal


class DateInput(forms.DateInput):
    input_type = "date"


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
