"""A pairing's history as CSV, for one of its members.

What the requester gets: everything the pair shares (sessions with their shared notes and ratings,
goals with their updates, action items), plus what is theirs alone: their own private notes and
their own check-ins. The other member's private notes and check-ins are never read.
"""

import csv
import io

from django.utils.text import slugify

from matching.models import Pairing
from mentorship.spreadsheets import neutralised
from people.models import Person

from .models import ActionItem, CheckIn, Goal, GoalUpdate, MentoringSession, SessionPrivateNote


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return neutralised(value)
    return value


def export_filename(pairing: Pairing) -> str:
    names = "-".join(slugify(p.full_name) for p in pairing.members())
    return f"mentoring-{names}.csv"


def pairing_export_rows(*, pairing: Pairing, person: Person):
    """The rows of the export, section by section: a title row, a header row, the data, a blank row."""
    my_notes = dict(
        SessionPrivateNote.objects.filter(session__pairing=pairing, author=person).values_list(
            "session_id", "text"
        )
    )
    yield ["Sessions"]
    yield [
        "date",
        "format",
        "length (minutes)",
        "topics",
        "shared notes",
        "logged by",
        "rating",
        "the other side's rating",
        "confirmed",
        "my private notes",
    ]
    for s in (
        MentoringSession.objects.filter(pairing=pairing).select_related("logged_by").order_by("held_on", "pk")
    ):
        yield [
            s.held_on,
            s.get_format_display(),
            s.duration_minutes,
            ", ".join(s.topic_labels),
            s.notes,
            s.logged_by.full_name,
            s.rating,
            s.partner_rating,
            s.confirmed_at.date() if s.confirmed_at else "",
            my_notes.get(s.pk, ""),
        ]
    yield []

    goals = list(Goal.objects.filter(pairing=pairing).order_by("created_at", "pk"))
    yield ["Goals"]
    yield ["goal", "metric", "baseline", "target", "unit", "due", "status"]
    for g in goals:
        yield [g.specific, g.metric, g.baseline, g.target, g.unit, g.due_on, g.get_status_display()]
    yield []
    yield ["Goal updates"]
    yield ["date", "goal", "value", "note"]
    for u in (
        GoalUpdate.objects.filter(goal__pairing=pairing).select_related("goal").order_by("created_at", "pk")
    ):
        yield [u.created_at.date(), u.goal.specific, u.value, u.note]
    yield []

    yield ["Action items"]
    yield ["what", "who", "by when", "done"]
    for a in ActionItem.objects.filter(pairing=pairing).select_related("owner").order_by("created_at", "pk"):
        yield [a.description, a.owner.full_name, a.due_on, a.done_at.date() if a.done_at else ""]
    yield []

    yield ["My check-ins"]
    yield ["date", "satisfaction (1-5)", "meeting as planned", "blockers", "anything else"]
    for c in CheckIn.objects.filter(pairing=pairing, person=person).order_by("created_at", "pk"):
        yield [c.created_at.date(), c.satisfaction, c.meeting_regularly, c.blockers, c.comment]


def pairing_export_csv(*, pairing: Pairing, person: Person) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in pairing_export_rows(pairing=pairing, person=person):
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
