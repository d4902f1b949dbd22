"""Scheduling with calendar invites, logging in under a minute, the other side's confirmation,
action items that carry over, and private notes that only their author ever sees."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import Pairing
from outbox.models import Message
from outbox.tasks import send_message
from sessions import ics, services
from sessions.models import ActionItem, MentoringSession, ScheduledSession, SessionPrivateNote
from tests.conftest import login
from tests.factories import SessionFactory

NOW = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(world):
    world.mentor.time_zone = "America/New_York"
    world.mentor.save()
    world.mentee.time_zone = "Europe/Berlin"
    world.mentee.save()
    with time_machine.travel(NOW, tick=False):
        yield world


def schedule_url(pair):
    return reverse("mentoring_sessions:session-schedule", args=[pair.pk])


def _schedule(world, **overrides):
    fields = {
        "pairing": world.pair,
        "by": world.mentor,
        "starts_at": datetime.datetime(2026, 11, 10, 14, 30, tzinfo=datetime.UTC),
        "duration_minutes": 45,
        "format": "video",
        "agenda": "Refund policy; tone, and escalations\nBring two tickets",
        **overrides,
    }
    return services.session_schedule(**fields)


def _unfold(text: str) -> str:
    return text.replace("\r\n ", "")


# --- scheduling and the calendar file -------------------------------------------------------------


def test_mentor_schedules_in_their_own_time_zone_and_sees_both_zones(client, frozen):
    login(client, frozen.mentor.user)
    response = client.post(
        schedule_url(frozen.pair),
        {"date": "2026-11-10", "time": "09:30", "duration_minutes": 45, "format": "video", "agenda": "Tone"},
    )
    assert response.status_code == 302
    scheduled = ScheduledSession.objects.get()
    # 09:30 in New York (EST, UTC-5) is 14:30 UTC and 15:30 in Berlin (CET).
    assert scheduled.starts_at == datetime.datetime(2026, 11, 10, 14, 30, tzinfo=datetime.UTC)
    page = client.get(schedule_url(frozen.pair)).text
    assert "Tue 10 Nov 2026, 09:30" in page and "America/New_York" in page
    assert "Tue 10 Nov 2026, 15:30 for Ada Mentee (Europe/Berlin)" in page


def test_a_time_in_the_past_is_refused(client, frozen):
    login(client, frozen.mentor.user)
    response = client.post(
        schedule_url(frozen.pair),
        {"date": "2026-11-01", "time": "09:30", "duration_minutes": 45, "format": "video"},
    )
    assert response.status_code == 200 and "Pick a time in the future" in response.text
    assert not ScheduledSession.objects.exists()


def test_ics_has_utc_times_uid_sequence_and_escaped_text(frozen):
    scheduled = _schedule(frozen)
    text = ics.invite_ics(scheduled)
    unfolded = _unfold(text)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert f"UID:{scheduled.uid}@mentorship\r\n" in text
    assert "DTSTAMP:20261102T120000Z" in text
    assert "DTSTART:20261110T143000Z" in text and "DTEND:20261110T151500Z" in text
    assert "SEQUENCE:0" in text and "METHOD:REQUEST" in text
    assert "Refund policy\\; tone\\, and escalations\\nBring two tickets" in unfolded
    assert f"http://testserver/pairings/{frozen.pair.pk}/" in unfolded
    assert 'ORGANIZER;CN="Omar Mentor":mailto:mentor@example.com' in unfolded
    assert "mailto:mentee@example.com" in unfolded
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_long_lines_fold_without_splitting_a_character():
    line = "DESCRIPTION:" + "é" * 100
    folded = ics.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_reschedule_keeps_the_uid_and_raises_the_sequence(frozen):
    scheduled = _schedule(frozen)
    uid = ics.uid_for(scheduled)
    moved = services.session_reschedule(
        scheduled=scheduled,
        by=frozen.mentee,
        starts_at=datetime.datetime(2026, 11, 11, 8, 0, tzinfo=datetime.UTC),
        duration_minutes=30,
        format="chat",
        agenda="",
    )
    text = ics.invite_ics(moved)
    assert f"UID:{uid}" in text and "SEQUENCE:1" in text and "DTSTART:20261111T080000Z" in text


def test_cancel_sends_method_cancel_with_the_same_uid(client, frozen):
    scheduled = _schedule(frozen)
    login(client, frozen.mentee.user)
    response = client.post(
        reverse("mentoring_sessions:session-schedule-edit", args=[frozen.pair.pk, scheduled.pk]),
        {"cancel": "1"},
    )
    assert response.status_code == 302
    response = client.get(reverse("mentoring_sessions:session-ics", args=[frozen.pair.pk, scheduled.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert "METHOD:CANCEL" in text and "STATUS:CANCELLED" in text and "SEQUENCE:1" in text
    assert f"UID:{scheduled.uid}@mentorship" in text


def test_outsider_cannot_download_another_pairs_invite(client, frozen):
    scheduled = _schedule(frozen)
    login(client, frozen.mentee2.user)
    url = reverse("mentoring_sessions:session-ics", args=[frozen.pair.pk, scheduled.pk])
    assert client.get(url).status_code == 404


def test_invite_is_emailed_once_per_sequence_even_if_the_task_runs_twice(
    frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = _schedule(frozen)
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@example.com", "mentor@example.com"]
    assert mail.outbox[0].attachments[0][0] == "invite.ics"
    # A redelivered task for a message already sent sends nothing.
    assert not any(send_message(pk) for pk in Message.objects.values_list("pk", flat=True))
    assert len(mail.outbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(scheduled=scheduled, by=frozen.mentor)
    assert not any(send_message(pk) for pk in Message.objects.values_list("pk", flat=True))
    assert len(mail.outbox) == 4
    assert "METHOD:CANCEL" in mail.outbox[-1].attachments[0][1]
    assert Message.objects.filter(status=Message.Status.SENT).count() == 4


def test_scheduling_in_an_ended_pairing_is_refused(frozen):
    frozen.cohort.state = "closed"
    frozen.cohort.save()
    with pytest.raises(ValidationError):
        _schedule(frozen)


# --- logging ----------------------------------------------------------------------------------------


def log_data(world, **overrides):
    data = {
        "held_on": "2026-10-30",
        "duration_minutes": 45,
        "format": "ticket_review",
        "topics": ["de-escalation"],
        "ticket_refs": "4521, ZD-88",
        "notes": "Reviewed two refund tickets",
        "private_notes": "Ada is nervous about phone escalations",
        "rating": "5",
        "rating_comment": "Very practical",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "Draft a refund macro",
        "items-0-owner": str(world.mentee.pk),
        "items-0-due_on": "2026-11-09",
        "items-1-description": "",
        "items-1-owner": "",
        "items-1-due_on": "",
    }
    return {**data, **overrides}


def test_mentee_logs_with_private_note_ticket_refs_and_an_action_item(client, frozen):
    login(client, frozen.mentee.user)
    response = client.post(
        reverse("mentoring_sessions:session-create", args=[frozen.pair.pk]), log_data(frozen)
    )
    assert response.status_code == 302
    session = MentoringSession.objects.get()
    assert (session.ticket_refs, session.rating_comment) == ("4521, ZD-88", "Very practical")
    assert SessionPrivateNote.objects.get().author == frozen.mentee
    item = ActionItem.objects.get()
    assert (item.session, item.owner, item.due_on) == (session, frozen.mentee, datetime.date(2026, 11, 9))


def test_bad_ticket_reference_is_refused(client, frozen):
    login(client, frozen.mentee.user)
    response = client.post(
        reverse("mentoring_sessions:session-create", args=[frozen.pair.pk]),
        log_data(frozen, ticket_refs="4521, not a ticket"),
    )
    assert response.status_code == 200 and "Not a ticket id: not a ticket" in response.text
    assert not MentoringSession.objects.exists()


def test_action_item_owner_must_be_one_of_the_pair(client, frozen):
    login(client, frozen.mentee.user)
    response = client.post(
        reverse("mentoring_sessions:session-create", args=[frozen.pair.pk]),
        log_data(frozen, **{"items-0-owner": str(frozen.outsider.pk)}),
    )
    assert response.status_code == 200
    assert not MentoringSession.objects.exists()


def test_open_action_items_carry_over_until_ticked_done(client, frozen):
    earlier = SessionFactory(pairing=frozen.pair, held_on=datetime.date(2026, 10, 1))
    item = ActionItem.objects.create(
        pairing=frozen.pair, session=earlier, description="Shadow a billing call", owner=frozen.mentee
    )
    login(client, frozen.mentor.user)
    url = reverse("mentoring_sessions:session-create", args=[frozen.pair.pk])
    assert "Shadow a billing call" in client.get(url).text
    client.post(url, log_data(frozen, held_on="2026-10-20", private_notes=""))
    item.refresh_from_db()
    assert item.done_at is None
    assert "Shadow a billing call" in client.get(url).text

    client.post(url, log_data(frozen, held_on="2026-10-29", completed_items=[item.pk]))
    item.refresh_from_db()
    assert item.done_at is not None
    assert "Shadow a billing call" not in client.get(url).text


def test_log_form_prefills_from_the_scheduled_session_and_links_it(client, frozen):
    scheduled = ScheduledSession.objects.create(
        pairing=frozen.pair,
        starts_at=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC),
        duration_minutes=30,
        format="ticket_shadowing",
        agenda="Shadow the billing queue",
        created_by=frozen.mentor,
    )
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:session-create", args=[frozen.pair.pk])
    page = client.get(url).text
    assert 'value="2026-11-02"' in page and "Shadow the billing queue" in page
    assert f'name="scheduled" value="{scheduled.pk}"' in page
    client.post(url, log_data(frozen, scheduled=str(scheduled.pk), held_on="2026-11-02"))
    assert MentoringSession.objects.get().scheduled == scheduled


@pytest.mark.parametrize("history", [1, 15])
def test_log_form_query_count_does_not_grow_with_history(
    client, frozen, history, settings, django_assert_num_queries
):
    settings.PAIRING_FRAGMENT_SECONDS = 0  # rendered afresh (kept pages: tests/sessions/test_pages.py)
    for n in range(history):
        session = SessionFactory(
            pairing=frozen.pair, held_on=datetime.date(2026, 9, 2) + datetime.timedelta(n)
        )
        ActionItem.objects.create(
            pairing=frozen.pair, session=session, description=f"Item {n}", owner=frozen.mentor
        )
        ScheduledSession.objects.create(
            pairing=frozen.pair,
            starts_at=datetime.datetime(2026, 9, 2, 9, tzinfo=datetime.UTC) + datetime.timedelta(n),
            created_by=frozen.mentor,
        )
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:session-create", args=[frozen.pair.pk])
    client.get(url)  # warm the session and content-type caches
    # user (with person and roles), pairing, the planned session it fills in from, the next one to
    # come within a day (when the page changes), open action items (with owners); the library's
    # guide: sessions held so far (the stage), the programme's prompts, resources for the topics
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.text.count("Item ") == history


# --- confirming -------------------------------------------------------------------------------------


def confirm_url(world, session):
    return reverse("mentoring_sessions:session-confirm", args=[world.pair.pk, session.pk])


def test_the_other_side_rates_and_confirms_once(client, frozen):
    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    login(client, frozen.mentor.user)
    response = client.post(confirm_url(frozen, session), {"partner_rating": "4", "partner_comment": "Good"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.partner_rating, session.partner_comment) == (4, "Good")
    assert session.confirmed_at == NOW

    response = client.post(confirm_url(frozen, session), {"partner_rating": "1"})
    session.refresh_from_db()
    assert session.partner_rating == 4
    with pytest.raises(ValidationError, match="confirmed already"):
        services.session_confirm(session=session, by=frozen.mentor, partner_rating=2)


def test_the_logger_cannot_confirm_their_own_session(client, frozen):
    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    with pytest.raises(ValidationError, match="the other side confirms it"):
        services.session_confirm(session=session, by=frozen.mentee, partner_rating=5)
    login(client, frozen.mentee.user)
    client.post(confirm_url(frozen, session), {"partner_rating": "5"})
    session.refresh_from_db()
    assert session.confirmed_at is None


def test_non_members_get_a_404_on_confirm(client, frozen):
    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    login(client, frozen.mentee2.user)
    assert client.get(confirm_url(frozen, session)).status_code == 404
    assert client.post(confirm_url(frozen, session), {"partner_rating": "5"}).status_code == 404


# --- private notes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["mentor", "admin", "manager", "mentee2"])
def test_private_notes_are_seen_by_their_author_only(client, frozen, viewer):
    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    SessionPrivateNote.objects.create(session=session, author=frozen.mentee, text="SECRET-MENTEE-NOTE")
    user = frozen.admin if viewer == "admin" else getattr(frozen, viewer).user
    login(client, user)
    urls = [
        frozen.pair.get_absolute_url(),
        session_url(frozen, session),
        confirm_url(frozen, session),
        reverse("mentoring_sessions:session-create", args=[frozen.pair.pk]),
        schedule_url(frozen.pair),
        reverse("mentoring_sessions:pairing-export", args=[frozen.pair.pk]),
    ]
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "SECRET-MENTEE-NOTE" not in body.decode(), url

    login(client, frozen.mentee.user)
    assert "SECRET-MENTEE-NOTE" in client.get(session_url(frozen, session)).text


def session_url(world, session):
    return reverse("mentoring_sessions:session-detail", args=[world.pair.pk, session.pk])


def test_author_reaches_their_private_note_from_the_workspace_and_edits_it(client, frozen):
    login(client, frozen.mentee.user)
    client.post(reverse("mentoring_sessions:session-create", args=[frozen.pair.pk]), log_data(frozen))
    session = MentoringSession.objects.get()

    # The one who logged it (and will never confirm it) has a way back to the session.
    workspace = client.get(frozen.pair.get_absolute_url())
    assert session_url(frozen, session) in workspace.text
    page = client.get(session_url(frozen, session))
    assert "Ada is nervous about phone escalations" in page.text
    assert "Only you will ever see these" in page.text

    response = client.post(session_url(frozen, session), {"text": "Practise the refund script"})
    assert response.status_code == 302
    assert SessionPrivateNote.objects.get().text == "Practise the refund script"
    assert "Practise the refund script" in client.get(session_url(frozen, session)).text

    client.post(session_url(frozen, session), {"text": "  "})
    assert not SessionPrivateNote.objects.exists()


def test_partner_writes_their_own_note_beside_the_authors_without_seeing_it(client, frozen):
    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    SessionPrivateNote.objects.create(session=session, author=frozen.mentee, text="SECRET-MENTEE-NOTE")
    login(client, frozen.mentor.user)

    assert client.post(session_url(frozen, session), {"text": "Mentor own thought"}).status_code == 302

    notes = dict(SessionPrivateNote.objects.values_list("author__full_name", "text"))
    assert notes == {"Ada Mentee": "SECRET-MENTEE-NOTE", "Omar Mentor": "Mentor own thought"}
    page = client.get(session_url(frozen, session)).text
    assert "Mentor own thought" in page and "SECRET-MENTEE-NOTE" not in page


@pytest.mark.parametrize("viewer", ["admin", "manager", "mentee2"])
def test_only_members_open_a_session_page_or_write_a_note_on_it(client, frozen, viewer):
    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    login(client, frozen.admin if viewer == "admin" else getattr(frozen, viewer).user)
    assert client.get(session_url(frozen, session)).status_code == 404
    assert client.post(session_url(frozen, session), {"text": "intrusion"}).status_code == 404
    assert not SessionPrivateNote.objects.exists()


def test_after_the_pairing_ends_the_author_still_reads_their_note(client, frozen):
    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee)
    SessionPrivateNote.objects.create(session=session, author=frozen.mentee, text="Kept for later")
    Pairing.objects.filter(pk=frozen.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=frozen.today, outcome=Pairing.Outcome.COMPLETED
    )
    login(client, frozen.mentee.user)

    page = client.get(session_url(frozen, session))
    assert "Kept for later" in page.text and "can no longer be changed" in page.text
    client.post(session_url(frozen, session), {"text": "changed"})
    assert SessionPrivateNote.objects.get().text == "Kept for later"


def test_mentee_moves_the_session_in_her_own_time_zone(client, frozen):
    scheduled = _schedule(frozen)
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:session-schedule-edit", args=[frozen.pair.pk, scheduled.pk])
    assert 'value="15:30"' in client.get(url).text  # 14:30 UTC shown in Berlin time
    response = client.post(
        url, {"date": "2026-11-12", "time": "10:00", "duration_minutes": 30, "format": "chat", "agenda": ""}
    )
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.starts_at == datetime.datetime(2026, 11, 12, 9, 0, tzinfo=datetime.UTC)
    assert (scheduled.sequence, scheduled.format) == (1, "chat")


def test_logging_in_a_closed_cohort_is_refused(client, frozen):
    frozen.cohort.state = "closed"
    frozen.cohort.save()
    login(client, frozen.mentee.user)
    response = client.post(
        reverse("mentoring_sessions:session-create", args=[frozen.pair.pk]), log_data(frozen)
    )
    assert response.status_code == 200 and "read-only" in response.text
    assert not MentoringSession.objects.exists()
    assert not ActionItem.objects.exists()


def test_the_service_refuses_a_session_dated_in_the_future_whatever_the_form_did(world):
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from sessions import services
    from sessions.models import MentoringSession

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    try:
        services.session_log(pairing=world.pair, by=world.mentee, held_on=tomorrow, format="video")
    except ValidationError as exc:
        assert "in the future" in str(exc)
    else:
        raise AssertionError("a session in the future was logged")
    assert not MentoringSession.objects.filter(pairing=world.pair).exists()


@pytest.mark.parametrize("notes", [1, 12])
def test_session_page_query_count_does_not_grow_with_notes(client, frozen, notes, django_assert_num_queries):
    """Other sessions' notes (and other people's) never load: one query for the user's own note."""
    from tests.factories import PersonFactory

    session = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentor)
    SessionPrivateNote.objects.create(session=session, author=frozen.mentee, text="Mine")
    for n in range(notes):
        other = SessionFactory(pairing=frozen.pair, logged_by=frozen.mentor)
        SessionPrivateNote.objects.create(session=other, author=frozen.mentee, text=f"Other {n}")
        SessionPrivateNote.objects.create(session=session, author=PersonFactory(), text=f"Not mine {n}")
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:session-detail", args=[frozen.pair.pk, session.pk])
    client.get(url)
    with django_assert_num_queries(SESSION_PAGE_QUERIES):
        page = client.get(url).text
    assert "Mine" in page and "Other" not in page and "Not mine" not in page


# user (with person and roles), pairing (with both people), the session (with its logger), my note,
# the library's resources for its topics
SESSION_PAGE_QUERIES = 5
