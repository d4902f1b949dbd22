"""`held`: hand-made data of every kind around the world's first pair (Omar mentors Ada), with
words that say whose they are, so a test can look for them in an export or after an erasure."""

import datetime
import types

import pytest
from django.utils import timezone

from agreements.models import Agreement, Signature
from closeout.models import Reflection, SurveyResponse, Thanks
from enrolment.models import Invitation
from library.models import Resource, SharedResource
from notifications.models import Notification, Preferences
from outbox.models import Message
from privacy.registry import blank_sections
from sessions.models import (
    ActionItem,
    CheckIn,
    FlagResolution,
    GoalComment,
    GoalUpdate,
    Milestone,
    PairMessage,
    ScheduledSession,
    SessionPrivateNote,
)
from tests.dashboards.conftest import _figures_worked_out_every_time, answers, org  # noqa: F401
from tests.factories import GoalFactory, SessionFactory
from training.models import Completion, TrainingModule


def sections(words: str) -> list[dict]:
    return [{**section, "text": f"{words} {section['key']}"} for section in blank_sections()]


@pytest.fixture
def held(world):
    pair, mentor, mentee = world.pair, world.mentor, world.mentee
    now = timezone.now()
    session = SessionFactory(
        pairing=pair,
        logged_by=mentee,
        notes="=HYPERLINK(shared notes of Ada and Omar)",
        rating=4,
        rating_comment="Ada's rating words",
        partner_rating=5,
        partner_comment="Omar's rating words",
    )
    ada_note = SessionPrivateNote.objects.create(session=session, author=mentee, text="Ada's private note")
    omar_note = SessionPrivateNote.objects.create(session=session, author=mentor, text="Omar's private note")
    ScheduledSession.objects.create(
        pairing=pair, starts_at=now + datetime.timedelta(days=3), agenda="Ada's agenda", created_by=mentee
    )
    ActionItem.objects.create(pairing=pair, session=session, description="Ada's to-do", owner=mentee)
    goal = GoalFactory(pairing=pair, specific="Ada's goal", achievable="Ada's plan", created_by=mentee)
    GoalUpdate.objects.create(goal=goal, value=85, note="Ada's progress note", created_by=mentee)
    Milestone.objects.create(goal=goal, title="Ada's milestone")
    GoalComment.objects.create(goal=goal, author=mentor, text="Omar's goal comment")
    GoalComment.objects.create(goal=goal, author=mentee, text="Ada's goal comment")
    checkin = CheckIn.objects.create(
        pairing=pair, person=mentee, satisfaction=2, blockers="Ada's blocker", comment="Ada's pulse comment"
    )
    FlagResolution.objects.create(checkin=checkin, resolved_by=world.admin, note="Admin's note on Ada")
    PairMessage.objects.create(pairing=pair, author=mentee, body="Ada writes to Omar")
    PairMessage.objects.create(pairing=pair, author=mentor, body="Omar writes to Ada")
    PairMessage.objects.create(pairing=world.pair2, author=world.mentee2, body="Bo writes to Lin")
    agreement = Agreement.objects.create(
        pairing=pair, sections=sections("Ada and Omar agree"), updated_by=mentee
    )
    Signature.objects.create(
        agreement=agreement, version=1, role="mentee", person=mentee, sections=sections("Ada signed")
    )
    resource = Resource.objects.create(programme=world.cohort.programme, topic="tooling", title="Macros 101")
    SharedResource.objects.create(pairing=pair, resource=resource, shared_by=mentor, note="Omar's share note")
    module = TrainingModule.objects.create(
        programme=world.cohort.programme, title="Listening", summary="Listen", body="Listen well."
    )
    Completion.objects.create(module=module, person=mentee)
    Reflection.objects.create(pairing=pair, person=mentee, achieved="Ada achieved", learned="Ada learned")
    Reflection.objects.create(pairing=pair, person=mentor, achieved="Omar achieved", learned="Omar learned")
    SurveyResponse.objects.create(
        cohort=world.cohort, person=mentee, role="mentee", satisfaction=4, recommend=9, comment="Ada's survey"
    )
    Thanks.objects.create(pairing=pair, body="Ada thanks Omar")
    Notification.objects.create(person=mentee, kind="session_scheduled", key="n:ada", title="For Ada")
    Notification.objects.create(
        person=mentor,
        actor=mentee,
        kind="session_scheduled",
        key="n:omar",
        title="Ada Mentee planned a session",
    )
    Preferences.objects.create(person=mentee, muted_kinds=["pulse"])
    Message.objects.create(key="m:pending", kind="x", to=mentee.email, subject="To Ada", text="Hello Ada")
    Message.objects.create(
        key="m:sent", kind="x", to=mentee.email, subject="To Ada", text="Hi", status="sent", sent_at=now
    )
    Message.objects.create(key="m:omar", kind="x", to=mentor.email, subject="To Omar", text="Hello Omar")
    Invitation.objects.create(cohort=world.cohort, email=mentee.email, role="mentee", person=mentee)
    enrolment = pair.mentee
    enrolment.motivation = "Ada's motivation"
    enrolment.availability = "Ada's mornings"
    enrolment.save()
    return types.SimpleNamespace(
        world=world, session=session, goal=goal, ada_note=ada_note, omar_note=omar_note, checkin=checkin
    )
