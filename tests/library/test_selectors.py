"""What each person reads of the library, and the suggestions for a session's topics."""

from library import selectors, services
from library.models import Resource


def add(programme, topic, title, audience="both", archived=False):
    item = services.resource_save(
        resource=Resource(programme=programme, topic=topic, title=title, audience=audience), by=None
    )
    if archived:
        services.resource_archive(resource=item, by=None)
    return item


def test_suggestions_are_the_first_three_by_title_per_chosen_topic_that_the_viewer_reads(world):
    programme = world.cohort.programme
    Resource.objects.all().delete()  # the starter set: this test counts its own
    for title in ("D", "A", "C", "B"):
        add(programme, "de-escalation", f"Calm {title}")
    add(programme, "de-escalation", "Calm 0 (mentors)", audience="mentors")
    add(programme, "de-escalation", "Calm 00 (archived)", archived=True)
    add(programme, "tooling", "Macros", audience="mentees")
    add(programme, "written-tone", "Plain words")  # a topic nobody chose
    shared = add(programme, "tooling", "Search")
    services.resource_share(resource=shared, pairing=world.pair, by=world.mentor)

    # By hand: de-escalation for a mentee reads both/mentees, not archived: Calm A, B, C (D is
    # fourth); tooling: Macros, Search.
    for_mentee = selectors.suggestions(world.pair, topics=["tooling", "de-escalation"], for_mentor=False)
    assert [(r.topic, r.title) for r in for_mentee] == [
        ("de-escalation", "Calm A"),
        ("de-escalation", "Calm B"),
        ("de-escalation", "Calm C"),
        ("tooling", "Macros"),
        ("tooling", "Search"),
    ]
    assert [r.already_shared for r in for_mentee] == [False, False, False, False, True]
    groups = selectors.grouped_by_topic(for_mentee, ["tooling", "de-escalation"])
    assert [g["topic"] for g in groups] == ["tooling", "de-escalation"]

    # A mentor reads mentors-only, not mentees-only: Calm 0 (mentors), Calm A, Calm B; Search.
    for_mentor = selectors.suggestions(world.pair, topics=["tooling", "de-escalation"], for_mentor=True)
    assert [r.title for r in for_mentor] == ["Calm 0 (mentors)", "Calm A", "Calm B", "Search"]
    assert selectors.suggestions(world.pair, topics=[], for_mentor=True) == []


def test_members_read_their_audiences_and_admins_everything(world):
    programme = world.cohort.programme
    Resource.objects.all().delete()
    add(programme, "tooling", "For all")
    add(programme, "tooling", "For mentors", audience="mentors")
    add(programme, "tooling", "For mentees", audience="mentees")
    add(programme, "tooling", "Old", archived=True)

    def titles(person=None):
        roles = None if person is None else selectors.roles_in(person, programme)
        return sorted(r.title for r in selectors.resources_for(programme, roles=roles))

    assert titles(world.mentee) == ["For all", "For mentees"]
    assert titles(world.mentor) == ["For all", "For mentors"]
    assert titles(world.outsider) == ["For all"] and selectors.roles_in(world.outsider, programme) == set()
    assert titles() == ["For all", "For mentees", "For mentors"]
    assert [r.title for r in selectors.resources_for(programme, archived=True)] == ["Old"]
    assert [r.title for r in selectors.resources_for(programme, query="MENTEES")] == ["For mentees"]


def test_the_workspace_part_shows_the_latest_three(world, django_assert_num_queries):
    programme = world.cohort.programme
    for n in range(4):
        item = add(programme, "tooling", f"Tool {n}")
        services.resource_share(resource=item, pairing=world.pair, by=world.mentor)
    with django_assert_num_queries(1):
        part = selectors.workspace_part(world.pair, world.mentee)
    assert [s.resource.title for s in part["library_shared"]] == ["Tool 3", "Tool 2", "Tool 1"]
    assert part["library_more"] and not part["library_can_share"]
    assert selectors.workspace_part(world.pair, world.mentor)["library_can_share"]


def test_the_mentee_is_asked_to_read_what_was_shared_once_per_pair(world, django_assert_num_queries):
    programme = world.cohort.programme
    first, second = add(programme, "tooling", "Macros"), add(programme, "tooling", "Search")
    read, _ = services.resource_share(resource=first, pairing=world.pair, by=world.mentor)
    services.resource_share(resource=second, pairing=world.pair, by=world.mentor)
    with django_assert_num_queries(1):
        items = selectors.todo_for(world.mentee, today=world.today)
    assert [(i.kind, i.title, i.pairing_id) for i in items] == [
        ("resource-read", "Read the 2 resources Omar Mentor shared with you", world.pair.pk)
    ]
    assert items[0].url == world.pair.get_absolute_url()
    services.shared_mark_done(shared=read, by=world.mentee)
    assert selectors.todo_for(world.mentee, today=world.today)[0].title == (
        "Read the resource Omar Mentor shared with you"
    )
    assert selectors.todo_for(world.mentor, today=world.today) == []
    assert selectors.todo_for(world.mentee2, today=world.today) == []
