"""Issue 11: a mentor's contribution summary (page, printable page, CSV), its figures worked out
by hand on a small fixed data set, and its query count pinned at two sizes."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from closeout.contribution import contribution_of
from closeout.models import Thanks
from matching.models import Pairing
from programmes.models import Enrolment
from sessions.models import Goal
from tests.conftest import login
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    GoalFactory,
    MatchRunFactory,
    PairingFactory,
    PersonFactory,
    SessionFactory,
)

ENDED = {
    "status": Pairing.Status.ENDED,
    "outcome": Pairing.Outcome.COMPLETED,
    "ended_on": datetime.date(2026, 8, 1),
}


@pytest.fixture
def history(world):
    """Omar (the world's mentor) mentored Ada this autumn, and in spring Ada and Bo.

    Autumn (world.pair): sessions of 45, 60 and 45 minutes; two goals achieved, one on track;
    Ada's thanks. Spring: Ada's pairing one session of 90 minutes; Bo's two of 30 and a goal
    achieved; Bo's thanks. A proposed pair (never published) and Lin's pair count for nobody."""
    for minutes in (45, 60, 45):
        SessionFactory(pairing=world.pair, duration_minutes=minutes)
    GoalFactory(pairing=world.pair, status=Goal.Status.ACHIEVED)
    GoalFactory(pairing=world.pair, status=Goal.Status.ACHIEVED)
    GoalFactory(pairing=world.pair)
    Thanks.objects.create(pairing=world.pair, body="=You made Thursdays the best day")

    spring = CohortFactory(
        name="Spring 2026",
        programme=world.cohort.programme,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 8, 1),
    )
    run = MatchRunFactory(cohort=spring)
    omar = EnrolmentFactory(cohort=spring, person=world.mentor, role=Enrolment.Role.MENTOR, capacity=3)
    with_ada = PairingFactory(
        match_run=run, mentor=omar, mentee=EnrolmentFactory(cohort=spring, person=world.mentee), **ENDED
    )
    with_bo = PairingFactory(
        match_run=run, mentor=omar, mentee=EnrolmentFactory(cohort=spring, person=world.mentee2), **ENDED
    )
    SessionFactory(pairing=with_ada, duration_minutes=90)
    SessionFactory(pairing=with_bo, duration_minutes=30)
    SessionFactory(pairing=with_bo, duration_minutes=30)
    GoalFactory(pairing=with_bo, status=Goal.Status.ACHIEVED)
    Thanks.objects.create(pairing=with_bo, body="Thank you")
    PairingFactory(
        match_run=MatchRunFactory(cohort=spring),
        mentor=omar,
        mentee=EnrolmentFactory(cohort=spring, person=world.outsider),
        status=Pairing.Status.PROPOSED,
        started_on=None,
    )
    SessionFactory(pairing=world.pair2, duration_minutes=120)
    GoalFactory(pairing=world.pair2, status=Goal.Status.ACHIEVED)
    return world


def figures(f):
    return (f.pairings, f.mentees, f.sessions, f.hours, f.goals_achieved, f.thanks)


def test_figures_by_cohort_and_in_total_as_worked_out_by_hand(history):
    summary = contribution_of(history.mentor)
    assert [(row.cohort, figures(row.figures)) for row in summary.cohorts] == [
        ("Autumn 2026", (1, 1, 3, 2.5, 2, 1)),
        ("Spring 2026", (2, 2, 3, 2.5, 1, 1)),
    ]
    # Ada mentored in both cohorts counts once: two mentees.
    assert figures(summary.total) == (3, 2, 6, 5.0, 3, 2)
    assert [(t.mentee, t.cohort) for t in summary.thanks] == [
        ("Bo Mentee", "Spring 2026"),
        ("Ada Mentee", "Autumn 2026"),
    ]


def test_someone_who_never_mentored_has_an_empty_summary(history):
    assert contribution_of(history.mentee).is_empty


def test_the_page_shows_the_figures_and_the_words_to_the_mentor(client, history):
    login(client, history.mentor.user)
    page = client.get(reverse("closeout:contribution")).text
    assert "You made Thursdays the best day" in page and "Spring 2026" in page
    assert reverse("closeout:contribution-csv") in page


def test_a_mentee_sees_an_empty_state_that_says_what_the_page_is_for(client, history):
    login(client, history.mentee2.user)
    page = client.get(reverse("closeout:contribution")).text
    assert "You have not mentored anyone yet" in page and "Thank you" not in page


def test_the_csv_has_the_figures_and_the_thanks_with_formulas_neutralised(client, history):
    login(client, history.mentor.user)
    response = client.get(reverse("closeout:contribution-csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][:3] == ["Cohort", "Programme", "Pairings"]
    assert rows[2][0] == "Autumn 2026" and rows[2][2:] == ["1", "1", "3", "2.5", "2", "1"]
    assert rows[4][0] == "All cohorts" and rows[4][2:] == ["3", "2", "6", "5.0", "3", "2"]
    words = [row[3] for row in rows[7:]]
    assert "'=You made Thursdays the best day" in words and "Thank you" in words


def test_the_printable_page_names_the_mentor(client, history):
    login(client, history.mentor.user)
    page = client.get(reverse("closeout:contribution-print")).text
    assert "Mentoring contribution of Omar Mentor" in page and "Thank you" in page


def test_a_manager_or_admin_reads_only_their_own_summary(client, history):
    for user in (history.manager.user, history.admin):
        login(client, user)
        page = client.get(reverse("closeout:contribution")).text
        assert "Thursdays" not in page and "You have not mentored anyone yet" in page


# user; the cohorts' pairings, sessions, goals achieved, thanks, distinct mentees
CONTRIBUTION_QUERIES = 6


@pytest.mark.parametrize("extra", [0, 6])
def test_contribution_query_count_does_not_grow_with_pairings(
    client, history, django_assert_num_queries, extra
):
    for _ in range(extra):
        cohort = CohortFactory(programme=history.cohort.programme)
        pairing = PairingFactory(
            match_run=MatchRunFactory(cohort=cohort),
            mentor=EnrolmentFactory(cohort=cohort, person=history.mentor, role=Enrolment.Role.MENTOR),
            mentee=EnrolmentFactory(cohort=cohort, person=PersonFactory()),
        )
        SessionFactory(pairing=pairing)
        GoalFactory(pairing=pairing, status=Goal.Status.ACHIEVED)
        Thanks.objects.create(pairing=pairing, body="Thanks")
    login(client, history.mentor.user)
    with django_assert_num_queries(CONTRIBUTION_QUERIES):
        assert client.get(reverse("closeout:contribution")).status_code == 200
    with django_assert_num_queries(CONTRIBUTION_QUERIES):
        assert client.get(reverse("closeout:contribution-csv")).status_code == 200
