from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm, BoundedModelForm
from programmes.models import SUPPORT_TOPICS

from .models import Resource


class ResourceForm(BoundedModelForm):
    class Meta:
        model = Resource
        fields = ["topic", "title", "url", "note", "audience"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4}), "url": forms.URLInput()}

    def clean_url(self):
        return self.cleaned_data["url"].strip()


class LibrarySearchForm(BoundedForm):
    """The library's filters, from the query string: anything unusable is ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("All topics")), *SUPPORT_TOPICS]
    )
    archived = forms.BooleanField(label=_("Archived"), required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"query": "", "topic": "", "archived": False}
        return {
            "query": self.cleaned_data["q"].strip(),
            "topic": self.cleaned_data["topic"],
            "archived": self.cleaned_data["archived"],
        }


class ShareForm(BoundedForm):
    pairing = forms.TypedChoiceField(label=_("Share with"), coerce=int)
    note = forms.CharField(
        label=_("A note for your mentee"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: why this is worth reading now."),
    )

    def __init__(self, *args, pairings, **kwargs):
        super().__init__(*args, **kwargs)
        self.pairings = {p.pk: p for p in pairings}
        self.fields["pairing"].choices = [(p.pk, p.mentee.person.full_name) for p in pairings]
        if len(pairings) == 1:
            self.fields["pairing"].initial = pairings[0].pk
            self.fields["pairing"].widget = forms.HiddenInput()

    def chosen_pairing(self):
        return self.pairings[self.cleaned_data["pairing"]]


class DoneForm(BoundedForm):
    done = forms.BooleanField(required=False)


class GuideForm(BoundedForm):
    prompts = forms.CharField(
        label=_("Prompts"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text=_("One prompt per line."),
    )
