from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm

from .defaults import KEYS
from .models import SECTION_TEXT_MAX, TemplateSection


def _text_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        max_length=SECTION_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), strip=True, **kwargs
    )


class AgreementForm(BoundedForm):
    """One text per section (labelled with the agreement's headings, the template's questions as
    help), the version the form was opened on, and signing in the same step."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    sign = forms.BooleanField(
        label=_("I agree to this and sign it"),
        required=False,
        help_text=_("If you change the text, the other side is asked to read it and sign again."),
    )

    def __init__(self, *args, sections, **kwargs):
        """`sections`: (key, heading, prompt) in order."""
        super().__init__(*args, **kwargs)
        version, sign = self.fields.pop("version"), self.fields.pop("sign")
        for key, heading, prompt in sections:
            self.fields[key] = _text_field(label=heading, help_text=prompt, required=False)
        self.fields["version"], self.fields["sign"] = version, sign

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(key) for key in KEYS):
            raise forms.ValidationError(_("Write at least one section before saving the agreement."))
        return cleaned

    @property
    def texts(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in KEYS}


class SignForm(BoundedForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TemplateForm(BoundedForm):
    """Each section's heading, question and starting text, as three fields named `<key>-<part>`."""

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = []
        for section in sections:
            self.keys.append(section.key)
            self.fields[f"{section.key}-heading"] = forms.CharField(
                label=_("Heading"),
                max_length=TemplateSection._meta.get_field("heading").max_length,
                initial=section.heading,
            )
            self.fields[f"{section.key}-prompt"] = forms.CharField(
                label=_("Question for the pair"),
                max_length=TemplateSection._meta.get_field("prompt").max_length,
                initial=section.prompt,
            )
            self.fields[f"{section.key}-text"] = _text_field(
                label=_("Starting text"), initial=section.text, required=False
            )

    def groups(self):
        """[(heading as the template has it now, [its three bound fields])] for the page's sections."""
        return [
            (
                self.fields[f"{key}-heading"].initial,
                [self[f"{key}-{part}"] for part in ("heading", "prompt", "text")],
            )
            for key in self.keys
        ]

    @property
    def sections(self) -> dict[str, dict[str, str]]:
        return {
            key: {part: self.cleaned_data[f"{key}-{part}"] for part in ("heading", "prompt", "text")}
            for key in self.keys
        }
