"""The library's pages: who may open what, what a post saves, and pinned query counts."""

import datetime

import pytest
from django.urls import reverse

from library import services
from library.models import Resource, SessionGuide, SharedResource
from tests.conftest import login
from tests.factories import SessionFactory


def url(name, *args):
    return reverse(name, args=args)


def add(world, title="Calm replies", topic="de-escalation", **fields):
    return services.resource_save(
        resource=Resource(programme=world.cohort.programme, topic=topic, title=title, **fields), by=None
    )


def test_outsiders_and_managers_cannot_browse_a_programmes_library(client, world):
    for person in (world.outsider, world.manager):
        login(client, person.user)
        assert client.get(url("library:resource-list", world.cohort.programme.pk)).status_code == 404


def test_members_browse_and_only_admins_curate(client, world):
    programme = world.cohort.programme
    login(client, world.mentee.user)
    assert client.get(url("library:resource-list", programme.pk)).status_code == 200
    item = add(world)
    for target in (
        url("library:resource-create", programme.pk),
        url("library:resource-edit", item.pk),
        url("library:resource-archive", item.pk),
        url("library:resource-delete", item.pk),
        url("library:guide-list", programme.pk),
    ):
        assert client.get(target).status_code == 403, target
    login(client, world.admin)
    for target in (
        url("library:resource-list", programme.pk),
        url("library:resource-create", programme.pk),
        url("library:resource-edit", item.pk),
        url("library:resource-archive", item.pk),
        url("library:resource-delete", item.pk),
        url("library:guide-list", programme.pk),
    ):
        assert client.get(target).status_code == 200, target


def test_an_admin_adds_archives_and_removes_a_resource(client, world):
    programme = world.cohort.programme
    login(client, world.admin)
    response = client.post(
        url("library:resource-create", programme.pk),
        {
            "topic": "tooling",
            "title": "Macro hygiene",
            "url": "https://example.com/m",
            "note": "",
            "audience": "both",
        },
    )
    assert response.status_code == 302
    item = Resource.objects.get(title="Macro hygiene")
    bad = client.post(
        url("library:resource-edit", item.pk),
        {"topic": "tooling", "title": "Macro hygiene", "url": "javascript:alert(1)", "audience": "both"},
    )
    assert bad.status_code == 200 and "http" in bad.text
    assert Resource.objects.get(pk=item.pk).url == "https://example.com/m"
    client.post(url("library:resource-archive", item.pk))
    assert Resource.objects.get(pk=item.pk).is_archived
    client.post(url("library:resource-restore", item.pk))
    assert not Resource.objects.get(pk=item.pk).is_archived
    client.post(url("library:resource-delete", item.pk))
    assert not Resource.objects.filter(pk=item.pk).exists()


def test_a_mentor_shares_once_and_the_mentee_sees_it_in_the_workspace(client, world):
    item = add(world, note="Say what you understood first.")
    login(client, world.mentor.user)
    page = client.get(url("library:resource-share", item.pk))
    assert page.status_code == 200
    data = {"pairing": world.pair.pk, "note": "Before Thursday"}
    assert client.post(url("library:resource-share", item.pk), data).status_code == 302
    assert client.post(url("library:resource-share", item.pk), data).status_code == 302
    assert SharedResource.objects.count() == 1
    login(client, world.mentee.user)
    workspace = client.get(world.pair.get_absolute_url()).text
    assert "Calm replies" in workspace and "Before Thursday" in workspace


def test_a_mentee_cannot_share_or_unshare(client, world):
    item = add(world)
    login(client, world.mentee.user)
    assert client.get(url("library:resource-share", item.pk)).status_code == 404
    assert client.post(url("library:resource-share", item.pk), {"pairing": world.pair.pk}).status_code == 404
    shared, _ = services.resource_share(resource=item, pairing=world.pair, by=world.mentor)
    assert client.post(url("library:shared-remove", shared.pk)).status_code == 404
    assert client.post(url("library:shared-done", shared.pk), {"done": "on"}).status_code == 302
    assert SharedResource.objects.get().is_done


def test_another_pairs_shared_resources_are_a_404(client, world):
    shared, _ = services.resource_share(resource=add(world), pairing=world.pair, by=world.mentor)
    login(client, world.mentee2.user)
    assert client.get(url("library:pairing-shared", world.pair.pk)).status_code == 404
    assert client.post(url("library:shared-done", shared.pk), {"done": "on"}).status_code == 404
    login(client, world.mentor2.user)
    assert client.post(url("library:shared-remove", shared.pk)).status_code == 404
    assert (
        client.post(url("library:resource-share", shared.resource_id), {"pairing": world.pair.pk}).status_code
        == 200
    )
    assert SharedResource.objects.get().done_at is None and SharedResource.objects.count() == 1


def test_an_admin_rewrites_a_stage_and_goes_back_to_default(client, world):
    programme = world.cohort.programme
    login(client, world.admin)
    response = client.post(
        url("library:guide-list", programme.pk),
        {"stage": "closing", "closing-prompts": "What will you keep?"},
    )
    assert response.status_code == 302
    assert SessionGuide.objects.get().prompts == "What will you keep?"
    assert client.post(url("library:guide-list", programme.pk), {"stage": "nope"}).status_code == 404
    client.post(url("library:guide-reset", programme.pk, "closing"))
    assert not SessionGuide.objects.exists()


def test_the_log_page_shows_the_first_session_guide_and_resources_for_the_cohorts_topics(
    client, world, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC))
    add(world, title="Calm replies")
    login(client, world.mentor.user)
    page = client.get(url("mentoring_sessions:session-create", world.pair.pk)).text
    assert "Session guide: First session" in page and "Calm replies" in page
    assert 'data-library-topic="de-escalation"' in page
    SessionFactory(pairing=world.pair, logged_by=world.mentor)
    plan = client.get(url("mentoring_sessions:session-schedule", world.pair.pk)).text
    assert "Session guide: Regular session" in plan


def test_the_session_page_suggests_resources_for_its_topics_and_the_mentor_shares_from_it(client, world):
    item = add(world, title="Calm replies")
    add(world, title="Search tips", topic="tooling")
    session = SessionFactory(pairing=world.pair, logged_by=world.mentor, topics=["de-escalation"])
    page_url = url("mentoring_sessions:session-detail", world.pair.pk, session.pk)
    login(client, world.mentor.user)
    page = client.get(page_url).text
    assert "Calm replies" in page and "Search tips" not in page
    response = client.post(
        url("library:resource-share", item.pk), {"pairing": world.pair.pk, "next": page_url}
    )
    assert response.status_code == 302 and response.url == page_url
    assert SharedResource.objects.filter(resource=item, pairing=world.pair).exists()


@pytest.mark.parametrize("extra", [0, 30])
def test_the_library_list_reads_a_fixed_number_of_queries(client, world, extra, django_assert_num_queries):
    for n in range(extra):
        add(world, title=f"Extra {n}", topic="tooling")
    login(client, world.mentor.user)
    client.get(url("library:resource-list", world.cohort.programme.pk))
    # user, programme, the member's roles (the access rule, then the audiences), count, the page's
    # resources, the mentor's pairings
    with django_assert_num_queries(7):
        response = client.get(url("library:resource-list", world.cohort.programme.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 30])
def test_the_pairs_shared_list_reads_a_fixed_number_of_queries(
    client, world, extra, django_assert_num_queries
):
    for n in range(extra + 1):
        services.resource_share(resource=add(world, title=f"R {n}"), pairing=world.pair, by=world.mentor)
    login(client, world.mentee.user)
    client.get(url("library:pairing-shared", world.pair.pk))
    # user, pairing, count, the page
    with django_assert_num_queries(4):
        assert client.get(url("library:pairing-shared", world.pair.pk)).status_code == 200


def test_kept_pages_show_an_admins_change_to_a_guide_or_a_shared_resource(client, world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC))
    item = add(world, title="Calm replies")
    services.resource_share(resource=item, pairing=world.pair, by=world.mentor)
    login(client, world.mentee.user)
    log_url = url("mentoring_sessions:session-create", world.pair.pk)
    assert "Calm replies" in client.get(world.pair.get_absolute_url()).text
    client.get(log_url)  # both pages kept now
    # The guide is the programme's, not the pair's: changing it leaves the pair's stamp alone.
    services.guide_save(
        programme=world.cohort.programme, stage="first", prompts="Our own first question", by=None
    )
    assert "Our own first question" in client.get(log_url).text
    item.title = "Calmer replies"
    services.resource_save(resource=item, by=None)
    assert "Calmer replies" in client.get(world.pair.get_absolute_url()).text


def test_a_mentor_of_several_pairs_chooses_whom_to_share_with(client, world):
    from programmes.models import Enrolment
    from tests.factories import EnrolmentFactory, PairingFactory, PersonFactory

    other = PairingFactory(
        match_run=world.run,
        mentor=world.pair.mentor,
        mentee=EnrolmentFactory(
            cohort=world.cohort, person=PersonFactory(full_name="Kim Second"), role=Enrolment.Role.MENTEE
        ),
    )
    item = add(world)
    login(client, world.mentor.user)
    page = client.get(url("library:resource-share", item.pk) + f"?pairing={other.pk}").text
    assert "Ada Mentee" in page and "Kim Second" in page
    assert f'<option value="{other.pk}" selected>' in page
    client.post(url("library:resource-share", item.pk), {"pairing": other.pk})
    assert list(SharedResource.objects.values_list("pairing_id", flat=True)) == [other.pk]


def test_unsharing_asks_first_and_only_a_post_unshares(client, world):
    """Unshare was one click beside "Mark read": the link now opens a page that asks, and leaves the
    resource shared until its button posts."""
    shared, _ = services.resource_share(resource=add(world), pairing=world.pair, by=world.mentor)
    login(client, world.mentor.user)
    workspace = client.get(world.pair.get_absolute_url()).text
    confirm_url = url("library:shared-remove", shared.pk)
    assert f'href="{confirm_url}' in workspace
    page = client.get(confirm_url, {"next": "/library/shared/elsewhere/"})
    assert page.status_code == 200
    assert "Unshare it?" in page.text and "Calm replies" in page.text
    assert '<input type="hidden" name="next" value="/library/shared/elsewhere/">' in page.text
    assert SharedResource.objects.count() == 1
    response = client.post(confirm_url, {"next": "/library/shared/elsewhere/"})
    assert response.status_code == 302 and response["Location"] == "/library/shared/elsewhere/"
    assert SharedResource.objects.count() == 0


def test_the_unshare_question_is_a_404_to_the_mentee_and_to_other_pairs(client, world):
    shared, _ = services.resource_share(resource=add(world), pairing=world.pair, by=world.mentor)
    for person in (world.mentee, world.mentor2):
        login(client, person.user)
        assert client.get(url("library:shared-remove", shared.pk)).status_code == 404
    assert SharedResource.objects.count() == 1
