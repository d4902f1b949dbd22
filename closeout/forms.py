from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm, BoundedModelForm

from .models import Reflection, SurveyResponse, Thanks
from .reasons import EndReason, end_reason_text


class EndPairingForm(BoundedForm):
    reason = forms.ChoiceField(
        label=_("Why is it ending?"), choices=EndReason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=150,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “Other”. Only programme admins see this."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == EndReason.OTHER and not cleaned.get("details", "").strip():
            self.add_error("details", _("Say in a few words why the pairing is ending."))
        return cleaned

    @property
    def end_reason(self) -> str:
        return end_reason_text(self.cleaned_data["reason"], self.cleaned_data["details"])


class RematchForm(BoundedForm):
    """The mentor the admin confirmed; the choices are the options the page offered."""

    mentor = forms.TypedChoiceField(label=_("Mentor"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {o.enrolment.pk: o for o in options}
        self.fields["mentor"].choices = [
            (o.enrolment.pk, f"{o.enrolment.person.full_name} ({o.score:.0f} / 100)") for o in options
        ]

    @property
    def option(self):
        return self.options[self.cleaned_data["mentor"]]


class ReflectionForm(BoundedModelForm):
    class Meta:
        model = Reflection
        fields = ["achieved", "learned"]
        widgets = {
            "achieved": forms.Textarea(attrs={"rows": 4}),
            "learned": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "achieved": _("Goals met, tickets you now handle alone, habits you built together."),
            "learned": _("Your own take: your partner reads it once they have written theirs."),
        }


SATISFACTION_CHOICES = [
    (1, _("1 · very dissatisfied")),
    (2, _("2 · dissatisfied")),
    (3, _("3 · neutral")),
    (4, _("4 · satisfied")),
    (5, _("5 · very satisfied")),
]
RECOMMEND_CHOICES = (
    [(0, _("0 · not at all likely"))]
    + [(n, str(n)) for n in range(1, 10)]
    + [(10, _("10 · extremely likely"))]
)


class SurveyForm(BoundedModelForm):
    satisfaction = forms.TypedChoiceField(
        label=_("Overall, how satisfied are you with the mentorship programme?"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    recommend = forms.TypedChoiceField(
        label=_("How likely are you to recommend the programme to a colleague?"),
        choices=RECOMMEND_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SurveyResponse
        fields = ["satisfaction", "recommend", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 4})}
        labels = {"comment": _("Anything else? (optional)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has its own token
        self.helper.layout = Layout(InlineRadios("satisfaction"), InlineRadios("recommend"), "comment")


class ThanksForm(BoundedModelForm):
    class Meta:
        model = Thanks
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "body": _(
                "A few sentences in your own words: what they did that helped. Only your mentor reads "
                "them; their manager sees only that they were thanked."
            )
        }
