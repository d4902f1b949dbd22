"""Erasing a person: their words gone everywhere the registry lists them, their record anonymous,
their login gone, and every figure the dashboards show unchanged."""

import dataclasses

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied

from dashboards import selectors as dashboards
from dashboards.filters import Scope
from notifications.models import Notification, Preferences
from outbox.models import Message
from people.models import Person
from privacy import services
from privacy.models import Erasure
from privacy.registry import ERASED_NAME, HOLDINGS, resolve_blank
from programmes.models import Enrolment
from sessions.models import PairMessage, SessionPrivateNote
from tests.conftest import login


def test_erasure_blanks_every_registered_field_of_what_they_wrote(held):
    world = held.world
    services.person_erase(person=world.mentee, by=world.admin)

    for holding in HOLDINGS:
        if not (holding.installed and holding.wrote):
            continue
        rows = holding.model_class._base_manager.filter(holding.written_by(world.mentee.pk))
        if holding.delete:
            assert not rows.exists(), holding.model
            continue
        expected = {name: resolve_blank(value) for name, value in holding.blanked().items()}
        for row in rows.values(*expected):
            assert row == expected, holding.model


def test_erasure_anonymises_the_person_and_their_history(held):
    world = held.world
    services.person_erase(person=world.mentee, by=world.admin)

    ada = Person.objects.get(pk=world.mentee.pk)
    assert (ada.full_name, ada.email, ada.employee_id, ada.user_id) == (ERASED_NAME, "", None, None)
    assert (ada.communication, ada.structure, ada.pace, ada.feedback) == ("", "", "", "")
    assert not ada.interests.exists()
    # Hire date kept: retention is worked out from it to the day.
    assert ada.hire_date == world.mentee.hire_date
    names = set(Person.history.filter(id=ada.pk).values_list("full_name", flat=True))
    assert names == {ERASED_NAME}
    assert not Person.history.filter(id=ada.pk, email__contains="@").exists()
    enrolment_history = Enrolment.history.filter(person_id=ada.pk)
    assert enrolment_history.exists()
    assert set(enrolment_history.values_list("goals", "motivation")) == {("", "")}


def test_erasure_leaves_the_other_side_and_other_pairs_alone(held):
    world = held.world
    services.person_erase(person=world.mentee, by=world.admin)

    assert SessionPrivateNote.objects.get(pk=held.omar_note.pk).text == "Omar's private note"
    assert not SessionPrivateNote.objects.filter(pk=held.ada_note.pk).exists()
    assert set(PairMessage.objects.values_list("body", flat=True)) == {
        "[erased]",
        "Omar writes to Ada",
        "Bo writes to Lin",
    }
    assert Message.objects.get(key="m:omar").text == "Hello Omar"
    omar = Person.objects.get(pk=world.mentor.pk)
    assert omar.full_name == "Omar Mentor"
    # Omar's notification no longer names Ada, and no longer points at her.
    notice = Notification.objects.get(key="n:omar")
    assert (notice.title, notice.actor_id) == (f"{ERASED_NAME} planned a session", None)


def test_erasure_deletes_their_notifications_emails_and_settings(held):
    world = held.world
    services.person_erase(person=world.mentee, by=world.admin)

    assert not Notification.objects.filter(person=world.mentee).exists()
    assert not Preferences.objects.filter(person=world.mentee).exists()
    assert not Message.objects.filter(to="mentee@example.com").exists()


def test_an_erased_person_cannot_log_in_and_their_sessions_end(held, client):
    world = held.world
    login(client, world.mentee.user)
    assert client.get("/privacy/").status_code == 200
    sessions_before = Session.objects.count()

    services.person_erase(person=world.mentee, by=world.admin)

    assert not User.objects.filter(username="mentee").exists()
    assert Session.objects.count() == sessions_before - 1
    assert client.get("/privacy/").status_code == 302
    assert not client.login(username="mentee", password="demo")


def test_erasure_is_recorded_without_what_was_erased(held):
    world = held.world
    erasure = services.person_erase(person=world.mentee, by=world.admin)

    assert (erasure.person_id, erasure.erased_by, erasure.erased_at is not None) == (
        world.mentee.pk,
        world.admin,
        True,
    )
    assert "Ada" not in str(erasure.rows)
    assert all(isinstance(count, int) for count in erasure.rows.values())


def test_erasing_twice_is_harmless(held):
    world = held.world
    services.person_erase(person=world.mentee, by=world.admin)
    services.person_erase(person=world.mentee, by=world.admin)

    assert Erasure.objects.filter(person=world.mentee).count() == 2
    assert Person.objects.get(pk=world.mentee.pk).full_name == ERASED_NAME
    assert PairMessage.objects.filter(author=world.mentee).get().body == "[erased]"


def test_an_admin_cannot_erase_themselves(world):
    admin_person = world.manager
    admin_person.user.groups.add(*world.admin.groups.all())
    with pytest.raises(PermissionDenied):
        services.person_erase(person=admin_person, by=admin_person.user)
    assert Person.objects.get(pk=admin_person.pk).full_name == "Maya Manager"


def _plain(value):
    """Figures as plain data (objects by their attributes), so two runs compare by value."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {
            f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "scope"
        }
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return {k: _plain(v) for k, v in vars(value).items() if not k.startswith("_")}
    return value


def _figures(scope, today):
    return _plain(dashboards.outcomes(scope, today=today))


def test_dashboard_figures_are_the_same_before_and_after_an_erasure(answers, django_user_model):
    org = answers
    everyone = Scope(teams=None, team_key="all")
    before = _figures(everyone, org.today)
    # A mentee who answered the pulse, rated sessions and the survey, and a mentor.
    admin = django_user_model.objects.create_user("eraser")
    services.person_erase(person=org.mentees[2], by=admin)
    services.person_erase(person=org.mentors[0], by=admin)

    after = _figures(everyone, org.today)
    assert after == before
    # The figures are real ones, not all "too few to show".
    assert before["active_pairings"] == 6


def test_history_rows_they_made_no_longer_point_at_their_login(held):
    world = held.world
    # Ada, as a login, changed Omar's record and her own enrolment.
    Person.history.filter(id=world.mentor.pk).update(history_user=world.mentee.user)
    Enrolment.history.filter(person_id=world.mentee.pk).update(history_user=world.mentee.user)

    services.person_erase(person=world.mentee, by=world.admin)

    assert (
        Person.history.filter(id=world.mentor.pk).values_list("history_user", flat=True).distinct().get()
        is None
    )
    assert Person.history.filter(id=world.mentor.pk).exclude(full_name="Omar Mentor").count() == 0
    assert (
        not Enrolment.history.filter(history_user_id__isnull=False, person_id=world.mentee.pk)
        .exclude(history_user=world.admin)
        .exists()
    )


def test_emails_to_others_no_longer_name_them(held):
    world = held.world
    Message.objects.create(
        key="m:omar:named",
        kind="x",
        to=world.mentor.email,
        subject="Ada Mentee logged a session",
        text="Hello Omar, Ada Mentee logged a session.",
        html="<p>Ada Mentee logged a session.</p>",
    )
    services.person_erase(person=world.mentee, by=world.admin)

    message = Message.objects.get(key="m:omar:named")
    assert "Ada" not in message.subject + message.text + message.html
    assert message.text == f"Hello Omar, {ERASED_NAME} logged a session."


def test_a_kept_workspace_no_longer_shows_their_words(world, client):
    """Parts of a pair's page are kept in the cache under the pairing's stamp: after an erasure the
    page shows no word of the erased person's."""
    from sessions.models import GoalUpdate
    from tests.factories import GoalFactory

    goal = GoalFactory(pairing=world.pair, created_by=world.mentee)
    GoalUpdate.objects.create(goal=goal, value=85, note="Ada's progress note", created_by=world.mentee)
    login(client, world.mentor.user)
    url = f"/pairings/{world.pair.pk}/"
    assert "Ada&#x27;s progress note" in client.get(url).content.decode()

    services.person_erase(person=world.mentee, by=world.admin)

    assert "Ada&#x27;s progress note" not in client.get(url).content.decode()
