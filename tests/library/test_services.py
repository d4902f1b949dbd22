"""Resources shared into a pair's workspace, the admins' curation and the session guides."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from library import selectors, services
from library.defaults import GUIDE_PROMPTS, STARTER_RESOURCES
from library.models import Resource, SessionGuide, SharedResource
from matching import stamps
from notifications.models import Notification
from outbox.models import Message
from programmes.models import Cohort
from tests.factories import ProgrammeFactory


def resource(world, **fields):
    values = {
        "programme": world.cohort.programme,
        "topic": "de-escalation",
        "title": "Calm replies",
        **fields,
    }
    return services.resource_save(resource=Resource(**values), by=None)


def test_a_new_programme_starts_with_the_starter_resources(db):
    programme = ProgrammeFactory()
    assert programme.resources.count() == len(STARTER_RESOURCES)
    assert set(programme.resources.values_list("topic", flat=True)) == {t for t, *_rest in STARTER_RESOURCES}


def test_sharing_tells_the_mentee_once_and_a_repeat_creates_nothing(world):
    item = resource(world, note="Acknowledge first.")
    shared, created = services.resource_share(
        resource=item, pairing=world.pair, by=world.mentor, note=" Try it "
    )
    again, created_again = services.resource_share(resource=item, pairing=world.pair, by=world.mentor)
    assert created and not created_again and again == shared and shared.note == "Try it"
    assert SharedResource.objects.count() == 1
    told = Notification.objects.filter(person=world.mentee, kind="resource_shared")
    assert told.count() == 1
    email = Message.objects.get(key__startswith="resource-shared")
    assert email.to == world.mentee.email
    assert "Hi Ada" in email.text and "Omar Mentor" in email.text and "Calm replies" in email.subject


def test_a_mentee_cannot_share(world):
    with pytest.raises(PermissionDenied):
        services.resource_share(resource=resource(world), pairing=world.pair, by=world.mentee)
    assert not SharedResource.objects.exists()


@pytest.mark.parametrize("audience, archived", [("mentors", False), ("both", True)])
def test_mentors_only_or_archived_resources_are_not_shared(world, audience, archived):
    item = resource(world, audience=audience)
    if archived:
        services.resource_archive(resource=item, by=None)
    with pytest.raises(ValidationError):
        services.resource_share(resource=item, pairing=world.pair, by=world.mentor)


def test_a_resource_of_another_programme_is_not_shared(world):
    other = services.resource_save(
        resource=Resource(programme=ProgrammeFactory(name="Another"), topic="tooling", title="Elsewhere"),
        by=None,
    )
    with pytest.raises(ValidationError):
        services.resource_share(resource=other, pairing=world.pair, by=world.mentor)


def test_nothing_is_shared_into_a_closed_cohort(world):
    Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CLOSED)
    world.pair.cohort.refresh_from_db()
    with pytest.raises(ValidationError):
        services.resource_share(resource=resource(world), pairing=world.pair, by=world.mentor)


def test_either_side_marks_it_read_and_only_the_mentor_unshares(world):
    shared, _ = services.resource_share(resource=resource(world), pairing=world.pair, by=world.mentor)
    services.shared_mark_done(shared=shared, by=world.mentee)
    assert shared.is_done and shared.done_by == world.mentee
    services.shared_mark_done(shared=shared, by=world.mentor, done=False)
    assert SharedResource.objects.get().done_at is None
    with pytest.raises(PermissionDenied):
        services.shared_remove(shared=shared, by=world.mentee)
    with pytest.raises(PermissionDenied):
        services.shared_mark_done(shared=shared, by=world.mentor2)
    services.shared_remove(shared=shared, by=world.mentor)
    assert not SharedResource.objects.exists()


def test_every_write_to_a_shared_resource_replaces_the_pairs_stamp(world):
    item = resource(world)
    before = stamps.stamp(world.pair.pk)
    shared, _ = services.resource_share(resource=item, pairing=world.pair, by=world.mentor)
    after_share = stamps.stamp(world.pair.pk)
    assert after_share != before
    # An admin's change to the resource shows in the workspaces it was shared into.
    item.title = "Calmer replies"
    services.resource_save(resource=item, by=None)
    after_edit = stamps.stamp(world.pair.pk)
    assert after_edit != after_share
    services.shared_mark_done(shared=shared, by=world.mentee)
    assert stamps.stamp(world.pair.pk) != after_edit


def test_removing_a_resource_removes_it_from_the_workspaces(world):
    item = resource(world)
    services.resource_share(resource=item, pairing=world.pair, by=world.mentor)
    services.resource_delete(resource=item, by=None)
    assert not SharedResource.objects.exists()


def test_a_link_must_be_a_web_address(world):
    for bad in ("javascript:alert(1)", "ftp://example.com/x", "example.com"):
        with pytest.raises(ValidationError):
            resource(world, url=bad)
    assert resource(world, url="https://example.com/guide").url == "https://example.com/guide"


def test_guides_use_ours_until_the_programme_writes_its_own_and_go_back_to_default(world):
    programme = world.cohort.programme
    assert selectors.guide_prompts(programme.pk, "first") == [str(p) for p in GUIDE_PROMPTS["first"]]
    services.guide_save(
        programme=programme, stage="first", prompts="Who are you?\n\n  What do you want? \n", by=None
    )
    assert selectors.guide_prompts(programme.pk, "first") == ["Who are you?", "What do you want?"]
    assert selectors.guide_prompts(programme.pk, "closing") == [str(p) for p in GUIDE_PROMPTS["closing"]]
    services.guide_reset(programme=programme, stage="first", by=None)
    assert not SessionGuide.objects.exists()
    with pytest.raises(ValidationError):
        services.guide_save(programme=programme, stage="first", prompts=" \n ", by=None)


def test_every_stage_has_five_to_eight_default_prompts():
    assert set(GUIDE_PROMPTS) == {"first", "regular", "midpoint", "closing"}
    assert all(5 <= len(prompts) <= 8 for prompts in GUIDE_PROMPTS.values())
