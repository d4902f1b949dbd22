import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from programmes.models import Cohort, Enrolment, Programme
from tests.conftest import login
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory
from training.models import Completion, TrainingModule

from .conftest import require

QUIZ = "Giving feedback: situation, behaviour, impact"
CHECKLIST = "Active listening"
MENTEE_MODULE = "Being a mentee: preparing, asking, owning actions"


def test_my_training_lists_the_modules_for_my_role(client, world, modules):
    login(client, world.mentee.user)
    response = client.get(reverse("training:mine"))
    assert response.status_code == 200
    html = response.content.decode()
    assert MENTEE_MODULE in html and CHECKLIST in html
    assert QUIZ not in html  # a mentor module


def test_my_training_says_what_to_do_when_there_is_none(client, world):
    login(client, world.outsider.user)
    response = client.get(reverse("training:mine"))
    assert "No training for you yet" in response.content.decode()


def test_required_modules_are_marked_with_what_they_block(client, world, modules):
    require(modules[MENTEE_MODULE], TrainingModule.Requirement.BEFORE_FIRST_SESSION)
    login(client, world.mentee.user)
    html = client.get(reverse("training:mine")).content.decode()
    assert "Required before the first session" in html
    assert "1 required module is still to do." in html


@pytest.mark.parametrize("extra_programmes", [0, 3])
def test_my_training_runs_a_fixed_number_of_queries(
    client, world, modules, django_assert_num_queries, extra_programmes
):
    for n in range(extra_programmes):
        cohort = CohortFactory(programme=Programme.objects.create(name=f"Other {n}"))
        EnrolmentFactory(cohort=cohort, person=world.mentor, role=Enrolment.Role.MENTOR)
    Completion.objects.create(module=modules[QUIZ], person=world.mentor)
    login(client, world.mentor.user)
    client.get(reverse("training:mine"))  # the session and the user are loaded once
    # the user with their person and roles, their session, enrolments, modules
    with django_assert_num_queries(3):
        response = client.get(reverse("training:mine"))
    assert response.status_code == 200


def test_a_person_outside_the_programme_cannot_open_its_modules(client, world, modules):
    login(client, world.outsider.user)
    assert client.get(reverse("training:module", args=[modules[CHECKLIST].pk])).status_code == 404
    login(client, world.mentee.user)
    # A mentee cannot open a mentor-only module either.
    assert client.get(reverse("training:module", args=[modules[QUIZ].pk])).status_code == 404
    assert client.get(reverse("training:module", args=[modules[CHECKLIST].pk])).status_code == 200


def test_a_wrong_answer_says_which_and_keeps_what_was_chosen(client, world, modules):
    module = modules[QUIZ]
    login(client, world.mentor.user)
    url = reverse("training:module", args=[module.pk])
    response = client.post(url, {"q0": "1", "q1": "0", "q2": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Not quite") == 1
    assert re.search(r'<input type="radio" name="q1" value="0"[^>]* checked>', html)
    assert not Completion.objects.exists()
    response = client.post(url, {"q0": "1", "q1": "2", "q2": "0"})
    assert response.status_code == 302
    assert Completion.objects.filter(module=module, person=world.mentor).count() == 1
    # Posting again records nothing new.
    client.post(url, {"q0": "1", "q1": "2", "q2": "0"})
    assert Completion.objects.filter(module=module, person=world.mentor).count() == 1


@pytest.mark.parametrize("username", ["mentor", "mentee", "manager", "outsider"])
def test_only_programme_admins_reach_the_training_admin_pages(client, world, modules, username):
    login(client, User.objects.get(username=username))
    module = modules[CHECKLIST]
    programme = world.cohort.programme
    for url in [
        reverse("training:programme-modules", args=[programme.pk]),
        reverse("training:module-create", args=[programme.pk]),
        reverse("training:module-edit", args=[module.pk]),
        reverse("training:module-delete", args=[module.pk]),
        reverse("training:cohort-completion", args=[world.cohort.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("training:module-move", args=[module.pk, "up"])).status_code == 403
    assert client.post(reverse("training:module-delete", args=[module.pk])).status_code == 403
    assert TrainingModule.objects.filter(pk=module.pk).exists()


def test_an_admin_adds_edits_and_removes_a_module(client, world):
    login(client, world.admin)
    programme = world.cohort.programme
    response = client.post(
        reverse("training:module-create", args=[programme.pk]),
        {
            "title": "Our escalation path",
            "audience": "mentee",
            "requirement": "matching",
            "summary": "Who to ask, when.",
            "body": "First paragraph.\n\nSecond <b>paragraph</b>.",
            "links_text": "Escalation policy | https://example.com/policy",
            "checklist_text": "I know who is on call\nI know the severity levels",
            "questions_text": "Who takes a P1?\n- The next agent\n* The on-call engineer",
        },
    )
    assert response.status_code == 302
    module = programme.training_modules.get(title="Our escalation path")
    assert module.links == [{"label": "Escalation policy", "url": "https://example.com/policy"}]
    assert module.checklist == ["I know who is on call", "I know the severity levels"]
    assert module.questions == [
        {"text": "Who takes a P1?", "choices": ["The next agent", "The on-call engineer"], "answer": 1}
    ]
    assert module.position == programme.training_modules.count()
    # The body is shown as text in paragraphs: the admin's HTML is escaped.
    html = client.get(reverse("training:module", args=[module.pk])).content.decode()
    assert "<p>Second &lt;b&gt;paragraph&lt;/b&gt;.</p>" in html
    edit = client.get(reverse("training:module-edit", args=[module.pk])).content.decode()
    assert "* The on-call engineer" in edit
    assert client.get(reverse("training:module-delete", args=[module.pk])).status_code == 200
    client.post(reverse("training:module-delete", args=[module.pk]))
    assert not TrainingModule.objects.filter(pk=module.pk).exists()


def test_a_question_without_a_right_answer_is_refused_and_nothing_lost(client, world):
    login(client, world.admin)
    programme = world.cohort.programme
    before = programme.training_modules.count()
    response = client.post(
        reverse("training:module-create", args=[programme.pk]),
        {
            "title": "Quiz",
            "audience": "both",
            "requirement": "none",
            "summary": "s",
            "body": "b",
            "questions_text": "Which?\n- One\n- Two",
        },
    )
    assert response.status_code == 200
    assert "mark the right answer" in response.content.decode()
    assert "Which?" in response.content.decode()
    assert programme.training_modules.count() == before


def _cohort_of(size: int, world):
    """An active cohort of `size` mentors and `size` mentees in the world programme."""
    cohort = CohortFactory(programme=world.cohort.programme, state=Cohort.State.ACTIVE)
    for _ in range(size):
        EnrolmentFactory(cohort=cohort, person=PersonFactory(), role=Enrolment.Role.MENTOR)
        EnrolmentFactory(cohort=cohort, person=PersonFactory(), role=Enrolment.Role.MENTEE)
    return cohort


@pytest.mark.parametrize("size", [2, 30])
def test_the_completion_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries, size):
    cohort = _cohort_of(size, world)
    module = world.cohort.programme.training_modules.first()
    for enrolment in cohort.enrolments.all()[:size]:
        Completion.objects.create(module=module, person=enrolment.person)
    login(client, world.admin)
    url = reverse("training:cohort-completion", args=[cohort.pk])
    client.get(url)
    # the request's user, the cohort, totals per role, the count and the page of people,
    # the cohort's sizes per role, the modules' figures
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200


def test_a_second_module_of_the_same_title_is_refused_in_words(client, world):
    login(client, world.admin)
    programme = world.cohort.programme
    response = client.post(
        reverse("training:module-create", args=[programme.pk]),
        {"title": "Active listening", "audience": "both", "requirement": "none", "summary": "s", "body": "b"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert programme.training_modules.filter(title="Active listening").count() == 1


def test_a_programme_admin_previews_a_module_without_finishing_it(client, world, modules):
    login(client, world.admin)
    url = reverse("training:module", args=[modules[QUIZ].pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Mark as done" not in response.content.decode()
    assert client.post(url, {"q0": "1", "q1": "2", "q2": "0"}).status_code == 302
    assert not Completion.objects.exists()
