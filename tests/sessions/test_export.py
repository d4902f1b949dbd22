"""The pairing's history as CSV: shared records, and only the requester's own private notes and check-ins."""

import csv
import io

import pytest
from django.urls import reverse

from sessions.models import ActionItem, GoalUpdate, SessionPrivateNote
from tests.conftest import login
from tests.factories import CheckInFactory, GoalFactory, SessionFactory


@pytest.fixture
def history(world):
    session = SessionFactory(pairing=world.pair, notes="Shared: refund calls", partner_rating=5)
    SessionPrivateNote.objects.create(
        session=session, author=world.mentee, text="MINE: nervous about refunds"
    )
    SessionPrivateNote.objects.create(session=session, author=world.mentor, text="THEIRS: push on tone")
    goal = GoalFactory(pairing=world.pair, specific='=HYPERLINK("http://evil")')
    GoalUpdate.objects.create(goal=goal, value=85, note="Halfway", created_by=world.mentee)
    ActionItem.objects.create(
        pairing=world.pair, session=session, description="Read the refund macro", owner=world.mentee
    )
    CheckInFactory(pairing=world.pair, person=world.mentee, satisfaction=4, comment="MY CHECK-IN")
    CheckInFactory(pairing=world.pair, person=world.mentor, satisfaction=2, comment="THEIR CHECK-IN")
    return world


def export(client, world, user):
    login(client, user)
    return client.get(reverse("mentoring_sessions:pairing-export", args=[world.pair.pk]))


def test_export_is_a_csv_named_after_the_pair(client, history):
    response = export(client, history, history.mentee.user)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="mentoring-omar-mentor-ada-mentee.csv"' in response["Content-Disposition"]


def test_export_has_sessions_goals_updates_and_action_items(client, history):
    text = export(client, history, history.mentee.user).content.decode()
    for expected in ("Shared: refund calls", "Halfway", "Read the refund macro", "Video call"):
        assert expected in text


def test_export_has_my_private_notes_and_not_my_partners(client, history):
    text = export(client, history, history.mentee.user).content.decode()
    assert "MINE: nervous about refunds" in text and "THEIRS" not in text
    text = export(client, history, history.mentor.user).content.decode()
    assert "THEIRS: push on tone" in text and "MINE" not in text


def test_export_has_only_my_check_ins(client, history):
    text = export(client, history, history.mentee.user).content.decode()
    assert "MY CHECK-IN" in text and "THEIR CHECK-IN" not in text


def test_formula_looking_cells_are_neutralised(client, history):
    rows = list(csv.reader(io.StringIO(export(client, history, history.mentee.user).content.decode())))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


@pytest.mark.parametrize("who", ["mentee2", "mentor2", "outsider", "manager"])
def test_export_is_a_404_for_non_members(client, history, who):
    assert export(client, history, getattr(history, who).user).status_code == 404
