"""Issue 11: the dashboard's recognition panel: how many thanks the mentors in scope received
(never the words), with their sessions and hours, withheld below five mentors."""

import datetime

import pytest
from django.urls import reverse

from closeout.models import Thanks
from dashboards.filters import scope_for
from dashboards.selectors import recognition
from matching.models import Pairing
from programmes.models import Enrolment
from tests.conftest import login
from tests.factories import EnrolmentFactory, PairingFactory, PersonFactory, SessionFactory, TeamFactory


@pytest.fixture
def mentors(world):
    """Five more mentors in Tier 2 (one of the manager's teams), each with a pair: three thanked
    (one of them twice, by two mentees), sessions of 30 minutes, two per pair. A mentor in a team
    the manager does not answer for, thanked, counts for the admin only; a proposed pair for nobody."""
    _tier1, tier2 = world.teams
    pairs = []
    for n in range(5):
        mentor = EnrolmentFactory(
            cohort=world.cohort,
            person=PersonFactory(team=tier2, full_name=f"Mentor {n}"),
            role=Enrolment.Role.MENTOR,
            capacity=2,
        )
        pairs.append(PairingFactory(match_run=world.run, mentor=mentor))
        for _ in range(2):
            SessionFactory(pairing=pairs[-1], duration_minutes=30)
    second = PairingFactory(match_run=world.run, mentor=pairs[0].mentor)
    for pairing in (pairs[0], second, pairs[1], pairs[2]):
        Thanks.objects.create(pairing=pairing, body="SECRET WORDS")
    elsewhere = PairingFactory(
        match_run=world.run,
        mentor=EnrolmentFactory(
            cohort=world.cohort,
            person=PersonFactory(team=TeamFactory(name="Tier 3")),
            role=Enrolment.Role.MENTOR,
        ),
    )
    Thanks.objects.create(pairing=elsewhere, body="SECRET WORDS")
    PairingFactory(
        match_run=world.run, mentor=pairs[3].mentor, status=Pairing.Status.PROPOSED, started_on=None
    )
    return world


def scope(user, **filters):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(filters)
    return scope_for(user, query)[0]


def test_the_managers_teams_figures_worked_out_by_hand(mentors):
    rec = recognition(scope(mentors.manager.user))
    # Omar (world.mentor, Tier 2) and Lin (Tier 2) and the five: seven mentors; four thanks to three
    # of them; sessions: ten of the five's, none of Omar's or Lin's pairs; 300 minutes.
    assert (rec.mentors, rec.thanks, rec.mentors_thanked, rec.sessions, rec.hours) == (7, 4, 3, 10, 5.0)
    assert rec.shown


def test_the_admin_sees_every_team(mentors):
    rec = recognition(scope(mentors.admin))
    assert (rec.mentors, rec.thanks, rec.mentors_thanked) == (8, 5, 4)


def test_a_date_range_counts_the_thanks_and_sessions_dated_in_it(mentors):
    Thanks.objects.update(created_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC))
    rec = recognition(scope(mentors.admin, start="2026-11-01"))
    assert (rec.thanks, rec.sessions) == (0, 0)


def test_fewer_than_five_mentors_show_too_few(world, client):
    Thanks.objects.create(pairing=world.pair, body="SECRET WORDS")
    login(client, world.manager.user)
    page = client.get(reverse("dashboards:overview")).text
    assert 'id="panel-recognition"' in page
    panel = page.split('id="panel-recognition"')[1].split("</section>")[0]
    assert '<span class="too-few">too few<span class="visually-hidden"> to show</span></span>' in panel
    assert "SECRET WORDS" not in page


def test_the_panel_and_its_csv_count_thanks_and_never_show_the_words(mentors, client):
    login(client, mentors.manager.user)
    page = client.get(reverse("dashboards:overview")).text
    panel = page.split('id="panel-recognition"')[1].split("</section>")[0]
    assert "Thanks received by mentors" in panel and '<td class="text-end">4</td>' in panel
    assert "SECRET WORDS" not in page
    csv = client.get(reverse("dashboards:panel-csv", args=["recognition"])).content.decode()
    assert "Thanks received by mentors,4" in csv and "SECRET" not in csv


def test_the_one_page_report_leaves_the_panel_out_and_its_csv_keeps_it(mentors, client):
    login(client, mentors.manager.user)
    assert 'id="panel-recognition"' not in client.get(reverse("dashboards:report")).text
    assert "Thanks received by mentors,4" in client.get(reverse("dashboards:report-csv")).content.decode()
