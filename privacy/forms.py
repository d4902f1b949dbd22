from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorship.forms import BoundedForm

from .services import confirmation_matches


class EraseForm(BoundedForm):
    """Erasing cannot be undone: the admin types the person's name to say they mean this person."""

    confirm_name = forms.CharField(
        label=gettext_lazy("Type the person's full name to confirm"), max_length=150, strip=True
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm_name(self):
        typed = self.cleaned_data["confirm_name"]
        if not confirmation_matches(self.person, typed):
            raise forms.ValidationError(
                _("That is not the name of the person you are erasing. Type it as shown above.")
            )
        return typed
