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
