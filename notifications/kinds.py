"""Every kind of message the product sends to people: one registry, so the settings page, the
unsubscribe link, the message log and the wording editor all list the same kinds.

A kind's email is rendered from `templates/emails/<template>_subject.txt`, `_body.txt` and
`_body.html` (the template defaults to the kind's name).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    # Who receives it, in a few words, for the settings page.
    audience: str | Promise
    template: str = ""
    # Reminders and digests wait for the person's working hours; a lifecycle message about something
    # that just happened waits too, so that nobody is emailed at 3 a.m. about a match.
    waits_for_working_hours: bool = True

    @property
    def email_template(self) -> str:
        return self.template or self.name


_KINDS = [
    # Lifecycle
    Kind("enrolled", _("You were enrolled in a cohort"), _("mentors and mentees")),
    Kind("waitlisted", _("You were put on a waitlist"), _("mentees")),
    Kind("promoted", _("You got a place from the waitlist"), _("mentees")),
    Kind("application_decided", _("Your mentor application was decided"), _("mentors")),
    Kind("match_published", _("You have been matched"), _("mentors and mentees")),
    Kind("mentor_request", _("Mentee-choice requests and decisions"), _("mentors and mentees")),
    # A session moved or cancelled tonight for tomorrow morning is news now, with its calendar update.
    Kind(
        "session_changed",
        _("A session was scheduled, moved or cancelled"),
        _("mentors and mentees"),
        waits_for_working_hours=False,
    ),
    Kind("session_to_confirm", _("A logged session waits for your confirmation"), _("mentors and mentees")),
    Kind("pairing_ended", _("A pairing ended early"), _("mentors and mentees")),
    Kind("closeout_begun", _("Close-out has begun"), _("mentors and mentees")),
    Kind("cohort_closed", _("A cohort has closed"), _("mentors and mentees")),
    Kind("pair_message", _("A message from your mentor or mentee"), _("mentors and mentees")),
    Kind("agreement_signed", _("Your partner signed your mentoring agreement"), _("mentors and mentees")),
    Kind("agreement_changed", _("Your mentoring agreement changed: sign it again"), _("mentors and mentees")),
    Kind("resource_shared", _("Your mentor shared a resource"), _("mentees")),
    Kind("thanks_received", _("Your mentee thanked you"), _("mentors")),
    # Reminders
    Kind("check_in_due", _("A check-in is due"), _("mentors and mentees")),
    Kind("check_in_overdue", _("A pair has not checked in for twice its cadence"), _("programme admins")),
    Kind("session_upcoming", _("A session is tomorrow"), _("mentors and mentees")),
    Kind("action_item_due", _("An action item is due soon or overdue"), _("mentors and mentees")),
    Kind("goal_due", _("A goal is due soon or overdue"), _("mentors and mentees")),
    Kind("pulse", _("The pulse check-in"), _("mentors and mentees"), template="pulse_check_in"),
    Kind("nudge", _("A nudge from the programme admin"), _("mentors and mentees")),
    # Digests
    Kind("admin_digest", _("Weekly digest of pairs at risk"), _("programme admins")),
    Kind("manager_digest", _("Monthly digest of your teams' mentoring"), _("managers")),
]

KINDS: dict[str, Kind] = {kind.name: kind for kind in _KINDS}


def kind_named(name: str) -> Kind:
    """The registered kind; a KeyError for a name nobody registered (a typo must fail a test)."""
    return KINDS[name]


def choices() -> list[tuple[str, str]]:
    return [(kind.name, kind.label) for kind in _KINDS]


# How the settings page groups the kinds. A kind named in no group is listed under "Other
# messages", so a newly registered kind can always be switched off.
_GROUPS = [
    (
        _("Things that happen in your programme"),
        (
            "enrolled",
            "waitlisted",
            "promoted",
            "application_decided",
            "match_published",
            "mentor_request",
            "session_changed",
            "session_to_confirm",
            "pairing_ended",
            "closeout_begun",
            "cohort_closed",
            "pair_message",
            "agreement_signed",
            "agreement_changed",
            "resource_shared",
            "thanks_received",
        ),
    ),
    (
        _("Reminders"),
        (
            "check_in_due",
            "check_in_overdue",
            "session_upcoming",
            "action_item_due",
            "goal_due",
            "pulse",
            "nudge",
        ),
    ),
    (_("Digests"), ("admin_digest", "manager_digest")),
]


def grouped() -> list[tuple[str | Promise, list[Kind]]]:
    """[(group label, its registered kinds)], every registered kind in exactly one group."""
    named = {name for _label, names in _GROUPS for name in names}
    groups = [(label, [KINDS[n] for n in names if n in KINDS]) for label, names in _GROUPS]
    other = [kind for kind in _KINDS if kind.name not in named]
    if other:
        groups.append((_("Other messages"), other))
    return [(label, kinds) for label, kinds in groups if kinds]
