"""Our own agreement template, written for customer-support teams.

A programme that never edited its template uses these words as they are (read here on every use,
so an improvement to them reaches every such programme); the first edit of a programme's
template stores its own copy of all sections (agreements.models.TemplateSection), and "back to
our default" deletes that copy.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SectionText:
    """One section of a template: what it is called, the question it asks the pair, and the text
    an agreement starts with."""

    key: str
    heading: str
    prompt: str
    text: str


# The order an agreement shows its sections in.
KEYS = (
    "cadence",
    "channel",
    "confidentiality",
    "mentor_expectations",
    "mentee_expectations",
    "goals_focus",
    "ending_early",
)

DEFAULT_SECTIONS = (
    SectionText(
        "cadence",
        _("When we meet"),
        _("How often, for how long, and at what time of the shift? What happens when a queue spikes?"),
        _(
            "We meet for 45 minutes, at a time outside both our peak queue hours. "
            "If the queue spikes or one of us is pulled onto an escalation, whoever has to drop says so "
            "in our chat as early as they can and proposes a new slot within the same week. "
            "When our shift patterns change (rota, nights, weekends), we agree a new slot the same week."
        ),
    ),
    SectionText(
        "channel",
        _("How we meet and talk"),
        _("Where do sessions happen, and how do you reach each other between them?"),
        _(
            "Sessions are a video call (or in person when we share an office), cameras on when we can. "
            "Between sessions we use a direct message in Slack or Teams, not the team channel; "
            "we answer within one working day, and nobody expects an answer during a busy queue. "
            "For ticket shadowing we share a screen and keep customer data on screen only."
        ),
    ),
    SectionText(
        "confidentiality",
        _("What stays between us"),
        _("What stays between the two of you, and what would the mentor raise with a manager?"),
        _(
            "What we talk about stays between us: mistakes, doubts, career plans, how a shift felt. "
            "The mentor does not report on the mentee to their manager or to QA. "
            "The exceptions, which the mentor raises with the mentee first: a risk to someone's safety or "
            "wellbeing, harassment, or a breach of policy or of customer data. "
            "Tickets we review together follow the normal data rules: no screenshots of customer details "
            "outside the helpdesk."
        ),
    ),
    SectionText(
        "mentor_expectations",
        _("What the mentee can expect from the mentor"),
        _("What will the mentor do: preparation, feedback, availability, introductions?"),
        _(
            "The mentor turns up prepared and on time, listens first, and asks questions before giving "
            "answers. Feedback is specific (the situation, what was done, its effect) and about tickets and "
            "habits, never about the person. The mentor shares how they handle difficult customers, "
            "macros and tools, and introduces the mentee to people who can help (product, tier 2, QA)."
        ),
    ),
    SectionText(
        "mentee_expectations",
        _("What the mentor can expect from the mentee"),
        _("What will the mentee do: preparation, follow-through, honesty?"),
        _(
            "The mentee sets the agenda: one or two tickets or situations to look at, sent the day before. "
            "They own their action items and say honestly when something did not work or was not done. "
            "They ask for the feedback they want, and say when a session is not useful so we can change it."
        ),
    ),
    SectionText(
        "goals_focus",
        _("What we focus on"),
        _("Which one to three things should be different by the end of the programme?"),
        _(
            "We focus on one to three goals, written as goals in the workspace so we can see progress, "
            "for example: handling angry customers calmly, getting billing or API tickets right the first "
            "time, writing clearer replies, or getting ready for a tier 2 role."
        ),
    ),
    SectionText(
        "ending_early",
        _("If it is not working"),
        _("How does either of you say that it is not working, and what happens then?"),
        _(
            "Either of us can say it is not working, without needing a reason anyone else must accept. "
            "We talk about it once first; if it still does not fit, either of us asks the programme admin "
            "to end the pairing, and the mentee is offered a new mentor. No one's manager is told why."
        ),
    ),
)

assert tuple(s.key for s in DEFAULT_SECTIONS) == KEYS
