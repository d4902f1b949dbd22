"""The notifications page: a person's own notifications, opened through a view that marks them read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = reverse("notifications:list")


def _notification(person, n, *, url="/pairings/", read=False, **fields):
    person.__class__.objects.filter(pk=person.pk).update(
        unread_notifications=person.__class__.objects.get(pk=person.pk).unread_notifications + (not read)
    )
    return Notification.objects.create(
        person=person,
        kind="promoted",
        key=f"k:{person.pk}:{n}",
        title=f"Message {n}",
        url=url,
        created_at=datetime.datetime(2026, 11, 1, 9, n % 60, tzinfo=datetime.UTC),
        read_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC) if read else None,
        **fields,
    )


def test_a_person_sees_only_their_own_notifications_newest_first(client, world):
    _notification(world.mentee, 1)
    _notification(world.mentee, 2, read=True)
    _notification(world.mentor, 3)
    login(client, world.mentee.user)

    page = client.get(URL)

    assert page.status_code == 200
    assert page.text.index("Message 2") < page.text.index("Message 1")
    assert "Message 3" not in page.text
    assert "1 unread notification." in page.text
    # Unread is said in words, not by colour alone.
    assert page.text.count(">New</span>") == 1


def test_empty_state(client, world):
    login(client, world.mentee.user)
    page = client.get(URL)
    assert "Nothing yet." in page.text
    assert "Mark all as read" not in page.text


def test_the_navigation_shows_the_unread_count_from_the_row_the_request_loads(client, world):
    _notification(world.mentee, 1)
    _notification(world.mentee, 2)
    login(client, world.mentee.user)
    page = client.get(reverse("enrolment:mine"))
    assert '2<span class="visually-hidden"> unread</span>' in page.text


def test_opening_marks_read_and_goes_to_the_stored_path(client, world):
    notification = _notification(world.mentee, 1, url="/pairings/?tab=goals")
    login(client, world.mentee.user)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/pairings/?tab=goals"
    notification.refresh_from_db()
    world.mentee.refresh_from_db()
    assert notification.read_at is not None
    assert world.mentee.unread_notifications == 0


@pytest.mark.parametrize(
    "stored", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", ""]
)
def test_opening_never_leaves_the_site(client, world, stored):
    notification = _notification(world.mentee, 1, url=stored)
    login(client, world.mentee.user)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == URL


def test_nobody_opens_another_persons_notification(client, world):
    notification = _notification(world.mentor, 1)
    login(client, world.mentee.user)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read(client, world):
    _notification(world.mentee, 1)
    _notification(world.mentee, 2)
    theirs = _notification(world.mentor, 3)
    login(client, world.mentee.user)
    response = client.post(reverse("notifications:read-all"), follow=True)
    assert "2 notifications marked as read." in response.text
    assert not Notification.objects.filter(person=world.mentee, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("notifications:read-all")).status_code == 405


def test_logged_out_people_go_to_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_login_without_a_person_sees_the_empty_state(client, world):
    login(client, world.admin)
    assert "Nothing yet." in client.get(URL).text


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_costs_the_same_queries_at_any_size(client, world, size, django_assert_num_queries):
    for n in range(size):
        _notification(world.mentee, n, actor=world.mentor, read=n % 2 == 0)
    login(client, world.mentee.user)
    # user with person and roles (the session is cached), unread recount, count, page with actors
    with django_assert_num_queries(4):
        page = client.get(URL)
    assert page.status_code == 200


def test_the_navigation_count_costs_no_query(client, world):
    login(client, world.mentee.user)
    client.get(reverse("enrolment:mine"))  # warm the session cache
    with CaptureQueriesContext(connection) as without:
        client.get(reverse("enrolment:mine"))
    for n in range(3):
        _notification(world.mentee, n)
    with CaptureQueriesContext(connection) as with_unread:
        page = client.get(reverse("enrolment:mine"))
    assert '3<span class="visually-hidden"> unread</span>' in page.text
    assert len(with_unread.captured_queries) == len(without.captured_queries)
    assert not [q for q in with_unread.captured_queries if "notifications_notification" in q["sql"]]
