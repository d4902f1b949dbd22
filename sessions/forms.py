from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SUPPORT_TOPICS, MentoringSession


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
