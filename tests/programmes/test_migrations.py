"""Moving Invitation, Reflection and SurveyResponse out of programmes keeps every row.

The database is taken back to the schema before the move, rows are written through the historical
models of that schema, and migrating forward must show the same rows through the models' new homes.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from closeout.models import Reflection, SurveyResponse
from enrolment.models import Invitation

BEFORE_THE_MOVE = [("programmes", "0004_matching_engine")]


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _rows_at_the_previous_schema(apps):
    User = apps.get_model("auth", "User")
    Person = apps.get_model("people", "Person")
    Programme = apps.get_model("programmes", "Programme")
    Cohort = apps.get_model("programmes", "Cohort")
    Enrolment = apps.get_model("programmes", "Enrolment")
    MatchRun = apps.get_model("matching", "MatchRun")
    Pairing = apps.get_model("matching", "Pairing")

    admin = User.objects.create(username="old-admin")
    mentor = Person.objects.create(full_name="Ada Mentor", hire_date=datetime.date(2020, 1, 1))
    mentee = Person.objects.create(full_name="Bo Mentee", hire_date=datetime.date(2025, 1, 1))
    cohort = Cohort.objects.create(
        programme=Programme.objects.create(name="Onboarding"),
        name="Spring",
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 9, 1),
        state="closed",
    )
    as_mentor = Enrolment.objects.create(cohort=cohort, person=mentor, role="mentor", capacity=2)
    as_mentee = Enrolment.objects.create(cohort=cohort, person=mentee, role="mentee")
    pairing = Pairing.objects.create(
        cohort=cohort,
        match_run=MatchRun.objects.create(cohort=cohort),
        mentor=as_mentor,
        mentee=as_mentee,
        score=0.8,
    )
    invitations = [
        apps.get_model("programmes", "Invitation").objects.create(
            cohort=cohort, email=email, role="mentee", person=person, invited_by=admin
        )
        for email, person in [("bo@example.com", mentee), ("cy@example.com", None)]
    ]
    reflections = [
        apps.get_model("programmes", "Reflection").objects.create(
            pairing=pairing, person=person, achieved=f"{person.full_name} achieved", learned="listening"
        )
        for person in (mentor, mentee)
    ]
    response = apps.get_model("programmes", "SurveyResponse").objects.create(
        cohort=cohort, person=mentee, role="mentee", satisfaction=4, recommend=9, comment="Thanks"
    )
    return {
        "cohort": cohort.pk,
        "mentee": mentee.pk,
        "pairing": pairing.pk,
        "invitations": {i.pk: (i.email, i.person_id, i.invited_by_id) for i in invitations},
        "reflections": {r.pk: (r.person_id, r.achieved) for r in reflections},
        "response": response.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_migrating_forward_keeps_every_invitation_reflection_and_survey_response():
    executor = MigrationExecutor(connection)
    try:
        state = executor.migrate(BEFORE_THE_MOVE)
        assert {"invitation", "reflection", "surveyresponse"} <= {
            model for app, model in state.models if app == "programmes"
        }
        before = _rows_at_the_previous_schema(state.apps)
    finally:
        _migrate_to_latest()

    invitations = Invitation.objects.order_by("pk")
    assert {i.pk: (i.email, i.person_id, i.invited_by_id) for i in invitations} == before["invitations"]
    assert {i.cohort_id for i in invitations} == {before["cohort"]}
    assert {r.pk: (r.person_id, r.achieved) for r in Reflection.objects.all()} == before["reflections"]
    assert {r.pairing_id for r in Reflection.objects.all()} == {before["pairing"]}
    response = SurveyResponse.objects.get()
    assert (response.pk, response.cohort_id, response.person_id) == (
        before["response"],
        before["cohort"],
        before["mentee"],
    )
    assert (response.satisfaction, response.recommend, response.comment) == (4, 9, "Thanks")
    # The related names the rest of the code uses still reach the moved rows.
    assert Invitation.objects.get(email="cy@example.com").cohort.invitations.count() == 2
    assert response.cohort.survey_responses.count() == 1
    # New rows continue the same id sequence, after the rows that moved.
    newest = Invitation.objects.create(cohort_id=before["cohort"], email="dee@example.com", role="mentor")
    assert newest.pk > max(before["invitations"])


@pytest.mark.django_db(transaction=True)
def test_content_types_follow_the_moved_models():
    """Admin history and permissions hang on content types: the move relabels them, it adds none."""
    executor = MigrationExecutor(connection)
    try:
        state = executor.migrate(BEFORE_THE_MOVE)
        old_types = state.apps.get_model("contenttypes", "ContentType").objects
        old_types.filter(app_label__in=["enrolment", "closeout"]).delete()
        old = {
            model: old_types.get_or_create(app_label="programmes", model=model)[0].pk
            for model in ("invitation", "reflection", "surveyresponse")
        }
    finally:
        _migrate_to_latest()
    ContentType.objects.clear_cache()

    assert ContentType.objects.get_for_model(Invitation).pk == old["invitation"]
    assert ContentType.objects.get_for_model(Reflection).pk == old["reflection"]
    assert ContentType.objects.get_for_model(SurveyResponse).pk == old["surveyresponse"]
