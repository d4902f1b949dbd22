from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm

from .models import Message


class MessageFilterForm(BoundedForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Message.Status.choices]
    )
    channel = forms.ChoiceField(
        label=_("Sent by"), required=False, choices=[("", _("Email or chat")), *Message.Channel.choices]
    )
    q = forms.CharField(label=_("Address or subject"), required=False, max_length=200)
    # Bounded like a database id, so a hand-typed ?cohort= is refused in words, not by the database.
    cohort = forms.IntegerField(label=_("Cohort id"), required=False, min_value=1, max_value=2**31 - 1)
