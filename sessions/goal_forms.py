from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm, BoundedModelForm
from mentorship.widgets import DateInput

from .models import Goal, GoalComment, GoalTemplate, GoalUpdate, Milestone


class GoalForm(BoundedModelForm):
    """Every part of a SMART goal. The guided form shows one step's fields at a time (STEPS) and
    carries the others as hidden inputs, so nothing typed is lost between steps."""

    class Meta:
        model = Goal
        fields = ["specific", "metric", "unit", "baseline", "target", "achievable", "relevant", "due_on"]
        widgets = {
            "due_on": DateInput(),
            "achievable": forms.Textarea(attrs={"rows": 4}),
            "relevant": forms.TextInput(attrs={"list": "relevant-suggestions"}),
        }
        labels = {"achievable": _("Achievable: the plan and the resources you need")}
        help_texts = {
            "specific": _("e.g. “Handle billing escalations without handing over to tier 2”"),
            "metric": _("e.g. CSAT, first response time, escalations per week"),
            "baseline": _("Where the metric stands today."),
            "target": _("Where you want it by the due date: higher or lower than the baseline."),
            "achievable": _("What you will do, and what help, time or tools you need."),
            "relevant": _(
                "Which support KPI or part of your role does it move? Pick a suggestion or write your own."
            ),
        }

    def __init__(self, *args, pairing=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pairing, self.today = pairing, today
        if pairing is not None:
            self.fields["due_on"].widget.attrs["max"] = pairing.cohort.ends_on.isoformat()
            self.fields["due_on"].help_text = _("On or before the cohort ends (%(date)s).") % {
                "date": date_format(pairing.cohort.ends_on, "j M Y")
            }

    def clean(self):
        cleaned = super().clean()
        baseline, target = cleaned.get("baseline"), cleaned.get("target")
        if baseline is not None and target is not None and baseline == target:
            self.add_error(
                "target", _("The target must differ from the baseline, or there is nothing to measure.")
            )
        due_on = cleaned.get("due_on")
        ends_on = self.pairing.cohort.ends_on if self.pairing is not None else None
        if due_on and ends_on and due_on > ends_on:
            message = _("Pick a date on or before the cohort ends (%(date)s).") % {"date": ends_on}
            self.add_error("due_on", message)
        elif due_on and self.today is not None and due_on <= self.today:
            self.add_error("due_on", _("Pick a date in the future: a goal needs time to work on."))
        return cleaned


# The guided form's steps: (key, heading, the fields shown, what the step asks).
STEPS = [
    ("specific", _("Specific"), ["specific"], _("What exactly do you want to achieve?")),
    ("measurable", _("Measurable"), ["metric", "unit", "baseline", "target"], _("How will you know?")),
    ("achievable", _("Achievable"), ["achievable"], _("How will you get there?")),
    ("relevant", _("Relevant"), ["relevant"], _("Why does it matter for your role?")),
    ("timebound", _("Time-bound"), ["due_on"], _("By when?")),
]
STEP_KEYS = [key for key, *_rest in STEPS]


class GoalUpdateForm(BoundedModelForm):
    RENDERS_FROM_INITIAL = True  # its blank rendering is kept (sessions/templatetags/blank_forms.py)

    class Meta:
        model = GoalUpdate
        fields = ["value", "note"]
        labels = {"value": _("Where it stands now"), "note": _("Note")}


class GoalStatusForm(BoundedForm):
    RENDERS_FROM_INITIAL = True  # its blank rendering is kept (sessions/templatetags/blank_forms.py)

    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices)
    short_of_target_confirmed = forms.BooleanField(
        label=_("The target is not reached yet: mark the goal achieved anyway"),
        required=False,
        help_text=_(
            "Only for “Achieved”: say so if you agree the goal is met although the numbers fall short."
        ),
    )


class MilestoneForm(BoundedModelForm):
    RENDERS_FROM_INITIAL = True  # its blank rendering is kept (sessions/templatetags/blank_forms.py)

    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DateInput()}


class GoalCommentForm(BoundedModelForm):
    RENDERS_FROM_INITIAL = True  # its blank rendering is kept (sessions/templatetags/blank_forms.py)

    class Meta:
        model = GoalComment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class GoalTemplateForm(BoundedModelForm):
    class Meta:
        model = GoalTemplate
        fields = ["title", "specific", "metric", "unit", "achievable", "relevant", "is_active"]
        widgets = {"achievable": forms.Textarea(attrs={"rows": 3})}
