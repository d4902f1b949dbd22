"""Work begun on a second database connection (mentorship/alongside.py): beside the caller outside a
transaction on PostgreSQL, in the caller's thread and at the caller's asking everywhere else."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.utils import translation

from dashboards import panels_kept
from dashboards.filters import scope_for
from mentorship import alongside
from people.models import Team
from tests.dashboards.kpi_data import did_world, ramp_world


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_inside_a_transaction_the_work_waits_to_be_asked_and_runs_here(db):
    ran = []

    def work():
        ran.append(threading.get_ident())
        return Team.objects.count()

    Team.objects.create(name="Billing")
    result = alongside.begin(work)
    assert ran == []  # nothing runs until asked: the queries keep their order
    assert result() == Team.objects.count()
    assert ran == [threading.get_ident()]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_work_runs_beside_on_its_own_connection():
    Team.objects.create(name="Billing")  # committed: a second connection sees it
    started = threading.Event()

    def work():
        started.set()
        return threading.get_ident(), _backend_pid(), translation.get_language(), Team.objects.count()

    assert alongside.side_by_side()
    with translation.override("fr"):
        result = alongside.begin(work)
        # It starts without being asked for.
        assert started.wait(timeout=30)
    thread, pid, language, teams = result()
    assert thread != threading.get_ident()
    assert pid != _backend_pid()
    assert language == "fr"
    assert teams == Team.objects.count() >= 1
    # With CONN_MAX_AGE 0, the second connection is closed once the work is done, as a request's is
    # (its backend may take a moment to leave pg_stat_activity).
    left = None
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            left = cursor.fetchone()[0]
        if left == 0:
            break
        time.sleep(0.05)
    assert left == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_works_error_reaches_the_caller():
    def work():
        raise ValueError("no figures")

    result = alongside.begin(work)
    with pytest.raises(ValueError, match="no figures"):
        result()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_shows_the_same_panels_worked_out_beside_or_in_turn(today, settings):
    from tests.factories import build_world

    settings.DASHBOARD_CACHE_SECONDS = 0
    world = build_world(today=today)
    did, _ramp = did_world(world.manager), ramp_world(world.manager)
    for user in (world.admin, world.manager.user):
        scope, _form = scope_for(user, QueryDict(f"cohort={did.cohort.pk}" if user == world.admin else ""))
        assert alongside.side_by_side()
        beside = panels_kept._render(scope, printable=False, fresh=True)["html"]
        with transaction.atomic():
            assert not alongside.side_by_side()
            in_turn = panels_kept._render(scope, printable=False, fresh=True)["html"]
        assert beside == in_turn
        assert "Support KPIs before, during and after mentoring" in beside
    # The admin's view of the cohort has the difference worked out by hand in tests/dashboards.
    scope, _form = scope_for(world.admin, QueryDict(f"cohort={did.cohort.pk}"))
    assert "+6.0 (+2.1 to +9.9)" in panels_kept._render(scope, printable=False, fresh=True)["html"]
