"""A cohort's message log for programme admins: sent, held for working hours, failed with why,
cancelled; filtered by status and kind; resend a failed one. Managers and members never see it."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from notifications.models import Broadcast, Notification, Wording
from outbox.models import Message
from tests.conftest import login

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 22, 0, tzinfo=datetime.UTC)  # a Tuesday evening


def _message(n, cohort, **fields):
    defaults = {
        "key": f"k{n}",
        "kind": "check_in_due",
        "to": f"p{n}@example.com",
        "subject": f"Hello {n}",
        "text": "t",
        "cohort_id": cohort.pk,
        "created_at": NOW - datetime.timedelta(minutes=n),
    }
    return Message.objects.create(**(defaults | fields))


def _url(cohort, **query):
    return reverse("programmes:cohort-messages", args=[cohort.pk]) + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    )


@pytest.mark.parametrize("username", ["manager", "mentor", "mentee", "outsider"])
def test_only_programme_admins_see_a_cohorts_messages(client, world, username):
    login(client, getattr(world, username).user)
    assert client.get(_url(world.cohort)).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_log_says_sent_held_failed_with_reason_and_cancelled(client, world):
    _message(1, world.cohort, status=Message.Status.SENT, sent_at=NOW)
    # Held until 08:00 on Wednesday in Berlin (07:00 UTC): a notification names the recipient.
    held = _message(
        2, world.cohort, next_attempt_at=datetime.datetime(2026, 12, 2, 7, 0, tzinfo=datetime.UTC)
    )
    world.mentee.time_zone = "Europe/Berlin"
    world.mentee.save()
    Notification.objects.create(person=world.mentee, kind="check_in_due", key=held.key, title="x")
    _message(
        3, world.cohort, status=Message.Status.FAILED, attempts=5, last_error="SMTPRecipientsRefused: gone"
    )
    _message(4, world.cohort, status=Message.Status.CANCELLED)
    _message(
        5,
        world.cohort,
        attempts=2,
        last_error="SMTPServerDisconnected: busy",
        next_attempt_at=NOW + datetime.timedelta(minutes=5),
    )
    Message.objects.create(
        key="elsewhere", kind="nudge", to="x@example.com", subject="Not this cohort", text="t"
    )
    login(client, world.admin)

    page = client.get(_url(world.cohort))

    assert page.status_code == 200
    text = page.text
    assert "Hello 1" in text and "Sent" in text
    assert "Held until 08:00 Wed 2 Dec (Europe/Berlin) for the recipient's working hours" in text
    assert "Failed: SMTPRecipientsRefused: gone" in text and "Send again" in text
    assert "Cancelled" in text
    assert "Next try at 22:05 Tue 1 Dec" in text and "SMTPServerDisconnected: busy" in text
    assert "Not this cohort" not in text
    assert "1 message failed." in text
    assert "A check-in is due" in text  # the kind, by its label


@time_machine.travel(NOW, tick=False)
def test_filters_by_status_and_kind(client, world):
    _message(1, world.cohort, status=Message.Status.FAILED, attempts=5)
    _message(2, world.cohort, status=Message.Status.FAILED, attempts=5, kind="pulse_check_in")
    _message(3, world.cohort, status=Message.Status.SENT, sent_at=NOW, kind="pulse_check_in")
    login(client, world.admin)
    text = client.get(_url(world.cohort, status="failed", kind="pulse_check_in")).text
    assert "Hello 2" in text
    assert "Hello 1" not in text and "Hello 3" not in text
    # A kind nobody registered is refused in words, and the log shows unfiltered.
    assert "Select a valid choice" in client.get(_url(world.cohort, kind="nope")).text


@time_machine.travel(NOW, tick=False)
def test_resend_from_a_cohort_log_comes_back_to_it(client, world, django_capture_on_commit_callbacks):
    failed = _message(1, world.cohort, status=Message.Status.FAILED, attempts=5, last_error="boom")
    login(client, world.admin)
    back = _url(world.cohort, status="failed")
    response = client.post(reverse("outbox:message-resend", args=[failed.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    failed.refresh_from_db()
    assert failed.status == Message.Status.PENDING
    # An outside address in `next` goes to the email log instead.
    failed.status = Message.Status.FAILED
    failed.save()
    response = client.post(
        reverse("outbox:message-resend", args=[failed.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("outbox:message-list")


def test_the_cohort_page_links_its_message_log(client, world):
    login(client, world.admin)
    page = client.get(world.cohort.get_absolute_url())
    assert _url(world.cohort) in page.text


@pytest.mark.parametrize("size", [3, 60])
def test_the_log_costs_the_same_queries_at_any_size(client, world, size, django_assert_num_queries):
    for n in range(size):
        _message(n, world.cohort, status=[Message.Status.SENT, Message.Status.FAILED][n % 2], sent_at=NOW)
    login(client, world.admin)
    # user with roles, cohort, failed count, its broadcasts, page count, page of messages (recipients'
    # zones inline)
    with django_assert_num_queries(6):
        page = client.get(_url(world.cohort))
    assert page.status_code == 200


def test_the_log_says_the_cohort_is_being_told_then_that_it_was(client, world):
    broadcast = Broadcast.objects.create(
        key="closeout_begun:cohort:1", kind="closeout_begun", cohort_id=world.cohort.pk, people=1000
    )
    login(client, world.admin)
    assert "Telling 1000 people: “Close-out has begun”…" in client.get(_url(world.cohort)).text

    Broadcast.objects.filter(pk=broadcast.pk).update(status=Broadcast.Status.DONE, finished_at=NOW)
    assert "Told 1000 people: “Close-out has begun”" in client.get(_url(world.cohort)).text

    Broadcast.objects.filter(pk=broadcast.pk).update(status=Broadcast.Status.FAILED, last_error="Timeout")
    page = client.get(_url(world.cohort)).text
    assert "Could not finish telling the cohort “Close-out has begun”: Timeout." in page


# --- a programme's own wording ------------------------------------------------------------------


def _edit_url(programme, kind="promoted"):
    return reverse("programmes:wording-edit", args=[programme.pk, kind])


@pytest.mark.parametrize("username", ["manager", "mentor", "mentee", "outsider"])
def test_only_programme_admins_edit_wording(client, world, username):
    programme = world.cohort.programme
    login(client, getattr(world, username).user)
    assert client.get(reverse("programmes:wording-list", args=[programme.pk])).status_code == 403
    assert client.post(_edit_url(programme), {"subject": "x", "text": "y", "save": "1"}).status_code == 403
    assert (
        client.post(reverse("programmes:wording-reset", args=[programme.pk, "promoted"])).status_code == 403
    )
    assert not Wording.objects.exists()


def test_preview_shows_example_values_and_saves_nothing(client, world):
    programme = world.cohort.programme
    login(client, world.admin)
    page = client.post(
        _edit_url(programme),
        {"subject": "Welcome, {first_name}", "text": "{actor} says hi.\n\n<i>{link}</i>", "preview": "1"},
    )
    assert page.status_code == 200
    assert "Welcome, Alex" in page.text
    assert "Sam Rivera says hi." in page.text
    assert f'src="{_preview_url(programme)}"' in page.text
    # The HTML part is a document of its own, where the admin's markup is escaped: shown, never run.
    framed = client.get(_preview_url(programme))
    assert framed.status_code == 200
    assert "&lt;i&gt;" in framed.text and "<i>" not in framed.text
    assert not Wording.objects.exists()


def _preview_url(programme, kind="promoted"):
    return reverse("programmes:wording-preview", args=[programme.pk, kind])


def test_the_html_preview_has_a_policy_of_its_own_framed_by_the_wording_page_only(client, world):
    """Email HTML keeps inline styles (email clients need them), which the site's policy refuses: the
    preview document allows them, and nothing else, in a sandbox, framed only by this site."""
    programme = world.cohort.programme
    login(client, world.admin)
    client.post(_edit_url(programme), {"subject": "Hi", "text": "Hello.", "preview": "1"})
    framed = client.get(_preview_url(programme))
    parts = [part.strip() for part in framed["Content-Security-Policy"].split(";")]
    assert "sandbox" in parts
    assert dict(part.split(" ", 1) for part in parts if part != "sandbox") == {
        "default-src": "'none'",
        "style-src": "'unsafe-inline'",
        "img-src": "'self' data:",
        "frame-ancestors": "'self'",
    }
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in framed["Cache-Control"]
    assert "style=" in framed.text  # the email's own inline styles, kept


def test_the_html_preview_is_only_the_admins_own_latest(client, world):
    programme = world.cohort.programme
    login(client, world.admin)
    assert client.get(_preview_url(programme)).status_code == 404  # nothing previewed yet
    client.post(_edit_url(programme), {"subject": "Hi", "text": "First draft.", "preview": "1"})
    client.post(_edit_url(programme), {"subject": "Hi", "text": "Second draft.", "preview": "1"})
    assert "Second draft." in client.get(_preview_url(programme)).text
    assert client.get(_preview_url(programme, "no-such-kind")).status_code == 404
    login(client, world.mentor.user)
    assert client.get(_preview_url(programme)).status_code == 403


def test_save_then_back_to_the_default(client, world):
    programme = world.cohort.programme
    login(client, world.admin)
    response = client.post(
        _edit_url(programme), {"subject": "Welcome, {first_name}", "text": "Hello.", "save": "1"}, follow=True
    )
    assert "now uses" in response.text
    own = Wording.objects.get()
    assert (own.programme_id, own.kind, own.updated_by) == (programme.pk, "promoted", None)
    assert "The programme's own" in client.get(reverse("programmes:wording-list", args=[programme.pk])).text
    assert "Welcome, {first_name}" in client.get(_edit_url(programme)).text

    response = client.post(reverse("programmes:wording-reset", args=[programme.pk, "promoted"]), follow=True)
    assert "back to the product" in response.text
    assert not Wording.objects.exists()


def test_unknown_placeholders_are_a_form_error_and_keep_what_was_typed(client, world):
    programme = world.cohort.programme
    login(client, world.admin)
    page = client.post(
        _edit_url(programme),
        {"subject": "Hi {recipient.email}", "text": "{{ recipient.email }}", "save": "1"},
    )
    assert page.status_code == 200
    assert "is not a placeholder of this message" in page.text
    assert "Curly braces are only for placeholders" in page.text
    assert "Hi {recipient.email}" in page.text
    assert not Wording.objects.exists()


def test_an_unknown_kind_is_a_404(client, world):
    login(client, world.admin)
    assert client.get(_edit_url(world.cohort.programme, kind="nope")).status_code == 404


def test_the_product_wording_is_shown_beside_the_editor(client, world):
    login(client, world.admin)
    page = client.get(_edit_url(world.cohort.programme))
    assert "The product's wording" in page.text
    assert (
        reverse("programmes:wording-list", args=[world.cohort.programme.pk])
        in client.get(world.cohort.programme.get_absolute_url()).text
    )


@pytest.mark.parametrize("own", [0, 5])
def test_the_wording_list_costs_the_same_queries_however_many_are_the_programmes_own(
    client, world, own, django_assert_num_queries
):
    from notifications.kinds import KINDS
    from notifications.services import wording_save

    programme = world.cohort.programme
    for kind in list(KINDS)[:own]:
        wording_save(programme_id=programme.pk, kind=kind, subject="Hi {first_name}", text="Text", by=None)
    login(client, world.admin)
    # user with roles, programme, the programme's own wordings
    with django_assert_num_queries(3):
        page = client.get(reverse("programmes:wording-list", args=[programme.pk]))
    assert page.text.count("The programme's own</span>") == own
