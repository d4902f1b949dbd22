"""The person's notification settings page and `preferences_save`."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications import delivery, kinds
from notifications.models import Preferences
from notifications.services import notify, preferences_save
from outbox.models import Message
from tests.conftest import login

URL = "/notifications/settings/"
FORM = {
    "time_zone": "Asia/Tokyo",
    "working_days": ["0", "1", "2", "3"],
    "quiet_start": "21:30",
    "quiet_end": "07:15",
    "away_until": "2026-12-24",
    "emailed_kinds": ["pulse", "session_to_confirm"],
}


def test_settings_url_is_named():
    assert reverse("notifications:settings") == URL


def test_page_shows_the_defaults_for_someone_who_never_saved(client, world):
    login(client, world.mentee.user)
    page = client.get(URL)
    assert page.status_code == 200
    assert 'value="UTC"' in page.text and '<option value="Europe/Berlin">' in page.text
    days = re.findall(r'<input[^>]*name="working_days"[^>]*>', page.text)
    assert ["checked" in tag for tag in days] == [True] * 5 + [False] * 2  # Monday to Friday
    assert page.text.count('name="emailed_kinds"') == len(kinds.KINDS)
    ticked = re.findall(r'name="emailed_kinds" value="(\w+)"[^>]* checked', page.text)
    assert sorted(ticked) == sorted(kinds.KINDS)  # every kind by email until they say otherwise
    assert "wait for the morning" in page.text
    assert "notifications page still shows every message" in page.text
    for label, _members in kinds.grouped():
        assert str(label) in page.text


def test_saving_stores_every_setting(client, world):
    login(client, world.mentee.user)
    response = client.post(URL, FORM)
    assert response.status_code == 302 and response.url == URL
    prefs = Preferences.objects.get(person=world.mentee)
    world.mentee.refresh_from_db()
    assert world.mentee.time_zone == "Asia/Tokyo"
    assert prefs.working_days == 0b0001111
    assert (prefs.quiet_start, prefs.quiet_end) == (datetime.time(21, 30), datetime.time(7, 15))
    assert prefs.away_until == datetime.date(2026, 12, 24)
    assert set(prefs.muted_kinds) == set(kinds.KINDS) - {"pulse", "session_to_confirm"}
    page = client.get(URL)
    assert "Your notification settings are saved." in page.text
    assert 'value="Asia/Tokyo"' in page.text and 'value="21:30"' in page.text


def test_saved_settings_steer_when_the_email_is_sent(client, world):
    """A Tokyo person with quiet hours 21:30-07:15 and Monday-Thursday working days: a message on
    Thursday 2026-12-03 at 14:00 UTC (23:00 in Tokyo) waits for Monday 07:15 Tokyo time, 22:15 UTC on
    Sunday 2026-12-06 (Friday-Sunday are not working days)."""
    login(client, world.mentee.user)
    client.post(URL, {**FORM, "away_until": ""})
    world.mentee.refresh_from_db()
    notify(
        kind="pulse",
        person=world.mentee,
        key="pulse:test",
        context={"partner": world.mentor, "cohort": world.cohort, "answer_urls": []},
        now=datetime.datetime(2026, 12, 3, 14, 0, tzinfo=datetime.UTC),
    )
    assert Message.objects.get(key="pulse:test").next_attempt_at == datetime.datetime(
        2026, 12, 6, 22, 15, tzinfo=datetime.UTC
    )


def test_an_unticked_kind_is_not_emailed(client, world):
    login(client, world.mentee.user)
    client.post(URL, {**FORM, "emailed_kinds": ["session_to_confirm"]})
    now = datetime.datetime(2026, 12, 2, 3, 0, tzinfo=datetime.UTC)  # Wednesday noon in Tokyo
    notify(kind="pulse", person=world.mentee, key="pulse:muted", context={"answer_urls": []}, now=now)
    assert not Message.objects.filter(key="pulse:muted").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Mars/Olympus"),
        ("time_zone", ""),
        ("working_days", []),
        ("working_days", ["7"]),
        ("quiet_start", "25:00"),
        ("away_until", "31/02/2026"),
    ],
)
def test_bad_input_is_refused_with_an_error_and_saves_nothing(client, world, field, value):
    login(client, world.mentee.user)
    response = client.post(URL, {**FORM, field: value})
    assert response.status_code == 200
    assert "is-invalid" in response.text or "alert-danger" in response.text
    assert not Preferences.objects.filter(person=world.mentee).exists()
    world.mentee.refresh_from_db()
    assert world.mentee.time_zone == "UTC"
    assert 'value="21:30"' in response.text or field == "quiet_start"  # what was typed is kept


def test_service_refuses_an_unknown_zone_and_no_working_days(world):
    base = {
        "person": world.mentee,
        "time_zone": "Europe/Berlin",
        "working_days": [0],
        "quiet_start": datetime.time(20),
        "quiet_end": datetime.time(8),
        "away_until": None,
        "emailed_kinds": [],
    }
    with pytest.raises(ValidationError):
        preferences_save(**{**base, "time_zone": "Nowhere/Land"})
    with pytest.raises(ValidationError):
        preferences_save(**{**base, "working_days": []})
    prefs = preferences_save(**base)
    assert prefs.availability("Europe/Berlin").working_days == frozenset({0})


def test_a_muted_name_that_is_no_kind_any_more_is_kept(world):
    Preferences.objects.create(person=world.mentee, muted_kinds=["retired_kind"])
    prefs = preferences_save(
        person=world.mentee,
        time_zone="UTC",
        working_days=range(5),
        quiet_start=datetime.time(20),
        quiet_end=datetime.time(8),
        away_until=None,
        emailed_kinds=list(kinds.KINDS),
    )
    assert prefs.muted_kinds == ["retired_kind"]


def test_a_login_without_a_person_gets_a_404(client, world):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("bare"))
    assert client.get(URL).status_code == 404


def test_logged_out_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_navigation_links_to_the_settings(client, world):
    login(client, world.mentee.user)
    assert f'href="{URL}"' in client.get(reverse("home")).text


def test_every_registered_kind_is_in_exactly_one_group():
    listed = [kind.name for _label, members in kinds.grouped() for kind in members]
    assert sorted(listed) == sorted(kinds.KINDS)


def test_delivery_zone_is_the_saved_one(world):
    assert delivery.zone("Asia/Tokyo").key == "Asia/Tokyo"
