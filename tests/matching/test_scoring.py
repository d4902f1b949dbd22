import numpy as np
import pytest

from matching.scoring import Candidate, explain, score_matrix

TRAITS = ("communication", "structure", "pace", "feedback")


def person(key, style=("", "", "", ""), interests=(), skills=(), goals=()):
    return Candidate(
        key=key,
        name=f"P{key}",
        work_style=style,
        interests=frozenset(interests),
        skills=frozenset(skills),
        goal_areas=frozenset(goals),
    )


def test_better_fit_scores_higher_and_scores_stay_in_0_100():
    mentee = person(
        1, ("written", "structured", "fast", "direct"), {"billing", "tone"}, goals={"refunds", "APIs"}
    )
    close = person(
        2, ("written", "structured", "fast", "direct"), {"billing", "tone"}, skills={"refunds", "APIs"}
    )
    far = person(3, ("spoken", "flexible", "steady", "gentle"), {"macros"}, skills={"tooling"})
    scores = score_matrix([mentee], [close, far])
    assert scores.shape == (1, 2)
    assert scores[0, 0] == 100.0
    assert scores[0, 0] > scores[0, 1] >= 0


def test_unanswered_traits_and_missing_goal_areas_score_neutral_not_zero():
    scores = score_matrix([person(1)], [person(2)])
    assert 0 < scores[0, 0] < 100
    assert np.isfinite(scores).all()


def test_explanation_names_shared_styles_interests_and_covered_goals():
    mentee = person(
        1, ("written", "", "", "direct"), {"billing", "APIs", "tone"}, goals={"refunds", "APIs", "SLAs"}
    )
    mentor = person(2, ("written", "", "", "direct"), {"billing", "APIs", "tone"}, skills={"refunds", "APIs"})
    lines = explain(mentee, mentor, TRAITS)
    assert lines[0] == "Both prefer written communication and direct feedback"
    assert lines[1] == "Shares 3 interests: APIs, billing, tone"
    assert lines[2] == "Covers 2 of 3 goal areas: APIs, refunds"


def test_complementary_trait_scores_one_when_different_and_zero_when_alike():
    mentee = person(1, ("written", "", "fast", ""))
    alike = person(2, ("written", "", "fast", ""))
    differs = person(3, ("written", "", "steady", ""))
    weights = {"work_style": 1, "interests": 0, "goals": 0}
    similar = score_matrix([mentee], [alike, differs], weights, traits=TRAITS)
    complementary = score_matrix(
        [mentee], [alike, differs], weights, traits=TRAITS, trait_modes={"pace": "complementary"}
    )
    # communication fits (1), structure and feedback unanswered (0.5 each), pace depends on the mode.
    assert similar.tolist() == [[75.0, 50.0]]
    assert complementary.tolist() == [[50.0, 75.0]]


def test_unanswered_trait_is_neutral_in_either_mode():
    mentee = person(1, ("", "", "", ""))
    mentor = person(2, ("written", "structured", "fast", "direct"))
    weights = {"work_style": 1, "interests": 0, "goals": 0}
    modes = dict.fromkeys(TRAITS, "complementary")
    assert score_matrix([mentee], [mentor], weights, trait_modes=modes)[0, 0] == 50.0


def test_weights_are_normalised_so_any_scale_gives_the_same_0_100_score():
    mentee = person(1, ("written", "", "", ""), {"billing", "tone"}, goals={"refunds"})
    mentor = person(2, ("spoken", "", "", ""), {"billing"}, skills={"refunds"})
    small = score_matrix([mentee], [mentor], {"work_style": 3, "interests": 3, "goals": 4})
    large = score_matrix([mentee], [mentor], {"work_style": 30, "interests": 30, "goals": 40})
    assert small[0, 0] == large[0, 0] == pytest.approx(100 * (0.3 * 0.375 + 0.3 * 0.5 + 0.4 * 1.0), abs=0.05)


def test_vectorised_scores_match_a_pair_by_pair_calculation():
    rng = np.random.default_rng(7)
    values = [
        ("", "written", "spoken"),
        ("", "structured", "flexible"),
        ("", "steady", "fast"),
        ("", "a", "b"),
    ]
    tags = [f"t{k}" for k in range(8)]

    def random_person(key):
        return person(
            key,
            tuple(str(rng.choice(v)) for v in values),
            set(rng.choice(tags, 3, replace=False)),
            skills=set(rng.choice(tags, 3, replace=False)),
            goals=set(rng.choice(tags, int(rng.integers(0, 3)), replace=False)),
        )

    mentees = [random_person(k) for k in range(15)]
    mentors = [random_person(100 + k) for k in range(9)]
    modes = {"pace": "complementary", "feedback": "complementary"}
    scores = score_matrix(mentees, mentors, {"work_style": 2, "interests": 1, "goals": 1}, trait_modes=modes)

    def by_hand(a, b):
        fits = []
        for trait, x, y in zip(TRAITS, a.work_style, b.work_style, strict=True):
            if not x or not y:
                fits.append(0.5)
            else:
                fits.append(float((x != y) if trait in modes else (x == y)))
        union = len(a.interests | b.interests)
        interests = len(a.interests & b.interests) / union if union else 0.0
        goals = len(a.goal_areas & b.skills) / len(a.goal_areas) if a.goal_areas else 0.5
        return round(100 * (2 * sum(fits) / 4 + interests + goals) / 4, 1)

    expected = [[by_hand(a, b) for b in mentors] for a in mentees]
    # Equal up to the last rounding step (float32 parts can tip a .x5 either way).
    assert np.abs(scores - np.array(expected)).max() <= 0.1 + 1e-9


def test_explanation_follows_the_trait_modes():
    mentee = person(1, ("written", "structured", "steady", "direct"), {"billing"}, goals={"refunds"})
    mentor = person(2, ("written", "flexible", "fast", "direct"), {"billing"}, skills={"refunds"})
    lines = explain(mentee, mentor, TRAITS, {"pace": "complementary", "feedback": "complementary"})
    assert lines == [
        "Both prefer written communication",
        "Complement each other on pace: steady and fast",
        "Shares 1 interest: billing",
        "Covers 1 of 1 goal areas: refunds",
    ]


def test_explanation_says_when_work_styles_do_not_fit_the_cohorts_modes():
    mentee = person(1, ("written", "", "fast", ""))
    mentor = person(2, ("spoken", "", "fast", ""))
    lines = explain(mentee, mentor, TRAITS, {"pace": "complementary"})
    assert lines[0] == "Work styles do not fit on communication and pace"
    assert explain(person(3), person(4), TRAITS)[0] == "Work styles not known yet"
