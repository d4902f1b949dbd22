"""A programme's own wording: named placeholders from a whitelist, never template syntax."""

import email

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications import wording
from notifications.models import Notification, Wording
from notifications.services import OwedNotice, notify, notify_many, wording_reset, wording_save
from outbox.models import Message
from outbox.services import message_send
from tests.factories import PersonFactory

CONTEXT = {
    "name": "Ada",
    "cohort": {"name": "Spring", "programme": {"name": "Support"}},
    "profile_url": "/p/",
}


@pytest.mark.parametrize(
    "text",
    [
        "Hi {first_name}, {actor} moved your session in {cohort} ({programme}): {link}",
        "Hi { first_name }",
        "No placeholders at all.",
    ],
)
def test_whitelisted_placeholders_are_accepted(text):
    assert wording.problems(text, kind="session_changed") == []


@pytest.mark.parametrize(
    "text",
    [
        "{{ recipient.user.password }}",
        "{% load static %}",
        "{actor.user.password}",
        "{recipient}",
        "{0}",
        "{first_name",
        "first_name}",
        "{}",
    ],
)
def test_anything_else_in_braces_is_refused(text):
    assert wording.problems(text, kind="session_changed")


def test_the_whitelist_is_per_kind():
    # A manager's digest is about their teams: no cohort, nobody acted.
    assert wording.problems("{cohort}", kind="manager_digest")
    assert wording.problems("{actor}", kind="manager_digest")
    assert not wording.problems("{first_name} {link}", kind="manager_digest")


def test_rendering_fills_values_and_escapes_the_html_part():
    rendered = wording.render(
        subject="Hi\n{first_name}",
        text="Dear {first_name},\n\n<b>bold</b> & more: {link}",
        values={"first_name": "<Ada>", "link": "https://example.com/x/"},
        unsubscribe_url="https://example.com/u/",
    )
    assert rendered.subject == "Hi <Ada>"
    assert rendered.text.startswith("Dear <Ada>,\n\n<b>bold</b> & more: https://example.com/x/")
    assert "https://example.com/u/" in rendered.text
    assert "&lt;Ada&gt;" in rendered.html and "&lt;b&gt;bold&lt;/b&gt; &amp; more" in rendered.html
    assert "<b>" not in rendered.html and "<Ada>" not in rendered.html
    assert '<a href="https://example.com/x/"' in rendered.html
    assert "Stop emails like this" in rendered.html  # the product's layout, footer and all


@pytest.mark.django_db
def test_a_wording_is_checked_before_it_is_saved():
    with pytest.raises(ValidationError) as error:
        wording_save(programme_id=1, kind="promoted", subject="Hi", text="{{ recipient.email }}", by=None)
    assert "text" in error.value.message_dict
    assert not Wording.objects.exists()


@pytest.mark.django_db
def test_notify_uses_the_programmes_own_wording_and_only_for_that_programme(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    actor = PersonFactory(full_name="Sam Rivera")
    ada = PersonFactory(full_name="Ada Lovelace")
    wording_save(
        programme_id=7,
        kind="promoted",
        subject="A place for you, {first_name}",
        text="{actor} found you a place in {cohort} of {programme}.\n\nOpen {link}",
        by=actor,
    )
    now = timezone.now()
    ours = notify(
        kind="promoted",
        person=ada,
        key="p:7",
        context=CONTEXT,
        url="/x/",
        actor=actor,
        programme_id=7,
        now=now,
    )
    theirs = notify(
        kind="promoted", person=ada, key="p:8", context=CONTEXT, url="/x/", programme_id=8, now=now
    )

    assert ours.title == "A place for you, Ada"
    assert theirs.title != ours.title
    message = Message.objects.get(key="p:7")
    assert message.text.startswith("Sam Rivera found you a place in Spring of Support.\n\nOpen http")
    assert message.html.count("Sam Rivera found you a place") == 1
    Message.objects.filter(pk=message.pk).update(next_attempt_at=now)
    assert message_send(message_id=message.pk)
    parsed = email.message_from_bytes(mail.outbox[0].message().as_bytes())
    types = [part.get_content_type() for part in parsed.walk()]
    assert "text/plain" in types and "text/html" in types
    assert parsed["List-Unsubscribe"]


@pytest.mark.django_db
def test_back_to_the_default_wording():
    ada = PersonFactory()
    wording_save(programme_id=7, kind="promoted", subject="Own {first_name}", text="Own text", by=None)
    assert wording_reset(programme_id=7, kind="promoted")
    assert not wording_reset(programme_id=7, kind="promoted")
    notice = notify(kind="promoted", person=ada, key="p:1", context=CONTEXT, programme_id=7)
    assert not notice.title.startswith("Own")
    assert Notification.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 8])
def test_programme_wordings_cost_one_query_whatever_the_number_of_notices(size, django_assert_num_queries):
    people = PersonFactory.create_batch(size)
    wording_save(programme_id=7, kind="promoted", subject="Own {first_name}", text="Own text", by=None)
    owed = [
        OwedNotice(kind="promoted", person=p, key=f"p:{p.pk}", context=CONTEXT, programme_id=7)
        for p in people
    ]
    # savepoint, known keys, preferences, wordings, 2 inserts, unread counters, 2 outbox lookups,
    # kept keys, release
    with django_assert_num_queries(11):
        notify_many(owed, now=timezone.now())
    assert set(Notification.objects.values_list("title", flat=True)) == {
        p.first_name and f"Own {p.first_name}" for p in people
    }
