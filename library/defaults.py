"""Content written by us for every programme: the session guides' prompts (used until a programme
writes its own, so every programme has them from the start) and the starter resources (added to
each new programme when it is created, and to programmes that existed before by migration 0002).

Plain data: the data migration reads it too, so it imports nothing from the app."""

from django.utils.translation import gettext_lazy as _

# Conversation prompts by stage (the keys of library.stages.Stage).
GUIDE_PROMPTS = {
    "first": [
        _("What made each of you sign up, and what would make these months worth it?"),
        _("Walk through a ticket from this week that went well, and one that didn't."),
        _("Which shifts do you each work, and when is a good time to meet or message?"),
        _("Agree how you'll talk between sessions (chat, email) and how quickly to expect a reply."),
        _("What stays between the two of you? Agree what confidentiality means here."),
        _("Pick one or two goals to write together before the next session."),
        _("Plan the next session now: date, length and what to bring (a ticket, a question)."),
    ],
    "regular": [
        _("What happened to last session's action items? What got in the way?"),
        _("Bring one ticket that was hard: read it together and say what you would write next."),
        _("Look at a recent CSAT comment, good or bad: what made the customer feel that way?"),
        _("Shadow a few live tickets (or replay some): where did the mentee hesitate, and why?"),
        _("How did the last shift handover go? What would make the next one easier?"),
        _("Check one goal's progress: is it still the right goal, and is it on track?"),
        _("Agree one or two action items, with an owner and a date."),
    ],
    "midpoint": [
        _("Halfway through: what has changed in how the mentee works since the start?"),
        _("Review the goals: which are on track, which need a new target, which to drop?"),
        _("Compare a ticket from the first weeks with one from this week: what is different?"),
        _("What in the queue still feels hard (an escalation type, a product area, a tool)?"),
        _("Is the rhythm right? Meet more often, less often, or differently (shadowing, reviews)?"),
        _("What does the mentee want from the second half? Write it down together."),
    ],
    "closing": [
        _("Look back at the goals you wrote in the first session: what was achieved?"),
        _("Which habit, phrase or check will the mentee keep using on tickets?"),
        _("Read a few CSAT comments from the last weeks: what do they say about progress?"),
        _("What would the mentee still like to learn, and who else could help with it?"),
        _("What did the mentor learn from these sessions?"),
        _("Agree how you'll stay in touch, if you want to, once the programme ends."),
        _("Thank each other: say one thing the other did that made a difference."),
    ],
}

# Starter resources: (topic key, title, link or "", note, audience). Links only to stable public
# pages; most are notes a support team can use as they are.
STARTER_RESOURCES = [
    (
        "de-escalation",
        "Acknowledge, then act",
        "",
        "With an upset customer, first say what you understood happened and how it affects them, in "
        "their words; then say what you will do and by when. Apologise for the experience, not with "
        "blame. Avoid 'calm down', 'policy' and 'unfortunately' in the first reply.",
        "both",
    ),
    (
        "de-escalation",
        "When to hand a ticket over",
        "",
        "Hand over when the customer asks twice for someone else, when you are going round in circles "
        "after three replies, or when it needs a decision you cannot make. Write the handover note so "
        "the next person never asks the customer to repeat themselves.",
        "mentees",
    ),
    (
        "product-knowledge",
        "Learn the product through the queue",
        "",
        "Each week, pick the three most frequent ticket tags and reproduce one issue from each in a "
        "test account. Write down what the customer saw, what caused it, and where the answer lives "
        "in the help centre.",
        "both",
    ),
    (
        "product-knowledge",
        "Keep a personal 'how it works' page",
        "",
        "A running page of things you had to ask about: features, limits, known bugs and their "
        "workarounds. Review it with your mentor once a month and move the good parts into the team's "
        "knowledge base.",
        "mentees",
    ),
    (
        "tooling",
        "Macros are a start, not a reply",
        "",
        "Use saved replies for structure, then change the first and last lines for this customer. Check "
        "every placeholder before sending. Suggest a new macro when you write the same answer three "
        "times in a week.",
        "both",
    ),
    (
        "tooling",
        "Search the queue like a detective",
        "",
        "Before replying, search for the customer's previous tickets and for the same error in other "
        "tickets this week: linked tickets often hold the answer, and a spike may be an incident.",
        "both",
    ),
    (
        "ticket-triage",
        "Triage in two questions",
        "",
        "How many customers does this affect, and how blocked are they? The answers set the priority. "
        "Tag it so the right team finds it, and reply with a first answer even when the fix will take "
        "time.",
        "both",
    ),
    (
        "ticket-triage",
        "Spotting an incident early",
        "",
        "Three tickets about the same symptom within an hour is a pattern: tell the shift lead, link the "
        "tickets, and use one holding reply until the cause is known.",
        "mentees",
    ),
    (
        "written-tone",
        "Plain language",
        "https://en.wikipedia.org/wiki/Plain_language",
        "Short sentences, common words, one idea per paragraph, the answer first. Read your reply aloud "
        "before sending it.",
        "both",
    ),
    (
        "written-tone",
        "Match the customer, stay yourself",
        "",
        "Mirror the customer's level of formality, never their frustration. Use their name, avoid "
        "internal jargon, and end with what happens next.",
        "both",
    ),
    (
        "leadership",
        "Active listening",
        "https://en.wikipedia.org/wiki/Active_listening",
        "Let the other person finish, say back what you heard, ask before advising. Works with "
        "customers, mentees and colleagues alike.",
        "mentors",
    ),
    (
        "leadership",
        "Leading a shift handover",
        "",
        "Open tickets at risk, customers waiting on us, incidents in progress, and anything promised "
        "by a time: in that order, in writing, before the shift ends.",
        "both",
    ),
]
