import numpy as np

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
