"""A match run leaves out people who have not finished training required before matching."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.services import match_run_create, match_run_publish
from programmes.models import Enrolment
from tests.conftest import login
from training.models import Completion, TrainingModule

from .test_services import cohort_with, enrol, reasons_of

COACHING = "Coaching questions"  # for mentors
BEING_A_MENTEE = "Being a mentee: preparing, asking, owning actions"  # for mentees
LISTENING = "Active listening"  # for both


def _required(cohort, title, requirement=TrainingModule.Requirement.BEFORE_MATCHING):
    module = TrainingModule.objects.get(programme=cohort.programme, title=title)
    module.requirement = requirement
    module.save()
    return module


def test_mentors_and_mentees_without_required_training_are_left_out(admin_user):
    cohort = cohort_with()
    trained_mentor = enrol(cohort, Enrolment.Role.MENTOR, full_name="Trained Mentor")
    enrol(cohort, Enrolment.Role.MENTOR, full_name="Untrained Mentor")
    trained = enrol(cohort, Enrolment.Role.MENTEE, full_name="Trained Mentee")
    enrol(cohort, Enrolment.Role.MENTEE, full_name="Untrained Mentee")
    coaching = _required(cohort, COACHING)
    listening = _required(cohort, LISTENING)
    _required(cohort, BEING_A_MENTEE, TrainingModule.Requirement.BEFORE_FIRST_SESSION)  # not at this stage
    for person, module in [
        (trained_mentor.person, coaching),
        (trained_mentor.person, listening),
        (trained.person, listening),
    ]:
        Completion.objects.create(module=module, person=person)

    run = match_run_create(cohort=cohort, by=admin_user)

    pairs = {(p.mentee.person.full_name, p.mentor.person.full_name) for p in run.pairings.all()}
    assert pairs == {("Trained Mentee", "Trained Mentor")}
    assert reasons_of(run) == {
        "Untrained Mentee": "Has not finished the training required before matching: Active listening"
    }
    assert run.quality["left_out_training"] == 2
    assert run.quality["left_out_people"] == [
        {"name": "Untrained Mentee", "role": "mentee"},
        {"name": "Untrained Mentor", "role": "mentor"},
    ]
    # Every mentee is accounted for, so the run publishes.
    match_run_publish(run=run, by=admin_user)


def test_a_run_with_nobody_trained_says_why(admin_user):
    cohort = cohort_with()
    enrol(cohort, Enrolment.Role.MENTOR)
    enrol(cohort, Enrolment.Role.MENTEE)
    _required(cohort, COACHING)
    with pytest.raises(ValidationError, match="1 person has not finished the training required"):
        match_run_create(cohort=cohort, by=admin_user)


def test_finishing_the_training_brings_a_person_into_the_next_run(admin_user):
    cohort = cohort_with()
    mentor = enrol(cohort, Enrolment.Role.MENTOR)
    enrol(cohort, Enrolment.Role.MENTOR)
    enrol(cohort, Enrolment.Role.MENTEE)
    enrol(cohort, Enrolment.Role.MENTEE)
    coaching = _required(cohort, COACHING)
    Completion.objects.create(module=coaching, person=mentor.person)
    first = match_run_create(cohort=cohort, by=admin_user)
    assert first.quality["left_out_training"] == 1
    assert first.pairings.count() == 2  # the trained mentor takes two
    Completion.objects.create(
        module=coaching, person=cohort.enrolments.exclude(pk=mentor.pk).get(role="mentor").person
    )
    second = match_run_create(cohort=cohort, by=admin_user)
    assert "left_out_training" not in second.quality


def test_the_run_page_says_who_was_left_out_and_links_to_completion(client, admin_user):
    cohort = cohort_with()
    enrol(cohort, Enrolment.Role.MENTOR, full_name="Untrained Mentor")
    enrol(cohort, Enrolment.Role.MENTOR, full_name="Trained Mentor")
    enrol(cohort, Enrolment.Role.MENTEE)
    coaching = _required(cohort, COACHING)
    Completion.objects.create(
        module=coaching, person=cohort.enrolments.get(person__full_name="Trained Mentor").person
    )
    run = match_run_create(cohort=cohort, by=admin_user)
    login(client, admin_user)
    html = client.get(run.get_absolute_url()).content.decode()
    assert "1 person was left out: required training not finished" in html
    assert "Untrained Mentor (mentor)" in html
    assert reverse("training:cohort-completion", args=[cohort.pk]) in html
