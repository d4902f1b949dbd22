"""The admin's cohort page, served by dashboards (above the apps it reads) at programmes' address."""

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from closeout.models import SurveyResponse
from dashboards import cohort_views
from programmes.models import Cohort, Enrolment
from tests.conftest import login
from tests.enrolment.conftest import active_mentor
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory


def test_the_cohort_page_keeps_its_address_and_name(client, world):
    url = reverse("programmes:cohort-detail", args=[world.cohort.pk])
    assert url == f"/programmes/cohorts/{world.cohort.pk}/"
    assert resolve(url).func is cohort_views.cohort_detail
    assert world.cohort.get_absolute_url() == url
    login(client, world.admin)
    response = client.get(url)
    assert response.status_code == 200
    assert f"<title>{world.cohort.name}" in response.text


def test_a_concluding_cohort_page_shows_the_survey_from_close_out(client, world):
    Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CONCLUDING)
    SurveyResponse.objects.create(
        cohort=world.cohort, person=world.mentee, role=Enrolment.Role.MENTEE, satisfaction=5, recommend=10
    )
    login(client, world.admin)
    response = client.get(reverse("programmes:cohort-detail", args=[world.cohort.pk]))
    assert response.status_code == 200
    assert "End-of-cohort survey" in response.text
    assert response.context["survey"] is not None


def test_people_who_do_not_run_programmes_cannot_open_the_cohort_page(client, world):
    login(client, world.mentor.user)
    assert client.get(reverse("programmes:cohort-detail", args=[world.cohort.pk])).status_code == 403


# --- enrolling someone from the cohort page (issue 8) --------------------------------------------


@pytest.fixture
def open_cohort(world):
    return CohortFactory(
        programme=world.cohort.programme,
        name="Spring 2027",
        state=Cohort.State.ENROLLING,
        max_mentees_per_mentor=2,
    )


def test_admin_enrols_mentor_and_mentee_from_the_cohort_page_then_runs_matching(client, world, open_cohort):
    from matching.models import MatchRun

    mentor, mentee = PersonFactory(full_name="Kim Mentor"), PersonFactory(full_name="Lee Mentee")
    login(client, world.admin)
    target = open_cohort.get_absolute_url()
    # The picker fills in an email or employee id.
    assert client.post(target, {"person": mentor.email, "role": "mentor", "capacity": 2}).status_code == 302
    assert (
        client.post(target, {"person": mentee.email, "role": "mentee", "goals": "Refunds"}).status_code == 302
    )
    assert set(Enrolment.objects.filter(cohort=open_cohort).values_list("role", "status", "capacity")) == {
        ("mentor", "active", 2),
        ("mentee", "active", 1),
    }
    # Neither has finished a profile: the admin confirms running on defaults.
    client.post(reverse("matching:run-start", args=[open_cohort.pk]), {"confirm_unfinished": "1"})
    run = MatchRun.objects.get(cohort=open_cohort)
    text = client.get(run.get_absolute_url()).text
    assert "Kim Mentor" in text and "Lee Mentee" in text


def test_enrolling_the_same_person_twice_is_refused_in_words_and_keeps_the_form(client, world, open_cohort):
    person = PersonFactory()
    login(client, world.admin)
    target = open_cohort.get_absolute_url()
    client.post(target, {"person": person.email, "role": "mentee"})
    response = client.post(target, {"person": person.email, "role": "mentor", "capacity": 1})
    assert response.status_code == 200
    assert f"{person.full_name} is already in this cohort." in response.text
    assert Enrolment.objects.filter(cohort=open_cohort).count() == 1


def test_admin_enrolment_waitlists_a_mentee_when_no_place_is_free(client, world, open_cohort):
    """Issue 8: the admin's "Enrol someone" put mentees into a cohort with no free places."""
    active_mentor(open_cohort, capacity=2)
    EnrolmentFactory(cohort=open_cohort, role="mentee", status=Enrolment.Status.ACTIVE)
    EnrolmentFactory(cohort=open_cohort, role="mentee", status=Enrolment.Status.WAITLISTED)
    late = PersonFactory(full_name="Late Comer")
    login(client, world.admin)
    # One place is free, but someone is already waiting for it.
    response = client.post(
        open_cohort.get_absolute_url(), {"person": late.email, "role": "mentee"}, follow=True
    )
    assert "Late Comer is on the waitlist" in response.text
    assert Enrolment.objects.get(person=late).status == Enrolment.Status.WAITLISTED


def test_the_cohort_page_marks_people_who_have_not_activated_their_login(client, world, open_cohort):
    active_mentor(open_cohort, capacity=1, full_name="Quiet Mentor")
    login(client, world.admin)
    text = client.get(open_cohort.get_absolute_url()).text
    assert "Quiet Mentor" in text and "not activated" in text
    assert "not activated" not in client.get(world.cohort.get_absolute_url()).text  # the world has logins


def test_cohort_page_lists_a_page_of_each_list_and_keeps_the_other_lists_pages(client, world):
    mentees = [
        EnrolmentFactory(
            cohort=world.cohort,
            role="mentee",
            person=PersonFactory(full_name=f"Zed {n:03d}"),
            profile_completed_at=timezone.now(),  # so the names show only in the mentee list
        )
        for n in range(cohort_views.ENROLMENTS_PER_PAGE + 5)
    ]
    login(client, world.admin)
    url = reverse("programmes:cohort-detail", args=[world.cohort.pk])
    first = client.get(url)
    total = Enrolment.objects.filter(cohort=world.cohort, role="mentee", status="active").count()
    assert f'Mentees <span class="text-body-secondary">({total})</span>' in first.text
    assert "Zed 000" in first.text and mentees[-1].person.full_name not in first.text
    assert "?mentees_page=2#mentees-heading" in first.text
    last = client.get(url, {"mentees_page": 2, "mentors_page": 1})
    assert mentees[-1].person.full_name in last.text and "Zed 000" not in last.text
    # The other list's page is kept in the links.
    assert "?mentees_page=1&amp;mentors_page=1#mentees-heading" in last.text


# --- what the page reads, and how fresh ---------------------------------------------------------


def _overview(client, cohort):
    return client.get(reverse("programmes:cohort-detail", args=[cohort.pk])).context["overview"]


def test_overdue_pairs_may_be_a_minute_old_and_the_page_says_so(client, world, time_machine, settings):
    """Overdue pairs are cached for a minute: a session logged meanwhile shows after it. Flags are
    counted live: a new one shows at once."""
    import datetime

    # Redis expires keys by its own clock, which the time machine cannot move: this process's memory
    # cache keeps the same minute by the (moved) clock.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    from tests.factories import CheckInFactory, SessionFactory

    time_machine.move_to(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC), tick=False)
    login(client, world.admin)
    before = _overview(client, world.cohort)
    assert before.overdue_count == 2  # neither world pair has met since starting in September
    page = client.get(reverse("programmes:cohort-detail", args=[world.cohort.pk])).text
    assert "Overdue pairs are counted at most a minute ago" in page

    SessionFactory(pairing=world.pair, held_on=datetime.date(2026, 11, 1))
    CheckInFactory(pairing=world.pair2, satisfaction=1)
    still = _overview(client, world.cohort)
    assert still.overdue_count == 2
    flagged = "1 pair flagged low satisfaction, not meeting or blockers in their latest check-in"
    assert flagged in still.attention

    time_machine.move_to(datetime.datetime(2026, 11, 2, 12, 1, 1, tzinfo=datetime.UTC), tick=False)
    after = _overview(client, world.cohort)
    assert after.overdue_count == 1
    assert [p.pk for p in after.overdue_pairings] == [world.pair2.pk]
    assert (
        "1 pair flagged low satisfaction, not meeting or blockers in their latest check-in" in after.attention
    )


def test_ending_a_pair_shows_at_once_despite_the_cache(client, world, time_machine):
    """The cache key holds which pairs are active: ending one is not a minute late."""
    import datetime

    from closeout.services import pairing_end_early

    time_machine.move_to(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC), tick=False)
    login(client, world.admin)
    assert _overview(client, world.cohort).overdue_count == 2
    pairing_end_early(pairing=world.pair, reason="Moved team", by=world.admin)
    overview = _overview(client, world.cohort)
    assert overview.overdue_count == 1
    assert [p.pk for p in overview.overdue_pairings] == [world.pair2.pk]


FLAGGED_ONE = "1 pair flagged low satisfaction, not meeting or blockers in their latest check-in"


def _flag_lines(client, cohort):
    return [line for line in _overview(client, cohort).attention if "flagged" in line]


def test_flagged_pairs_are_kept_but_every_change_to_a_flag_shows_at_once(client, world):
    """The flagged count is cached under a stamp: a new flag, a changed answer, a resolution and a
    deleted answer each show on the next view (world.pair2 is the pair that answers here)."""
    from sessions.checkins import checkin_flag_resolve
    from tests.factories import CheckInFactory

    login(client, world.admin)
    assert _flag_lines(client, world.cohort) == []
    checkin = CheckInFactory(pairing=world.pair2, satisfaction=1)
    assert _flag_lines(client, world.cohort) == [FLAGGED_ONE]
    checkin.satisfaction = 5
    checkin.save()
    assert _flag_lines(client, world.cohort) == []
    checkin.satisfaction = 2
    checkin.save()
    assert _flag_lines(client, world.cohort) == [FLAGGED_ONE]
    checkin_flag_resolve(checkin=checkin, by=world.admin, note="Talked to them")
    assert _flag_lines(client, world.cohort) == []
    checkin.resolution.delete()
    assert _flag_lines(client, world.cohort) == [FLAGGED_ONE]
    checkin.delete()
    assert _flag_lines(client, world.cohort) == []


def test_a_flagged_pair_ended_early_leaves_the_count_at_once(client, world):
    from closeout.services import pairing_end_early
    from tests.factories import CheckInFactory

    CheckInFactory(pairing=world.pair2, satisfaction=1)
    login(client, world.admin)
    assert _flag_lines(client, world.cohort) == [FLAGGED_ONE]
    pairing_end_early(pairing=world.pair2, reason="Moved team", by=world.admin)
    assert _flag_lines(client, world.cohort) == []


def test_flagged_pairs_are_counted_every_time_without_a_shared_cache(client, world, settings):
    """With one cache per process (no REDIS_URL) a write in another process could not replace the
    stamp, so nothing is kept: a flag written behind the signals' back still shows."""
    from sessions.models import CheckIn
    from tests.factories import CheckInFactory

    settings.PAIRING_FRAGMENT_SECONDS = 0
    checkin = CheckInFactory(pairing=world.pair2, satisfaction=5)
    login(client, world.admin)
    assert _flag_lines(client, world.cohort) == []
    CheckIn.objects.filter(pk=checkin.pk).update(satisfaction=1)  # PairingContent's update: no save signal
    assert _flag_lines(client, world.cohort) == [FLAGGED_ONE]


def test_the_lists_lengths_and_unfinished_profiles_are_counted_by_hand(client, world):
    """The world has two active mentors and two active mentees (profiles finished or not, as
    made); here 3 more mentees (2 unfinished), 1 mentor applying, 2 waitlisted and 1 withdrawn."""
    world_unfinished = Enrolment.objects.filter(
        cohort=world.cohort, status="active", profile_completed_at__isnull=True
    ).count()  # what the world brings
    now = timezone.now()
    EnrolmentFactory(cohort=world.cohort, role="mentee", profile_completed_at=now)
    EnrolmentFactory(cohort=world.cohort, role="mentee", profile_completed_at=None)
    EnrolmentFactory(cohort=world.cohort, role="mentee", profile_completed_at=None)
    EnrolmentFactory(cohort=world.cohort, role="mentor", status=Enrolment.Status.APPLIED)
    EnrolmentFactory(cohort=world.cohort, role="mentee", status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(cohort=world.cohort, role="mentee", status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(cohort=world.cohort, role="mentor", status=Enrolment.Status.WITHDRAWN)
    login(client, world.admin)
    response = client.get(reverse("programmes:cohort-detail", args=[world.cohort.pk]))
    context = response.context
    assert context["mentors"].paginator.count == 2
    assert context["mentees"].paginator.count == 2 + 3
    assert context["others"].paginator.count == 1 + 2 + 1
    assert len(context["others"].object_list) == 4
    assert context["overview"].incomplete_count == world_unfinished + 2
    assert 'Mentees <span class="text-body-secondary">(5)</span>' in response.text


def test_each_run_is_listed_with_its_own_number_of_pairs(client, world):
    from tests.factories import MatchRunFactory, PairingFactory

    second = MatchRunFactory(cohort=world.cohort)
    for _ in range(3):
        PairingFactory(match_run=second, status="proposed")
    empty = MatchRunFactory(cohort=world.cohort)
    login(client, world.admin)
    runs = {run.pk: run.pair_count for run in _runs(client, world.cohort)}
    assert runs == {world.run.pk: 2, second.pk: 3, empty.pk: 0}


def _runs(client, cohort):
    return client.get(reverse("programmes:cohort-detail", args=[cohort.pk])).context["runs"]


def test_the_lists_rows_say_places_partners_and_what_to_do_as_counted_by_hand(client, world):
    """The world: Omar Mentor (2 places) with Ada Mentee, Lin Mentor (1) with Bo Mentee, all able to
    log in. Here Lin's pair ends early and a mentee without a login and a waitlisted mentor join."""
    from closeout.services import pairing_end_early

    pairing_end_early(pairing=world.pair2, reason="Moved team", by=world.admin)
    newcomer = EnrolmentFactory(
        cohort=world.cohort, role="mentee", person=PersonFactory(full_name="Nia <New>")
    )
    EnrolmentFactory(
        cohort=world.cohort, role="mentor", status="waitlisted", person=PersonFactory(full_name="Wes Waiting")
    )
    login(client, world.admin)
    text = client.get(reverse("programmes:cohort-detail", args=[world.cohort.pk])).text
    row = '<li class="list-group-item d-flex justify-content-between flex-wrap gap-2">'
    assert (
        f'{row}<span>{world.mentor.full_name} <small class="text-body-secondary">Tier 2</small></span>'
        f"<small>2 slots · {world.mentee.full_name}</small></li>"
    ) in text
    assert "<small>1 slot</small></li>" in text  # Lin, whose pair ended early
    end = reverse("closeout:pairing-end", args=[world.pair.pk])
    assert (
        f'<small class="text-body-secondary">Tier 1</small></span>'
        f'<small>with {world.mentor.full_name} · <a href="{end}">End early</a></small></li>'
    ) in text
    rematch = reverse("closeout:rematch", args=[world.pair2.mentee_id])
    assert (
        '<small><span class="text-warning-emphasis">not matched</span> · ended early with '
        f'{world.pair2.mentor.person.full_name} · <a href="{rematch}">Find a mentor</a></small></li>'
    ) in text
    assert (
        f'{row}<span>Nia &lt;New&gt; <small class="text-body-secondary">{newcomer.person.team.name}</small>'
        ' <span class="badge text-bg-warning">not activated</span></span>'
        '<small><span class="text-warning-emphasis">not matched</span>'
    ) in text
    assert (
        '<li class="list-group-item d-flex justify-content-between"><span>Wes Waiting</span>'
        "<small>Mentor · Waitlisted</small></li>"
    ) in text


# --- the page kept rendered under the cohort's stamps (issue 8, §5) -----------------------------


def _look(client, cohort, **params) -> str:
    response = client.get(reverse("programmes:cohort-detail", args=[cohort.pk]), params)
    assert response.status_code == 200
    return response.text


@pytest.fixture
def kept(client, world):
    """The admin has looked once: the page is kept (the next look is user and cohort only)."""
    login(client, world.admin)
    _look(client, world.cohort)
    return world


# user (with person and roles), cohort (the access check; its row and its programme's are part of
# what the kept page is checked against). The stamps and the kept page come in one cache round trip.
KEPT_QUERIES = 2


def test_a_second_look_is_served_from_the_kept_page(client, kept, django_assert_num_queries):
    first = _look(client, kept.cohort)
    with django_assert_num_queries(KEPT_QUERIES):
        second = _look(client, kept.cohort)
    assert _without_tokens(second) == _without_tokens(first)


def _without_tokens(html: str) -> str:
    import re

    return re.sub(r'name="(csrfmiddlewaretoken|submission)" value="[^"]*"', "", html)


def _rename(world, _cohort):
    world.mentee2.full_name = "Bo Renamed"
    world.mentee2.save()
    return "Bo Renamed"


def _rename_in_bulk(world, _cohort):
    from people.models import Person

    world.mentor2.full_name = "Lin Imported"
    Person.objects.bulk_update([world.mentor2], ["full_name"])  # the people import's write
    return "Lin Imported"


def _rename_by_update(world, _cohort):
    from people.models import Person

    Person.objects.filter(pk=world.mentor2.pk).update(full_name="Lin Updated")
    return "Lin Updated"


def _rename_team(world, _cohort):
    from people.models import Team

    Team.objects.filter(pk=world.teams[0].pk).update(name="Tier One")
    return "Tier One"


def _deactivate_login(world, _cohort):
    world.mentee2.user.is_active = False
    world.mentee2.user.save()
    return "not activated"


def _enrol(world, cohort):
    EnrolmentFactory(cohort=cohort, person=world.outsider, role="mentor")
    return "Sam Outsider"


def _waitlist_in_bulk(world, cohort):
    # enrolment.services.waitlist_fill's write: an update() whose cohorts are not at hand.
    Enrolment.objects.filter(cohort=cohort, person=world.mentee2).update(status=Enrolment.Status.WAITLISTED)
    return "Applied, waitlisted or withdrawn"


def _enrol_in_bulk(world, cohort):
    Enrolment.objects.bulk_create([Enrolment(cohort=cohort, person=world.outsider, role="mentee")])
    return "Sam Outsider"


def _finish_profile(world, cohort):
    for enrolment in Enrolment.objects.filter(cohort=cohort).exclude(person=world.mentee2):
        enrolment.profile_completed_at = timezone.now()
        enrolment.save()
    return '<p class="small mb-0">Bo Mentee\n'  # the one profile not finished


def _end_pair(world, _cohort):
    from closeout.services import pairing_end_early

    pairing_end_early(pairing=world.pair2, reason="Moved team", by=world.admin)
    return "ended early with Lin Mentor"


def _new_run(world, cohort):
    from tests.factories import MatchRunFactory

    run = MatchRunFactory(cohort=cohort, created_by=world.admin)
    return f"Run {run.pk}"


def _rename_cohort(_world, cohort):
    Cohort.objects.filter(pk=cohort.pk).update(name="Winter 2026")  # read on every look: no stamp needed
    return "Winter 2026"


def _change_programme(_world, cohort):
    cohort.programme.name = "Support Academy"
    cohort.programme.save()
    return "Support Academy"


def _flag(world, _cohort):
    from tests.factories import CheckInFactory

    CheckInFactory(pairing=world.pair2, satisfaction=1)
    return FLAGGED_ONE


@pytest.mark.parametrize(
    "write",
    [
        _rename,
        _rename_in_bulk,
        _rename_by_update,
        _rename_team,
        _deactivate_login,
        _enrol,
        _waitlist_in_bulk,
        _enrol_in_bulk,
        _finish_profile,
        _end_pair,
        _new_run,
        _rename_cohort,
        _change_programme,
        _flag,
    ],
)
def test_every_write_to_what_the_page_shows_shows_on_the_next_look(client, kept, write):
    assert write.__name__ and _look(client, kept.cohort)  # kept now
    shown = write(kept, kept.cohort)
    assert shown in _look(client, kept.cohort)


def test_the_unread_counter_leaves_the_page_kept(client, kept, django_assert_num_queries):
    """notify() counts a person's unread notifications with an update() on every notice: no page
    shows the counter, so it replaces no stamp."""
    from django.db.models import F

    from people.models import Person

    Person.objects.filter(pk=kept.mentee.pk).update(unread_notifications=F("unread_notifications") + 1)
    with django_assert_num_queries(KEPT_QUERIES):
        _look(client, kept.cohort)


def test_a_session_logged_shows_once_the_overdue_minute_is_over(client, world, time_machine, settings):
    """The kept page is not served past the minute its overdue pairs may be old."""
    import datetime

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from tests.factories import SessionFactory

    time_machine.move_to(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC), tick=False)
    login(client, world.admin)
    assert "2 pairs overdue for a session" in _look(client, world.cohort)
    SessionFactory(pairing=world.pair, held_on=datetime.date(2026, 11, 1))
    time_machine.move_to(datetime.datetime(2026, 11, 2, 12, 0, 59, tzinfo=datetime.UTC), tick=False)
    assert "2 pairs overdue for a session" in _look(client, world.cohort)
    time_machine.move_to(datetime.datetime(2026, 11, 2, 12, 1, 1, tzinfo=datetime.UTC), tick=False)
    assert "1 pair overdue for a session" in _look(client, world.cohort)


def test_a_closing_cohorts_page_is_not_kept(client, world, django_assert_num_queries):
    """The survey's answers replace no stamp: a concluding cohort's page is read every time."""
    Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CONCLUDING)
    login(client, world.admin)
    page = reverse("programmes:cohort-detail", args=[world.cohort.pk])
    assert client.get(page).context["survey"].overall.responses == 0
    SurveyResponse.objects.create(
        cohort=world.cohort, person=world.mentee, role=Enrolment.Role.MENTEE, satisfaction=5, recommend=10
    )
    assert client.get(page).context["survey"].overall.responses == 1


def test_each_look_gets_its_own_tokens_and_its_forms_post(client, world, open_cohort):
    """The enrolling cohort's page has two forms (run matching, enrol someone): the kept page has
    each form's token cut out and a new one filled in on every look."""
    import re

    login(client, world.admin)
    first, second = _look(client, open_cohort), _look(client, open_cohort)
    tokens = [re.findall(r'name="submission" value="([^"]*)"', page) for page in (first, second)]
    assert len(tokens[0]) == len(tokens[1]) == 2 and not set(tokens[0]) & set(tokens[1])
    assert len(set(tokens[1])) == len(tokens[1])  # one per form
    form = {"role": "mentor", "capacity": "1", "person": world.outsider.email, "submission": tokens[1][-1]}
    response = client.post(reverse("programmes:cohort-detail", args=[open_cohort.pk]), form)
    assert response.status_code == 302
    assert "Sam Outsider" in _look(client, open_cohort)


def test_a_page_number_not_worth_keeping_is_rendered_and_not_kept(client, kept, django_assert_num_queries):
    for params in ({"mentees_page": "abc"}, {"mentees_page": "0"}, {"mentees_page": "51"}, {"x": "1"}):
        _look(client, kept.cohort, **params)
        with django_assert_num_queries(10):  # not kept: read again (overdue and flags from the cache)
            _look(client, kept.cohort, **params)


def test_another_admin_is_served_their_own_page(client, kept, django_assert_num_queries):
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.test import Client

    from tests.factories import UserFactory

    other = UserFactory(username="admin2")
    other.groups.add(Group.objects.get(name=settings.ADMINS_GROUP))
    second = login(Client(), other)
    response = second.get(reverse("programmes:cohort-detail", args=[kept.cohort.pk]))
    assert response.context["overview"]  # rendered for them, not served what the first admin was
