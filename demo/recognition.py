"""Demo data for recognition and pair messages (issue 11): thanks in the closed cohort, a past
pairing of the demo mentor there (so their contribution page spans two cohorts and shows thanks),
and a short conversation between the demo mentor and the demo mentee.

Set-based: one bulk insert per table, whatever the size of the demo.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from closeout.models import Thanks
from matching.models import MatchRun, Pairing
from people.models import Person
from programmes.models import Cohort, Enrolment
from sessions.models import Goal, MentoringSession, PairMessage

# Our own words: what mentees in support teams thank their mentors for.
THANKS_WORDS = (
    "Thank you for every Thursday. I stopped dreading billing escalations because you showed me how "
    "to slow down and restate the problem first.",
    "You never made me feel silly for asking. The refund macros we wrote together still save me an "
    "hour a week.",
    "Thanks for shadowing those first phone calls with me and for the honest feedback afterwards. "
    "It made all the difference.",
    "I learned more about our product from your ticket reviews than from any training. Thank you for "
    "your patience.",
    "Thank you for pushing me to own my action items. My first-response time is under target because of it.",
)
CONVERSATION = (
    (
        "mentee",
        50,
        "Hi! Could we look at the chargeback ticket from Monday on Thursday? I'm not sure "
        "my reply was right.",
    ),
    ("mentor", 46, "Of course. Send me the ticket number and I'll read it before we meet."),
    ("mentee", 45, "It's #58213. Thanks!"),
    ("mentor", 3, "Read it: your reply was fine, we'll just tighten the second paragraph. See you Thursday."),
)
# Share of the closed cohort's pairings whose mentee thanked their mentor.
THANKED_EVERY = 3  # two pairings in three


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def seed_recognition(*, programme_name: str, users: dict) -> dict:
    cohort = Cohort.objects.filter(programme__name=programme_name, state=Cohort.State.CLOSED).first()
    mentor = Person.objects.get(user=users["mentor"])
    mentee = Person.objects.get(user=users["mentee"])
    thanks = []
    if cohort is not None:
        past = _past_pairing(cohort, mentor)
        past_pk = past.pk if past else None
        pairings = list(
            Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ENDED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        thanks = [
            Thanks(
                pairing_id=pk,
                body=THANKS_WORDS[i % len(THANKS_WORDS)],
                created_at=_at(cohort.ends_on - datetime.timedelta(days=4), 10),
                updated_at=_at(cohort.ends_on - datetime.timedelta(days=4), 10),
            )
            for i, pk in enumerate(pairings)
            if i % THANKED_EVERY != 0 or pk == past_pk
        ]
        Thanks.objects.bulk_create(thanks)
    return {"thanks": len(thanks), "pair_messages": _conversation(mentor, mentee)}


def _past_pairing(cohort: Cohort, mentor: Person) -> Pairing | None:
    """The demo mentor also mentored someone in the closed cohort, to completion: a few sessions
    and a goal achieved (None when nobody is left to have been their mentee)."""
    enrolled = Enrolment.objects.filter(cohort=cohort).values("person_id")
    mentee = (
        Person.objects.filter(
            leave_date__isnull=True,
            user__isnull=True,
            hire_date__lte=cohort.starts_on - datetime.timedelta(days=14),
            hire_date__gte=cohort.starts_on - datetime.timedelta(days=420),
        )
        .exclude(pk__in=enrolled)
        .exclude(pk=mentor.pk)
        .order_by("pk")
        .first()
    )
    run = MatchRun.objects.filter(cohort=cohort, status=MatchRun.Status.PUBLISHED).order_by("pk").first()
    if mentee is None or run is None:
        return None
    mentor_enrolment = Enrolment.objects.create(
        cohort=cohort,
        person=mentor,
        role=Enrolment.Role.MENTOR,
        capacity=1,
        enrolled_at=_at(cohort.starts_on, 9),
    )
    mentee_enrolment = Enrolment.objects.create(
        cohort=cohort,
        person=mentee,
        role=Enrolment.Role.MENTEE,
        goals="Handle billing escalations without handing them on",
        enrolled_at=_at(cohort.starts_on, 9),
    )
    started = cohort.starts_on + datetime.timedelta(days=7)
    pairing = Pairing.objects.create(
        cohort=cohort,
        match_run=run,
        mentor=mentor_enrolment,
        mentee=mentee_enrolment,
        score=81.0,
        explanation=["Both prefer written communication", "Covers 2 of 2 goal areas"],
        status=Pairing.Status.ENDED,
        outcome=Pairing.Outcome.COMPLETED,
        started_on=started,
        ended_on=cohort.ends_on,
    )
    MentoringSession.objects.bulk_create(
        MentoringSession(
            pairing=pairing,
            held_on=started + datetime.timedelta(days=21 * n),
            duration_minutes=45,
            format=MentoringSession.Format.VIDEO,
            topics=["billing"],
            notes="Went through two billing escalations and the reply we would send now.",
            rating=5,
            logged_by=mentee,
            logged_at=_at(started + datetime.timedelta(days=21 * n), 16),
        )
        for n in range(6)
    )
    Goal.objects.create(
        pairing=pairing,
        specific="Resolve billing escalations without handing them to tier 2",
        metric="Escalations handed on per month",
        baseline=Decimal(8),
        target=Decimal(2),
        due_on=cohort.ends_on - datetime.timedelta(days=14),
        status=Goal.Status.ACHIEVED,
        achieved_at=_at(cohort.ends_on - datetime.timedelta(days=30), 12),
        created_by=mentee,
        created_at=_at(started + datetime.timedelta(days=5), 14),
    )
    return pairing


def _conversation(mentor: Person, mentee: Person) -> int:
    pairing = Pairing.objects.filter(
        mentor__person=mentor, mentee__person=mentee, status=Pairing.Status.ACTIVE
    ).first()
    if pairing is None:
        return 0
    now = timezone.now()
    authors = {"mentor": mentor, "mentee": mentee}
    messages = []
    for who, hours_ago, body in CONVERSATION:
        sent = now - datetime.timedelta(hours=hours_ago)
        # The mentor's last message is still unread: the demo mentee sees it marked new.
        read = None if hours_ago < 12 else sent + datetime.timedelta(hours=1)
        messages.append(
            PairMessage(pairing=pairing, author=authors[who], body=body, created_at=sent, read_at=read)
        )
    PairMessage.objects.bulk_create(messages)
    return len(messages)
