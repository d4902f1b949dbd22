import pytest
from django.core.exceptions import ValidationError

from programmes.models import Programme
from training import defaults, services
from training.models import Completion, TrainingModule

QUIZ = "Giving feedback: situation, behaviour, impact"  # three questions, answers 1, 2, 0
CHECKLIST = "Active listening"  # three checklist items, no questions


def test_every_new_programme_gets_the_default_modules_none_required(db):
    programme = Programme.objects.create(name="Tier 2 mentoring")
    modules = list(programme.training_modules.order_by("position"))
    assert [m.title for m in modules] == [m["title"] for m in defaults.MODULES]
    assert {m.requirement for m in modules} == {TrainingModule.Requirement.NONE}
    assert {m.audience for m in modules} == {"mentor", "mentee", "both"}
    for m in modules:
        m.full_clean()  # the defaults pass the model's own checks
        assert 300 <= len(m.body.split()) <= 600, m.title
        assert m.checklist or 2 <= len(m.questions) <= 4, m.title


def test_defaults_install_again_adds_nothing_and_keeps_an_admins_edit(world, modules):
    module = modules[CHECKLIST]
    module.summary = "Our own summary"
    module.save()
    services.defaults_install(programme=world.cohort.programme)
    assert TrainingModule.objects.filter(programme=world.cohort.programme).count() == len(defaults.MODULES)
    module.refresh_from_db()
    assert module.summary == "Our own summary"


def test_completion_is_recorded_once_however_often_it_is_submitted(world, modules):
    module = modules[CHECKLIST]
    first = services.module_complete(module=module, person=world.mentor, ticked=[0, 1, 2])
    again = services.module_complete(module=module, person=world.mentor, ticked=[0, 1, 2])
    assert first.pk == again.pk
    assert Completion.objects.filter(module=module, person=world.mentor).count() == 1


def test_a_checklist_must_be_ticked_whole(world, modules):
    with pytest.raises(ValidationError) as refused:
        services.module_complete(module=modules[CHECKLIST], person=world.mentor, ticked=[0, 2])
    assert "checklist" in refused.value.message_dict
    assert not Completion.objects.exists()


def test_wrong_answers_are_named_and_nothing_is_recorded(world, modules):
    module = modules[QUIZ]
    with pytest.raises(ValidationError) as refused:
        services.module_complete(module=module, person=world.mentor, answers={0: 1, 1: 0, 2: None})
    assert set(refused.value.message_dict) == {"1", "2"}  # question 2 wrong, question 3 unanswered
    assert "Not quite" in refused.value.message_dict["1"][0]
    assert not Completion.objects.exists()
    services.module_complete(module=module, person=world.mentor, answers={0: 1, 1: 2, 2: 0})
    assert Completion.objects.filter(module=module, person=world.mentor).exists()


def test_a_new_module_goes_last_and_moves_swap_neighbours(world, modules):
    programme = world.cohort.programme
    added = services.module_save(
        module=TrainingModule(
            programme=programme, title="Our macros", summary="Which macro when", body="Text"
        )
    )
    order = list(programme.training_modules.order_by("position").values_list("title", flat=True))
    assert order[-1] == "Our macros"
    services.module_move(module=added, up=True)
    order_after = list(programme.training_modules.order_by("position").values_list("title", flat=True))
    assert order_after == [*order[:-2], "Our macros", order[-2]]
    # The first module cannot move further up: nothing changes.
    first = programme.training_modules.order_by("position").first()
    services.module_move(module=first, up=True)
    assert programme.training_modules.order_by("position").first() == first


def test_a_module_with_a_bad_link_is_refused(world):
    module = TrainingModule(
        programme=world.cohort.programme,
        title="Links",
        summary="s",
        body="b",
        links=[{"label": "x", "url": "javascript:alert(1)"}],
    )
    with pytest.raises(ValidationError) as refused:
        services.module_save(module=module)
    assert "links" in refused.value.message_dict


def test_removing_a_module_removes_its_completions(world, modules):
    module = modules[CHECKLIST]
    services.module_complete(module=module, person=world.mentor, ticked=[0, 1, 2])
    services.module_delete(module=module)
    assert not Completion.objects.exists()
