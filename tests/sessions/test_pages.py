"""A pair's pages kept rendered whole per viewer (sessions/pages.py): a write by either side shows on
the next look, nobody is ever served what was rendered for someone else, a stale page is never
served, per-request tokens are never kept, and without a shared cache nothing is kept."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from kpis.selectors import figures_changed
from matching import stamps
from matching.models import Pairing
from people.models import Person
from sessions.models import ActionItem, GoalComment, ScheduledSession
from tests.conftest import login
from tests.factories import AgentMonthFactory, CheckInFactory, GoalFactory, SessionFactory

NOW = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(world):
    with time_machine.travel(NOW, tick=False):
        yield world


def _urls(world, goal):
    pk = world.pair.pk
    return {
        "workspace": world.pair.get_absolute_url(),
        "goal": reverse("mentoring_sessions:goal-detail", args=[pk, goal.pk]),
        "log": reverse("mentoring_sessions:session-create", args=[pk]),
        "schedule": reverse("mentoring_sessions:session-schedule", args=[pk]),
    }


@pytest.fixture
def goal(frozen):
    return GoalFactory(pairing=frozen.pair, specific="Faster first replies")


def look(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.text


# user (with person and roles), pairing (the access check; its rows are part of what the kept page
# is checked against). The stamp, the kept page and any version token come in one cache round trip.
KEPT_PAGE_QUERIES = 2


@pytest.mark.parametrize("name", ["workspace", "goal", "log", "schedule"])
def test_a_second_look_is_served_from_the_kept_page(client, frozen, goal, name, django_assert_num_queries):
    url = _urls(frozen, goal)[name]
    login(client, frozen.mentee.user)
    first = look(client, url)
    with django_assert_num_queries(KEPT_PAGE_QUERIES):
        second = look(client, url)
    assert _without_tokens(second) == _without_tokens(first)


def _without_tokens(html: str) -> str:
    return re.sub(r'name="(csrfmiddlewaretoken|submission)" value="[^"]*"', "", html)


@pytest.mark.parametrize(
    "name, write, shown",
    [
        (
            "workspace",
            lambda w, g: SessionFactory(pairing=w.pair, notes="Mentor logged this"),
            "Mentor logged this",
        ),
        (
            "workspace",
            lambda w, g: ActionItem.objects.create(
                pairing=w.pair, description="Draft a macro", owner=w.mentor
            ),
            "Draft a macro",
        ),
        (
            "goal",
            lambda w, g: GoalComment.objects.create(goal=g, author=w.mentor, text="Good progress"),
            "Good progress",
        ),
        (
            "log",
            lambda w, g: ActionItem.objects.create(
                pairing=w.pair, description="Carry me over", owner=w.mentor
            ),
            "Carry me over",
        ),
        (
            "schedule",
            lambda w, g: ScheduledSession.objects.create(
                pairing=w.pair,
                starts_at=NOW + datetime.timedelta(days=2),
                agenda="Talk tone",
                created_by=w.mentor,
            ),
            "Talk tone",
        ),
    ],
)
def test_a_write_by_the_other_side_shows_at_once(client, frozen, goal, name, write, shown):
    url = _urls(frozen, goal)[name]
    login(client, frozen.mentee.user)
    assert shown not in look(client, url)
    write(frozen, goal)
    assert shown in look(client, url)


def test_a_session_logged_through_the_page_shows_with_its_message_once(client, frozen):
    from tests.sessions.test_sessions import log_data

    login(client, frozen.mentee.user)
    url = frozen.pair.get_absolute_url()
    assert "Reviewed two refund tickets" not in look(client, url)
    response = client.post(
        reverse("mentoring_sessions:session-create", args=[frozen.pair.pk]), log_data(frozen)
    )
    assert response.status_code == 302
    page = look(client, url)
    assert "Reviewed two refund tickets" in page and "Session logged" in page
    # Messages are rendered around the kept content, never kept with it.
    assert "Session logged" not in look(client, url)


def test_nobody_is_served_a_page_kept_for_the_other_side(client, frozen):
    """The mentee's own check-ins show only to the mentee: the mentor, looking after the mentee's
    page was kept, gets a page of their own."""
    CheckInFactory(pairing=frozen.pair, person=frozen.mentee, satisfaction=2, blockers="Only mine to read")
    login(client, frozen.mentee.user)
    assert "Only mine to read" in look(client, frozen.pair.get_absolute_url())
    mentor = login(Client(), frozen.mentor.user)
    page = look(mentor, frozen.pair.get_absolute_url())
    assert "Only mine to read" not in page and "Mentoring Ada" in page
    assert "Only mine to read" in look(client, frozen.pair.get_absolute_url())


def test_an_outsider_gets_404_although_the_page_is_kept(client, frozen, goal):
    login(client, frozen.mentee.user)
    for url in _urls(frozen, goal).values():
        look(client, url)
    for user in (frozen.outsider.user, frozen.mentee2.user):
        other = login(Client(), user)
        for url in _urls(frozen, goal).values():
            assert other.get(url).status_code == 404


def test_a_goal_of_another_pair_is_404_on_a_kept_page(client, frozen, goal):
    other_goal = GoalFactory(pairing=frozen.pair2)
    login(client, frozen.mentee.user)
    look(client, _urls(frozen, goal)["goal"])
    url = reverse("mentoring_sessions:goal-detail", args=[frozen.pair.pk, other_goal.pk])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404


def _change_notes_behind_the_cache(pairing, text):
    """A change no signal sees: only the stamp (or its absence) can tell the page."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE mentoring_sessions_mentoringsession SET notes = %s WHERE pairing_id = %s",
            [text, pairing.pk],
        )


def test_a_page_kept_under_an_older_stamp_is_never_served(client, frozen):
    SessionFactory(pairing=frozen.pair, notes="Before")
    login(client, frozen.mentee.user)
    url = frozen.pair.get_absolute_url()
    assert "Before" in look(client, url)
    _change_notes_behind_the_cache(frozen.pair, "After")
    assert "Before" in look(client, url)  # kept: nothing replaced the stamp
    stamps.pairings_changed([frozen.pair.pk])
    assert "After" in look(client, url)


def test_an_evicted_stamp_is_replaced_and_the_kept_page_not_served(client, frozen):
    SessionFactory(pairing=frozen.pair, notes="Before")
    login(client, frozen.mentee.user)
    url = frozen.pair.get_absolute_url()
    look(client, url)
    _change_notes_behind_the_cache(frozen.pair, "After")
    cache.delete(stamps.stamp_key(frozen.pair.pk))
    assert "After" in look(client, url)


def test_rows_outside_the_pairs_content_show_at_once(client, frozen, goal):
    """Ending the pairing, closing the cohort or renaming the partner replaces no stamp: the rows the
    access check loads are part of what a kept page is checked against."""
    login(client, frozen.mentee.user)
    urls = _urls(frozen, goal)
    assert "Log a session" in look(client, urls["workspace"])
    Person.objects.filter(pk=frozen.mentor.pk).update(full_name="Omar Renamed")
    assert "Omar Renamed" in look(client, urls["workspace"])
    assert "Record progress" in look(client, urls["goal"])
    Pairing.objects.filter(pk=frozen.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=NOW.date(), outcome=Pairing.Outcome.COMPLETED
    )
    assert "Log a session" not in look(client, urls["workspace"])
    assert "Record progress" not in look(client, urls["goal"])
    assert "This mentorship has ended" in look(client, urls["schedule"])


def test_the_next_session_moves_on_when_it_starts(client, frozen):
    ScheduledSession.objects.create(
        pairing=frozen.pair,
        starts_at=NOW + datetime.timedelta(hours=1),
        agenda="Soon",
        created_by=frozen.mentor,
    )
    login(client, frozen.mentee.user)
    url = frozen.pair.get_absolute_url()
    assert "Soon" in look(client, url)
    schedule = reverse("mentoring_sessions:session-schedule", args=[frozen.pair.pk])
    assert "Soon" in look(client, schedule)
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        assert "Soon" not in look(client, url) and "Nothing planned yet" in look(client, url)
        assert "Soon" not in look(client, schedule)


def test_the_log_form_fills_in_from_a_planned_session_once_it_is_a_day_away(client, frozen):
    ScheduledSession.objects.create(
        pairing=frozen.pair,
        starts_at=NOW + datetime.timedelta(days=2),
        agenda="Plan for later",
        created_by=frozen.mentor,
    )
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:session-create", args=[frozen.pair.pk])
    assert "Filled in from" not in look(client, url)
    with time_machine.travel(NOW + datetime.timedelta(days=1, hours=1), tick=False):
        assert "Filled in from" in look(client, url)


def test_a_kpi_import_shows_on_the_workspace(client, frozen):
    login(client, frozen.mentee.user)
    url = frozen.pair.get_absolute_url()
    assert "No helpdesk figures have been imported yet" in look(client, url)
    AgentMonthFactory(person=frozen.mentee, month=datetime.date(2026, 10, 1), tickets_solved=321)
    figures_changed()  # what the import does once it has committed
    page = look(client, url)
    assert "No helpdesk figures have been imported yet" not in page and "321" in page


def _tokens(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', html)


def test_tokens_are_new_on_every_kept_page_and_the_form_posts(frozen, goal):
    """The CSRF token of the request and a new submission token per form, never the ones of the
    request that rendered the kept page; a form from a kept page posts."""
    first, second = (login(Client(enforce_csrf_checks=True), frozen.mentee.user) for _ in range(2))
    url = _urls(frozen, goal)["goal"]
    one, two = look(first, url), look(second, url)
    assert _tokens(one, "submission") and not set(_tokens(one, "submission")) & set(
        _tokens(two, "submission")
    )
    assert len(set(_tokens(two, "submission"))) == len(_tokens(two, "submission"))  # one per form
    assert not set(_tokens(one, "csrfmiddlewaretoken")) & set(_tokens(two, "csrfmiddlewaretoken"))
    update = reverse("mentoring_sessions:goal-update", args=[frozen.pair.pk, goal.pk])
    data = {"value": "85", "csrfmiddlewaretoken": _tokens(two, "csrfmiddlewaretoken")[0]}
    assert second.post(update, {**data, "submission": _tokens(two, "submission")[0]}).status_code == 302


def test_without_a_shared_cache_nothing_is_kept(client, frozen, goal, settings, django_assert_num_queries):
    settings.PAIRING_FRAGMENT_SECONDS = 0
    login(client, frozen.mentee.user)
    url = _urls(frozen, goal)["goal"]
    look(client, url)
    # user, pairing, goal, updates, milestones, comments: every look renders from the database.
    with django_assert_num_queries(6):
        look(client, url)
    # Nothing was kept meanwhile: with a shared cache again, the next look renders once more.
    settings.PAIRING_FRAGMENT_SECONDS = 3600
    with django_assert_num_queries(6):
        look(client, url)
    with django_assert_num_queries(KEPT_PAGE_QUERIES):
        look(client, url)


@pytest.mark.parametrize("name", ["workspace", "goal", "log", "schedule"])
def test_the_kept_page_carries_the_title_and_back_link(client, frozen, goal, name):
    login(client, frozen.mentee.user)
    url = _urls(frozen, goal)[name]
    first = look(client, url)
    second = look(client, url)
    title = re.search(r"<title>(.*?)</title>", first, re.S).group(1)
    assert title.strip().startswith(("Mentoring with", "Faster first replies", "Log a session", "Schedule"))
    assert re.search(r"<title>(.*?)</title>", second, re.S).group(1) == title
    assert "Back to the workspace" in second or "My mentoring" in second


# --- the list of one's pairings ---------------------------------------------------------------------


@pytest.fixture
def mentor_of_two(frozen):
    """The mentor with a second mentee, so the list shows (one pairing redirects to it)."""
    from tests.factories import EnrolmentFactory, PairingFactory

    PairingFactory(
        match_run=frozen.run,
        mentor=frozen.pair.mentor,
        mentee=EnrolmentFactory(cohort=frozen.cohort, person=frozen.outsider),
    )
    return login(Client(), frozen.mentor.user)


# user (with person and roles), the person's enrolment ids, their pairings with the rows the list
# shows: the counts and what needs doing come from the kept list.
KEPT_LIST_QUERIES = 3


def test_the_list_is_kept_and_shows_a_write_in_any_of_its_pairings(
    frozen, mentor_of_two, django_assert_num_queries
):
    url = reverse("mentoring_sessions:pairing-list")
    assert "1 session" not in look(mentor_of_two, url)
    with django_assert_num_queries(KEPT_LIST_QUERIES):
        look(mentor_of_two, url)
    SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    assert "1 session" in look(mentor_of_two, url) and "1 unconfirmed session" in look(mentor_of_two, url)


def test_the_list_shows_a_resolved_flag_at_once(frozen, mentor_of_two):
    from sessions.models import FlagResolution

    checkin = CheckInFactory(pairing=frozen.pair, person=frozen.mentor, satisfaction=1)
    url = reverse("mentoring_sessions:pairing-list")
    assert "Your last check-in flagged a concern" in look(mentor_of_two, url)
    FlagResolution.objects.create(checkin=checkin, resolved_by=frozen.admin, note="Talked to them")
    assert "Your last check-in flagged a concern" not in look(mentor_of_two, url)


def test_the_list_shows_a_new_pairing_and_a_renamed_mentee_at_once(frozen, mentor_of_two):
    from tests.factories import EnrolmentFactory, PairingFactory, PersonFactory

    url = reverse("mentoring_sessions:pairing-list")
    assert "Cy Newcomer" not in look(mentor_of_two, url)
    PairingFactory(
        match_run=frozen.run,
        mentor=frozen.pair.mentor,
        mentee=EnrolmentFactory(cohort=frozen.cohort, person=PersonFactory(full_name="Cy Newcomer")),
    )
    assert "Mentoring Cy Newcomer" in look(mentor_of_two, url)
    Person.objects.filter(pk=frozen.mentee.pk).update(full_name="Ada Renamed")
    assert "Mentoring Ada Renamed" in look(mentor_of_two, url)


def test_the_lists_next_session_goes_when_it_starts(frozen, mentor_of_two):
    ScheduledSession.objects.create(
        pairing=frozen.pair, starts_at=NOW + datetime.timedelta(hours=1), created_by=frozen.mentor
    )
    url = reverse("mentoring_sessions:pairing-list")
    assert "next session" in look(mentor_of_two, url)
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        assert "next session" not in look(mentor_of_two, url)


def test_each_viewer_has_their_own_list(frozen, mentor_of_two):
    url = reverse("mentoring_sessions:pairing-list")
    look(mentor_of_two, url)
    mentee = login(Client(), frozen.mentee.user)
    assert mentee.get(url).status_code == 302  # their one pairing, not the mentor's list


def test_the_listed_rows_are_the_users_pairings_in_the_lists_order(frozen, mentor_of_two):
    """`pairings_listed_for` (compiled once per number of enrolments) against `pairings_for`."""
    from programmes.models import Cohort
    from sessions import selectors
    from tests.factories import CohortFactory, EnrolmentFactory, MatchRunFactory, PairingFactory, UserFactory

    later = CohortFactory(name="Spring 2027", state=Cohort.State.ACTIVE)
    PairingFactory(
        match_run=MatchRunFactory(cohort=later),
        mentor=EnrolmentFactory(cohort=later, person=frozen.mentor, role="mentor", capacity=1),
    )
    for user in (frozen.mentor.user, frozen.mentee.user, frozen.manager.user, UserFactory(username="x")):
        expected = list(selectors.pairings_for(user).order_by(*selectors.PAIRING_LIST_ORDER))
        listed = selectors.pairings_listed_for(user)
        assert [p.pk for p in listed] == [p.pk for p in expected]
        assert [(p.cohort.name, p.mentee.person.full_name) for p in listed] == [
            (p.cohort.name, p.mentee.person.full_name) for p in expected
        ]
    assert len(selectors.pairings_listed_for(frozen.mentor.user)) == 3


@pytest.mark.parametrize(
    "query, kept",
    [("?timeline=60", True), ("?timeline=61", False), ("?timeline=60&timeline=90", False), ("?x=1", False)],
)
def test_only_the_addresses_a_page_links_to_are_kept(client, frozen, query, kept, django_assert_num_queries):
    """A made-up address is answered, rendered from the database, and never fills the cache."""
    url = frozen.pair.get_absolute_url() + query
    login(client, frozen.mentee.user)
    look(client, url)
    # Not kept: user, pairing, next session, open action items, KPI months, the agreement, the
    # resources shared, the latest messages (the goals and timeline from their own fragment,
    # sessions/fragments.py).
    with django_assert_num_queries(KEPT_PAGE_QUERIES if kept else 8):
        look(client, url)


def test_a_made_up_page_number_of_the_list_is_not_kept(frozen, mentor_of_two, django_assert_num_queries):
    url = reverse("mentoring_sessions:pairing-list")
    for query, kept in (("?page=1", True), ("?page=abc", False), ("?page=99999", False)):
        look(mentor_of_two, url + query)
        with django_assert_num_queries(KEPT_LIST_QUERIES if kept else KEPT_LIST_QUERIES + 1):
            look(mentor_of_two, url + query)


def test_a_page_with_a_token_written_outside_its_tag_is_not_kept():
    from sessions import pages

    by_tags = (
        '<input type="hidden" name="csrfmiddlewaretoken" value="abc">'
        '<input type="hidden" name="submission" value="s">'
    )
    assert pages._all_tokens_cut_out(pages._holes(by_tags))
    in_a_script = by_tags + '<script>fetch(u, {headers: {csrfmiddlewaretoken: "abc"}})</script>'
    assert not pages._all_tokens_cut_out(pages._holes(in_a_script))
    assert not pages._all_tokens_cut_out(pages._holes(by_tags + '<input name="submission" value="t">'))
