"""The people's stamp (people/stamps.py): every write to a person, login, team or tag replaces it,
except the fields no page shows (the unread counter, the last login)."""

import pytest
from django.contrib.auth.models import update_last_login
from django.db.models import F

from people import stamps
from people.models import Person, Tag, Team
from tests.factories import PersonFactory, TeamFactory


def _replaced(write) -> bool:
    before = stamps.people_stamp()
    write()
    return stamps.people_stamp() != before


@pytest.mark.parametrize(
    "write",
    [
        lambda w: PersonFactory(full_name="New Person"),
        lambda w: Person.objects.filter(pk=w.mentee.pk).update(full_name="Ada Renamed"),
        lambda w: Person.objects.bulk_update([w.mentee], ["full_name"]),
        lambda w: Person.objects.bulk_create([Person(full_name="Imported", hire_date=w.today)]),
        lambda w: w.outsider.delete(),
        lambda w: w.mentee.interests.clear(),
        lambda w: w.mentor.skills.add(Tag.objects.create(name="refunds")),
        lambda w: Team.objects.filter(pk=w.teams[0].pk).update(name="Tier One"),
        lambda w: Team.objects.bulk_create([Team(name="Tier 3")]),
        lambda w: TeamFactory(name="Tier 4"),
        lambda w: Tag.objects.bulk_create([Tag(name="escalations")]),
        lambda w: w.mentee.user.set_unusable_password() or w.mentee.user.save(),
    ],
)
def test_every_shown_write_replaces_the_stamp(world, write):
    assert _replaced(lambda: write(world))


@pytest.mark.parametrize(
    "write",
    [
        lambda w: Person.objects.filter(pk=w.mentee.pk).update(
            unread_notifications=F("unread_notifications") + 1
        ),
        lambda w: update_last_login(None, w.mentee.user),
        lambda w: w.mentee.save(update_fields=["unread_notifications"]),
    ],
)
def test_writes_no_page_shows_keep_the_stamp(world, write):
    assert not _replaced(lambda: write(world))
