from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.forms import LONG_TEXT_MAX, BoundedForm
from notifications import wording


class WordingForm(BoundedForm):
    """A programme's own subject and text for one kind: placeholders from the kind's whitelist only."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(
        label=_("Text"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 10})
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def _checked(self, field: str) -> str:
        value = self.cleaned_data[field]
        found = wording.problems(value, kind=self.kind)
        if found:
            raise forms.ValidationError(found)
        return value

    def clean_subject(self):
        return self._checked("subject")

    def clean_text(self):
        return self._checked("text")
