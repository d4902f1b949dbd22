from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm, BoundedModelForm, ModelIdsField
from mentorship.widgets import DateInput
from outbox.webhooks import validate_webhook_url
from people.forms import PersonField
from people.models import WORK_STYLE_TRAITS, Person, Tag

from .models import SUPPORT_TOPICS, Cohort, Enrolment, Programme
from .services import COHORT_SETTINGS, EDITABLE_IN


def _limit(field: forms.Field, low, high) -> None:
    """Say the database's range in words (and in the input's min/max) before the constraint fires."""
    field.validators += [MinValueValidator(low), MaxValueValidator(high)]
    field.widget.attrs.update({"min": low, "max": high})


class ProgrammeForm(BoundedModelForm):
    class Meta:
        model = Programme
        fields = ["name", "objectives", "retention_target", "satisfaction_target", "csat_target"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit(self.fields["retention_target"], 0, 100)
        _limit(self.fields["csat_target"], 0, 100)
        _limit(self.fields["satisfaction_target"], 1, 5)


TRAIT_MODE_CHOICES = [("similar", _("Alike")), ("complementary", _("Different (complementary)"))]


class TraitModesWidget(forms.MultiWidget):
    """One select per work-style trait, each with its own visible label (the trait's name), so
    nobody has to guess which "Alike" is which."""

    def __init__(self, attrs=None):
        super().__init__(
            widgets=[forms.Select(choices=TRAIT_MODE_CHOICES) for _ in WORK_STYLE_TRAITS], attrs=attrs
        )

    def decompress(self, value):
        return [(value or {}).get(t, "similar") for t in WORK_STYLE_TRAITS]

    def render(self, name, value, attrs=None, renderer=None):
        subwidgets = self.get_context(name, value, attrs)["widget"]["subwidgets"]
        cells = format_html_join(
            "",
            '<div class="col-sm-6 col-lg-3"><label class="form-label small mb-1" for="{}">{}</label>{}</div>',
            (
                (
                    sub["attrs"]["id"],
                    capfirst(Person._meta.get_field(trait).verbose_name),
                    widget.render(sub["name"], sub["value"], sub["attrs"], renderer),
                )
                for sub, widget, trait in zip(subwidgets, self.widgets, WORK_STYLE_TRAITS, strict=True)
            ),
        )
        return format_html('<div class="row g-2">{}</div>', cells)


class TraitModesField(forms.MultiValueField):
    """The cohort's `trait_modes` JSON as one alike/different choice per work-style trait."""

    def __init__(self, **kwargs):
        fields = [forms.ChoiceField(choices=TRAIT_MODE_CHOICES) for _trait in WORK_STYLE_TRAITS]
        super().__init__(fields=fields, widget=TraitModesWidget(), require_all_fields=True, **kwargs)

    def compress(self, data_list):
        return dict(zip(WORK_STYLE_TRAITS, data_list, strict=True)) if data_list else {}


class CohortSettingsForm(BoundedModelForm):
    """Every cohort setting; those the cohort's state has locked are shown but disabled."""

    trait_modes = TraitModesField(
        label=_("Work style: should pairs be alike or different?"),
        required=False,
        help_text=_("One choice for each trait of a person's work style."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Session topics"),
        choices=SUPPORT_TOPICS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What pairs pick from when they log a session."),
    )

    class Meta:
        model = Cohort
        fields = list(COHORT_SETTINGS)
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        help_texts = {
            "weight_work_style": _("0-100. The weights are relative: 30/30/40 is the default balance."),
        }

    # The page shows the settings in these groups (templates/includes/form_sections.html).
    sections = (
        (_("Basics"), "", ("programme", "new_programme", "name")),
        (
            _("Dates and rhythm"),
            _("When the cohort runs, how often pairs should meet and how often they are asked how it goes."),
            ("starts_on", "ends_on", "cadence_days", "check_in_interval_days"),
        ),
        (
            _("Who can take part"),
            _("Eligibility, how many mentees a mentor takes, and whether people may join by link."),
            (
                "max_mentees_per_mentor",
                "min_mentor_tenure_days",
                "mentee_hire_window_days",
                "self_enrolment_open",
            ),
        ),
        (_("Sessions"), "", ("topics",)),
        (
            _("Matching"),
            _("How pairs are found: who chooses, what counts, and the rules no pair may break."),
            (
                "matching_mode",
                "fair_matching",
                "weight_work_style",
                "weight_interests",
                "weight_goals",
                "trait_modes",
                "min_tenure_gap_days",
                "team_rule",
                "min_overlap_hours",
            ),
        ),
    )

    LIMITS = {
        "cadence_days": (1, 90),
        "check_in_interval_days": (7, 180),
        "max_mentees_per_mentor": (1, 10),
        "weight_work_style": (0, 100),
        "weight_interests": (0, 100),
        "weight_goals": (0, 100),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.LIMITS.items():
            _limit(self.fields[name], low, high)
        if self.instance.pk:
            editable = EDITABLE_IN[Cohort.State(self.instance.state)]
            for name, field in self.fields.items():
                if name not in editable:
                    # A disabled field ignores whatever is posted for it.
                    field.disabled = True

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The cohort must end after it starts."))
        weights = [cleaned.get(n) for n in ("weight_work_style", "weight_interests", "weight_goals")]
        if all(w is not None for w in weights) and sum(weights) == 0:
            self.add_error("weight_goals", _("At least one matching weight must be above zero."))
        return cleaned

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in COHORT_SETTINGS}


class CohortForm(CohortSettingsForm):
    """A new cohort: a programme (existing or new) plus every setting."""

    new_programme = forms.CharField(
        label=_("…or start a new programme"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to add the cohort to the programme chosen above."),
    )

    class Meta(CohortSettingsForm.Meta):
        fields = ["programme", *COHORT_SETTINGS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].required = False
        self.fields["topics"].initial = [key for key, _label in SUPPORT_TOPICS]
        self.order_fields(["programme", "new_programme", *COHORT_SETTINGS])

    def clean(self):
        cleaned = super().clean()
        programme, new_name = cleaned.get("programme"), (cleaned.get("new_programme") or "").strip()
        if programme and new_name:
            self.add_error("new_programme", _("Choose an existing programme or name a new one, not both."))
        elif not programme and not new_name:
            self.add_error("programme", _("Choose a programme, or name a new one below."))
        elif new_name and Programme.objects.filter(name__iexact=new_name).exists():
            self.add_error("new_programme", _("A programme with this name exists already: choose it above."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The programme may not exist until the view creates it; the service checks it then.
        exclude = set(exclude or ()) | {"programme"}
        return super().validate_constraints(exclude=exclude)


class EnrolmentForm(BoundedForm):
    # A search-as-you-type picker: a <select> of the whole organisation was 20,000 options.
    person = PersonField(label=_("Person"), queryset=Person.objects.filter(leave_date__isnull=True))
    role = forms.ChoiceField(label=_("Role"), choices=Enrolment.Role.choices)
    capacity = forms.IntegerField(
        label=_("Mentees they can take (mentors)"), min_value=1, max_value=10, initial=1, required=False
    )
    goals = forms.CharField(
        label=_("Goals in their own words (mentees)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    goal_areas = ModelIdsField(label=_("Goal areas"), queryset=Tag.objects.all(), required=False)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort

    def clean_person(self):
        person = self.cleaned_data["person"]
        if person is not None and person.enrolments.filter(cohort=self.cohort).exists():
            raise forms.ValidationError(
                _("%(name)s is already in this cohort.") % {"name": person.full_name}, code="enrolled"
            )
        return person


class CohortChatForm(BoundedForm):
    """The cohort's chat webhook. The saved address is never put back in the page (it is a secret):
    the field starts empty, an empty field keeps the saved address, and "remove" forgets it."""

    webhook_url = forms.CharField(
        label=_("Incoming webhook address"),
        required=False,
        max_length=1000,
        validators=[validate_webhook_url],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"}),
        help_text=_(
            "Posted to this Slack or Microsoft Teams channel: the weekly digest for programme admins, and "
            "an alert when a check-in is flagged or a pair goes twice its cadence without meeting. Posts "
            "name the pair and link to pages only programme admins can open; they never contain private "
            "notes, check-in comments or blockers. Slack: https://hooks.slack.com/services/…; Teams: an "
            "address ending .webhook.office.com/… or a Power Automate workflow."
        ),
    )
    remove = forms.BooleanField(label=_("Stop posting and forget the saved address"), required=False)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        if cohort.chat_webhook_url:
            self.fields["webhook_url"].label = _("Replace the webhook address")
            self.fields["webhook_url"].widget.attrs["placeholder"] = _("Leave empty to keep %(mask)s") % {
                "mask": cohort.chat_webhook_masked
            }
        else:
            del self.fields["remove"]

    def clean(self):
        cleaned = super().clean()
        url, remove = cleaned.get("webhook_url") or "", cleaned.get("remove")
        if remove and url:
            self.add_error("remove", _("Either give a new address or remove the saved one, not both."))
        elif not remove and not url and not self.cohort.chat_webhook_url and "webhook_url" not in self.errors:
            self.add_error("webhook_url", _("Paste the channel's incoming webhook address."))
        return cleaned

    def new_url(self) -> str | None:
        """The address to save ("" to remove it), or None to keep the saved one."""
        if self.cleaned_data.get("remove"):
            return ""
        return self.cleaned_data.get("webhook_url") or None
