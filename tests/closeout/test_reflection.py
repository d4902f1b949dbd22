import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from closeout import services
from closeout.models import Reflection
from programmes.models import Cohort
from tests.closeout.conftest import set_state
from tests.conftest import login


def url(pairing):
    return reverse("closeout:reflection", args=[pairing.pk])


def write(client, world, person, achieved="We cut my escalations in half", learned="Ask before assuming"):
    login(client, person.user)
    return client.post(url(world.pair), {"achieved": achieved, "learned": learned})


@pytest.fixture
def concluding(frozen):
    set_state(frozen.cohort, Cohort.State.CONCLUDING)
    return frozen


def test_mentee_writes_a_reflection_when_the_cohort_is_concluding(client, concluding):
    response = write(client, concluding, concluding.mentee)
    assert response.status_code == 302
    reflection = Reflection.objects.get(pairing=concluding.pair)
    assert (reflection.person, reflection.achieved, reflection.learned) == (
        concluding.mentee,
        "We cut my escalations in half",
        "Ask before assuming",
    )


def test_a_reflection_is_edited_not_duplicated(client, concluding):
    write(client, concluding, concluding.mentee)
    write(client, concluding, concluding.mentee, learned="Changed my mind")
    assert (
        Reflection.objects.get(pairing=concluding.pair, person=concluding.mentee).learned == "Changed my mind"
    )
    assert Reflection.objects.count() == 1


def test_both_fields_are_required_and_typed_text_is_kept(client, concluding):
    response = write(client, concluding, concluding.mentee, achieved="Kept words", learned="")
    assert response.status_code == 200
    assert "Kept words" in response.text
    assert not Reflection.objects.exists()


def test_the_other_sides_reflection_shows_only_after_both_have_written(client, concluding):
    write(client, concluding, concluding.mentor, achieved="MENTOR ACHIEVED", learned="MENTOR LEARNED")
    login(client, concluding.mentee.user)
    before = client.get(url(concluding.pair))
    assert "MENTOR ACHIEVED" not in before.text
    assert "once you have both written yours" in before.text
    write(client, concluding, concluding.mentee)
    after = client.get(url(concluding.pair))
    assert "MENTOR ACHIEVED" in after.text and "MENTOR LEARNED" in after.text
    # and the mentor now sees the mentee's
    login(client, concluding.mentor.user)
    assert "We cut my escalations in half" in client.get(url(concluding.pair)).text


def test_reflection_is_open_once_the_pairing_has_ended_in_an_active_cohort(client, frozen):
    services.pairing_end_early(pairing=frozen.pair, reason="Left the company", by=frozen.admin)
    assert write(client, frozen, frozen.mentee).status_code == 302
    assert Reflection.objects.filter(pairing=frozen.pair).exists()


def test_reflection_is_refused_while_the_pairing_is_active_in_an_active_cohort(client, frozen):
    response = write(client, frozen, frozen.mentee)
    assert response.status_code == 200
    assert "Reflections open when the cohort is concluding" in response.text
    assert not Reflection.objects.exists()
    with pytest.raises(ValidationError, match="Reflections open"):
        services.reflection_save(pairing=frozen.pair, person=frozen.mentee, achieved="a", learned="b")


def test_someone_outside_the_pairing_cannot_reflect_on_it_through_the_service(concluding):
    with pytest.raises(ValidationError, match="Only the two people"):
        services.reflection_save(
            pairing=concluding.pair, person=concluding.mentee2, achieved="a", learned="b"
        )


def test_reflection_cannot_be_written_or_changed_after_the_cohort_closes(client, concluding):
    write(client, concluding, concluding.mentee)
    set_state(concluding.cohort, Cohort.State.CLOSED)
    response = write(client, concluding, concluding.mentee, achieved="LATE EDIT")
    assert response.status_code == 200
    assert "This cohort is closed" in response.text
    assert "We cut my escalations in half" in response.text  # still readable
    assert Reflection.objects.get().achieved == "We cut my escalations in half"
    assert write(client, concluding, concluding.mentor).status_code == 200
    assert Reflection.objects.count() == 1
    with pytest.raises(ValidationError, match="closed"):
        services.reflection_save(pairing=concluding.pair, person=concluding.mentor, achieved="a", learned="b")
