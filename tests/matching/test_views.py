"""The admin's review pages: run page with steering, background runs, compare, publish."""

import datetime
import types

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchRun, Pairing, PairRule
from matching.services import match_run_create
from programmes.models import Cohort, Enrolment
from tests.conftest import login
from tests.factories import CohortFactory, EnrolmentFactory, PairingFactory, PersonFactory

MENTOR_HIRED, MENTEE_HIRED = datetime.date(2019, 1, 7), datetime.date(2025, 6, 2)


def enrol(cohort, role, name, *, finished=True, **person):
    # Mentors joined years before mentees, so the cohort's tenure rule allows every pair.
    person.setdefault("hire_date", MENTOR_HIRED if role == Enrolment.Role.MENTOR else MENTEE_HIRED)
    return EnrolmentFactory(
        cohort=cohort,
        role=role,
        capacity=1,
        person=PersonFactory(full_name=name, **person),
        profile_completed_at=timezone.now() if finished else None,
    )


@pytest.fixture
def small(world):
    """An enrolling cohort with two mentors and two mentees, matched once by the admin."""
    cohort = CohortFactory(state=Cohort.State.ENROLLING, programme=world.cohort.programme)
    mentors = [enrol(cohort, Enrolment.Role.MENTOR, f"Mentor {n}") for n in "AB"]
    mentees = [enrol(cohort, Enrolment.Role.MENTEE, f"Mentee {n}") for n in "AB"]
    run = match_run_create(cohort=cohort, by=world.admin)
    return types.SimpleNamespace(cohort=cohort, mentors=mentors, mentees=mentees, run=run)


def every_url(run, cohort, rule):
    return [
        ("get", reverse("matching:run-detail", args=[run.pk])),
        ("get", reverse("matching:run-status", args=[run.pk])),
        ("get", reverse("matching:run-compare", args=[cohort.pk])),
        ("post", reverse("matching:run-start", args=[cohort.pk])),
        ("post", reverse("matching:pair-rule-set", args=[run.pk])),
        ("post", reverse("matching:pair-rule-clear", args=[run.pk, rule.pk])),
        ("post", reverse("matching:run-swap", args=[run.pk])),
        ("post", reverse("matching:run-publish", args=[run.pk])),
    ]


def test_people_who_are_not_admins_get_403_on_every_matching_page(client, world, small):
    rule = PairRule.objects.create(
        cohort=small.cohort, mentor=small.mentors[0], mentee=small.mentees[0], kind="forbid"
    )
    login(client, world.mentee.user)
    for method, url in every_url(small.run, small.cohort, rule):
        assert getattr(client, method)(url).status_code == 403, url
    assert PairRule.objects.count() == 1
    small.run.refresh_from_db()
    assert small.run.status == MatchRun.Status.PROPOSED


def test_run_page_shows_pairs_reasons_unmatched_and_figures_from_the_pairs(client, world, small):
    MatchRun.objects.filter(pk=small.run.pk).update(
        unmatched=[{"enrolment_id": 0, "name": "Nia Late", "reason": "No mentor with a free slot"}],
    )
    small.run.pairings.update(score=60)
    small.run.pairings.filter(pk=small.run.pairings.order_by("pk")[0].pk).update(score=40)
    login(client, world.admin)
    page = client.get(reverse("matching:run-detail", args=[small.run.pk])).text
    for pairing in small.run.pairings.all():
        assert pairing.explanation[0] in page
    assert "Nia Late: <span" in page and "No mentor with a free slot" in page
    assert 'data-metric="mean_score">50.0<' in page
    assert 'data-metric="lowest_score">40.0<' in page
    assert 'data-metric="share_matched">67%<' in page
    assert ">Proposed pairs<" in page


def test_a_published_run_without_stored_figures_shows_them_and_says_published(client, world, small):
    """Runs published one pair at a time, or seeded without figures, showed "–" for every figure
    and still called their pairs "Proposed"."""
    MatchRun.objects.filter(pk=small.run.pk).update(
        status=MatchRun.Status.PUBLISHED, published_at=timezone.now(), quality={}
    )
    small.run.pairings.update(status=Pairing.Status.ACTIVE, started_on=world.today)
    login(client, world.admin)
    page = client.get(reverse("matching:run-detail", args=[small.run.pk])).text
    scores = list(small.run.pairings.values_list("score", flat=True))
    assert f'data-metric="mean_score">{sum(scores) / 2:.1f}<' in page
    assert f'data-metric="lowest_score">{min(scores):.1f}<' in page
    assert 'data-metric="share_matched">100%<' in page
    assert 'data-metric="share_top3">100%<' in page  # two mentors: each is in everyone's top 3
    assert "–<" not in page
    assert ">Published pairs<" in page and "Proposed pairs" not in page
    assert "Publish these pairs" not in page and "Swap mentors" not in page


def test_admin_pins_and_forbids_from_the_run_page_and_can_remove_a_rule(client, world, small):
    first, second = small.run.pairings.order_by("pk")
    login(client, world.admin)
    url = reverse("matching:pair-rule-set", args=[small.run.pk])
    client.post(url, {"pairing": first.pk, "kind": "pin"})
    response = client.post(url, {"pairing": second.pk, "kind": "forbid"}, follow=True)
    assert f"{second.mentee.person.full_name} will not be paired with" in response.text
    assert f"{first.mentee.person.full_name} is pinned to {first.mentor.person.full_name}" in response.text
    assert set(PairRule.objects.values_list("mentee_id", "mentor_id", "kind")) == {
        (first.mentee_id, first.mentor_id, "pin"),
        (second.mentee_id, second.mentor_id, "forbid"),
    }
    rule = PairRule.objects.get(kind="forbid")
    client.post(reverse("matching:pair-rule-clear", args=[small.run.pk, rule.pk]))
    assert list(PairRule.objects.values_list("kind", flat=True)) == ["pin"]


def test_a_pairing_of_another_run_cannot_be_pinned_through_this_run(client, world, small):
    login(client, world.admin)
    client.post(
        reverse("matching:pair-rule-set", args=[small.run.pk]), {"pairing": world.pair.pk, "kind": "pin"}
    )
    assert not PairRule.objects.exists()


def test_admin_forbids_any_pair_of_the_cohort_with_the_rule_form(client, world, small):
    latecomer = enrol(small.cohort, Enrolment.Role.MENTEE, "Nia Late")
    login(client, world.admin)
    page = client.get(reverse("matching:run-detail", args=[small.run.pk])).text
    # People are picked as the admin types, not from a select of the whole cohort.
    assert "<option" not in page.split('id="rules-heading"')[1].split('name="kind"')[0]
    assert 'name="mentee_person"' in page and 'name="mentor_person"' in page
    url = reverse("matching:pair-rule-set", args=[small.run.pk])
    client.post(url, {"mentee": latecomer.pk, "mentor": small.mentors[1].pk, "kind": "forbid"})
    assert list(PairRule.objects.values_list("mentee_id", "mentor_id", "kind")) == [
        (latecomer.pk, small.mentors[1].pk, "forbid")
    ]
    # Someone of another cohort is not a choice.
    response = client.post(
        url, {"mentee": world.pair.mentee.pk, "mentor": small.mentors[0].pk, "kind": "pin"}, follow=True
    )
    assert "Choose a mentee and a mentor of this cohort." in response.text
    assert PairRule.objects.count() == 1


def test_a_failed_background_run_sends_the_admin_back_to_the_cohort_with_the_reason(client, world, small):
    failed = MatchRun.objects.create(
        cohort=small.cohort, status=MatchRun.Status.FAILED, error="Enrol at least one mentor."
    )
    login(client, world.admin)
    status = client.get(reverse("matching:run-status", args=[failed.pk])).json()
    assert status["status"] == "failed" and status["redirect"] == failed.get_absolute_url()
    response = client.get(failed.get_absolute_url(), follow=True)
    assert response.redirect_chain[-1][0] == small.cohort.get_absolute_url()
    assert "Enrol at least one mentor." in response.text


def test_rerun_from_the_run_page_keeps_the_rules_and_shows_the_new_proposal(client, world, small):
    first = small.run.pairings.order_by("pk").first()
    PairRule.objects.create(cohort=small.cohort, mentor=first.mentor, mentee=first.mentee, kind="pin")
    login(client, world.admin)
    response = client.post(reverse("matching:run-start", args=[small.cohort.pk]), follow=True)
    new_run = MatchRun.objects.get(cohort=small.cohort, status=MatchRun.Status.PROPOSED)
    assert new_run.pk != small.run.pk
    assert response.redirect_chain[-1][0] == new_run.get_absolute_url()
    assert "Matching proposed 2 pairs" in response.text
    assert f"{first.mentee.person.full_name} is pinned to" in response.text
    assert PairRule.objects.count() == 1


def test_rerun_pairs_the_pinned_pair_and_never_the_forbidden_one(client, world, small):
    first, second = small.run.pairings.order_by("pk")
    # Pin each mentee to the other's mentor: the next run must swap them.
    PairRule.objects.create(cohort=small.cohort, mentor=second.mentor, mentee=first.mentee, kind="pin")
    PairRule.objects.create(cohort=small.cohort, mentor=second.mentor, mentee=second.mentee, kind="forbid")
    login(client, world.admin)
    client.post(reverse("matching:run-start", args=[small.cohort.pk]))
    new_run = MatchRun.objects.get(cohort=small.cohort, status=MatchRun.Status.PROPOSED)
    pairs = set(new_run.pairings.values_list("mentee_id", "mentor_id"))
    assert (first.mentee_id, second.mentor_id) in pairs
    assert (second.mentee_id, second.mentor_id) not in pairs


def test_admin_swaps_two_mentors_and_a_refusal_is_explained(client, world, small):
    first, second = small.run.pairings.order_by("pk")
    login(client, world.admin)
    url = reverse("matching:run-swap", args=[small.run.pk])
    response = client.post(url, {"first": first.pk, "second": second.pk}, follow=True)
    assert "Swapped the two mentors" in response.text
    assert Pairing.objects.get(pk=first.pk).mentor_id == second.mentor_id
    response = client.post(url, {"first": first.pk, "second": first.pk}, follow=True)
    assert "Choose two different pairs" in response.text


def test_large_cohort_runs_in_celery_and_the_page_follows_it(
    client, world, small, settings, django_capture_on_commit_callbacks
):
    settings.MATCHING_ASYNC_THRESHOLD = 3
    login(client, world.admin)
    # Without the commit callbacks the task has not run: the page says the run is queued (there is
    # no real progress to show, so no percentage) and the status endpoint says "keep waiting".
    response = client.post(reverse("matching:run-start", args=[small.cohort.pk]))
    run = MatchRun.objects.get(cohort=small.cohort, status=MatchRun.Status.QUEUED)
    assert response.url == run.get_absolute_url()
    page = client.get(run.get_absolute_url())
    assert 'aria-live="polite"' in page.text and '<meta http-equiv="refresh"' in page.text
    assert "queued" in page.text and "%" not in page.text.split('id="run-status"')[1].split("</p>")[0]
    status = client.get(reverse("matching:run-status", args=[run.pk])).json()
    assert status == {"status": "queued", "status_label": "Queued", "error": None, "redirect": None}
    # One background run at a time: a second start is refused while this one is queued.
    refused = client.post(reverse("matching:run-start", args=[small.cohort.pk]), follow=True)
    assert "already running" in refused.text

    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.FAILED, error="Worker died.")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:run-start", args=[small.cohort.pk]))
    result = MatchRun.objects.get(cohort=small.cohort, status=MatchRun.Status.PROPOSED)
    status = client.get(reverse("matching:run-status", args=[result.pk])).json()
    assert status["status"] == "proposed" and status["redirect"] == result.get_absolute_url()
    # Failed runs are not runs to compare.
    compare = client.get(reverse("matching:run-compare", args=[small.cohort.pk])).text
    assert f"Run {run.pk} (" not in compare and f"Run {result.pk} (" in compare


def test_running_with_unfinished_profiles_asks_first_and_links_to_them(client, world, small):
    late = enrol(small.cohort, Enrolment.Role.MENTEE, "Nia Late", finished=False)
    enrol(small.cohort, Enrolment.Role.MENTOR, "Mentor C", finished=False)
    login(client, world.admin)
    url = reverse("matching:run-start", args=[small.cohort.pk])
    page = client.post(url)
    assert page.status_code == 200
    assert "2 people in this cohort have not finished their profile." in page.text
    assert f'href="{small.cohort.get_absolute_url()}#unfinished-profiles"' in page.text
    assert MatchRun.objects.filter(cohort=small.cohort).count() == 1  # nothing ran yet

    response = client.post(url, {"confirm_unfinished": "1"})
    run = MatchRun.objects.get(cohort=small.cohort, status=MatchRun.Status.PROPOSED)
    assert response.url == run.get_absolute_url()
    assert late.pk in set(run.pairings.values_list("mentee_id", flat=True)) | {
        u["enrolment_id"] for u in run.unmatched
    }
    cohort_page = client.get(small.cohort.get_absolute_url()).text
    assert 'id="unfinished-profiles"' in cohort_page


def test_small_cohort_runs_inline(client, world, small):
    login(client, world.admin)
    client.post(reverse("matching:run-start", args=[small.cohort.pk]))
    assert not MatchRun.objects.filter(status=MatchRun.Status.RUNNING).exists()
    assert MatchRun.objects.filter(cohort=small.cohort).count() == 2


def test_compare_page_shows_both_histograms_and_who_changed_mentor(client, world, small):
    first, second = small.run.pairings.order_by("pk")
    login(client, world.admin)
    client.post(reverse("matching:run-start", args=[small.cohort.pk]))
    later = MatchRun.objects.get(cohort=small.cohort, status=MatchRun.Status.PROPOSED)
    later.pairings.filter(mentee=first.mentee).update(mentor=second.mentor, score=95)
    later.pairings.filter(mentee=second.mentee).update(mentor=first.mentor, score=5)
    response = client.get(
        reverse("matching:run-compare", args=[small.cohort.pk]), {"a": small.run.pk, "b": later.pk}
    )
    columns = response.context["columns"]
    assert [c["run"] for c in columns] == [small.run, later]
    assert sum(b["count"] for b in columns[0]["histogram"]) == 2
    assert [b["count"] for b in columns[1]["histogram"]] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert f"Pairs by score, run {later.pk}" in response.text
    assert 'data-bucket="90–100">1<' in response.text
    assert [c["mentee"].full_name for c in response.context["changes"]] == ["Mentee A", "Mentee B"]


def test_compare_refuses_a_run_of_another_cohort(client, world, small):
    login(client, world.admin)
    url = reverse("matching:run-compare", args=[small.cohort.pk])
    assert client.get(url, {"a": world.run.pk, "b": small.run.pk}).status_code == 404


def test_publish_emails_both_sides_once(
    working_hours, client, world, small, django_capture_on_commit_callbacks
):
    login(client, world.admin)
    url = reverse("matching:run-publish", args=[small.run.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.url == small.cohort.get_absolute_url()
    # The four people have no login yet: each one's match email carries their activation link (one
    # email each, not two).
    assert len(mail.outbox) == 4
    assert all("/accounts/activate/" in m.body for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)  # refused: already published, and nothing is sent again
    assert len(mail.outbox) == 4


@pytest.mark.parametrize("size", [2, 12])
def test_run_page_query_count_is_fixed(client, world, small, django_assert_num_queries, size):
    for _ in range(size):
        pairing = PairingFactory(match_run=small.run, status=Pairing.Status.PROPOSED, started_on=None)
        PairRule.objects.create(cohort=small.cohort, mentor=pairing.mentor, mentee=pairing.mentee, kind="pin")
    login(client, world.admin)
    # user (with person and roles), run; the figures (one aggregate, which also counts the pairs), a
    # page of its pairs, the rules on that page, a count and a page of the cohort's rules. The pickers
    # of the "add rule" and swap forms read nobody: they ask the search as the admin types.
    with django_assert_num_queries(7):
        assert client.get(reverse("matching:run-detail", args=[small.run.pk])).status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_compare_page_query_count_is_fixed(client, world, small, django_assert_num_queries, size):
    later = match_run_create(cohort=small.cohort, by=world.admin)
    for run in (small.run, later):
        for _ in range(size):
            PairingFactory(match_run=run, status=Pairing.Status.PROPOSED, started_on=None)
    login(client, world.admin)
    # user (with person and roles), cohort, runs, two pairings, each run's figures
    with django_assert_num_queries(7):
        assert client.get(reverse("matching:run-compare", args=[small.cohort.pk])).status_code == 200


FIRST_VIEW_STORING_TOP3 = 39


@pytest.mark.parametrize("size", [2, 12])
def test_waiting_and_published_run_pages_query_counts_are_fixed(
    client, world, small, django_assert_num_queries, size
):
    for _ in range(size):
        enrol(small.cohort, Enrolment.Role.MENTEE, "Later")
    queued = MatchRun.objects.create(
        cohort=small.cohort,
        status=MatchRun.Status.QUEUED,
        lease_expires_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    login(client, world.admin)
    # user (with person and roles), run
    with django_assert_num_queries(2):
        assert client.get(queued.get_absolute_url()).status_code == 200
    # the status the page polls: no page around it, so only the user and the run
    with django_assert_num_queries(2):
        assert client.get(reverse("matching:run-status", args=[queued.pk])).json()["status"] == "queued"
    queued.delete()
    MatchRun.objects.filter(pk=small.run.pk).update(
        status="published", published_at=timezone.now(), quality={}
    )
    # The first view works out the top-3 share this run never stored (the cohort's scores: a fixed
    # set of narrow loads) and stores it (the run locked, checked against its constraints, saved)...
    with django_assert_num_queries(FIRST_VIEW_STORING_TOP3):
        assert client.get(small.run.get_absolute_url()).status_code == 200
    # ...so later views are the run page alone (as pinned above, less the page of rules: none here).
    with django_assert_num_queries(6):
        assert client.get(small.run.get_absolute_url()).status_code == 200


# --- a run of thousands: pages of pairs, and people picked as the admin types ---------------------


def test_run_page_shows_a_page_of_pairs_best_first_and_counts_them_all(client, world, small, monkeypatch):
    from matching import views

    monkeypatch.setattr(views, "PAIRS_PER_PAGE", 1)
    best, other = sorted(small.run.pairings.all(), key=lambda p: (-p.score, p.pk))
    MatchRun.objects.filter(pk=small.run.pk).update(
        unmatched=[
            {"enrolment_id": 0, "name": f"Late {n}", "reason": "No mentor with a free slot"} for n in range(3)
        ]
    )
    monkeypatch.setattr(views, "UNMATCHED_PER_PAGE", 2)
    login(client, world.admin)
    url = reverse("matching:run-detail", args=[small.run.pk])
    first = client.get(url)
    assert [p.pk for p in first.context["pairings"]] == [best.pk]
    assert 'data-metric="pairs">2<' in first.text and 'data-metric="unmatched">3<' in first.text
    assert "?pairs_page=2#pairs-heading" in first.text
    assert "Late 1" in first.text and "Late 2" not in first.text
    second = client.get(url, {"pairs_page": 2, "unmatched_page": 2})
    assert [p.pk for p in second.context["pairings"]] == [other.pk]
    assert "Late 2" in second.text and "Late 0" not in second.text
    # A pair on the second page is pinned with its own row's button, as on the first.
    pin = f'name="pairing" value="{other.pk}"'
    assert pin in second.text and pin not in first.text


def test_admin_adds_a_rule_by_picking_people_by_employee_id_or_email(client, world, small):
    mentee, mentor = small.mentees[0].person, small.mentors[1].person
    mentee.employee_id, mentor.email = "E-MENTEE", "Mentor.B@corp.example"
    mentee.save()
    mentor.save()
    login(client, world.admin)
    url = reverse("matching:pair-rule-set", args=[small.run.pk])
    response = client.post(
        url,
        {"mentee_person": "e-mentee", "mentor_person": "mentor.b@CORP.example", "kind": "forbid"},
        follow=True,
    )
    assert "will not be paired with Mentor B" in response.text
    assert list(PairRule.objects.values_list("mentee_id", "mentor_id", "kind")) == [
        (small.mentees[0].pk, small.mentors[1].pk, "forbid")
    ]


def test_the_rule_pickers_refuse_people_outside_the_cohort_or_in_the_wrong_role_in_words(
    client, world, small
):
    login(client, world.admin)
    url = reverse("matching:pair-rule-set", args=[small.run.pk])
    world.mentee.employee_id = "E-OTHER"  # a mentee, but of another cohort
    world.mentee.save()
    small.mentors[0].person.employee_id = "E-MENTOR-A"
    small.mentors[0].person.save()
    for mentee in ("E-OTHER", "nobody@nowhere.example", "E-MENTOR-A"):  # another cohort's, unknown, a mentor
        response = client.post(
            url, {"mentee_person": mentee, "mentor_person": "E-MENTOR-A", "kind": "pin"}, follow=True
        )
        assert "Mentee: No one who can be chosen here has that email or employee id." in response.text, mentee
        assert "Choose a mentee and a mentor of this cohort." in response.text
    response = client.post(url, {"mentee_person": "", "mentor_person": "", "kind": "pin"}, follow=True)
    assert "Choose a mentee and a mentor of this cohort." in response.text
    assert not PairRule.objects.exists()


def test_admin_swaps_two_mentors_by_naming_their_mentees(client, world, small):
    first, second = small.run.pairings.order_by("pk")
    first.mentee.person.employee_id = "E-FIRST"
    first.mentee.person.save()
    login(client, world.admin)
    url = reverse("matching:run-swap", args=[small.run.pk])
    response = client.post(
        url, {"first_mentee": "e-first", "second_mentee": second.mentee.person.email}, follow=True
    )
    assert "Swapped the two mentors" in response.text
    assert Pairing.objects.get(pk=first.pk).mentor_id == second.mentor_id


def test_the_swap_pickers_refuse_anyone_not_in_the_runs_pairs_in_words(client, world, small):
    first, _second = small.run.pairings.order_by("pk")
    mentor_before = first.mentor_id
    login(client, world.admin)
    url = reverse("matching:run-swap", args=[small.run.pk])
    response = client.post(
        url, {"first_mentee": first.mentee.person.email, "second_mentee": world.mentee.email}, follow=True
    )
    assert "with the mentor of: No one who can be chosen here has that email or employee id." in response.text
    assert "Choose two pairs of this run." in response.text
    assert Pairing.objects.get(pk=first.pk).mentor_id == mentor_before


def test_a_worked_out_top3_share_is_stored_once_and_said(client, world, small):
    MatchRun.objects.filter(pk=small.run.pk).update(
        status="published", published_at=timezone.now(), quality={}
    )
    login(client, world.admin)
    url = small.run.get_absolute_url()
    page = client.get(url).text
    assert 'data-metric="share_top3">100%<' in page  # two mentors: each is in everyone's top 3
    assert "Worked out from the scores when this run was first shown, not by the matcher." in page
    small.run.refresh_from_db()
    assert small.run.quality == {"share_top3": 1.0, "share_top3_worked_out": True}
    assert not small.run.lacks_top3_share


def test_a_run_the_matcher_scored_keeps_its_own_top3_share(client, world, small):
    assert small.run.quality["share_top3"] is not None
    before = dict(small.run.quality)
    login(client, world.admin)
    page = client.get(small.run.get_absolute_url()).text
    assert "Worked out from the scores" not in page
    small.run.refresh_from_db()
    assert small.run.quality == before


def test_run_page_rows_read_only_what_they_show_25_to_a_page(client, world, django_assert_num_queries):
    """A row names both people and their teams, the score and why; 26 pairs are 25 rows and a second
    page, and the rows' narrowed columns cost no query per row (the page's pinned 6)."""
    from tests.factories import TeamFactory

    team = TeamFactory(name="Billing escalations")
    for n in range(26):
        PairingFactory(
            match_run=world.run,
            mentor__person__team=team,
            mentee__person__full_name=f"Row mentee {n:02}",
            score=50 + n,
            explanation=[f"Reason {n:02}"],
        )
    login(client, world.admin)
    url = reverse("matching:run-detail", args=[world.run.pk])
    client.get(url)  # stores the run's top-3 share once
    with django_assert_num_queries(6):
        page = client.get(url)
    rows = page.context["pairings"].object_list
    assert len(rows) == 25
    assert rows[0].mentee.person.full_name == "Row mentee 25" and "Reason 25" in page.text
    assert "Billing escalations" in page.text
    assert "?pairs_page=2#pairs-heading" in page.text


# --- the run page kept rendered under the cohort's stamps (issue 8, §5) --------------------------


def _run_page(client, run) -> str:
    response = client.get(reverse("matching:run-detail", args=[run.pk]))
    assert response.status_code == 200
    return response.text


def _then_forbid(world):
    from matching.services import pair_rule_set

    pair_rule_set(
        cohort=world.cohort,
        mentor=world.pair.mentor,
        mentee=world.pair2.mentee,
        kind="forbid",
        by=world.admin,
    )
    return "must not be paired with"


def _then_rescore_in_bulk(world):
    world.pair2.score = 7.25
    Pairing.objects.bulk_update([world.pair2], ["score"])
    return "7.2"


def _then_rescore(world):
    Pairing.objects.filter(pk=world.pair.pk).update(score=12.5)  # an update(): every cohort's stamp
    return "12.5"


def _then_rename_mentor(world):
    world.mentor.full_name = "Omar Renamed"
    world.mentor.save()
    return "Omar Renamed"


def _then_new_pair(world):
    mentee = EnrolmentFactory(cohort=world.cohort, person=world.outsider)
    PairingFactory(match_run=world.run, mentor=world.pair2.mentor, mentee=mentee)
    return "Sam Outsider"


@pytest.mark.parametrize(
    "write", [_then_forbid, _then_rescore_in_bulk, _then_rescore, _then_rename_mentor, _then_new_pair]
)
def test_every_write_the_run_page_shows_shows_on_the_next_look(
    client, world, write, django_assert_num_queries
):
    MatchRun.objects.filter(pk=world.run.pk).update(quality={"share_top3": 1.0})  # nothing to work out
    login(client, world.admin)
    _run_page(client, world.run)
    with django_assert_num_queries(2):  # kept: user, run
        _run_page(client, world.run)
    shown = write(world)
    assert shown in _run_page(client, world.run)
