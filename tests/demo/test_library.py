"""The demo shows the library: resources across every topic, two shared with the demo mentee."""

import datetime

from demo.services import PROGRAMME_NAME, seed_demo
from library.models import Resource, SharedResource
from programmes.models import DEFAULT_TOPIC_KEYS


def test_the_demo_mentor_has_shared_two_resources_with_the_demo_mentee_one_read(db):
    seed_demo(people=40, seed=3, today=datetime.date(2026, 11, 2))
    topics = set(Resource.objects.filter(programme__name=PROGRAMME_NAME).values_list("topic", flat=True))
    assert topics == set(DEFAULT_TOPIC_KEYS)
    shared = SharedResource.objects.select_related(
        "pairing__mentor__person__user", "pairing__mentee__person__user"
    )
    assert shared.count() == 2
    assert {s.pairing.mentor.person.user.username for s in shared} == {"mentor"}
    assert {s.pairing.mentee.person.user.username for s in shared} == {"mentee"}
    assert sorted(s.is_done for s in shared) == [False, True]
