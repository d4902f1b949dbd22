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
    assert f'<option value="{latecomer.pk}">Nia Late</option>' in page
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


def test_publish_emails_both_sides_once(client, world, small, django_capture_on_commit_callbacks):
    login(client, world.admin)
    url = reverse("matching:run-publish", args=[small.run.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.url == small.cohort.get_absolute_url()
    # The four people have no login yet, so each also gets an activation email (issue 8).
    published = [m for m in mail.outbox if "/accounts/activate/" not in m.body]
    assert len(published) == 4 and len(mail.outbox) == 8
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)  # refused: already published, and nothing is sent again
    assert len(mail.outbox) == 8


@pytest.mark.parametrize("size", [2, 12])
def test_run_page_query_count_is_fixed(client, world, small, django_assert_num_queries, size):
    for _ in range(size):
        pairing = PairingFactory(match_run=small.run, status=Pairing.Status.PROPOSED, started_on=None)
        PairRule.objects.create(cohort=small.cohort, mentor=pairing.mentor, mentee=pairing.mentee, kind="pin")
    login(client, world.admin)
    # user (with person and roles), run, pairings, rules,
    # the cohort's mentees and mentors for the "add rule" form
    with django_assert_num_queries(5):
        assert client.get(reverse("matching:run-detail", args=[small.run.pk])).status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_compare_page_query_count_is_fixed(client, world, small, django_assert_num_queries, size):
    later = match_run_create(cohort=small.cohort, by=world.admin)
    for run in (small.run, later):
        for _ in range(size):
            PairingFactory(match_run=run, status=Pairing.Status.PROPOSED, started_on=None)
    login(client, world.admin)
    # user (with person and roles), cohort, runs, two pairings
    with django_assert_num_queries(5):
        assert client.get(reverse("matching:run-compare", args=[small.cohort.pk])).status_code == 200


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
    # the run, its pairs and rules, and the top-3 share worked out from the cohort's scores
    with django_assert_num_queries(11):
        assert client.get(small.run.get_absolute_url()).status_code == 200
