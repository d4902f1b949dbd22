"""The library in the demo: the programme has the starter resources across every topic (added when
the programme was created, library.services.programme_created) and two of the admins' own; the
demo mentor has shared two with the demo mentee, who has read one."""

import datetime

from django.utils import timezone

from library.models import Resource, SharedResource
from matching.models import Pairing
from programmes.models import Programme

OWN_RESOURCES = [
    (
        "ticket-triage",
        "Our priority matrix",
        "",
        "P1: many customers blocked. P2: one customer blocked, or many slowed. P3: everything else. "
        "When unsure, pick the higher one and say so in the internal note.",
    ),
    (
        "de-escalation",
        "Phrases that calm, phrases that don't",
        "",
        "Calm: 'I can see why that's frustrating', 'Here's what I'll do next'. Avoid: 'As I said', "
        "'You should have', 'There's nothing I can do'.",
    ),
]


def seed(*, programme_name: str, today: datetime.date) -> dict:
    programme = Programme.objects.get(name=programme_name)
    Resource.objects.bulk_create(
        Resource(programme=programme, topic=topic, title=title, url=url, note=note)
        for topic, title, url, note in OWN_RESOURCES
    )
    pairing = (
        Pairing.objects.filter(
            cohort__programme=programme,
            status=Pairing.Status.ACTIVE,
            mentor__person__user__username="mentor",
            mentee__person__user__username="mentee",
        )
        .select_related("mentor__person", "mentee__person")
        .first()
    )
    if pairing is None:
        return {"shared_resources": 0}
    shareable = Resource.objects.filter(programme=programme, audience="both").order_by("title")
    picks = [shareable.filter(topic=topic).first() for topic in ("de-escalation", "written-tone")]
    now = timezone.now()
    mentor, mentee = pairing.mentor.person, pairing.mentee.person
    SharedResource.objects.bulk_create(
        [
            SharedResource(
                pairing=pairing,
                resource=picks[0],
                shared_by=mentor,
                note="Worth reading before our next ticket review.",
                shared_at=now - datetime.timedelta(days=12),
                done_at=now - datetime.timedelta(days=10),
                done_by=mentee,
            ),
            SharedResource(
                pairing=pairing,
                resource=picks[1],
                shared_by=mentor,
                note="Try this on your next three replies.",
                shared_at=now - datetime.timedelta(days=2),
            ),
        ]
    )
    return {"shared_resources": 2}
