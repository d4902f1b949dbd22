import re

import pytest
from django.urls import reverse

from programmes.models import SUPPORT_TOPICS, Cohort, Enrolment, Programme
from tests.conftest import login
from tests.factories import CohortFactory


def cohort_form_data(**values):
    """What the browser submits: every field of the new-cohort form at its initial value, plus `values`."""
    data = {
        "cadence_days": 14,
        "check_in_interval_days": 28,
        "max_mentees_per_mentor": 3,
        "min_mentor_tenure_days": 365,
        "mentee_hire_window_days": "",
        "topics": ["de-escalation", "tooling"],
        "weight_work_style": 30,
        "weight_interests": 30,
        "weight_goals": 40,
        "trait_modes_0": "similar",
        "trait_modes_1": "complementary",
        "trait_modes_2": "similar",
        "trait_modes_3": "similar",
        "min_tenure_gap_days": 180,
        "team_rule": "any",
        "min_overlap_hours": "",
        "matching_mode": "assigned",
    }
    return {**data, **values}


def test_admin_creates_a_cohort_in_a_new_programme(client, world):
    login(client, world.admin)
    response = client.post(
        reverse("programmes:cohort-create"),
        cohort_form_data(
            new_programme="Tier 2 readiness", name="Spring 2027", starts_on="2027-03-01", ends_on="2027-08-31"
        ),
    )
    cohort = Cohort.objects.get(name="Spring 2027")
    assert response.status_code == 302 and response.url == cohort.get_absolute_url()
    assert cohort.programme == Programme.objects.get(name="Tier 2 readiness")
    assert cohort.state == Cohort.State.DRAFT
    assert cohort.topics == ["de-escalation", "tooling"]
    assert cohort.trait_modes == {
        "communication": "similar",
        "structure": "complementary",
        "pace": "similar",
        "feedback": "similar",
    }


def test_cohort_form_explains_bad_dates_and_keeps_what_was_typed(client, world):
    login(client, world.admin)
    response = client.post(
        reverse("programmes:cohort-create"),
        cohort_form_data(
            programme=world.cohort.programme.pk,
            name="Backwards",
            starts_on="2027-03-01",
            ends_on="2027-02-01",
        ),
    )
    assert response.status_code == 200
    assert "must end after it starts" in response.text
    assert 'value="Backwards"' in response.text
    assert not Cohort.objects.filter(name="Backwards").exists()


def test_matching_on_an_active_cohort_is_refused_with_a_message(client, world):
    login(client, world.admin)
    response = client.post(reverse("matching:run-start", args=[world.cohort.pk]), follow=True)
    assert "Matching can only run while a cohort is enrolling" in response.text


@pytest.mark.parametrize("size", [1, 12])
def test_cohort_list_query_count_is_fixed(client, world, django_assert_num_queries, size):
    for _ in range(size):
        CohortFactory(programme=world.cohort.programme)
    login(client, world.admin)
    # user (with person and roles), count, page
    with django_assert_num_queries(3):
        assert client.get(reverse("programmes:cohort-list")).status_code == 200


@pytest.mark.parametrize("size", [2, 60])
def test_cohort_detail_query_count_is_fixed(client, world, django_assert_num_queries, size):
    from tests.factories import EnrolmentFactory, PairingFactory

    for n in range(size):
        EnrolmentFactory(cohort=world.cohort, role=("mentor", "mentee")[n % 2])
        EnrolmentFactory(cohort=world.cohort, status=Enrolment.Status.WAITLISTED)
        PairingFactory(match_run=world.run)  # overdue: never met since September
    login(client, world.admin)
    page = reverse("programmes:cohort-detail", args=[world.cohort.pk])
    # user (with person and roles), cohort; overview: counts by role and status (which
    # are also the three lists' lengths and the unfinished profiles' count), the first unfinished
    # profiles, unmatched mentees; the active pairs (the overdue and flagged cache keys), overdue
    # pairs (counted with the first ones, then those named), flagged pairs; a page of each of the
    # three lists, partners of both pages; match runs
    with django_assert_num_queries(14):
        assert client.get(page).status_code == 200
    # Then the page is kept under the cohort's stamps (dashboards/cohort_views.py): user, cohort.
    with django_assert_num_queries(2):
        assert client.get(page).status_code == 200
    # Rendered again (another list's page), overdue pairs (within a minute) and flagged pairs (until
    # a check-in or resolution is written) come from the cache: their key's query, not their three.
    with django_assert_num_queries(11):
        assert client.get(page, {"mentees_page": "2"}).status_code == 200


@pytest.mark.parametrize("size", [1, 10])
def test_match_run_query_count_is_fixed(client, world, django_assert_num_queries, size):
    from tests.factories import PairingFactory

    for _ in range(size):
        PairingFactory(match_run=world.run)
    login(client, world.admin)
    # user (with person and roles), run; the figures (one aggregate, which also counts the pairs), a
    # page of its pairs, the rules on that page, a count and a page of the cohort's rules. This run
    # stored no top-3 share: the first view works it out from the cohort's scores and stores it (a
    # fixed number of queries whatever the size), later views read it.
    url = reverse("matching:run-detail", args=[world.run.pk])
    with django_assert_num_queries(40):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    # Then kept under the cohort's stamps (the first view's write of the share replaced them): user, run.
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200


def test_closed_cohort_lists_mentees_whose_pairing_completed_as_completed_not_unmatched(client, world):
    from programmes.services import cohort_transition

    cohort_transition(cohort=world.cohort, to=Cohort.State.CONCLUDING, by=world.admin)
    cohort_transition(cohort=Cohort.objects.get(pk=world.cohort.pk), to=Cohort.State.CLOSED, by=world.admin)
    login(client, world.admin)

    page = client.get(reverse("programmes:cohort-detail", args=[world.cohort.pk]))

    assert "not matched" not in page.text
    assert "completed with Omar Mentor" in page.text and "completed with Lin Mentor" in page.text
    assert page.context["overview"].unmatched_count == 0


def test_mentee_whose_pairing_ended_early_is_unmatched_and_says_so(client, world):
    from closeout.services import pairing_end_early

    pairing_end_early(pairing=world.pair, reason="Left the team", by=world.admin)
    login(client, world.admin)

    page = client.get(reverse("programmes:cohort-detail", args=[world.cohort.pk]))

    assert page.context["overview"].unmatched_count == 1
    assert "ended early with Omar Mentor" in page.text
    assert reverse("closeout:rematch", args=[world.pair.mentee_id]) in page.text


def test_cohort_page_names_the_pairs_overdue_by_the_cohorts_cadence(client, world, time_machine):
    """One rule for "overdue": more than the cadence (14 days here) since the last session, or
    since the start for a pair that never met. The mentor's list and the admin's page agree."""
    import datetime

    from tests.factories import SessionFactory

    time_machine.move_to(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC), tick=False)
    SessionFactory(pairing=world.pair, held_on=datetime.date(2026, 10, 25))  # 8 days ago: not overdue
    SessionFactory(pairing=world.pair2, held_on=datetime.date(2026, 10, 13))  # 20 days ago: overdue
    login(client, world.admin)

    page = client.get(reverse("programmes:cohort-detail", args=[world.cohort.pk]))

    assert [p.pk for p in page.context["overview"].overdue_pairings] == [world.pair2.pk]
    assert "1 pair overdue for a session (none for more than 14 days)" in page.text
    assert "Lin Mentor mentoring Bo Mentee" in page.text and "last met 13 Oct 2026" in page.text
    assert reverse("closeout:pairing-end", args=[world.pair2.pk]) in page.text
    assert "Omar Mentor mentoring Ada Mentee" not in page.text

    from sessions.selectors import pairing_list_for

    listed = {p.pk: p for p in pairing_list_for(world.mentor2.user)}  # what the mentor's list shows
    assert listed[world.pair2.pk].is_overdue_for_session(listed[world.pair2.pk].last_session_on)


def test_each_work_style_select_on_the_cohort_form_has_a_visible_label(client, world):
    login(client, world.admin)
    page = client.get(reverse("programmes:cohort-create")).text
    for n, trait in enumerate(["Communication", "Structure", "Pace", "Feedback style"]):
        assert f'for="id_trait_modes_{n}">{trait}</label>' in page


def test_programme_page_counts_one_mentor_and_one_mentee_in_the_singular(client, world):
    from tests.factories import EnrolmentFactory

    cohort = CohortFactory(programme=world.cohort.programme, name="Tiny")
    EnrolmentFactory(cohort=cohort, role=Enrolment.Role.MENTOR)
    EnrolmentFactory(cohort=cohort)
    login(client, world.admin)
    page = " ".join(client.get(world.cohort.programme.get_absolute_url()).text.split())
    assert "1 mentor, 1 mentee" in page


def test_cohort_list_counts_active_mentors_and_mentees_by_hand(client, world):
    """The world's cohort has 2 active mentors and 2 active mentees; here 1 more active mentee, a
    waitlisted mentee, an applying mentor and a withdrawn mentor (none of which count), and an
    empty cohort (0 and 0, not a missing row)."""
    from tests.factories import EnrolmentFactory

    EnrolmentFactory(cohort=world.cohort, role="mentee")
    EnrolmentFactory(cohort=world.cohort, role="mentee", status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(cohort=world.cohort, role="mentor", status=Enrolment.Status.APPLIED)
    EnrolmentFactory(cohort=world.cohort, role="mentor", status=Enrolment.Status.WITHDRAWN)
    empty = CohortFactory(programme=world.cohort.programme, name="Empty one")
    login(client, world.admin)
    rows = {
        c.pk: (c.mentor_count, c.mentee_count)
        for c in client.get(reverse("programmes:cohort-list")).context["page"]
    }
    assert rows == {world.cohort.pk: (2, 3), empty.pk: (0, 0)}
    programme_page = client.get(reverse("programmes:programme-detail", args=[world.cohort.programme.pk])).text
    assert "2 mentors," in programme_page
    assert "0 mentees" in programme_page and "3 mentees" in programme_page


def test_cohort_form_is_in_sections_with_every_field_once(client, world):
    from programmes.forms import CohortForm

    client.force_login(world.admin)
    page = client.get(reverse("programmes:cohort-create")).text
    legends = re.findall(r"<legend>([^<]+)</legend>", page)
    assert legends == ["Basics", "Dates and rhythm", "Who can take part", "Sessions", "Matching"]
    # Every field of the form is on the page once (the trait modes are one select per trait).
    for name in CohortForm().fields:
        if name == "trait_modes":
            continue
        expected = len(SUPPORT_TOPICS) if name == "topics" else 1
        assert len(re.findall(rf'\sname="{name}"', page)) == expected, name
    # Nothing is drawn outside a section.
    assert "form-section-rest" not in page


def test_cohort_settings_page_is_in_the_same_sections(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("programmes:cohort-edit", args=[world.cohort.pk])).text
    assert re.findall(r"<legend>([^<]+)</legend>", page)[:4] == [
        "Basics",
        "Dates and rhythm",
        "Who can take part",
        "Sessions",
    ]
