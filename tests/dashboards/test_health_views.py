"""The programme-health page, its CSV and the nudge, on the hand-worked data set of health_fixtures."""

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.urls import reverse

from dashboards.health_forms import NUDGE_MAX
from dashboards.health_selectors import PER_PAGE
from outbox.models import Message
from tests.conftest import login
from tests.dashboards.health_fixtures import TODAY, build_health
from tests.factories import PairingFactory, PersonFactory

HEALTH = reverse("dashboards:health")
CSV_URL = reverse("dashboards:health-csv")
NUDGE = reverse("dashboards:health-nudge")
# session, user, admin group; count and page of rows; the programme, cohort and team filters;
# the nav's person.
PAGE_QUERIES = 9


@pytest.fixture
def health(world, time_machine):
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=datetime.UTC), tick=False)
    return build_health(world)


@pytest.fixture
def admin(client, world):
    return login(client, world.admin)


def cells(page: str, pairing) -> dict[str, str]:
    """The text of each cell of `pairing`'s row, by column."""
    row = re.search(rf'<tr data-pairing="{pairing.pk}">(.*?)</tr>', page, re.S).group(1)
    found = re.findall(r'<td data-col="(\w+)"[^>]*>(.*?)</td>', row, re.S)
    return {col: " ".join(re.sub(r"<[^>]+>", " ", text).split()) for col, text in found}


def mentees_in_order(page: str) -> list[str]:
    return re.findall(r'<td data-col="mentee">([^<]+)</td>', page)


# --- the page --------------------------------------------------------------------------------------


def test_admin_sees_every_column_of_every_pair(admin, world, health):
    page = admin.get(HEALTH).text
    assert cells(page, health.pair) == {
        "mentor": "Omar Mentor",
        "mentee": "Ada Mentee",
        "cohort": "Autumn 2026",
        "last_session": "25 Oct 2026",
        "sessions": "2",
        "cadence": "kept",
        "pulse": "5/5 25 Oct",
        "flags": "1 open flag: resolve",
        "goals": "1/2",
        "status": "Active",
    }
    assert cells(page, health.pair2)["last_session"] == "never"
    assert cells(page, health.pair2)["cadence"] == "missed"
    assert cells(page, health.pair2)["pulse"] == "—"
    assert cells(page, health.pair3)["flags"] == "0"
    eve = cells(page, health.pair4)
    assert (eve["cadence"], eve["flags"], eve["goals"], eve["status"]) == ("—", "—", "2/2", "Completed")


def test_an_open_flag_links_to_the_pairs_flag_page_and_back(admin, health):
    page = admin.get(HEALTH, {"sort": "-flags"}).text
    flags = reverse("mentoring_sessions:pairing-flags", args=[health.pair.pk])
    assert f'href="{flags}?next=/dashboard/health/%3Fsort%3D-flags"' in page


def test_only_active_pairs_can_be_selected_for_a_nudge(admin, health):
    page = admin.get(HEALTH).text
    boxes = re.findall(r'name="pairing" value="(\d+)"', page)
    assert sorted(int(pk) for pk in boxes) == sorted([health.pair.pk, health.pair2.pk, health.pair3.pk])


def test_the_page_is_linked_from_the_dashboard_and_the_admin_navigation(admin, health):
    assert f'href="{HEALTH}"' in admin.get(reverse("dashboards:overview")).text
    assert f'href="{HEALTH}"' in admin.get(reverse("home")).text


@pytest.mark.parametrize("who", ["manager", "mentor", "mentee", "outsider"])
def test_only_programme_admins_may_use_the_page(client, world, health, who):
    login(client, getattr(world, who).user)
    assert client.get(HEALTH).status_code == 403
    assert client.get(CSV_URL).status_code == 403
    assert client.get(NUDGE, {"pairing": health.pair.pk}).status_code == 403
    assert client.post(NUDGE, {"pairing": health.pair.pk}).status_code == 403
    assert f'href="{HEALTH}"' not in client.get(reverse("home")).text
    assert not Message.objects.filter(kind="nudge").exists()


def test_a_manager_sees_no_link_to_it_on_the_dashboard(client, world, health):
    login(client, world.manager.user)
    assert f'href="{HEALTH}"' not in client.get(reverse("dashboards:overview")).text


def test_logged_out_visitors_are_sent_to_log_in(client, health):
    response = client.get(HEALTH)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- sorting and filters, from the URL -------------------------------------------------------------


def test_sorting_comes_from_the_url_and_the_headings_link_both_ways(admin, health):
    page = admin.get(HEALTH, {"sort": "-sessions", "cohort": health.leaders.pk}).text
    assert mentees_in_order(page) == ["Eve Mentee", "Cy Mentee"]
    # The sorted column says so, and its heading now sorts the other way, keeping the filter.
    assert re.search(r'<th scope="col" aria-sort="descending"[^>]*><a href="\?([^"]+)"', page)
    heading = re.search(r'aria-sort="descending"[^>]*><a href="\?([^"]+)"', page).group(1)
    assert "sort=sessions" in heading and f"cohort={health.leaders.pk}" in heading
    assert mentees_in_order(admin.get(HEALTH, {"sort": "sessions"}).text) == [
        "Bo Mentee",
        "Cy Mentee",
        "Ada Mentee",
        "Eve Mentee",
    ]


def test_filters_come_from_the_url(admin, world, health):
    tier1, _ = world.teams
    assert mentees_in_order(admin.get(HEALTH, {"flagged": "on"}).text) == ["Ada Mentee"]
    assert mentees_in_order(admin.get(HEALTH, {"cadence_missed": "on"}).text) == ["Bo Mentee"]
    assert mentees_in_order(admin.get(HEALTH, {"status": "completed"}).text) == ["Eve Mentee"]
    assert mentees_in_order(admin.get(HEALTH, {"team": tier1.pk}).text) == ["Ada Mentee", "Bo Mentee"]
    assert mentees_in_order(admin.get(HEALTH, {"programme": health.leaders.programme_id}).text) == [
        "Cy Mentee",
        "Eve Mentee",
    ]
    empty = admin.get(HEALTH, {"cohort": world.cohort.pk, "status": "completed"}).text
    assert "No pair matches these filters." in empty


@pytest.mark.parametrize(
    "query",
    [
        {"cohort": "abc"},
        {"team": "9" * 25},
        {"programme": "²"},
        {"status": "lost"},
        {"sort": "password"},
        {"page": "-1"},
        {"sort": "\x00"},
    ],
)
def test_a_bad_value_is_named_or_ignored_never_a_500(admin, health, query):
    response = admin.get(HEALTH, query)
    assert response.status_code == 200
    assert len(mentees_in_order(response.text)) == 4


def test_a_refused_filter_is_named_and_the_others_still_apply(admin, health):
    response = admin.get(HEALTH, {"cohort": "abc", "status": "completed"})
    assert "Select a valid choice" in response.text
    assert mentees_in_order(response.text) == ["Eve Mentee"]


def test_the_table_is_paginated_and_keeps_its_filters(admin, world, health):
    for _ in range(PER_PAGE):
        PairingFactory(match_run=world.run)
    first = admin.get(HEALTH, {"cohort": world.cohort.pk, "sort": "-sessions"})
    assert len(first.context["page"].object_list) == PER_PAGE
    assert f"cohort={world.cohort.pk}" in re.search(r'href="(\?[^"]*page=2[^"]*)"', first.text).group(1)
    second = admin.get(HEALTH, {"cohort": world.cohort.pk, "sort": "-sessions", "page": 2})
    assert len(second.context["page"].object_list) == 2


@pytest.mark.parametrize("extra", [0, 60])
def test_the_page_query_count_does_not_grow(admin, world, health, django_assert_num_queries, extra):
    for _ in range(extra):
        PairingFactory(match_run=world.run)
    with django_assert_num_queries(PAGE_QUERIES):
        assert admin.get(HEALTH, {"sort": "-flags", "flagged": ""}).status_code == 200


# --- CSV -------------------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="programme-health.csv"' in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_holds_the_filtered_table_with_the_hand_worked_figures(admin, health):
    rows = read_csv(admin.get(CSV_URL, {"programme": health.leaders.programme_id, "sort": "mentee"}))
    assert [row["mentee"] for row in rows] == ["Cy Mentee", "Eve Mentee"]
    cy, eve = rows
    assert cy == {
        "mentor": "Kai Mentor",
        "mentor email": "kai.mentor@example.com",
        "mentee": "Cy Mentee",
        "mentee email": "cy.mentee@example.com",
        "programme": "Team leads",
        "cohort": "Leaders 2026",
        "started": "2026-09-08",
        "last session": "2026-10-03",
        "sessions": "1",
        "cadence kept": "yes",
        "latest pulse (1-5)": "2",
        "latest pulse on": "2026-10-28",
        "open flags": "0",
        "goals achieved": "0",
        "goals set": "1",
        "status": "Active",
    }
    assert (eve["cadence kept"], eve["open flags"], eve["goals achieved"], eve["status"]) == (
        "",
        "",
        "2",
        "Completed",
    )


def test_the_csv_has_every_row_not_one_page(admin, world, health):
    for _ in range(PER_PAGE + 5):
        PairingFactory(match_run=world.run)
    assert len(read_csv(admin.get(CSV_URL, {"page": "1"}))) == 4 + PER_PAGE + 5


def test_the_csv_neutralises_formula_cells(admin, world, health):
    world.mentee.full_name = '=HYPERLINK("http://evil.example.com","Ada")'
    world.mentee.save()
    world.mentor.full_name = "+Omar"
    world.mentor.save()
    (row,) = [r for r in read_csv(admin.get(CSV_URL)) if "HYPERLINK" in r["mentee"]]
    assert row["mentee"] == '\'=HYPERLINK("http://evil.example.com","Ada")'
    assert row["mentor"] == "'+Omar"


def test_the_csv_is_one_query_for_its_rows(admin, world, health, django_assert_num_queries):
    for _ in range(30):
        PairingFactory(match_run=world.run)
    response = admin.get(CSV_URL)
    # Streamed: the rows are read while the response is consumed, in one query.
    with django_assert_num_queries(1):
        assert len(read_csv(response)) == 34


# --- nudges ----------------------------------------------------------------------------------------


def token_on(page: str) -> str:
    return re.search(r'name="submission" value="([^"]+)"', page).group(1)


def test_nudge_asks_for_confirmation_then_emails_both_members_once(
    admin, world, health, django_capture_on_commit_callbacks
):
    selected = {"pairing": [health.pair.pk, health.pair4.pk], "query": "sort=-flags&page=1"}
    confirm = admin.get(NUDGE, selected)
    assert confirm.status_code == 200
    assert "Ada Mentee" in confirm.text and "Eve Mentee" in confirm.text
    assert "Send the nudge to 1 pair" in confirm.text  # Eve's pair has ended: not nudged
    assert not Message.objects.exists()

    data = {"pairing": [health.pair.pk], "query": "sort=-flags&page=1", "submission": token_on(confirm.text)}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(NUDGE, data)
    assert response.status_code == 302 and response["Location"] == f"{HEALTH}?sort=-flags&page=1"
    assert [m.message for m in admin.get(response["Location"]).context["messages"]] == ["1 pair nudged."]
    messages = Message.objects.filter(kind="nudge").order_by("to")
    assert [m.to for m in messages] == ["mentee@example.com", "mentor@example.com"]
    assert {m.key for m in messages} == {
        f"nudge:{health.pair.pk}:{world.mentee.pk}:2026-11-02",
        f"nudge:{health.pair.pk}:{world.mentor.pk}:2026-11-02",
    }
    ada = next(m for m in mail.outbox if m.to == ["mentee@example.com"])
    assert "Omar Mentor" in ada.body and "/pairings/" in ada.body and "every 14 days" in ada.body

    # The same form again (a double click, a reload): nothing more.
    repeat = admin.post(NUDGE, data, follow=True)
    assert "already sent" in repeat.text
    assert Message.objects.filter(kind="nudge").count() == 2


def test_a_second_nudge_the_same_day_sends_nothing_twice(admin, world, health):
    for _ in range(2):
        token = token_on(admin.get(NUDGE, {"pairing": [health.pair.pk, health.pair2.pk]}).text)
        response = admin.post(
            NUDGE, {"pairing": [health.pair.pk, health.pair2.pk], "submission": token}, follow=True
        )
    assert Message.objects.filter(kind="nudge").count() == 4
    assert "2 pairs were already nudged today, so nothing was sent to them again." in response.text


def test_an_ended_pair_is_not_nudged(admin, health):
    response = admin.post(NUDGE, {"pairing": [health.pair4.pk]}, follow=True)
    assert "1 pair is not active and was not nudged." in response.text
    assert not Message.objects.exists()


def test_nudging_nothing_says_so(admin, health):
    response = admin.get(NUDGE, {"query": "status=active"}, follow=True)
    assert "Select at least one pair to nudge." in response.text
    assert response.redirect_chain[-1][0] == f"{HEALTH}?status=active"


def test_too_many_pairs_at_once_are_refused(admin, health):
    ids = [str(n) for n in range(1, NUDGE_MAX + 2)]
    response = admin.post(NUDGE, {"pairing": ids}, follow=True)
    assert f"Select at most {NUDGE_MAX} pairs at a time." in response.text
    assert not Message.objects.exists()


def test_the_query_string_cannot_send_the_admin_elsewhere(admin, health):
    response = admin.post(NUDGE, {"pairing": [health.pair.pk], "query": "https://evil.example.com/"})
    assert response["Location"].startswith(f"{HEALTH}?")


def test_a_member_without_an_email_is_skipped_and_the_other_still_nudged(admin, world, health):
    world.mentor.email = ""
    world.mentor.save()
    admin.post(NUDGE, {"pairing": [health.pair.pk]})
    assert [m.to for m in Message.objects.filter(kind="nudge")] == ["mentee@example.com"]


def test_the_nudge_names_the_admin_who_sent_it(client, world, health):
    sender = PersonFactory(full_name="Pat Admin", user=world.admin)
    login(client, world.admin)
    client.post(NUDGE, {"pairing": [health.pair.pk]})
    message = Message.objects.get(kind="nudge", to="mentee@example.com")
    assert sender.full_name in message.subject and sender.full_name in message.text
