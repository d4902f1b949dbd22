import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from closeout import selectors, services
from matching.models import MatchRun, Pairing
from programmes.models import Cohort, Enrolment
from tests.closeout.conftest import enrol_mentor, set_state
from tests.conftest import login
from tests.factories import EnrolmentFactory, PairingFactory

TODAY = datetime.date(2026, 11, 2)
ADA_STYLE = {"communication": "written", "structure": "flexible", "pace": "steady", "feedback": "direct"}


def end_url(pairing):
    return reverse("closeout:pairing-end", args=[pairing.pk])


def rematch_url(enrolment):
    return reverse("closeout:rematch", args=[enrolment.pk])


def end_pair(world, reason="Schedule clash"):
    return services.pairing_end_early(pairing=world.pair, reason=reason, by=world.admin)


# --- ending a pairing ---------------------------------------------------------------------------


def test_end_page_confirms_before_ending_and_shows_the_pair(client, frozen):
    login(client, frozen.admin)
    response = client.get(end_url(frozen.pair))
    assert response.status_code == 200
    assert "Omar Mentor mentoring Ada Mentee" in response.text
    assert "Confirm: end this pairing now" in response.text
    frozen.pair.refresh_from_db()
    assert frozen.pair.status == Pairing.Status.ACTIVE


def test_admin_ends_a_pairing_early_with_a_reason_and_is_offered_a_rematch(client, frozen):
    login(client, frozen.admin)
    response = client.post(
        end_url(frozen.pair), {"reason": "Schedule clash", "details": "Moved to night shifts"}, follow=True
    )
    frozen.pair.refresh_from_db()
    assert (frozen.pair.status, frozen.pair.outcome, frozen.pair.ended_on, frozen.pair.end_reason) == (
        Pairing.Status.ENDED,
        Pairing.Outcome.ENDED_EARLY,
        TODAY,
        "Schedule clash: Moved to night shifts",
    )
    assert rematch_url(frozen.pair.mentee) in response.text
    assert selectors.active_pairing_of(frozen.pair.mentee) is None


def test_ending_needs_a_reason_and_other_needs_details_keeping_what_was_typed(client, frozen):
    login(client, frozen.admin)
    response = client.post(end_url(frozen.pair), {"details": "typed text"})
    assert response.status_code == 200
    assert "typed text" in response.text
    response = client.post(end_url(frozen.pair), {"reason": "Other", "details": "  "})
    assert "Say in a few words why" in response.text
    response = client.post(end_url(frozen.pair), {"reason": "nonsense"})
    assert response.status_code == 200
    frozen.pair.refresh_from_db()
    assert frozen.pair.status == Pairing.Status.ACTIVE


def test_a_pairing_that_is_not_active_cannot_be_ended(client, frozen):
    end_pair(frozen)
    login(client, frozen.admin)
    response = client.post(end_url(frozen.pair), {"reason": "Not a good fit"})
    assert response.status_code == 200
    assert "Confirm: end this pairing now" not in response.text
    frozen.pair.refresh_from_db()
    assert frozen.pair.end_reason == "Schedule clash"
    with pytest.raises(ValidationError, match="Only an active pairing"):
        end_pair(frozen, reason="Not a good fit")
    proposed = PairingFactory(match_run=frozen.run, status=Pairing.Status.PROPOSED, started_on=None)
    with pytest.raises(ValidationError, match="Only an active pairing"):
        services.pairing_end_early(pairing=proposed, reason="Other: x", by=frozen.admin)


def test_a_pairing_in_a_closed_cohort_cannot_be_ended(client, frozen):
    set_state(frozen.cohort, Cohort.State.CLOSED)
    login(client, frozen.admin)
    response = client.post(end_url(frozen.pair), {"reason": "Not a good fit"})
    assert "This cohort is closed" in response.text
    frozen.pair.refresh_from_db()
    assert frozen.pair.status == Pairing.Status.ACTIVE


# --- re-matching --------------------------------------------------------------------------------


@pytest.fixture
def mentors(frozen):
    """After Ada's pairing ends: a well-fitting mentor, a weaker one, a great one who is full,
    and Ada's own manager (ruled out by the hard constraints)."""
    billing, _apis, tone = frozen.tags
    cohort = frozen.cohort
    best = enrol_mentor(cohort, "Best Fit", interests=[billing, tone], **ADA_STYLE)
    weaker = enrol_mentor(cohort, "Weaker Fit")
    full = enrol_mentor(cohort, "Full Fit", capacity=1, interests=[billing, tone], **ADA_STYLE)
    PairingFactory(match_run=frozen.run, mentor=full)
    manager = EnrolmentFactory(cohort=cohort, person=frozen.manager, role=Enrolment.Role.MENTOR, capacity=3)
    frozen.manager.interests.set([billing, tone])
    end_pair(frozen)
    return {"best": best, "weaker": weaker, "full": full, "manager": manager}


def test_rematch_offers_allowed_mentors_with_capacity_best_first(frozen, mentors):
    options = selectors.rematch_options(frozen.pair.mentee)
    assert [o.enrolment for o in options] == [mentors["best"], mentors["weaker"]]
    assert options[0].score > options[1].score
    assert any("Shares 2 interests" in line for line in options[0].explanation)
    assert options[0].free_slots == 2


def test_rematch_respects_the_cohort_cap_on_mentees_per_mentor(frozen, mentors):
    frozen.cohort.max_mentees_per_mentor = 1
    frozen.cohort.save()
    PairingFactory(match_run=frozen.run, mentor=mentors["best"])
    options = selectors.rematch_options(frozen.pair.mentee)
    assert [o.enrolment for o in options] == [mentors["weaker"]]


def test_rematch_shows_at_most_five_mentors(frozen):
    for n in range(7):
        enrol_mentor(frozen.cohort, f"Mentor {n}")
    end_pair(frozen)
    assert len(selectors.rematch_options(frozen.pair.mentee)) == 5


def test_admin_picks_confirms_and_gets_exactly_one_new_active_pairing(client, frozen, mentors):
    mentee = frozen.pair.mentee
    offered = selectors.rematch_options(mentee)[0]
    login(client, frozen.admin)
    page = client.get(rematch_url(mentee))
    assert "Best Fit" in page.text and "Weaker Fit" in page.text
    assert "Full Fit" not in page.text and "Maya Manager" not in page.text
    confirm = client.get(rematch_url(mentee), {"mentor": mentors["best"].pk})
    assert "Confirm: pair Ada Mentee with Best Fit" in confirm.text
    assert not Pairing.objects.filter(mentee=mentee, status=Pairing.Status.ACTIVE).exists()

    response = client.post(rematch_url(mentee), {"mentor": mentors["best"].pk})
    assert response.status_code == 302
    new = Pairing.objects.get(mentee=mentee, status=Pairing.Status.ACTIVE)
    assert (new.mentor, new.started_on, new.cohort) == (mentors["best"], TODAY, frozen.cohort)
    assert new.score == offered.score
    assert new.explanation and any("Shares 2 interests" in line for line in new.explanation)
    run = new.match_run
    assert (run.status, run.published_by, run.created_by, run.cohort) == (
        MatchRun.Status.PUBLISHED,
        frozen.admin,
        frozen.admin,
        frozen.cohort,
    )
    assert run.published_at is not None
    assert list(run.pairings.all()) == [new]


def test_rematch_refuses_a_mentor_that_was_not_offered(client, frozen, mentors):
    login(client, frozen.admin)
    for mentor in (mentors["full"], mentors["manager"], frozen.pair.mentor):
        response = client.post(rematch_url(frozen.pair.mentee), {"mentor": mentor.pk})
        assert response.status_code == 200
    client.post(rematch_url(frozen.pair.mentee), {"mentor": "not-a-number"})
    assert not Pairing.objects.filter(mentee=frozen.pair.mentee, status=Pairing.Status.ACTIVE).exists()


def test_service_enforces_the_rules_whatever_the_page_showed(frozen, mentors):
    mentee = frozen.pair.mentee
    for mentor, message in [
        (mentors["full"], "no free slot"),
        (mentors["manager"], "ruled out"),
        (frozen.pair.mentor, "already been paired"),
        (frozen.pair2.mentee, "Pick a mentor"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.pairing_rematch(mentee=mentee, mentor=mentor, by=frozen.admin)
    with pytest.raises(ValidationError, match="Only a mentee"):
        services.pairing_rematch(mentee=mentors["best"], mentor=mentors["weaker"], by=frozen.admin)
    assert not MatchRun.objects.exclude(pk=frozen.run.pk).exists()


def test_rematch_applies_the_cohorts_rules_and_forbidden_pairs(frozen, mentors):
    """Re-matching follows the same rules as a match run: the admin's forbidden pairs and the
    cohort's tenure-gap rule, not only the management chain."""
    from matching.models import PairRule

    mentee = frozen.pair.mentee
    PairRule.objects.create(
        cohort=frozen.cohort, mentor=mentors["best"], mentee=mentee, kind=PairRule.Kind.FORBID
    )
    assert [o.enrolment for o in selectors.rematch_options(mentee)] == [mentors["weaker"]]
    with pytest.raises(ValidationError, match="ruled out"):
        services.pairing_rematch(mentee=mentee, mentor=mentors["best"], by=frozen.admin)

    # Weaker Fit joined in 2020, Ada in 2026: a gap of ten years rules him out.
    frozen.cohort.min_tenure_gap_days = 3650
    frozen.cohort.save(update_fields=["min_tenure_gap_days"])
    assert selectors.rematch_options(mentee) == []
    with pytest.raises(ValidationError, match="ruled out"):
        services.pairing_rematch(mentee=mentee, mentor=mentors["weaker"], by=frozen.admin)


def test_rematch_explanation_follows_the_cohorts_trait_modes(frozen, mentors):
    frozen.cohort.trait_modes = {"communication": "complementary"}
    frozen.cohort.save(update_fields=["trait_modes"])
    option = selectors.rematch_options(frozen.pair.mentee)[0]
    assert not any("written communication" in line and "Both prefer" in line for line in option.explanation)


def test_rematch_of_a_mentee_who_already_has_a_mentor_is_refused_with_a_clear_message(
    client, frozen, mentors
):
    mentee = frozen.pair.mentee
    services.pairing_rematch(mentee=mentee, mentor=mentors["best"], by=frozen.admin)
    login(client, frozen.admin)
    response = client.post(rematch_url(mentee), {"mentor": mentors["weaker"].pk})
    assert "Ada Mentee already has an active mentor: Best Fit." in response.text
    with pytest.raises(ValidationError, match="already has an active mentor"):
        services.pairing_rematch(mentee=mentee, mentor=mentors["weaker"], by=frozen.admin)
    assert Pairing.objects.filter(mentee=mentee, status=Pairing.Status.ACTIVE).count() == 1


def test_losing_the_race_at_the_database_is_a_clear_message(frozen, mentors, monkeypatch):
    """Another write (not taking the cohort lock) commits an active pairing between our checks and
    our insert: the constraint refuses it and the admin reads why."""
    mentee = frozen.pair.mentee

    def save_loses_race(self, *args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: pairing_one_active_per_mentee")

    monkeypatch.setattr(Pairing, "save", save_loses_race)
    with pytest.raises(ValidationError, match="was matched by someone else a moment ago"):
        services.pairing_rematch(mentee=mentee, mentor=mentors["best"], by=frozen.admin)


def test_rematch_is_refused_when_no_mentor_has_capacity(client, frozen):
    end_pair(frozen)  # Omar is excluded (just ended), Lin is full with Bo
    login(client, frozen.admin)
    response = client.get(rematch_url(frozen.pair.mentee))
    assert response.status_code == 200
    assert "No mentor has a free slot" in response.text
    assert 'name="mentor"' not in response.text


@pytest.mark.parametrize("state", [Cohort.State.CONCLUDING, Cohort.State.CLOSED, Cohort.State.ENROLLING])
def test_rematch_is_refused_outside_a_matching_or_active_cohort(client, frozen, mentors, state):
    set_state(frozen.cohort, state)
    login(client, frozen.admin)
    response = client.post(rematch_url(frozen.pair.mentee), {"mentor": mentors["best"].pk})
    assert response.status_code == 200
    assert "Re-matching is only possible" in response.text or "This cohort is closed" in response.text
    assert not Pairing.objects.filter(mentee=frozen.pair.mentee, status=Pairing.Status.ACTIVE).exists()


def test_rematch_works_in_a_matching_cohort(frozen, mentors):
    set_state(frozen.cohort, Cohort.State.MATCHING)
    pairing = services.pairing_rematch(mentee=frozen.pair.mentee, mentor=mentors["weaker"], by=frozen.admin)
    assert pairing.status == Pairing.Status.ACTIVE


def test_rematch_of_a_mentor_enrolment_is_not_found(client, frozen):
    login(client, frozen.admin)
    assert client.get(rematch_url(frozen.pair.mentor)).status_code == 404


@pytest.mark.parametrize("size", [2, 8])
def test_rematch_page_query_count_is_fixed(client, frozen, django_assert_num_queries, size):
    billing, apis, tone = frozen.tags
    for n in range(size):
        mentor = enrol_mentor(frozen.cohort, f"Mentor {n}", interests=[billing, apis])
        mentor.goal_areas.set([tone])
    end_pair(frozen)
    login(client, frozen.admin)
    # The same at both sizes: the candidates are scored with every rule of the cohort (cohort_scores loads
    # the management chain, pair rules and profiles in a fixed number of queries)
    with django_assert_num_queries(18):
        response = client.get(rematch_url(frozen.pair.mentee))
    assert response.status_code == 200
    assert response.text.count('name="mentor"') == min(size, 5)


@pytest.mark.parametrize("picked", ["abc", "full", "99999"])
def test_picking_a_mentor_that_is_not_offered_shows_the_list_again_without_a_500(
    client, frozen, mentors, picked
):
    value = mentors["full"].pk if picked == "full" else picked
    login(client, frozen.admin)
    response = client.get(rematch_url(frozen.pair.mentee), {"mentor": value})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert "Confirm the new pairing" not in response.text
