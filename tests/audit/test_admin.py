"""The Django admin shows each tracked model's history (SimpleHistoryAdmin), the webhook left out."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "https://hooks.slack.com/services/T0SECRET/B0SECRET/aBcDeFgHiJkLmNoPqRsTuVwX"


@pytest.mark.parametrize(
    "model, obj",
    [
        ("programmes_programme", lambda w: w.cohort.programme),
        ("programmes_cohort", lambda w: w.cohort),
        ("programmes_enrolment", lambda w: w.pair.mentee),
        ("matching_pairing", lambda w: w.pair),
        ("matching_matchrun", lambda w: w.run),
        ("people_person", lambda w: w.mentee),
    ],
)
def test_the_admin_site_lists_each_objects_history(client, world, model, obj):
    target = obj(world)
    world.cohort.chat_webhook_url = SECRET
    world.cohort.save()
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))

    listed = client.get(reverse(f"admin:{model}_history", args=[target.pk]))
    record = target.history.latest("history_date")
    shown = client.get(reverse(f"admin:{model}_simple_history", args=[target.pk, record.history_id]))

    for page in (listed, shown):
        assert page.status_code == 200
        assert "T0SECRET" not in page.text
    assert str(record.history_id) in listed.text
