"""One-click answers from emails, without a login: the pulse score links (and the page they open)
and "confirm this session"."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from matching.models import Pairing
from notifications.models import Notification
from sessions import links, services
from sessions.models import CheckIn, FlagResolution, MentoringSession
from tests.factories import SessionFactory

# Pairings start on 2026-09-08 and pulse every 28 days: period 1 runs 2026-10-06 .. 2026-11-02,
# period 2 from 2026-11-03.
IN_PERIOD_1 = datetime.datetime(2026, 10, 20, 12, 0, tzinfo=datetime.UTC)
LAST_DAY_OF_PERIOD_1 = datetime.datetime(2026, 11, 2, 23, 30, tzinfo=datetime.UTC)
FIRST_DAY_OF_PERIOD_2 = datetime.datetime(2026, 11, 3, 0, 30, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(world):
    with time_machine.travel(IN_PERIOD_1, tick=False) as traveller:
        world.clock = traveller
        yield world


def token(world, person=None, period=1, pairing=None):
    return links.pulse_answer_token(
        person_id=(person or world.mentee).pk, pairing_id=(pairing or world.pair).pk, period=period
    )


def answer_url(world, score, **kwargs):
    return reverse("mentoring_sessions:pulse-answer", args=[token(world, **kwargs), score])


def page_url(world, **kwargs):
    return reverse("mentoring_sessions:pulse-page", args=[token(world, **kwargs)])


def answers():
    return list(CheckIn.objects.values_list("person__full_name", "period_key", "satisfaction"))


# --- the pulse score links ------------------------------------------------------------------------


def test_score_link_records_the_answer_without_a_login_and_opens_the_comment_page(client, frozen):
    response = client.get(answer_url(frozen, 4))
    assert response.status_code == 302 and response.url == page_url(frozen)
    assert answers() == [("Ada Mentee", "1", 4)]
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Your answer is recorded: 4 out of 5." in page.text
    assert "You can change it, and add anything else, until 2 November 2026." in page.text


def test_the_emailed_score_links_are_the_answer_route(frozen):
    urls = links.pulse_answer_urls(person_id=frozen.mentee.pk, pairing_id=frozen.pair.pk, period=1)
    assert urls == {score: "http://testserver" + answer_url(frozen, score) for score in range(1, 6)}


def test_clicking_twice_or_another_score_updates_the_one_answer(client, frozen):
    client.get(answer_url(frozen, 4))
    client.get(answer_url(frozen, 4))
    assert answers() == [("Ada Mentee", "1", 4)]
    client.get(answer_url(frozen, 2))
    assert answers() == [("Ada Mentee", "1", 2)]


def test_a_score_click_keeps_the_comment_added_on_the_page(client, frozen):
    client.get(answer_url(frozen, 4))
    form = {"satisfaction": "4", "meeting_regularly": "no", "blockers": "Rota clash", "comment": "Fine"}
    response = client.post(page_url(frozen), form)
    assert response.status_code == 302
    client.get(answer_url(frozen, 5))
    checkin = CheckIn.objects.get()
    assert (checkin.satisfaction, checkin.meeting_regularly, checkin.blockers, checkin.comment) == (
        5,
        False,
        "Rota clash",
        "Fine",
    )


def test_the_same_score_again_leaves_an_admins_resolution_in_place(client, frozen):
    client.get(answer_url(frozen, 1))
    checkin = CheckIn.objects.get()
    FlagResolution.objects.create(checkin=checkin, resolved_by=frozen.admin, note="Called them")
    client.get(answer_url(frozen, 1))  # a mail scanner fetching the link again
    assert FlagResolution.objects.filter(checkin=checkin).exists()


def test_the_page_saves_the_other_fields(client, frozen):
    client.get(answer_url(frozen, 3))
    form = {"satisfaction": "3", "meeting_regularly": "yes", "blockers": "", "comment": "Good chats"}
    response = client.post(page_url(frozen), form)
    assert response.status_code == 302 and response.url == page_url(frozen)
    assert CheckIn.objects.get().comment == "Good chats"
    assert "your check-in is saved" in client.get(response.url).text


def test_the_page_refuses_a_bad_score_and_keeps_the_answer(client, frozen):
    client.get(answer_url(frozen, 3))
    response = client.post(
        page_url(frozen), {"satisfaction": "9", "meeting_regularly": "yes", "comment": "x"}
    )
    assert response.status_code == 200
    assert answers() == [("Ada Mentee", "1", 3)]


@pytest.mark.parametrize("score", [0, 6, 99])
def test_a_score_outside_one_to_five_is_a_404_and_records_nothing(client, frozen, score):
    assert client.get(answer_url(frozen, score)).status_code == 404
    assert answers() == []


def test_a_tampered_link_is_a_404(client, frozen):
    good = token(frozen)
    for bad in [good[:-2] + "xx", good.replace(good.split(":")[0], token(frozen, period=2).split(":")[0])]:
        assert client.get(reverse("mentoring_sessions:pulse-answer", args=[bad, 4])).status_code == 404
        assert client.get(reverse("mentoring_sessions:pulse-page", args=[bad])).status_code == 404
    assert answers() == []


def test_an_unsubscribe_token_does_not_answer_a_pulse(client, frozen):
    from notifications.links import unsubscribe_token

    other = unsubscribe_token(person_id=frozen.mentee.pk, kind="pulse")
    assert client.get(reverse("mentoring_sessions:pulse-answer", args=[other, 4])).status_code == 404


def test_a_link_for_someone_outside_the_pairing_is_a_404(client, frozen):
    assert client.get(answer_url(frozen, 4, person=frozen.mentee2)).status_code == 404
    assert answers() == []


def test_a_link_for_a_pairing_the_person_is_not_in_is_a_404(client, frozen):
    assert client.get(answer_url(frozen, 4, pairing=frozen.pair2)).status_code == 404
    assert client.get(page_url(frozen, pairing=frozen.pair2)).status_code == 404
    assert answers() == []


def test_a_link_for_a_period_not_begun_is_a_404(client, frozen):
    assert client.get(answer_url(frozen, 4, period=2)).status_code == 404
    assert answers() == []


def test_each_link_answers_for_its_own_person_and_pairing_only(client, frozen):
    client.get(answer_url(frozen, 5, person=frozen.mentor))
    client.get(answer_url(frozen, 2, person=frozen.mentee2, pairing=frozen.pair2))
    assert sorted(CheckIn.objects.values_list("pairing_id", "person_id", "satisfaction")) == sorted(
        [(frozen.pair.pk, frozen.mentor.pk, 5), (frozen.pair2.pk, frozen.mentee2.pk, 2)]
    )


def test_a_logged_in_other_user_still_answers_only_for_the_links_person(client, frozen):
    client.force_login(frozen.mentor.user)
    client.get(answer_url(frozen, 4))
    assert answers() == [("Ada Mentee", "1", 4)]


def test_a_link_for_another_period_says_the_period_is_over(client, frozen):
    response = client.get(answer_url(frozen, 4, period=0))
    assert response.status_code == 410
    assert "This check-in period ended on 5 October 2026" in response.text
    assert answers() == []


def test_answer_is_changeable_until_the_last_day_of_the_period_and_not_after(client, frozen):
    frozen.clock.move_to(LAST_DAY_OF_PERIOD_1)
    client.get(answer_url(frozen, 4))
    assert answers() == [("Ada Mentee", "1", 4)]
    frozen.clock.move_to(FIRST_DAY_OF_PERIOD_2)
    for response in [client.get(answer_url(frozen, 1)), client.get(page_url(frozen))]:
        assert response.status_code == 410
        assert "This check-in period ended on 2 November 2026" in response.text
        assert "You answered 4 out of 5." in response.text
    assert client.post(page_url(frozen), {"satisfaction": "1", "meeting_regularly": "yes"}).status_code == 410
    assert answers() == [("Ada Mentee", "1", 4)]


def test_after_the_pairing_ended_the_link_says_so_and_records_nothing(client, frozen):
    Pairing.objects.filter(pk=frozen.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=datetime.date(2026, 10, 19), outcome=Pairing.Outcome.COMPLETED
    )
    response = client.get(answer_url(frozen, 4))
    assert response.status_code == 410
    assert "Your mentorship has ended" in response.text
    assert answers() == []


# --- "session to confirm" ------------------------------------------------------------------------


def confirm_url(session, person):
    return reverse(
        "mentoring_sessions:session-confirm-link",
        args=[links.session_confirm_token(person_id=person.pk, session_id=session.pk)],
    )


def test_logging_a_session_tells_the_other_side_with_a_one_click_confirm_link(
    frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = services.session_log(
            pairing=frozen.pair, by=frozen.mentee, held_on=datetime.date(2026, 10, 19), format="video"
        )
    notice = Notification.objects.get(kind="session_to_confirm")
    assert (notice.person, notice.actor, notice.key) == (
        frozen.mentor,
        frozen.mentee,
        f"session-to-confirm:{session.pk}",
    )
    assert notice.url == reverse("mentoring_sessions:session-detail", args=[frozen.pair.pk, session.pk])
    message = next(m for m in mail.outbox if m.to == [frozen.mentor.email])
    assert message.subject == "Ada Mentee logged your session of 19 October: please confirm it"
    assert message.body.startswith("Hi Omar,")
    assert links.session_confirm_url(person_id=frozen.mentor.pk, session_id=session.pk) in message.body
    assert not Notification.objects.filter(person=frozen.mentee).exists()  # the logger is not told


def test_confirm_link_confirms_without_a_login_once(client, frozen):
    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    response = client.get(confirm_url(session, frozen.mentor))
    assert response.status_code == 200 and "Thank you: the session is confirmed." in response.text
    session.refresh_from_db()
    first = session.confirmed_at
    assert first is not None and session.partner_rating is None
    frozen.clock.shift(datetime.timedelta(hours=1))
    again = client.get(confirm_url(session, frozen.mentor))
    assert "This session was confirmed already, on 20 October 2026." in again.text
    session.refresh_from_db()
    assert session.confirmed_at == first


def test_confirm_page_takes_an_optional_rating(client, frozen):
    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    url = confirm_url(session, frozen.mentor)
    client.get(url)
    response = client.post(url, {"partner_rating": "5", "partner_comment": "Very useful"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.partner_rating, session.partner_comment) == (5, "Very useful")
    assert client.post(url, {"partner_rating": "8"}).status_code == 200
    session.refresh_from_db()
    assert session.partner_rating == 5


def test_confirm_link_is_for_that_person_and_session_only(client, frozen):
    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    other = SessionFactory(pairing=frozen.pair2, logged_by=frozen.mentee2)
    assert client.get(confirm_url(session, frozen.mentee)).status_code == 404  # the one who logged it
    assert client.get(confirm_url(session, frozen.mentor2)).status_code == 404  # not in the pairing
    assert client.get(confirm_url(other, frozen.mentor)).status_code == 404
    good = links.session_confirm_token(person_id=frozen.mentor.pk, session_id=session.pk)
    tampered = reverse("mentoring_sessions:session-confirm-link", args=[good[:-2] + "xx"])
    assert client.get(tampered).status_code == 404
    pulse = reverse("mentoring_sessions:session-confirm-link", args=[token(frozen)])
    assert client.get(pulse).status_code == 404  # another salt's token
    assert not MentoringSession.objects.filter(confirmed_at__isnull=False).exists()


def test_confirm_link_after_the_pairing_ended_confirms_nothing(client, frozen):
    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    Pairing.objects.filter(pk=frozen.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=datetime.date(2026, 10, 19), outcome=Pairing.Outcome.COMPLETED
    )
    response = client.get(confirm_url(session, frozen.mentor))
    assert "Your mentorship has ended" in response.text
    session.refresh_from_db()
    assert session.confirmed_at is None
