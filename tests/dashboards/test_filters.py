"""The filters come from a query string anyone can edit: whatever it holds, the dashboard answers
with its figures and a message, never a 500, and a manager never reaches another team."""

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.filters import FILTER_NAMES, scope_for
from tests.conftest import login

values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(str),
    st.sampled_from(["", "1", "2", "²", "0", "1e3", "2026-02-30", "=1+1", "\x00", "9" * 30]),
)
queries = st.dictionaries(st.sampled_from(FILTER_NAMES), values, max_size=5)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_any_query_string_gives_the_page_not_a_500(client, world, query):
    login(client, world.manager.user)
    for name in ("dashboards:overview", "dashboards:report-csv"):
        response = client.get(reverse(name) + "?" + urlencode(query))
        assert response.status_code == 200
    scope, _form = scope_for(world.manager.user, QueryDict(urlencode(query)))
    assert scope.team is None or scope.team in world.teams


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_filters_live_in_the_url_and_links_keep_them(client, world, name):
    value = {
        "programme": world.cohort.programme_id,
        "cohort": world.cohort.pk,
        "team": world.teams[0].pk,
        "start": "2026-01-01",
        "end": "2026-12-31",
    }[name]
    login(client, world.admin)
    page = client.get(reverse("dashboards:overview") + f"?{name}={value}").text
    assert f"{name}={value}" in page  # in the CSV and report links
    assert f'href="/dashboard/report/?{name}={value}"' in page


@pytest.mark.parametrize(
    "query", ["start=2099-01-01", "start=2099-01-01&end=2099-12-31", "end=1900-01-01", "end=2026-01-15"]
)
def test_a_date_range_with_no_months_to_show_is_an_empty_trend(client, world, query):
    # A range wholly in the future once failed: the trends asked for their first month of none.
    login(client, world.admin)
    for name in ("dashboards:overview", "dashboards:report", "dashboards:report-csv"):
        assert client.get(reverse(name) + "?" + query).status_code == 200
