"""Private note text and the cohort's webhook secret never enter history.

Private notes live on sessions (SessionPrivateNote), which are not tracked; the chat webhook's
address holds a token and is left out of the cohort's history. The first test fails as soon as a
tracked model gains a field that looks like either; the second follows a realistic journey and
searches every history table for the text itself.
"""

import datetime
import re

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from closeout.services import pairing_end_early
from mentorship.history import attribute
from programmes.chat import cohort_chat_webhook_set
from programmes.models import Cohort
from programmes.services import cohort_transition
from sessions.models import MentoringSession, SessionPrivateNote
from sessions.services import private_note_save
from tests.conftest import login

pytestmark = pytest.mark.django_db

# A field whose name or verbose name says any of these may hold a private note or a secret.
SUSPECT = re.compile(r"private|note|secret|token|webhook|password", re.IGNORECASE)
# Looked at and allowed: the admin's note on a mentor application, which the applicant is shown
# ("a declined applicant sees why"); not a private note.
ALLOWED = {("programmes", "historicalenrolment", "review_note")}

NOTE = "Ada is nervous about phone escalations, do not tell her manager"
NOTE_EDITED = "Ada is less nervous now; still keep this between us"
MENTOR_NOTE = "Omar thinks Ada should move teams"
SECRET = "https://hooks.slack.com/services/T0SECRET/B0SECRET/aBcDeFgHiJkLmNoPqRsTuVwX"


def history_models():
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "instance_type") and model.__name__.startswith("Historical")
    ]


def test_the_six_models_are_tracked():
    tracked = {model.instance_type._meta.label for model in history_models()}
    assert tracked == {
        "programmes.Programme",
        "programmes.Cohort",
        "programmes.Enrolment",
        "matching.Pairing",
        "matching.MatchRun",
        "people.Person",
    }


def test_no_history_field_looks_like_a_private_note_or_a_secret():
    suspects = [
        (model._meta.app_label, model._meta.model_name, field.name, str(field.verbose_name))
        for model in history_models()
        for field in model._meta.get_fields()
        if (SUSPECT.search(field.name) or SUSPECT.search(str(getattr(field, "verbose_name", ""))))
        and (model._meta.app_label, model._meta.model_name, field.name) not in ALLOWED
    ]
    assert suspects == []


def _history_text() -> str:
    """Every value of every row of every history table, as one text."""
    rows = []
    for model in history_models():
        names = [field.attname for field in model._meta.concrete_fields]
        rows.extend(repr(values) for values in model.objects.values_list(*names))
    return "\n".join(rows)


def test_private_notes_and_the_webhook_never_appear_in_history_after_a_journey(client, world):
    admin, cohort, pair = world.admin, world.cohort, world.pair
    # The admin sets the cohort's Slack channel (a save: history is written), and a setting.
    cohort_chat_webhook_set(cohort=cohort, url=SECRET)
    cohort.refresh_from_db()
    assert cohort.chat_webhook_url == SECRET
    cohort.cadence_days = 7
    attribute(cohort, by=admin)
    cohort.save()

    with time_machine.travel(datetime.datetime(2026, 10, 31, 12, tzinfo=datetime.UTC), tick=False):
        # The mentee logs a session with a private note, through the page (the request's user is
        # the one history would name).
        login(client, world.mentee.user)
        logged = client.post(
            reverse("mentoring_sessions:session-create", args=[pair.pk]),
            {
                "held_on": "2026-10-30",
                "duration_minutes": 45,
                "format": "video",
                "topics": ["de-escalation"],
                "notes": "Reviewed two refund tickets",
                "private_notes": NOTE,
                "rating": "5",
                "items-TOTAL_FORMS": "0",
                "items-INITIAL_FORMS": "0",
            },
        )
        assert logged.status_code == 302
        session = MentoringSession.objects.get(pairing=pair)
        # She edits her note; the mentor writes his own.
        private_note_save(session=session, by=world.mentee, text=NOTE_EDITED)
        private_note_save(session=session, by=world.mentor, text=MENTOR_NOTE)
        assert SessionPrivateNote.objects.filter(session=session).count() == 2

        # The people change (a person edit), the pairing ends early, the cohort closes.
        world.mentee.full_name = "Ada Mentee-Smith"
        world.mentee.save()
        pairing_end_early(pairing=pair, reason="Mentor moved to another site", by=admin)
        cohort.refresh_from_db()
        cohort_transition(cohort=cohort, to=Cohort.State.CONCLUDING, by=admin)
        cohort_transition(cohort=cohort, to=Cohort.State.CLOSED, by=admin)

    text = _history_text()
    # The journey did write history (so the search below searched something).
    assert "Ada Mentee-Smith" in text and "Mentor moved to another site" in text and "closed" in text
    assert "Chat webhook set." in text
    for private in (
        NOTE,
        NOTE_EDITED,
        MENTOR_NOTE,
        "nervous",
        SECRET,
        "T0SECRET",
        "aBcDeFgHiJkLmNoPqRsTuVwX",
    ):
        assert private not in text
