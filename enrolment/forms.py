import zoneinfo
from dataclasses import dataclass

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm, ModelIdsField
from mentorship.widgets import LongSelect
from people.forms import TeamField
from people.models import Communication, Feedback, Pace, Person, Structure, Tag
from programmes.models import Cohort, Enrolment

from . import selectors

# A short list people recognise; a saved zone outside it is still offered so it is never lost.
COMMON_TIME_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Istanbul",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Manila",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)


class InviteForm(BoundedForm):
    people = ModelIdsField(
        label=_("People to invite"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one person.")},
    )
    role = forms.ChoiceField(
        label=_("Invite them as"), choices=Enrolment.Role.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["people"].label_from_instance = lambda p: (
            f"{p.full_name} · {p.email} · {p.team or _('no team')}"
        )


class AccountForm(BoundedForm):
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Type it again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1, User(username=self.email, email=self.email))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class JoinForm(BoundedForm):
    role = forms.ChoiceField(
        label=_("I want to join as"),
        choices=[
            (Enrolment.Role.MENTEE, _("Mentee: I want to grow with a mentor's help")),
            (Enrolment.Role.MENTOR, _("Mentor: I want to help a colleague grow")),
        ],
        widget=forms.RadioSelect,
    )


TRAIT_HELP = {
    "communication": _("Do you prefer to write things down first, or to talk them through?"),
    "structure": _("Do you like meetings with an agenda, or open conversations?"),
    "pace": _("Do you like to go slowly and thoroughly, or try things quickly and adjust?"),
    "feedback": _("How do you like to hear what could be better?"),
}


@dataclass(frozen=True)
class ProfilePart:
    """One part of the questionnaire as the page's progress shows it."""

    key: str  # the part's heading is #<key>-heading
    title: str
    answered: bool
    has_error: bool


class ProfileParts(list):
    """The parts, and how many of them are answered (the page's progress)."""

    @property
    def answered(self) -> int:
        return sum(1 for part in self if part.answered)


def _has_answer(bound_field) -> bool:
    value = bound_field.value()
    if isinstance(value, list | tuple):
        return bool(value)
    return value not in (None, "") and str(value).strip() != ""


class ProfileForm(BoundedForm):
    # Work style
    communication = forms.ChoiceField(
        label=_("Communication"),
        choices=Communication.choices,
        widget=forms.RadioSelect,
        help_text=TRAIT_HELP["communication"],
    )
    structure = forms.ChoiceField(
        label=_("Structure"),
        choices=Structure.choices,
        widget=forms.RadioSelect,
        help_text=TRAIT_HELP["structure"],
    )
    pace = forms.ChoiceField(
        label=_("Pace"), choices=Pace.choices, widget=forms.RadioSelect, help_text=TRAIT_HELP["pace"]
    )
    feedback = forms.ChoiceField(
        label=_("Feedback"),
        choices=Feedback.choices,
        widget=forms.RadioSelect,
        help_text=TRAIT_HELP["feedback"],
    )
    # Interests and skills
    interests = ModelIdsField(
        label=_("What interests you"),
        queryset=Tag.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    skills = ModelIdsField(
        label=_("What you are good at"),
        queryset=Tag.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # Goals (mentees)
    goals = forms.CharField(
        label=_("What do you want to get better at?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("In your own words, e.g. “Stay calm with angry customers on billing tickets”."),
    )
    goal_areas = ModelIdsField(
        label=_("Goal areas"), queryset=Tag.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    # Mentors
    motivation = forms.CharField(
        label=_("Why do you want to mentor?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What you know well, and how you like to help others learn."),
    )
    capacity = forms.IntegerField(
        label=_("How many mentees can you take on?"), min_value=1, initial=1, required=False
    )
    # Practicalities
    availability = forms.CharField(
        label=_("When are you available?"),
        max_length=200,
        required=False,
        help_text=_("e.g. “Tue/Thu mornings, not on weekend shifts”"),
    )
    time_zone = forms.ChoiceField(label=_("Your time zone"))
    preferred_format = forms.ChoiceField(
        label=_("How would you like to meet?"),
        choices=Enrolment.MeetingFormat.choices,
        widget=forms.RadioSelect,
    )

    TRAITS = ("communication", "structure", "pace", "feedback")
    TAGS = ("interests", "skills")
    MENTEE_ONLY = ("goals", "goal_areas")
    MENTOR_ONLY = ("motivation", "capacity")
    PRACTICAL = ("availability", "time_zone", "preferred_format")

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        person = enrolment.person
        initial = {
            **{t: getattr(person, t) for t in self.TRAITS},
            "interests": list(person.interests.all()),
            "skills": list(person.skills.all()),
            "goals": enrolment.goals,
            "goal_areas": list(enrolment.goal_areas.all()),
            "motivation": enrolment.motivation,
            "capacity": enrolment.capacity,
            "availability": enrolment.availability,
            "time_zone": person.time_zone,
            "preferred_format": enrolment.preferred_format,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.enrolment = enrolment
        zones = list(COMMON_TIME_ZONES)
        if person.time_zone and person.time_zone not in zones:
            zones.insert(0, person.time_zone)
        self.fields["time_zone"].choices = [(z, z.replace("_", " ")) for z in zones]
        limit = enrolment.cohort.max_mentees_per_mentor
        self.fields["capacity"].widget.attrs["max"] = limit
        self.fields["capacity"].help_text = _("At most %(n)d in this cohort.") % {"n": limit}
        self.is_mentor = enrolment.role == Enrolment.Role.MENTOR
        for name in self.MENTEE_ONLY if self.is_mentor else self.MENTOR_ONLY:
            del self.fields[name]
        if self.is_mentor:
            self.fields["motivation"].required = True
            self.fields["capacity"].required = True
        if enrolment.cohort.is_read_only:
            for field in self.fields.values():
                field.disabled = True

    def clean_capacity(self):
        value = self.cleaned_data.get("capacity")
        limit = self.enrolment.cohort.max_mentees_per_mentor
        if value is not None and value > limit:
            raise forms.ValidationError(_("At most %(n)d in this cohort.") % {"n": limit})
        return value

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"]
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise forms.ValidationError(_("Choose a time zone from the list.")) from exc
        return value

    def section(self, names):
        return [self[n] for n in names if n in self.fields]

    def work_style_fields(self):
        return self.section(self.TRAITS)

    def tag_fields(self):
        return self.section(self.TAGS)

    def goal_fields(self):
        return self.section(self.MENTEE_ONLY)

    def mentor_fields(self):
        return self.section(self.MENTOR_ONLY)

    def practical_fields(self):
        return self.section(self.PRACTICAL)

    # The questionnaire's parts in the page's order: one form in sections rather than steps, so a
    # refused save shows every answer again at once and the page needs no JavaScript.
    PARTS = (
        ("style", _("How you like to work"), TRAITS),
        ("tags", _("Interests and skills"), TAGS),
        ("goals", _("Your goals"), MENTEE_ONLY),
        ("mentor", _("Mentoring"), MENTOR_ONLY),
        ("practical", _("When and how to meet"), PRACTICAL),
    )

    def parts(self) -> ProfileParts:
        """This person's parts (a mentor has no goals, a mentee no mentoring part), each answered
        when every required question in it has an answer and at least one question does; a part
        with a refused answer says so."""
        found = ProfileParts()
        for key, title, names in self.PARTS:
            fields = self.section(names)
            if not fields:
                continue
            answered = all(_has_answer(f) for f in fields if f.field.required) and any(
                _has_answer(f) for f in fields
            )
            has_error = self.is_bound and any(f.errors for f in fields)
            found.append(ProfilePart(key, str(title), answered and not has_error, has_error))
        return found


class ReviewForm(BoundedForm):
    checks = forms.MultipleChoiceField(
        label=_("This mentor shows"),
        choices=[
            ("expertise", _("Expertise: knows the product and the queue well")),
            ("communication", _("Communication: explains clearly, listens")),
            ("patience", _("Patience: gives a newcomer time to learn")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), max_length=250, required=False, help_text=_("Required when declining.")
    )
    # Sent by the button pressed ("Approve" or "Decline"), not rendered as a field.
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])


class WithdrawForm(BoundedForm):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=200,
        help_text=_("A sentence is enough, e.g. “moving to the night shift”."),
    )


class MoveForm(BoundedForm):
    to_cohort = forms.ModelChoiceField(label=_("Move to cohort"), queryset=Cohort.objects.none())

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cohort"].queryset = cohorts
        self.fields["to_cohort"].label_from_instance = lambda c: f"{c.name} ({c.get_state_display()})"


class CapacityForm(BoundedForm):
    capacity = forms.IntegerField(label=_("Mentees they can take"), min_value=1, max_value=10)

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        # The cohort's limit is checked by the service (enrolment.services._check_capacity).
        self.fields["capacity"].widget.attrs["max"] = cohort.max_mentees_per_mentor
        self.fields["capacity"].help_text = _("At most %(n)d in this cohort.") % {
            "n": cohort.max_mentees_per_mentor
        }


class _FetchedModelChoices(BaseChoiceIterator):
    """A model select's choices read with one plain query when the select is drawn. Django's own
    reads them through QuerySet.iterator(), which on PostgreSQL opens a server-side cursor: a
    DECLARE, FETCHes and a CLOSE for a handful of cohorts, twice on the people list."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.queryset.all():
            yield (obj.pk, self.field.label_from_instance(obj))


def _fast_select(field) -> LongSelect:
    """The field's select drawn in Python: the people list has seven, and Django's template per
    option was a tenth of the page's time."""
    widget = LongSelect(attrs=field.widget.attrs)
    model_select = isinstance(field, forms.ModelChoiceField)
    widget.choices = _FetchedModelChoices(field) if model_select else field.choices
    return widget


class PersonFilterForm(BoundedForm):
    ROLE_CHOICES = [("", _("Any role")), *Enrolment.Role.choices, ("none", _("In no cohort"))]
    STATUS_CHOICES = [("", _("Everyone")), ("current", _("Current staff")), ("left", _("Has left"))]
    LOGIN_CHOICES = [
        ("", _("Any")),
        ("not_activated", _("Not activated yet")),
        ("activated", _("Can log in")),
    ]
    SORT_CHOICES = [
        ("name", _("Name A–Z")),
        ("-name", _("Name Z–A")),
        ("team", _("Team")),
        ("-team", _("Team, reversed")),
        ("hire_date", _("Hire date, earliest first")),
        ("-hire_date", _("Hire date, latest first")),
    ]

    q = forms.CharField(label=_("Search name, email, employee id or team"), required=False, max_length=100)
    team = TeamField(label=_("Team"), required=False, help_text="")
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, required=False)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.select_related("programme"), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    login = forms.ChoiceField(label=_("Login"), choices=LOGIN_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].empty_label = _("Any cohort")
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select):
                field.widget = _fast_select(field)
            field.widget.attrs["class"] = "form-control" if name in ("q", "team") else "form-select"
        self.fields["q"].widget.input_type = "search"
        self.fields["team"].widget.attrs["placeholder"] = _("Any team")

    def filters(self) -> dict:
        """Keyword arguments for selectors.person_list; an invalid value is ignored (and said next to
        its field), not an error page: the valid filters still apply."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleans once; cleaned_data then holds the fields that passed
            data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "team": data.get("team"),
            "role": data.get("role") or "",
            "cohort": data.get("cohort"),
            "status": data.get("status") or "",
            "login": data.get("login") or "",
            "sort": data.get("sort") or "",
        }


class BulkActionForm(BoundedForm):
    ENROL, EXPORT = "enrol", "export"

    people = ModelIdsField(
        label=_("People"),
        queryset=Person.objects.all(),
        error_messages={"required": _("Select at least one person first.")},
    )
    action = forms.ChoiceField(choices=[(ENROL, _("Enrol")), (EXPORT, _("Export as CSV"))])
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none(), required=False)
    role = forms.ChoiceField(label=_("as"), choices=Enrolment.Role.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = selectors.enrollable_cohorts()
        self.fields["cohort"].empty_label = _("Choose a cohort")
        for name in ("cohort", "role"):
            self.fields[name].widget = _fast_select(self.fields[name])
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.ENROL:
            if not cleaned.get("cohort"):
                self.add_error("cohort", _("Choose the cohort to enrol them in."))
            if not cleaned.get("role"):
                self.add_error("role", _("Choose mentor or mentee."))
        return cleaned
