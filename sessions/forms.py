import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm, BoundedModelForm, ModelIdsField
from mentorship.widgets import DateInput
from programmes.models import SUPPORT_TOPICS

from .models import ActionItem, MentoringSession, PairMessage, ScheduledSession

TICKET_FORMATS = (MentoringSession.Format.TICKET_SHADOWING, MentoringSession.Format.TICKET_REVIEW)
TICKET_ID = re.compile(r"^#?[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format="%H:%M"):  # noqa: A002 - Django's argument name
        super().__init__(attrs, format)


class SessionForm(BoundedModelForm):
    """Log a session. `pairing` gives the cohort's topics, the members who can own action items,
    and the open action items to tick off; `scheduled` pre-fills from the planned meeting."""

    RENDERS_FROM_INITIAL = True  # its blank rendering is kept (sessions/templatetags/blank_forms.py)

    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=SUPPORT_TOPICS, required=False, widget=forms.CheckboxSelectMultiple
    )
    rating = forms.TypedChoiceField(
        label=_("How useful was it? (1 = not at all, 5 = very)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    private_notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only you will ever see these."),
    )
    completed_items = ModelIdsField(
        label=_("Open action items: tick the ones that are done"),
        queryset=ActionItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scheduled = forms.ModelChoiceField(
        queryset=ScheduledSession.objects.none(), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = MentoringSession
        fields = [
            "held_on",
            "duration_minutes",
            "format",
            "topics",
            "ticket_refs",
            "notes",
            "rating",
            "rating_comment",
        ]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}
        labels = {"rating_comment": _("Comment on your rating (optional)")}
        help_texts = {
            "notes": _("Both of you can read these."),
            "ticket_refs": _("For shadowing and review sessions: ticket ids separated by commas."),
        }

    def __init__(self, *args, pairing, scheduled=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pairing = pairing
        labels = dict(SUPPORT_TOPICS)
        self.fields["topics"].choices = [(key, labels.get(key, key)) for key in pairing.cohort.topics]
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["scheduled"].queryset = pairing.scheduled_sessions.filter(
            cancelled_at__isnull=True, log__isnull=True
        )
        items = self.fields["completed_items"]
        items.queryset = pairing.action_items.filter(done_at__isnull=True).select_related("owner")
        # Loaded once with their owners: the page lists them (and tests for any) without a second query.
        self.open_items = list(items.queryset)
        items.choices = [(item.pk, _item_label(item)) for item in self.open_items]
        if scheduled is not None:
            self.fields["scheduled"].initial = scheduled.pk
            # A meeting planned for later today (or tomorrow, in another zone) is logged as today.
            self.fields["held_on"].initial = min(
                timezone.localtime(scheduled.starts_at).date(), timezone.localdate()
            )
            self.fields["duration_minutes"].initial = scheduled.duration_minutes
            self.fields["format"].initial = scheduled.format
            if scheduled.agenda:
                self.fields["notes"].initial = scheduled.agenda

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("format") not in TICKET_FORMATS:
            cleaned["ticket_refs"] = ""
        return cleaned

    def clean_ticket_refs(self):
        raw = self.cleaned_data.get("ticket_refs", "")
        ids = [part.strip() for part in raw.split(",") if part.strip()]
        bad = [ref for ref in ids if not TICKET_ID.match(ref)]
        if bad:
            raise forms.ValidationError(
                _("Not a ticket id: %(ids)s. Use ids like 4521 or ZD-4521, separated by commas."),
                params={"ids": ", ".join(bad)},
            )
        return ", ".join(ids)


def _item_label(item: ActionItem) -> str:
    due = f" · {_('by')} {item.due_on:%-d %b %Y}" if item.due_on else ""
    return f"{item.description} ({item.owner.full_name}{due})"


class ActionItemForm(BoundedForm):
    RENDERS_FROM_INITIAL = True  # its blank rendering is kept (sessions/templatetags/blank_forms.py)

    description = forms.CharField(label=_("What"), max_length=200)
    owner = forms.TypedChoiceField(label=_("Who"), coerce=int)
    due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {person.pk: person for person in members}
        self.fields["owner"].choices = [("", "—"), *((p.pk, p.full_name) for p in members)]

    def clean_owner(self):
        owner = self.members.get(self.cleaned_data["owner"])
        if owner is None:
            raise forms.ValidationError(_("Pick one of the two of you."))
        return owner


# absolute_max as well as validate_max: a posted TOTAL_FORMS of 100,000,000 builds at most this many forms.
ActionItemFormSet = forms.formset_factory(
    ActionItemForm,
    extra=2,
    max_num=ActionItem.PER_SESSION_MAX,
    validate_max=True,
    absolute_max=ActionItem.PER_SESSION_MAX,
)


class ScheduleForm(BoundedModelForm):
    """Date and time as the user reads them in their own time zone; `cleaned_data["starts_at"]`
    is the aware moment."""

    RENDERS_FROM_INITIAL = True  # its blank rendering is kept (sessions/templatetags/blank_forms.py)

    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    format = forms.ChoiceField(label=_("Format"), choices=MentoringSession.Format.choices)

    class Meta:
        model = ScheduledSession
        fields = ["duration_minutes", "format", "agenda"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"agenda": _("What you want to cover. It goes into the calendar invite.")}

    field_order = ["date", "time", "duration_minutes", "format", "agenda"]

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = person.tzinfo
        self.fields["time"].help_text = _("In your time zone (%(zone)s).") % {"zone": person.time_zone}
        if self.instance.pk:
            local = self.instance.starts_at.astimezone(self.zone)
            self.initial.setdefault("date", local.date())
            self.initial.setdefault("time", local.time().replace(second=0, microsecond=0))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("time"):
            starts_at = datetime.datetime.combine(cleaned["date"], cleaned["time"], tzinfo=self.zone)
            if starts_at <= timezone.now():
                self.add_error("time", _("Pick a time in the future."))
            cleaned["starts_at"] = starts_at
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "format": data["format"],
            "agenda": data["agenda"],
        }


class ConfirmForm(BoundedForm):
    partner_rating = forms.TypedChoiceField(
        label=_("How useful was it for you? (1 = not at all, 5 = very)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    partner_comment = forms.CharField(label=_("Comment (optional)"), max_length=300, required=False)


class PrivateNoteForm(BoundedForm):
    """The author's own note on a session; emptying it deletes it."""

    text = forms.CharField(
        label=_("Your private notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Only you will ever see these: not the other side, not the programme admin, not managers."
        ),
    )


class MessageForm(BoundedForm):
    """A message to the other member of the pair. `back`: where the sender goes once it is sent."""

    body = forms.CharField(
        label=_("Message"),
        max_length=PairMessage.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write something to send.")},
    )
    back = forms.ChoiceField(
        choices=[("workspace", "workspace"), ("conversation", "conversation")],
        required=False,
        widget=forms.HiddenInput,
    )
