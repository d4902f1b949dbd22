"""Reads of the library, already filtered to what the person may see."""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import ngettext

from matching.models import Pairing
from mentorship.todo import TodoItem
from programmes.models import Cohort, Enrolment

from .models import Resource, SessionGuide, SharedResource, default_prompts, split_prompts
from .stages import Stage

# The workspace shows the latest few; the pair's own page lists them all.
WORKSPACE_SHARED = 3
# Suggestions per topic on the session pages.
SUGGESTIONS_PER_TOPIC = 3
VERSION_SECONDS = 2 * 24 * 3600


# --- the programme's library version: pages kept under it (sessions/pages.py) -------------------


def version_key(programme_id) -> str:
    return f"library-version:{programme_id}"


def versions_of(programme_id) -> dict:
    """For `pages.kept_page(versions=...)`: a page showing the programme's guides or resources is
    rendered afresh once an admin changes either."""
    key = version_key(programme_id)
    return {key: lambda: cache.get_or_set(key, lambda: uuid.uuid4().hex, VERSION_SECONDS)}


def library_changed(programme_id) -> None:
    """Drop the version now and when the transaction commits (as matching.stamps does)."""
    key = version_key(programme_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


# --- who reads what -------------------------------------------------------------------------------


def roles_in(person, programme) -> set[str]:
    """The roles (mentor, mentee) the person holds in an active enrolment of the programme."""
    return set(
        Enrolment.objects.filter(person=person, cohort__programme=programme, status=Enrolment.Status.ACTIVE)
        .order_by()
        .values_list("role", flat=True)
        .distinct()
    )


def resources_for(programme, *, roles=None, query="", topic="", archived=False):
    """The programme's resources. `roles`: None for a programme admin (everything), else the set
    of the reader's roles (mentor, mentee), which decides the audiences shown."""
    found = Resource.objects.filter(programme=programme, archived_at__isnull=not archived)
    if roles is not None:
        found = found.filter(
            audience__in=Resource.audiences_for(
                mentor=Enrolment.Role.MENTOR in roles, mentee=Enrolment.Role.MENTEE in roles
            )
        )
    if topic:
        found = found.filter(topic=topic)
    if query:
        found = found.filter(Q(title__icontains=query) | Q(note__icontains=query))
    return found.order_by("topic", "title", "pk")


def mentor_pairings(person, programme):
    """The person's active pairings as mentor in the programme, with their mentees."""
    return (
        Pairing.objects.filter(
            mentor__person=person,
            status=Pairing.Status.ACTIVE,
            cohort__programme=programme,
        )
        .exclude(cohort__state=Cohort.State.CLOSED)
        .select_related("mentee__person", "cohort")
        .order_by("mentee__person__full_name", "pk")
    )


def shared_in(pairing):
    """Everything shared into the pair's workspace, newest first."""
    return SharedResource.objects.filter(pairing=pairing).select_related("resource", "shared_by", "done_by")


def own_shared(person, shared_id):
    """A shared resource in one of the person's pairings, or None (for anyone else: 404)."""
    return (
        SharedResource.objects.filter(pk=shared_id)
        .filter(Q(pairing__mentor__person=person) | Q(pairing__mentee__person=person))
        .select_related("pairing__mentor", "pairing__mentee", "pairing__cohort", "resource")
        .first()
    )


def workspace_part(pairing, person) -> dict:
    """The workspace's library card: the latest few shared (one query)."""
    latest = list(shared_in(pairing)[: WORKSPACE_SHARED + 1])
    return {
        "library_shared": latest[:WORKSPACE_SHARED],
        "library_more": len(latest) > WORKSPACE_SHARED,
        "library_can_share": pairing.mentor.person_id == person.pk and pairing.is_active,
    }


# --- session pages: the guide and suggestions ------------------------------------------------------


def guide_prompts(programme_id, stage: str) -> list[str]:
    """The programme's prompts for the stage, or ours when it has not written its own."""
    own = SessionGuide.objects.filter(programme_id=programme_id, stage=stage).values_list(
        "prompts", flat=True
    )
    text = own.first()
    return split_prompts(text) if text is not None else default_prompts(stage)


def guides_of(programme) -> list[dict]:
    """Every stage with its prompts and whether the programme changed them (one query)."""
    own = {g.stage: g for g in SessionGuide.objects.filter(programme=programme)}
    return [
        {
            "stage": stage,
            "label": stage.label,
            "prompts": own[stage].prompt_list if stage in own else default_prompts(stage),
            "changed": own.get(stage),
        }
        for stage in Stage
    ]


def suggestions(pairing, *, topics, for_mentor: bool):
    """Up to SUGGESTIONS_PER_TOPIC resources of the pair's programme for each of `topics` that the
    viewer may read, each marked `already_shared` for this pair (one query)."""
    if not topics:
        return []
    ranked = (
        Resource.objects.filter(
            programme_id=pairing.cohort.programme_id,
            archived_at__isnull=True,
            topic__in=list(topics),
            audience__in=Resource.audiences_for(mentor=for_mentor, mentee=not for_mentor),
        )
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("topic")], order_by=[F("title").asc(), F("pk").asc()]),
            already_shared=Exists(SharedResource.objects.filter(pairing=pairing, resource=OuterRef("pk"))),
        )
        .filter(rank__lte=SUGGESTIONS_PER_TOPIC)
        .order_by("topic", "title", "pk")
    )
    return list(ranked)


def grouped_by_topic(resources, topics) -> list[dict]:
    """[{topic, label, resources}] in the order of `topics`, topics without resources left out."""
    labels = dict(Resource._meta.get_field("topic").choices)
    by_topic: dict[str, list] = {}
    for resource in resources:
        by_topic.setdefault(resource.topic, []).append(resource)
    return [
        {"topic": topic, "label": labels.get(topic, topic), "resources": by_topic[topic]}
        for topic in topics
        if topic in by_topic
    ]


def own_pairing(person, pairing_id):
    """One of the person's pairings (either side), or None."""
    return (
        Pairing.objects.filter(pk=pairing_id)
        .filter(Q(mentor__person=person) | Q(mentee__person=person))
        .select_related("mentor__person", "mentee__person", "cohort")
        .first()
    )


def todo_for(person, *, today) -> list[TodoItem]:
    """For the home page: resources the person's mentor shared that they have not marked read, one
    item per pair (one query). Each leads to the workspace, where the resources are listed."""
    unread = (
        SharedResource.objects.filter(
            pairing__mentee__person=person, pairing__status=Pairing.Status.ACTIVE, done_at__isnull=True
        )
        .exclude(pairing__cohort__state=Cohort.State.CLOSED)
        .values("pairing_id", "pairing__mentor__person__full_name")
        .annotate(n=Count("pk"), latest=Max("shared_at"))
        .order_by("-latest", "pairing_id")
    )
    return [
        TodoItem(
            kind="resource-read",
            title=ngettext(
                "Read the resource %(mentor)s shared with you",
                "Read the %(n)d resources %(mentor)s shared with you",
                row["n"],
            )
            % {"n": row["n"], "mentor": row["pairing__mentor__person__full_name"]},
            url=reverse("mentoring_sessions:pairing-detail", args=[row["pairing_id"]]),
            pairing_id=row["pairing_id"],
        )
        for row in unread
    ]
