"""Resolving a flagged check-in with a note: the service, the pair's flag page, and "open" everywhere
(the cohort's flag page and cohort page, the member's pairing list)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dashboards.cohort_selectors import cohort_overview
from programmes.models import Cohort
from sessions import checkins
from sessions.models import CheckIn, FlagResolution
from sessions.selectors import pairing_list_for
from tests.conftest import login
from tests.factories import CheckInFactory


@pytest.fixture
def flag(world):
    """Ada's latest answer reports a blocker: the pair's one open flag."""
    return CheckInFactory(
        pairing=world.pair, person=world.mentee, satisfaction=3, blockers="No time in the rota"
    )


def flags_url(world, **query):
    url = reverse("mentoring_sessions:pairing-flags", args=[world.pair.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def token_on(page: str) -> str:
    return re.search(r'name="submission" value="([^"]+)"', page).group(1)


# --- the service -----------------------------------------------------------------------------------


def test_resolving_records_who_when_and_the_note_and_the_flag_is_no_longer_open(world, flag):
    assert list(checkins.flagged_pairings(world.cohort)) == [world.pair]
    resolution = checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note="  Moved Ada's shift  ")
    assert (resolution.checkin, resolution.resolved_by, resolution.note) == (
        flag,
        world.admin,
        "Moved Ada's shift",
    )
    assert timezone.now() - resolution.resolved_at < datetime.timedelta(minutes=1)
    assert not checkins.flagged_pairings(world.cohort).exists()
    assert checkins.open_flags_of_pairing(world.pair) == []
    assert not CheckIn.objects.filter(CheckIn.OPEN_FLAG).exists()


@pytest.mark.parametrize("note", ["", "   ", "\n"])
def test_a_note_is_required(world, flag, note):
    with pytest.raises(ValidationError):
        checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note=note)
    assert not FlagResolution.objects.exists()


def test_the_database_refuses_a_resolution_without_a_note(world, flag):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        FlagResolution.objects.create(checkin=flag, resolved_by=world.admin, note="")


def test_an_answer_that_flagged_nothing_cannot_be_resolved(world):
    fine = CheckInFactory(pairing=world.pair, satisfaction=4)
    with pytest.raises(ValidationError, match="flagged nothing"):
        checkins.checkin_flag_resolve(checkin=fine, by=world.admin, note="?")


def test_a_flag_is_resolved_once(world, flag):
    checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note="Done")
    with pytest.raises(ValidationError, match="already been resolved"):
        checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note="Again")
    assert FlagResolution.objects.count() == 1


def test_a_flag_replaced_by_a_newer_answer_is_not_open_to_resolve(world, flag):
    CheckInFactory(pairing=world.pair, person=world.mentee, satisfaction=5)
    with pytest.raises(ValidationError, match="no longer open"):
        checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note="Late")


def test_a_closed_cohorts_flags_stay_as_they_are(world, flag):
    Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CLOSED)
    with pytest.raises(ValidationError, match="read-only"):
        checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note="Too late")


def test_changing_a_resolved_answer_opens_its_flag_again(world):
    answer = {"satisfaction": 3, "meeting_regularly": True, "blockers": "No time", "comment": ""}
    today = datetime.date(2026, 10, 20)
    flag = checkins.checkin_answer(pairing=world.pair, by=world.mentee, period=1, today=today, **answer)
    checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note="Rota fixed")
    # The same answer sent again changes nothing: still resolved.
    checkins.checkin_answer(pairing=world.pair, by=world.mentee, period=1, today=today, **answer)
    assert not checkins.flagged_pairings(world.cohort).exists()
    # A new blocker is a new answer: open again.
    changed = {**answer, "blockers": "Now my manager says no"}
    checkins.checkin_answer(pairing=world.pair, by=world.mentee, period=1, today=today, **changed)
    assert list(checkins.flagged_pairings(world.cohort)) == [world.pair]


# --- "open" everywhere -----------------------------------------------------------------------------


def test_the_cohort_page_counts_open_flags_only(world, flag):
    def flagged_line(overview):
        return [line for line in overview.attention if "flagged" in line]

    assert flagged_line(cohort_overview(world.cohort, today=world.today)) != []
    checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note="Done")
    assert flagged_line(cohort_overview(world.cohort, today=world.today)) == []


def test_the_members_pairing_list_drops_a_resolved_flag(world, flag):
    (row,) = pairing_list_for(world.mentee.user).filter(pk=world.pair.pk)
    assert row.own_checkin_flagged
    checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note="Done")
    (row,) = pairing_list_for(world.mentee.user).filter(pk=world.pair.pk)
    assert not row.own_checkin_flagged


def test_the_cohorts_flag_page_drops_a_resolved_pair_and_links_to_resolve(client, world, flag):
    login(client, world.admin)
    url = reverse("mentoring_sessions:checkin-flags", args=[world.cohort.pk])
    page = client.get(url).text
    assert reverse("mentoring_sessions:pairing-flags", args=[world.pair.pk]) in page
    checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note="Done")
    assert "Ada Mentee" not in client.get(url).text


# --- the pair's flag page --------------------------------------------------------------------------


def test_admin_resolves_a_flag_with_a_note_on_the_pairs_flag_page(client, world, flag):
    login(client, world.admin)
    back = reverse("mentoring_sessions:checkin-flags", args=[world.cohort.pk]) + "?page=1"
    page = client.get(flags_url(world, next=back))
    assert page.status_code == 200
    assert "No time in the rota" in page.text and f'href="{back}"' in page.text
    response = client.post(
        flags_url(world, next=back),
        {"checkin": flag.pk, "note": "Moved Ada to the early shift", "submission": token_on(page.text)},
        follow=True,
    )
    assert "Ada Mentee&#x27;s flag is resolved." in response.text
    resolution = FlagResolution.objects.get()
    assert (resolution.checkin, resolution.resolved_by) == (flag, world.admin)
    # Resolved: listed with its note under "Resolved", no longer open.
    assert "No open flags" in response.text and "Moved Ada to the early shift" in response.text


def test_without_a_note_the_page_says_so_and_saves_nothing(client, world, flag):
    login(client, world.admin)
    response = client.post(flags_url(world), {"checkin": flag.pk, "note": "  "})
    assert response.status_code == 200
    assert "a flag is resolved with a note" in response.text
    assert not FlagResolution.objects.exists()


def test_a_double_submit_resolves_once(client, world, flag):
    login(client, world.admin)
    data = {"checkin": flag.pk, "note": "Done", "submission": token_on(client.get(flags_url(world)).text)}
    assert client.post(flags_url(world), data).status_code == 302
    repeat = client.post(flags_url(world), data, follow=True)
    assert "already sent" in repeat.text
    assert FlagResolution.objects.count() == 1


def test_a_flag_of_another_pair_cannot_be_resolved_through_this_one(client, world):
    other = CheckInFactory(pairing=world.pair2, person=world.mentee2, satisfaction=1)
    login(client, world.admin)
    response = client.post(flags_url(world), {"checkin": other.pk, "note": "Sneaky"})
    assert "no longer open" in response.text
    assert not FlagResolution.objects.exists()


@pytest.mark.parametrize("who", ["mentor", "mentee", "manager", "outsider"])
def test_only_programme_admins_open_or_resolve_flags(client, world, flag, who):
    checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note="Private admin note")
    login(client, getattr(world, who).user)
    assert client.get(flags_url(world)).status_code == 403
    assert client.post(flags_url(world), {"checkin": flag.pk, "note": "x"}).status_code == 403


def test_the_note_never_reaches_the_pairs_workspace(client, world, flag):
    checkins.checkin_flag_resolve(checkin=flag, by=world.admin, note="Private admin note")
    login(client, world.mentee.user)
    assert "Private admin note" not in client.get(world.pair.get_absolute_url()).text


def test_an_unsafe_next_goes_back_to_the_cohort(client, world, flag):
    login(client, world.admin)
    page = client.get(flags_url(world, next="https://evil.example.com/"))
    assert "evil.example.com" not in page.text
    assert f'href="{world.cohort.get_absolute_url()}"' in page.text


@pytest.mark.parametrize("size", [1, 12])
def test_the_pairs_flag_page_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    for n in range(size):
        flag = CheckInFactory(pairing=world.pair, person=world.mentee, satisfaction=1)
        FlagResolution.objects.create(checkin=flag, resolved_by=world.admin, note=f"Note {n}")
    CheckInFactory(pairing=world.pair, person=world.mentor, satisfaction=1)
    login(client, world.admin)
    # session, user, admin group; the pairing, its open flags, its resolutions; the nav's person
    with django_assert_num_queries(7):
        assert client.get(flags_url(world)).status_code == 200
