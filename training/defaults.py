"""The training modules every programme starts with: our own words, for customer-support teams.

Loaded for each new programme by `services.defaults_install` (a post_save receiver on Programme,
`training.receivers`) and for programmes that existed before training by the data migration
`0002_default_modules`. None is required: admins choose. Plain text, a blank line between
paragraphs; lines starting with "- " read as a list.
"""

MENTOR = "mentor"
MENTEE = "mentee"
BOTH = "both"

MODULES = [
    {
        "title": "Active listening",
        "audience": BOTH,
        "summary": "Hear what the other person means, not only what they say, and show that you did.",
        "body": """\
Support agents listen for a living: to customers who are upset, confused or in a hurry. Mentoring \
asks for the same skill in a calmer room, and it is easy to let it slip. When a colleague describes \
a hard ticket, the temptation is to jump to the fix. Listening first is what makes the fix land.

Active listening has three parts. Attention: close the queue, mute chat, look at the person or the \
camera. Understanding: follow the story and the feeling under it ("the customer was rude" often \
means "I felt I had nothing left to offer"). Showing: say back what you heard, in your own words, \
before you add anything of your own.

Useful moves in a session:

- Paraphrase: "So the refund was approved, but the customer still escalated because nobody told \
them when it would arrive?"
- Name the feeling, tentatively: "It sounds like that left you a bit exposed."
- Ask for more: "What happened next?" or "Say more about that."
- Summarise at the end of a topic, so both of you agree on what was said before moving on.
- Leave silence alone for a few seconds. People often add the most important thing after a pause.

Things that stop listening:

- Planning your answer while the other person is still talking.
- Matching their story with one of your own ("that happened to me too, once...") before they have \
finished.
- Solving too early. A quick answer to the wrong problem costs a session.
- Reading tickets or messages during the conversation, even "just for a second".

Listening well does not mean agreeing. You can reflect a view accurately and still disagree with it \
later. It does mean that when you do disagree, the other person knows you understood them first, and \
that makes them far more willing to hear you.

On video or chat, listening has to be more visible. Nod, say "mm" and "right", and in chat write \
short confirmations ("got it, so the macro fired twice"). Mentors and mentees both benefit: a mentee \
who paraphrases feedback back to the mentor catches misunderstandings before they turn into the \
wrong action item.

Try it this week: in your next session, before you give any advice or ask for any, summarise what \
the other person said in one or two sentences and ask "did I get that right?". Notice how often the \
answer is "almost".
""",
        "links": [
            {
                "label": "Reflective listening (Wikipedia)",
                "url": "https://en.wikipedia.org/wiki/Reflective_listening",
            },
        ],
        "checklist": [
            "I close my queue and notifications before a session.",
            "I summarise what I heard before giving advice.",
            "I will try one paraphrase and one pause in my next session.",
        ],
        "questions": [],
    },
    {
        "title": "Giving feedback: situation, behaviour, impact",
        "audience": MENTOR,
        "summary": "A three-part way to give feedback that is specific, fair and easy to act on.",
        "body": """\
Feedback helps when the person receiving it knows exactly what happened, what it changed and what \
to do next time. Vague feedback ("your tone could be better", "great job on that ticket") leaves \
them guessing. The situation-behaviour-impact model, SBI for short, keeps feedback concrete.

Situation: when and where. Anchor the feedback to one moment: "In Tuesday's ticket review, on the \
billing dispute from the enterprise customer..."

Behaviour: what the person did, as a camera would have recorded it. Not a judgement of character \
and not a guess at their motives. "You quoted the refund policy in your first reply and linked the \
terms page" is a behaviour. "You were defensive" is an interpretation.

Impact: what the behaviour caused, for the customer, the team or you. "The customer replied that \
they felt brushed off and asked for a manager, and the ticket took two more days." Impact is where \
feedback gets its weight: it explains why it matters.

Then stop and ask. "How did it look from your side?" The mentee may know something you don't: the \
account had a history, or a team lead told them to lead with the policy. Together, agree what to \
try next time, and write it down as an action item in the session log.

SBI works just as well for positive feedback, and positive feedback is worth giving often. "In \
the chat with the locked-out user this morning (situation), you explained each step before asking \
them to do it (behaviour), and they thanked you by name in the CSAT comment (impact)." Specific \
praise tells people what to keep doing; general praise is pleasant and quickly forgotten.

Good habits:

- Give feedback soon, while both of you remember the ticket.
- One point at a time. Three SBIs in a row feel like an audit.
- Private for corrections, public (with consent) for praise.
- Look at the ticket together rather than describing it from memory.
- Check your impact statement is true and observable, not what you fear might happen.

When feedback lands badly, go back to listening: reflect the reaction, and separate what happened \
from what it means about the person. The goal is better work next week, not a verdict on this one.
""",
        "links": [],
        "checklist": [],
        "questions": [
            {
                "text": "Which of these is a behaviour, in the SBI sense?",
                "choices": [
                    "You were rude to the customer.",
                    "You closed the ticket without asking whether the fix worked.",
                    "You didn't care about the outcome.",
                ],
                "answer": 1,
            },
            {
                "text": "What should you do right after giving the impact?",
                "choices": [
                    "Move on to the next point while you have momentum.",
                    "Repeat the feedback so it sticks.",
                    "Ask how it looked from their side and agree what to try next.",
                ],
                "answer": 2,
            },
            {
                "text": "Is SBI useful for positive feedback?",
                "choices": [
                    "Yes: specific praise tells people what to keep doing.",
                    "No: praise should stay general so it does not feel like an evaluation.",
                ],
                "answer": 0,
            },
        ],
    },
    {
        "title": "Coaching questions",
        "audience": MENTOR,
        "summary": "Ask questions that help your mentee find their own answers and own them.",
        "body": """\
Experienced agents know the answers to most questions a newer colleague brings. That is exactly why \
coaching is hard: telling is faster. But a mentee who is told learns one answer; a mentee who is \
helped to think learns how to find the next one, at 4 pm on a Friday when you are not there.

Coaching questions are open (they cannot be answered with yes or no), short, and about the mentee's \
thinking rather than your own. A simple shape for a conversation, often called GROW, is: goal, \
reality, options, will.

Goal: "What do you want to get out of the next half hour?" or "What would good look like on this \
kind of ticket?"

Reality: "What have you tried so far?" "What did the customer actually ask for?" "Where did it \
start to go wrong?"

Options: "What else could you do?" "If you had no macro for this, how would you answer?" "Who in \
the team handles this kind of case well, and what do they do?"

Will: "Which of these will you try?" "When?" "How will we know it worked?" The answer becomes an \
action item with an owner and a date.

Questions that tend to work:

- "What makes this one hard for you?"
- "What do you already know about this customer or product area?"
- "What would you tell a new starter in your position?"
- "What's the smallest next step?"

Questions that tend not to:

- Leading questions that hide advice ("Don't you think you should have escalated?").
- "Why did you do that?", which sounds like blame. Try "What led you to...?" instead.
- Several questions at once. Ask one and wait.

Coaching is not a rule against ever giving advice. When the mentee lacks knowledge (a product \
detail, a policy, where a setting lives), just tell them, or better, show them where to find it. \
Coach when the gap is judgement or confidence; teach when the gap is information. And say which \
you are doing: "I'll just tell you this one, it's a policy thing."

Try it: in your next session, count how many questions you ask before giving your first piece of \
advice. Aim for at least three.
""",
        "links": [
            {"label": "GROW model (Wikipedia)", "url": "https://en.wikipedia.org/wiki/GROW_model"},
        ],
        "checklist": [],
        "questions": [
            {
                "text": "Your mentee asks where the refund override setting is. What is the best response?",
                "choices": [
                    "Ask what they think the setting might be called.",
                    "Show them where it is and how you would find it next time.",
                    "Tell them to search the knowledge base and come back.",
                ],
                "answer": 1,
            },
            {
                "text": "Which is an open coaching question?",
                "choices": [
                    "Did you check the order history?",
                    "Don't you think escalating would have been better?",
                    "What options did you see at that point?",
                ],
                "answer": 2,
            },
        ],
    },
    {
        "title": "Running a ticket review or a shadowing session",
        "audience": BOTH,
        "summary": ("Learn from real tickets: review closed ones together, or watch each other work live."),
        "body": """\
Real tickets are the best teaching material a support team has. Two formats work well in mentoring: \
the ticket review, where you read closed tickets together, and the shadowing session, where one of \
you works the queue while the other watches.

A ticket review

Before the session, the mentee picks two or three tickets from the last fortnight: one that went \
well, one that felt hard, and one they are unsure about. Put the ticket references in the session \
log so you can both open them.

For each ticket, read the thread from the customer's point of view first. What did they need, and \
when did they get it? Then read it as the agent: where were the choices? Look at tone, accuracy, \
the number of replies, and anything internal (notes, escalations, macros used).

Keep the conversation on decisions, not on blame: "At this reply you had two options, what made you \
choose this one?" End each ticket with one thing to keep and one thing to try differently, using \
the situation-behaviour-impact shape for feedback.

A shadowing session

The mentee watches the mentor work live, or the other way round. Agree the rules first: the person \
working narrates their thinking aloud ("I'm checking the plan first because..."), and the observer \
writes down questions instead of interrupting, unless the customer would be affected. Thirty to \
forty-five minutes is plenty; queue pressure makes longer sessions tiring.

When the mentor works, the mentee sees the habits that never make it into documentation: which \
tabs stay open, how to skim an account, when to pick up the phone. When the mentee works, the \
mentor sees the real workflow, not the one described in a session.

Afterwards, spend ten minutes debriefing. What surprised the observer? What would each of you do \
differently?

Practicalities

- Respect customer privacy: review inside your helpdesk, never by screenshots in personal chats.
- Agree with your team lead that shadowing time is protected time, not extra queue time.
- Log the session with the format "ticket review" or "ticket shadowing" and the ticket references.
""",
        "links": [],
        "checklist": [
            "We chose two or three tickets before the session.",
            "We agreed who narrates and who observes.",
            "We logged the session with its format and ticket references.",
        ],
        "questions": [
            {
                "text": "During a shadowing session, what does the observer do with a question?",
                "choices": [
                    "Asks it straight away, so it is not forgotten.",
                    "Writes it down and asks during the debrief, unless the customer would be affected.",
                    "Keeps it to themself.",
                ],
                "answer": 1,
            },
        ],
    },
    {
        "title": "De-escalation",
        "audience": BOTH,
        "summary": "Calm a frustrated customer without giving in on everything, and help others do it.",
        "body": """\
Most escalations do not start with the problem; they start with how the customer feels the problem \
is being handled. De-escalation is the skill of lowering the temperature first so that the problem \
can be solved.

What drives a customer up:

- Feeling unheard: being asked for information they already gave.
- Feeling stuck: no timeline, no next step, no owner.
- Feeling dismissed: policy quoted before the problem is acknowledged.

A dependable sequence, in writing or on a call:

Acknowledge. Name the situation and its cost to them, specifically. "You've been locked out since \
Monday and your team can't invoice. That is a serious problem." Avoid scripted empathy that could \
fit any ticket.

Take ownership. "I'm going to stay on this until it's resolved." Give your name, and if you must \
hand over, say to whom and when.

Say what happens next, with a time. "I've asked our billing team to reverse the charge. I'll update \
you by 3 pm today, even if I'm still waiting." A specific time you keep is worth more than a fast \
answer you can't.

Offer a choice where you can. Choices give back some control: "I can refund now, or credit your \
next invoice, whichever suits you better."

Hold the line kindly. When the answer is no, say what you can do rather than only what you can't.

For your own state: a heated customer raises your pulse too. Pause before replying, read the message \
once more for the actual request, and keep sentences short. If a customer becomes abusive, follow \
your team's policy; ending a conversation is sometimes the right call, and that is a decision for \
the team, not a personal failure.

For mentors: after a hard conversation, the first job is to debrief the person, not the ticket. Ask \
how they are, then look at the thread together. Point out what they did well before what to change. \
For mentees: bring your hardest escalation of the month to a session. Reading it again calmly, with \
someone who has seen many, is one of the fastest ways to get better at them.
""",
        "links": [],
        "checklist": [],
        "questions": [
            {
                "text": "Which reply acknowledges the customer best?",
                "choices": [
                    "I understand your frustration.",
                    "You've been locked out since Monday and can't invoice your clients; that's serious.",
                    "Per our policy, account unlocks take 48 hours.",
                ],
                "answer": 1,
            },
            {
                "text": "You are waiting on another team. What do you tell the customer?",
                "choices": [
                    "Nothing until you have an answer.",
                    "That it is out of your hands.",
                    "What you asked for, and when you will update them even if you are still waiting.",
                ],
                "answer": 2,
            },
        ],
    },
    {
        "title": "Being a mentee: preparing, asking, owning actions",
        "audience": MENTEE,
        "summary": (
            "Get the most from your mentor's time: come prepared, ask for what you need, and follow through."
        ),
        "body": """\
Your mentor has agreed to give you some of their time, often between shifts and queue targets. The \
mentees who get the most out of a programme treat that time as theirs to steer. Three habits make \
the difference: preparing, asking and owning actions.

Preparing

Spend ten minutes before each session. Look at your open action items in the workspace: what did \
you do, what got stuck? Pick one or two topics for this session and write them in the plan's agenda \
so your mentor can think ahead. Bring material: ticket references, a macro you are unsure about, a \
CSAT comment that stung. Real examples make better sessions than general questions.

Asking

Say what you need, and what kind of help: "Can you show me how you'd handle this?" is a different \
request from "Can you tell me if my answer was OK?" or "I just need to think this through out loud". \
If you don't understand something, say so in the session; it saves a week of guessing. Ask for \
feedback on something specific rather than "how am I doing?".

Also ask about the things nobody writes down: how your mentor decides when to escalate, how they \
keep their queue from getting on top of them, what they wish they had known in their first months.

Owning actions

End every session with one to three actions, each with a date, and put them in the session log with \
yourself as owner. Before the next session, tick off what you did, and be honest about what you \
didn't: "I didn't get to it because the queue was at 200" is useful information for both of you.

Your goals are yours too. If a SMART goal stops making sense, say so and change it together rather \
than letting it drift.

Finally, give your mentor feedback. Rate sessions honestly, answer the pulse check-ins, and tell \
them what helped. Mentors rarely hear what worked, and they get better from knowing it.
""",
        "links": [],
        "checklist": [
            "I have read my open action items before the session.",
            "I have added one or two topics to the next session's agenda.",
            "I will end each session with actions I own, each with a date.",
        ],
        "questions": [
            {
                "text": "Who should own the actions agreed at the end of a session?",
                "choices": [
                    "The mentor, who has more experience.",
                    "Mostly you, the mentee, each with a date.",
                    "Nobody: actions are only suggestions.",
                ],
                "answer": 1,
            },
        ],
    },
]
