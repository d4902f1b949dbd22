import csv
import datetime
import html as html_lib
import io
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse

from kpis.selectors import figures_changed
from tests.conftest import login
from tests.dashboards.kpi_data import did_world, ramp_world


@pytest.fixture(autouse=True)
def _nothing_kept(settings):
    # Ids repeat between tests: figures kept by one must not answer another.
    settings.DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _text(page: str) -> str:
    """The page's words as a reader (or a screen reader) gets them."""
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)))


@pytest.fixture
def figures(world):
    return did_world(world.manager), ramp_world(world.manager)


@time_machine.travel("2026-11-02 10:00:00Z", tick=False)
def test_admin_reads_the_kpi_and_ramp_up_tables(client, world, figures):
    did, _ramp = figures
    login(client, world.admin)
    response = client.get(reverse("dashboards:kpis"), {"cohort": did.cohort.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Support KPIs before, during and after mentoring" in html
    assert "+6.0 (+2.1 to +9.9)" in html
    assert "not that mentoring caused it" in html
    # Each comparison in words, the KPI named first with its own capitals.
    text = _text(html)
    assert (
        "CSAT during mentoring (higher is better): mentees' figures moved in the better direction by "
        "more than the comparison group's." in text
    )
    assert (
        "CSAT after mentoring (higher is better): mentees' figures moved in the better direction by "
        "more than the comparison group's." in text
    )
    assert 'role="img"' in html  # the chart
    # Ramp-up of the cohort in the filter: Spring 2026 has no new hires, so nobody is "mentored".
    assert "Ramp-up: months until new hires reach their team" in html


@time_machine.travel("2026-11-02 10:00:00Z", tick=False)
def test_kpi_csv_has_the_same_cells(client, world, figures):
    did, _ramp = figures
    login(client, world.admin)
    response = client.get(reverse("dashboards:kpi-csv", args=["support-kpis"]), {"cohort": did.cohort.pk})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    csat = rows.index(["CSAT (%): mean before, during and after mentoring"])
    assert rows[csat + 1][7] == "Difference in differences (95 % interval)"
    # Period, mentees (mean, people, agent-months), comparison group (the same), the difference; a
    # leading "+" would be a formula to a spreadsheet: neutralised.
    assert rows[csat + 2] == ["Before", "83.0", "5", "10", "82.0", "5", "5", "–"]
    assert rows[csat + 3] == ["During", "90.0", "5", "5", "83.0", "5", "5", "'+6.0 (+2.1 to +9.9)"]
    assert rows[csat + 4] == ["After", "92.0", "5", "5", "84.0", "5", "5", "'+7.0 (+3.1 to +10.9)"]


def test_ramp_up_csv_by_hand(client, world, figures):
    login(client, world.admin)
    response = client.get(reverse("dashboards:kpi-csv", args=["ramp-up"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    summary = rows.index(["CSAT: months to the team median"])
    assert rows[summary + 2] == ["Mentored", "5", "4", "1", "2"]
    assert rows[summary + 3] == ["Not mentored", "5", "2", "3", "not reached by half yet"]
    curve = rows.index(["CSAT: share at the team median, by months since hire"])
    assert rows[curve + 2 : curve + 5] == [
        ["0", "0.0 %", "0.0 %"],
        ["1", "20.0 %", "0.0 %"],
        ["2", "60.0 %", "20.0 %"],
    ]


def test_unknown_panel_is_404_and_people_without_a_dashboard_are_refused(client, world):
    login(client, world.admin)
    assert client.get(reverse("dashboards:kpi-csv", args=["salaries"])).status_code == 404
    login(client, world.mentee.user)
    assert client.get(reverse("dashboards:kpis")).status_code == 403
    assert client.get(reverse("dashboards:kpi-csv", args=["ramp-up"])).status_code == 403


@time_machine.travel("2026-11-02 10:00:00Z", tick=False)
def test_manager_of_another_team_sees_too_few(client, world, figures):
    from tests.factories import PersonFactory

    did, _ramp = figures
    PersonFactory(team=did.other, manager=world.outsider)
    login(client, world.outsider.user)
    html = client.get(reverse("dashboards:kpis")).content.decode()
    assert "+6.0" not in html and "too few to show" in _text(html)
    assert "CSAT during mentoring: too few people to compare." in _text(html)


def test_empty_states_before_any_figures(client, world):
    login(client, world.admin)
    html = client.get(reverse("dashboards:kpis")).content.decode()
    assert "No KPI figures have been imported yet." in html


@pytest.mark.parametrize("bigger", [False, True])
@time_machine.travel("2026-11-02 10:00:00Z", tick=False)
def test_page_queries_do_not_grow_with_people(client, world, django_assert_num_queries, bigger):
    did_world(world.manager, mentees=12 if bigger else 5, comparison=12 if bigger else 5)
    ramp_world(world.manager)
    login(client, world.manager.user)
    client.get(reverse("dashboards:overview"))  # the session
    cache.clear()  # not the figures (the dashboard may show these panels too)
    # The session, from the database as the cache was just emptied, and the user with person and
    # roles (2); their teams (1); the filter form's choices: programmes, cohorts, teams (3); KPI
    # panel: cohorts, then two per started cohort (the world's, Spring 2026, the ramp-up cohort: 7);
    # ramp-up: the months with figures and one for every KPI (2).
    with django_assert_num_queries(15):
        client.get(reverse("dashboards:kpis"))
    # Kept: only the page's own queries (the user, their teams, the form's three choices).
    with django_assert_num_queries(5):
        client.get(reverse("dashboards:kpis"))


@time_machine.travel("2026-11-02 10:00:00Z", tick=False)
def test_figures_are_kept_until_kpi_figures_change(client, world, figures):
    from decimal import Decimal

    from kpis.models import AgentMonth

    did, _ramp = figures
    login(client, world.admin)
    url = reverse("dashboards:kpi-csv", args=["support-kpis"])
    assert "'+6.0 (+2.1 to +9.9)" in client.get(url, {"cohort": did.cohort.pk}).content.decode()
    # A re-import lifts every mentee's April CSAT by 5 points: 5 more for the difference.
    AgentMonth.objects.filter(person__in=did.mentees, month=datetime.date(2026, 4, 1)).update(
        csat=F("csat") + Decimal(5)
    )
    assert "'+6.0" in client.get(url, {"cohort": did.cohort.pk}).content.decode()
    figures_changed()
    assert "'+11.0" in client.get(url, {"cohort": did.cohort.pk}).content.decode()


def test_nothing_is_kept_when_the_dashboard_keeps_nothing(client, world, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DASHBOARD_CACHE_SECONDS = 0
    ramp_world(world.manager)
    login(client, world.admin)
    html = client.get(reverse("dashboards:kpis")).content.decode()
    assert "at most every" not in html
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("dashboards:kpi-csv", args=["ramp-up"]))
        counts.append(len(queries))
    # The months with figures and one query per KPI, every time.
    # (The ramp-up query reads MedianReach: its window runs when figures are written.)
    assert counts[0] == counts[1] and any("kpis_medianreach" in q["sql"] for q in queries.captured_queries)


def test_odd_filters_never_give_a_500(client, world):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    login(client, world.manager.user)
    names = st.sampled_from(["programme", "cohort", "team", "start", "end"])
    values = st.one_of(st.text(max_size=40), st.integers().map(str), st.just("2026-02-30"))

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(query=st.dictionaries(names, values, min_size=1))
    def gets(query):
        for url in (reverse("dashboards:kpis"), reverse("dashboards:kpi-csv", args=["support-kpis"])):
            assert client.get(url, query).status_code == 200, query

    gets()


@time_machine.travel("2026-11-02 10:00:00Z", tick=False)
def test_dashboard_report_and_report_csv_carry_the_kpi_panels(client, world, figures):
    did, _ramp = figures
    login(client, world.admin)
    query = {"cohort": did.cohort.pk}
    for name in ("dashboards:overview", "dashboards:report"):
        html = client.get(reverse(name), query).content.decode()
        assert 'data-panel="support-kpis"' in html and 'data-panel="ramp-up"' in html
        assert "+6.0 (+2.1 to +9.9)" in html
    # The printable report has no CSV link per panel; the dashboard has.
    assert reverse("dashboards:kpi-csv", args=["support-kpis"]) not in html
    rows = list(csv.reader(io.StringIO(client.get(reverse("dashboards:report-csv"), query).content.decode())))
    assert ["During", "90.0", "5", "5", "83.0", "5", "5", "'+6.0 (+2.1 to +9.9)"] in rows


@time_machine.travel("2026-11-02 10:00:00Z", tick=False)
def test_the_kept_dashboard_and_report_html_follow_a_kpi_import(client, world, figures):
    from decimal import Decimal

    from kpis.models import AgentMonth

    did, _ramp = figures
    login(client, world.admin)
    query = {"cohort": did.cohort.pk}
    for name in ("dashboards:overview", "dashboards:report"):
        assert "+6.0 (+2.1 to +9.9)" in client.get(reverse(name), query).content.decode()
    # The page and the report keep their own HTML: the report has no CSV link per panel.
    report = client.get(reverse("dashboards:report"), query).content.decode()
    assert reverse("dashboards:kpi-csv", args=["support-kpis"]) not in report
    page = client.get(reverse("dashboards:overview"), query).content.decode()
    assert reverse("dashboards:kpi-csv", args=["support-kpis"]) in page
    # A re-import lifts every mentee's April CSAT by 5 points: the kept pages show it once the
    # import says so (kpis.selectors.figures_changed), not before.
    AgentMonth.objects.filter(person__in=did.mentees, month=datetime.date(2026, 4, 1)).update(
        csat=F("csat") + Decimal(5)
    )
    assert "+6.0 (+2.1 to +9.9)" in client.get(reverse("dashboards:overview"), query).content.decode()
    figures_changed()
    for name in ("dashboards:overview", "dashboards:report"):
        html = client.get(reverse(name), query).content.decode()
        assert "+11.0" in html and "+6.0 (+2.1 to +9.9)" not in html
