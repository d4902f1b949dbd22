"""A person's export: every kind held about them, the other side by name only, never the other
side's private notes; the CSV zip readable and neutralised; a fixed number of queries."""

import csv
import io
import json
import zipfile

from privacy import export
from privacy.registry import exported
from sessions.models import PairMessage
from tests.conftest import login
from tests.factories import SessionFactory


def _json(client) -> dict:
    response = client.get("/privacy/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    return json.loads(b"".join(response.streaming_content))


def test_the_json_export_holds_each_kind_nested_by_kind(held, client):
    world = held.world
    data = _json(login(client, world.mentee.user))

    # The registry's kinds, and django-axes' records of their logins.
    assert set(data) == {"exported_at", "login_records"} | {h.kind for h in exported()}
    assert data["person"] == [
        {
            "full_name": "Ada Mentee",
            "email": "mentee@example.com",
            "employee_id": None,
            "team__name": "Tier 1",
            "manager__full_name": "Maya Manager",
            "hire_date": "2026-06-01",
            "leave_date": None,
            "time_zone": "UTC",
            "communication": "written",
            "structure": "flexible",
            "pace": "steady",
            "feedback": "direct",
        }
    ]
    assert [p["other_side"] for p in data["pairings"]] == ["Omar Mentor"]
    assert [e["motivation"] for e in data["enrolments"]] == ["Ada's motivation"]
    assert [s["notes"] for s in data["sessions"]] == ["=HYPERLINK(shared notes of Ada and Omar)"]
    assert [n["text"] for n in data["private_notes"]] == ["Ada's private note"]
    assert sorted((m["body"], m["written_by_me"]) for m in data["messages"]) == [
        ("Ada writes to Omar", True),
        ("Omar writes to Ada", False),
    ]
    assert [g["specific"] for g in data["goals"]] == ["Ada's goal"]
    assert [c["comment"] for c in data["check_ins"]] == ["Ada's pulse comment"]
    assert [s["role"] for s in data["signatures"]] == ["mentee"]
    assert len(data["agreements"]) == 1
    assert [t["module__title"] for t in data["training"]] == ["Listening"]
    assert [(t["body"], t["written_by_me"]) for t in data["thanks"]] == [("Ada thanks Omar", True)]
    assert [n["title"] for n in data["notifications"]] == ["For Ada"]
    assert [p["muted_kinds"] for p in data["preferences"]] == [["pulse"]]
    assert data["login"][0]["username"] == "mentee"
    assert {row["full_name"] for row in data["person_history"]} == {"Ada Mentee"}
    assert data["enrolment_history"]


def test_the_other_side_sees_the_thanks_as_received_and_never_the_mentees_private_note(held, client):
    data = _json(login(client, held.world.mentor.user))
    text = json.dumps(data)

    assert "Ada's private note" not in text
    assert [n["text"] for n in data["private_notes"]] == ["Omar's private note"]
    assert [(t["body"], t["written_by_me"]) for t in data["thanks"]] == [("Ada thanks Omar", False)]
    assert [p["other_side"] for p in data["pairings"]] == ["Ada Mentee"]
    # Only the other side's name: nothing of Ada's record.
    assert "mentee@example.com" not in text
    assert "Bo writes to Lin" not in text


def test_the_csv_zip_has_one_readable_neutralised_file_per_kind(held, client):
    response = login(client, held.world.mentee.user).get("/privacy/export.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))

    assert set(archive.namelist()) == {"login_records.csv"} | {f"{h.kind}.csv" for h in exported()}
    with archive.open("sessions.csv") as raw:
        rows = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
    assert [row["notes"] for row in rows] == ["'=HYPERLINK(shared notes of Ada and Omar)"]
    assert rows[0]["rating"] == "4"
    with archive.open("private_notes.csv") as raw:
        assert "Omar's private note" not in raw.read().decode()


def test_a_negative_figure_stays_a_number_in_csv():
    assert export.csv_cell(-3) == "-3"
    assert export.csv_cell("-3") == "'-3"
    assert export.csv_cell(["tooling"]) == '["tooling"]'


def _export_queries(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get("/privacy/export.json")
        b"".join(response.streaming_content)


def test_the_export_costs_the_same_queries_whatever_the_person_holds(held, client, django_assert_num_queries):
    world = held.world
    login(client, world.mentee.user)
    client.get("/privacy/")
    # The login and its person (the session is cached), then one query per kind and one for the
    # login records.
    expected = 1 + len(exported()) + 1
    _export_queries(client, django_assert_num_queries, expected)
    for i in range(120):
        PairMessage.objects.create(pairing=world.pair, author=world.mentee, body=f"message {i}")
        SessionFactory(pairing=world.pair, logged_by=world.mentor, notes=f"session {i}")
    _export_queries(client, django_assert_num_queries, expected)


def test_a_login_without_a_person_has_nothing_to_download(world, client):
    login(client, world.admin)
    assert client.get("/privacy/").status_code == 200
    assert client.get("/privacy/export.json").status_code == 404
    assert client.get("/privacy/export.zip").status_code == 404
