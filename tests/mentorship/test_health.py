"""/healthz/: JSON with the state of the database, the broker and a cache of its own; 503 when one
is down, never an error page. Servers that are down are real here: a port nothing listens on."""

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from mentorship import health
from tests.conftest import login
from tests.realservers import free_port


@pytest.fixture(autouse=True)
def _asked_every_time(settings):
    settings.HEALTHZ_REMEMBER_SECONDS = 0
    health._remembered.clear()
    yield
    health._remembered.clear()


@pytest.fixture
def cache_at(settings):
    """Point the default cache at a Redis URL for one test, and back (before the cache is emptied)."""
    original = settings.CACHES

    def point(url: str):
        settings.CACHES = {
            "default": {
                "BACKEND": "mentorship.cache.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "mentorship",
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }

    yield point
    settings.CACHES = original


def test_everything_up_answers_200_with_each_part(client, db, settings):
    settings.CELERY_BROKER_URL = "filesystem://"

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"


def test_a_database_that_is_down_gives_503_json_not_an_error_page(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(health.connection, "cursor", refuse)
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "degraded"
    assert response.json()["database"] == "down"


def test_a_logged_in_browser_gets_the_503_too_although_its_session_is_in_the_database(
    client, world, monkeypatch
):
    """Whether the caller is logged in is read from the database, down too: not asked at all."""
    from django.contrib.sessions.backends import cached_db

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    login(client, world.mentee.user)
    with monkeypatch.context() as patched:
        patched.setattr(health.connection, "cursor", refuse)
        patched.setattr(cached_db.SessionStore, "load", refuse)
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_a_redis_broker_that_is_down_gives_503(client, db, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert {key: response.json()[key] for key in ("status", "database", "broker")} == {
        "status": "degraded",
        "database": "ok",
        "broker": "down",
    }


def test_a_cache_on_its_own_server_is_reported_and_its_outage_gives_503(client, db, settings, cache_at):
    settings.CELERY_BROKER_URL = "filesystem://"
    cache_at(f"redis://127.0.0.1:{free_port()}/1")

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "ok", "cache": "down"}


def test_a_cache_on_the_brokers_server_is_covered_by_the_brokers_answer(client, db, settings, cache_at):
    port = free_port()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    cache_at(f"redis://127.0.0.1:{port}/1")

    assert "cache" not in client.get(reverse("healthz")).json()


def test_the_brokers_answer_is_kept_for_a_moment_so_the_check_stays_cheap(client, db, settings, monkeypatch):
    asked = []
    monkeypatch.setattr(health, "_ask_broker", lambda: asked.append(1) or health.OK)
    settings.HEALTHZ_REMEMBER_SECONDS = 60
    for _ in range(5):
        assert client.get(reverse("healthz")).status_code == 200
    assert len(asked) == 1

    settings.HEALTHZ_REMEMBER_SECONDS = 0
    client.get(reverse("healthz"))
    assert len(asked) == 2


def test_a_healthy_check_makes_one_query(client, db, settings, django_assert_num_queries):
    settings.CELERY_BROKER_URL = "filesystem://"
    with django_assert_num_queries(1):
        client.get(reverse("healthz"))


def test_the_error_page_is_served_when_the_database_cannot_give_its_context(rf):
    """The context processors read the user: with the database down the page still renders."""
    from mentorship import views

    def user_from_a_dead_database():
        raise OperationalError("the database system is shutting down")

    request = rf.get("/")
    request.user = SimpleLazyObject(user_from_a_dead_database)
    response = views.server_error(request)

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
