"""How long a login lasts (issue 12: "sessions last 14 days with no idle timeout"): signed out after
SESSION_IDLE_MINUTES without a request, and SESSION_COOKIE_AGE after logging in whatever the
activity; the last-seen time is written at most once a minute (a session write is a query)."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login

T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def limits(settings):
    settings.SESSION_IDLE_MINUTES = 30
    settings.SESSION_COOKIE_AGE = 12 * 3600


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def session_writes(client, path) -> tuple[object, int]:
    """The response to GET `path` and how many statements wrote the session table."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    statements = [q["sql"].lstrip() for q in queries if "django_session" in q["sql"]]
    return response, sum(1 for sql in statements if not sql.startswith("SELECT"))


def test_thirty_minutes_without_a_request_signs_out_with_a_message_and_keeps_next(client, world, clock):
    login(client, world.mentee.user)
    workspace = reverse("mentoring_sessions:pairing-detail", args=[world.pair.pk])
    clock.move_to(T0 + 29 * MINUTE)
    assert client.get(workspace).status_code == 200  # 29 minutes: still in, and seen again now

    clock.move_to(T0 + 59 * MINUTE)  # 30 minutes after the last request: still in
    assert client.get(workspace).status_code == 200
    clock.move_to(T0 + 89 * MINUTE + datetime.timedelta(seconds=1))
    response = client.get(workspace)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={workspace}"
    assert SESSION_KEY not in client.session
    page = client.get(response.url)
    assert "You were signed out after 30 minutes without activity." in page.text
    assert "Log in to open your mentoring workspace." in page.text


def test_the_last_seen_time_is_written_at_most_once_a_minute(client, world, clock):
    login(client, world.mentee.user)  # logging in sets it: the first page writes nothing
    home = reverse("home")
    writes = []
    for seconds in (0, 10, 59, 61, 90, 120, 121):
        clock.move_to(T0 + datetime.timedelta(seconds=seconds))
        response, count = session_writes(client, home)
        assert response.status_code == 200
        writes.append(count)
    # Written at 61 s (a minute after login) and at 121 s (a minute after that), nowhere else.
    assert [bool(count) for count in writes] == [False, False, False, True, False, False, True]


def test_a_session_ends_twelve_hours_after_login_however_active(client, world, clock):
    login(client, world.mentee.user)
    home = reverse("home")
    for step in range(1, 12 * 4):  # a request every quarter of an hour for almost twelve hours
        clock.move_to(T0 + step * 15 * MINUTE)
        assert client.get(home).status_code == 200
    clock.move_to(T0 + datetime.timedelta(hours=12, seconds=1))
    response = client.get(home)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    # Ended by the session's own expiry, or (a cache that keeps it longer: Redis, by its own clock)
    # by the middleware, which says so.
    assert SESSION_KEY not in client.session


def test_an_idle_post_goes_to_login_too(client, world, clock):
    login(client, world.mentee.user)
    url = reverse("mentoring_sessions:pairing-detail", args=[world.pair.pk])
    clock.move_to(T0 + 31 * MINUTE)
    response = client.post(url, {"anything": "x"})
    assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")


def test_no_limit_when_the_setting_is_zero(client, world, clock, settings):
    settings.SESSION_IDLE_MINUTES = 0
    login(client, world.mentee.user)
    clock.move_to(T0 + datetime.timedelta(hours=11))
    assert client.get(reverse("home")).status_code == 200


def test_a_visitor_without_a_login_is_not_touched(client, db, clock):
    response, count = session_writes(client, reverse("login"))
    assert response.status_code == 200 and count == 0


def test_a_session_a_cache_kept_past_its_end_is_still_ended_with_a_message(client, world, clock):
    login(client, world.mentee.user)
    session = client.session
    session.set_expiry(T0 + datetime.timedelta(days=2))  # as if the store kept it past its end
    session.save()
    clock.move_to(T0 + datetime.timedelta(hours=12, seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "Your login has ended: please log in again." in client.get(response.url).text


def test_an_idle_visit_to_the_login_page_shows_it_with_the_message(client, world, clock):
    login(client, world.mentee.user)
    clock.move_to(T0 + 31 * MINUTE)
    page = client.get(reverse("login"))
    assert page.status_code == 200 and SESSION_KEY not in client.session
    assert "You were signed out after 30 minutes without activity." in page.text


def test_the_idle_check_costs_a_page_no_query(client, world, clock, settings, django_assert_num_queries):
    """Measured against the same page with the limits off: the check reads only the session."""
    login(client, world.mentee.user)
    home = reverse("home")
    client.get(home)  # the home page keeps what it shows: measure it warm
    with CaptureQueriesContext(connection) as off:
        settings.SESSION_IDLE_MINUTES = 0
        client.get(home)
    settings.SESSION_IDLE_MINUTES = 30
    clock.move_to(T0 + datetime.timedelta(seconds=30))
    with django_assert_num_queries(len(off)):
        assert client.get(home).status_code == 200
