"""What the library adds to the session pages of sessions/ (which imports this; the library never
imports sessions): the guide for the pair's stage and resources for the session's topics."""

from . import selectors
from .stages import Stage, stage_of

# The templates the kept session pages include from here (sessions/pages.py digests them).
GUIDE_TEMPLATE = "library/_session_guide.html"
SUGGESTIONS_TEMPLATE = "library/_session_suggestions.html"


def versions_of(pairing) -> dict:
    """For `pages.kept_page(versions=...)` on a page showing the guide or suggestions."""
    return selectors.versions_of(pairing.cohort.programme_id)


def session_guidance(pairing, viewer, *, sessions_held, last_session_on, today, suggest=False) -> dict:
    """Context for library/_session_guide.html. `sessions_held`, `last_session_on`: the pair's
    logged sessions so far (counted by the caller, which owns them). `suggest`: also list the
    programme's resources for the cohort's topics (the log page filters them as topics are ticked)."""
    cohort = pairing.cohort
    stage = stage_of(
        sessions_held=sessions_held,
        last_session_on=last_session_on,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        concluding=cohort.is_concluding,
        today=today,
    )
    context = {
        "library_stage": stage,
        "library_stage_label": Stage(stage).label,
        "library_prompts": selectors.guide_prompts(cohort.programme_id, stage),
        # The first session's guide is opened for the pair: the rest stay folded.
        "library_guide_open": stage == Stage.FIRST,
        "library_suggestions": None,
    }
    if suggest:
        topics = list(cohort.topics or [])
        found = selectors.suggestions(
            pairing, topics=topics, for_mentor=pairing.mentor.person_id == viewer.pk
        )
        context["library_suggestions"] = selectors.grouped_by_topic(found, topics)
    return context


def session_suggestions(pairing, viewer, session) -> dict:
    """Context for library/_session_suggestions.html on a logged session's page."""
    i_am_mentor = pairing.mentor.person_id == viewer.pk
    topics = list(session.topics or [])
    if not topics:
        return {"library_suggestions": None}
    found = selectors.suggestions(pairing, topics=topics, for_mentor=i_am_mentor)
    return {
        "library_suggestions": selectors.grouped_by_topic(found, topics),
        "library_can_share": i_am_mentor and pairing.is_active,
    }
