"""The dashboard's panels served while fresh, then served stale once while a worker works them out
again (dashboards/panels_kept.py)."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from kombu.exceptions import OperationalError

from dashboards import selectors, tasks
from tests.conftest import login
from tests.factories import PairingFactory

NOON = datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)


@pytest.fixture
def kept(settings, time_machine):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.DASHBOARD_CACHE_SECONDS = 300
    time_machine.move_to(NOON, tick=False)
    # A process's memory caches share their store by name: empty it of other tests' figures.
    cache.clear()
    yield time_machine
    cache.clear()


@pytest.fixture
def worked_out(monkeypatch):
    """How many times the figures were worked out from the database."""
    calls = []
    original = selectors.outcomes

    def counted(scope):
        calls.append(scope)
        return original(scope)

    monkeypatch.setattr(selectors, "outcomes", counted)
    return calls


def _active_pairings(client) -> str:
    text = client.get(reverse("dashboards:overview")).text
    return text.split(" active pairings in scope.")[0].rsplit(">", 1)[-1].split()[-1]


def test_fresh_figures_are_worked_out_once(client, world, kept, worked_out):
    login(client, world.admin)
    assert _active_pairings(client) == "2"
    kept.move_to(NOON + datetime.timedelta(seconds=299), tick=False)
    assert _active_pairings(client) == "2"
    for _ in range(2):
        assert client.get(reverse("dashboards:report")).status_code == 200
    # The page and the report share the figures: worked out once for both.
    assert len(worked_out) == 1


def test_stale_figures_are_served_once_while_a_worker_works_them_out(client, world, kept, worked_out):
    login(client, world.admin)
    assert _active_pairings(client) == "2"
    PairingFactory(match_run=world.run, status="active")
    kept.move_to(NOON + datetime.timedelta(minutes=6), tick=False)
    # Celery runs tasks inline in the tests: the refresh happens during this view, which still
    # answers with what it found.
    assert _active_pairings(client) == "2"
    assert len(worked_out) == 2
    assert _active_pairings(client) == "3"
    assert len(worked_out) == 2


def test_many_stale_views_ask_for_one_refresh(client, world, kept, monkeypatch):
    asked = []
    monkeypatch.setattr(tasks.refresh_panels, "delay", lambda **kwargs: asked.append(kwargs))
    login(client, world.admin)
    _active_pairings(client)
    kept.move_to(NOON + datetime.timedelta(minutes=6), tick=False)
    for _ in range(3):
        assert _active_pairings(client) == "2"
    assert len(asked) == 1
    assert asked[0]["user_id"] == world.admin.pk and asked[0]["printable"] is False
    # A refresh lost with its worker is asked for again once the claim lapses.
    kept.move_to(NOON + datetime.timedelta(minutes=12), tick=False)
    _active_pairings(client)
    assert len(asked) == 2


def test_without_a_broker_the_stale_figures_are_still_served(client, world, kept, monkeypatch):
    def broker_down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.refresh_panels, "delay", broker_down)
    login(client, world.admin)
    _active_pairings(client)
    PairingFactory(match_run=world.run, status="active")
    kept.move_to(NOON + datetime.timedelta(minutes=6), tick=False)
    assert _active_pairings(client) == "2"
    # The claim was given back, so the next view asks again (and gets its refresh once it works).
    monkeypatch.undo()
    assert _active_pairings(client) == "2"
    assert _active_pairings(client) == "3"


def test_a_refresh_rebuilds_the_viewers_own_scope(client, world, kept):
    """A manager's stale view is refreshed as that manager sees it: their teams, not everyone."""
    login(client, world.manager.user)
    before = client.get(reverse("dashboards:overview")).text
    assert "Your teams, in aggregate." in before
    kept.move_to(NOON + datetime.timedelta(minutes=6), tick=False)
    client.get(reverse("dashboards:overview"))
    after = client.get(reverse("dashboards:overview")).text
    assert "Your teams, in aggregate." in after
    assert _active_pairings(client) == before.split(" active pairing")[0].rsplit(">", 1)[-1].split()[-1]


def test_warming_works_out_the_unfiltered_views_before_anyone_looks(client, world, kept, worked_out):
    """The whole organisation and the manager's teams: each worked out once, then served as kept;
    a second run that day finds both kept; a filtered view is still worked out when asked."""
    assert tasks.warm_panels() == 2
    assert len(worked_out) == 2
    assert tasks.warm_panels() == 0
    for user in (world.admin, world.manager.user):
        login(client, user)
        assert client.get(reverse("dashboards:overview")).status_code == 200
    assert len(worked_out) == 2
    assert client.get(reverse("dashboards:overview") + f"?team={world.teams[0].pk}").status_code == 200
    assert len(worked_out) == 3
    # The next day, every view is cold again.
    kept.move_to(NOON + datetime.timedelta(days=1), tick=False)
    assert tasks.warm_panels() == 2


def test_warming_does_nothing_while_the_dashboard_keeps_nothing(world, kept, worked_out, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    assert tasks.warm_panels() == 0
    assert worked_out == []
