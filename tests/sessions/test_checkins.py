"""Pulse check-ins: the signed link, one answer per period, flags and the admin's flag page."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from matching.models import Pairing
from sessions import checkins
from sessions.models import CheckIn
from tests.conftest import login
from tests.factories import CheckInFactory, PairingFactory

FLAG_PAGE_QUERIES = 5

# Pairings start on 2026-09-08 and pulse every 28 days: period 1 runs 2026-10-06 .. 2026-11-02,
# period 2 from 2026-11-03.
IN_PERIOD_1 = datetime.datetime(2026, 10, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(world):
    with time_machine.travel(IN_PERIOD_1, tick=False) as traveller:
        world.clock = traveller
        yield world


def link(world, person=None, period=1):
    person = person or world.mentee
    token = checkins.pulse_token(pairing_id=world.pair.pk, person_id=person.pk, period=period)
    return reverse("mentoring_sessions:checkin-answer", args=[token])


ANSWER = {"satisfaction": "2", "meeting_regularly": "no", "blockers": "No time in the rota", "comment": ""}


def test_period_is_the_interval_index_since_the_pairing_started(world):
    assert checkins.pulse_period(world.pair, today=datetime.date(2026, 9, 7)) is None
    assert checkins.pulse_period(world.pair, today=datetime.date(2026, 10, 5)) == 0
    assert checkins.pulse_period(world.pair, today=datetime.date(2026, 10, 6)) == 1
    assert checkins.period_ends_on(world.pair, 1) == datetime.date(2026, 11, 2)


def test_member_answers_from_the_signed_link(client, frozen):
    login(client, frozen.mentee.user)
    response = client.post(link(frozen), ANSWER)
    assert response.status_code == 302 and response.url == frozen.pair.get_absolute_url()
    answer = CheckIn.objects.get()
    assert (answer.person, answer.period_key, answer.satisfaction, answer.meeting_regularly) == (
        frozen.mentee,
        "1",
        2,
        False,
    )
    assert answer.flagged


def test_logged_out_member_is_sent_to_log_in_and_back(client, frozen):
    url = link(frozen)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login")) and "next=" in response.url
    assert "check-ins" in response.url


def test_someone_else_logged_in_gets_a_404(client, frozen):
    login(client, frozen.mentor.user)  # the partner: the link names the mentee
    assert client.get(link(frozen)).status_code == 404
    login(client, frozen.mentee2.user)
    assert client.get(link(frozen)).status_code == 404


def test_tampered_link_gets_a_friendly_page(client, frozen):
    login(client, frozen.mentee.user)
    response = client.get(link(frozen)[:-3] + "abc/")
    assert response.status_code == 400
    assert "not valid" in response.text


def test_link_made_with_another_salt_is_refused(client, frozen):
    login(client, frozen.mentee.user)
    forged = signing.dumps({"pairing": frozen.pair.pk, "person": frozen.mentee.pk, "period": 1})
    response = client.get(reverse("mentoring_sessions:checkin-answer", args=[forged]))
    assert response.status_code == 400


def test_link_expires_after_its_period_and_the_next(client, frozen):
    url = link(frozen, period=1)
    login(client, frozen.mentee.user)
    frozen.clock.move_to(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC))  # period 2: still fine
    login(client, frozen.mentee.user)  # a fresh login: the first one's session has expired by now
    assert client.get(url).status_code == 200
    frozen.clock.move_to(datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC))  # period 3
    login(client, frozen.mentee.user)
    response = client.get(url)
    assert response.status_code == 400 and "expired" in response.text
    assert not CheckIn.objects.exists()


def test_second_visit_shows_the_answer_and_edits_it_within_the_period(client, frozen):
    login(client, frozen.mentee.user)
    client.post(link(frozen), ANSWER)
    response = client.get(link(frozen))
    assert "You answered on" in response.text and "No time in the rota" in response.text
    client.post(link(frozen), {**ANSWER, "satisfaction": "4", "meeting_regularly": "yes", "blockers": ""})
    answer = CheckIn.objects.get()
    assert (answer.satisfaction, answer.meeting_regularly, answer.flagged) == (4, True, False)


def test_answer_is_read_only_once_its_period_has_ended(client, frozen):
    login(client, frozen.mentee.user)
    client.post(link(frozen), ANSWER)
    frozen.clock.move_to(datetime.datetime(2026, 11, 10, 12, 0, tzinfo=datetime.UTC))
    login(client, frozen.mentee.user)
    response = client.post(link(frozen), {**ANSWER, "satisfaction": "5"})
    assert response.status_code == 200 and "Update my check-in" not in response.text
    assert CheckIn.objects.get().satisfaction == 2


def test_plain_check_in_from_the_workspace_uses_the_current_period(client, frozen):
    login(client, frozen.mentor.user)
    url = reverse("mentoring_sessions:checkin-create", args=[frozen.pair.pk])
    assert client.post(url, {**ANSWER, "satisfaction": "5", "meeting_regularly": "yes"}).status_code == 302
    client.post(url, {**ANSWER, "satisfaction": "3", "meeting_regularly": "yes", "blockers": ""})
    answer = CheckIn.objects.get()
    assert (answer.person, answer.period_key, answer.satisfaction) == (frozen.mentor, "1", 3)


def test_another_pairs_member_cannot_check_in_here(client, frozen):
    login(client, frozen.mentee2.user)
    url = reverse("mentoring_sessions:checkin-create", args=[frozen.pair.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, ANSWER).status_code == 404


def test_invalid_answer_keeps_what_was_typed(client, frozen):
    login(client, frozen.mentee.user)
    response = client.post(link(frozen), {**ANSWER, "satisfaction": "9"})
    assert response.status_code == 200 and "No time in the rota" in response.text
    assert not CheckIn.objects.exists()


# --- flags ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "flagged"),
    [
        ({"satisfaction": 2}, True),
        ({"satisfaction": 3}, False),
        ({"meeting_regularly": False}, True),
        ({"blockers": "Rota clash"}, True),
    ],
)
def test_low_score_not_meeting_or_a_blocker_flags_the_pairing(world, fields, flagged):
    CheckInFactory(pairing=world.pair, **fields)
    assert list(checkins.flagged_pairings(world.cohort)) == ([world.pair] if flagged else [])


def test_a_members_later_good_answer_clears_their_flag(world):
    CheckInFactory(
        pairing=world.pair, satisfaction=1, created_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
    )
    CheckInFactory(
        pairing=world.pair, satisfaction=4, created_at=datetime.datetime(2026, 10, 29, tzinfo=datetime.UTC)
    )
    assert not checkins.flagged_pairings(world.cohort).exists()


def test_partners_good_answer_does_not_hide_the_others_flag(world):
    CheckInFactory(
        pairing=world.pair, blockers="Rota", created_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
    )
    CheckInFactory(
        pairing=world.pair,
        person=world.mentor,
        satisfaction=5,
        created_at=datetime.datetime(2026, 10, 29, tzinfo=datetime.UTC),
    )
    assert list(checkins.flagged_pairings(world.cohort)) == [world.pair]


def test_admin_sees_flagged_pairs_with_their_latest_answer(client, world):
    CheckInFactory(pairing=world.pair, satisfaction=2, blockers="No time in the rota")
    CheckInFactory(pairing=world.pair2, satisfaction=5)
    login(client, world.admin)
    url = reverse("mentoring_sessions:checkin-flags", args=[world.cohort.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Ada Mentee" in response.text and "No time in the rota" in response.text
    assert "Bo Mentee" not in response.text


@pytest.mark.parametrize("who", ["mentor", "mentee", "manager", "outsider"])
def test_flag_page_is_for_programme_admins_only(client, world, who):
    login(client, getattr(world, who).user)
    url = reverse("mentoring_sessions:checkin-flags", args=[world.cohort.pk])
    assert client.get(url).status_code == 403


def test_flag_page_lists_a_page_of_flagged_pairs_at_a_time(client, world):
    from sessions.checkin_views import FLAGS_PER_PAGE

    for _ in range(FLAGS_PER_PAGE + 2):
        CheckInFactory(pairing=PairingFactory(match_run=world.run), blockers="Stuck")
    login(client, world.admin)
    url = reverse("mentoring_sessions:checkin-flags", args=[world.cohort.pk])
    first, second = client.get(url), client.get(url, {"page": 2})
    assert len(first.context["rows"]) == FLAGS_PER_PAGE and len(second.context["rows"]) == 2
    assert "Page 1 of 2" in first.text


@pytest.mark.parametrize("size", [1, 60])
def test_flag_page_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    for _ in range(size):
        CheckInFactory(pairing=PairingFactory(match_run=world.run), blockers="Stuck")
    login(client, world.admin)
    url = reverse("mentoring_sessions:checkin-flags", args=[world.cohort.pk])
    # user (with person and roles), cohort, count and page of flagged pairings, their answers
    with django_assert_num_queries(FLAG_PAGE_QUERIES):
        assert client.get(url).status_code == 200


def test_ended_pairing_shows_a_closed_check_in_and_refuses_answers(client, frozen):
    Pairing.objects.filter(pk=frozen.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=frozen.today, outcome=Pairing.Outcome.COMPLETED
    )
    login(client, frozen.mentee.user)
    response = client.post(link(frozen), ANSWER)
    assert response.status_code == 200 and "This check-in is closed" in response.text
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("satisfaction", "meeting", "blockers"),
    [(2, True, ""), (3, True, ""), (3, False, ""), (5, True, "No time on shift"), (4, True, "   ")],
)
def test_flagged_means_the_same_in_python_and_in_sql(world, satisfaction, meeting, blockers):
    """One rule, said twice side by side: the answer's `flagged` and the query the admin's flag page,
    the cohort page and the mentor's list use must agree on every answer (a blank blocker is none)."""
    checkin = CheckIn(pairing=world.pair, person=world.mentee, satisfaction=satisfaction)
    checkin.meeting_regularly, checkin.blockers = meeting, blockers
    checkin.full_clean()
    checkin.save()
    assert checkin.flagged == CheckIn.objects.filter(CheckIn.FLAGGED, pk=checkin.pk).exists()
    assert checkin.flagged == (satisfaction <= 2 or not meeting or bool(blockers.strip()))
