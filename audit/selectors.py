"""Reads for the history pages: an object's history rows, newest first, each with who made it, what
changed (field names, old and new values as people read them) and why.

A page costs a fixed number of queries whatever it shows: its history rows with their users' people
(one query, with one row more: the state before the page's oldest row), and one query per kind of
object its changed foreign keys point at (a cohort, a person, a login...), however many rows name one.
"""

import dataclasses
import datetime
import decimal
import json
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from matching.models import MatchRun
from programmes.models import Cohort, Enrolment

PER_PAGE = 25

# What a related object's name reads, loaded with it so naming it costs no query more.
NAME_LOADS = {
    Cohort: ("programme",),
    Enrolment: ("person", "cohort"),
    MatchRun: ("cohort__programme",),
}
# Fields whose change says nothing to a person reading the history.
SKIPPED = {"id"}
# Long JSON or free text is cut on the page (the whole value stays in the history table).
LONGEST = 300


@dataclasses.dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclasses.dataclass(frozen=True)
class Entry:
    when: datetime.datetime
    who: str
    action: str  # "created", "changed" or "deleted"
    changes: list[Change]
    reason: str


def history_of(obj: models.Model):
    """The object's history rows, newest first, with who made each."""
    return obj.history.select_related("history_user__person").order_by("-history_date", "-history_id")


def user_name(user) -> str:
    """A login as people know it: its person's full name, else the login's own name."""
    person = getattr(user, "person", None)
    if person is not None and person.full_name:
        return person.full_name
    return user.get_full_name() or user.get_username()


def entries(records: list, *, more: bool) -> list[Entry]:
    """Entries for history rows given newest first. With `more`, the last row is not shown: it is
    the state before the oldest shown row, to compare it with."""
    shown = records[:-1] if more else records
    if not shown:
        return []
    fields = [f for f in type(shown[0]).tracked_fields if f.name not in SKIPPED]
    diffs = []
    for i, record in enumerate(shown):
        before = records[i + 1] if i + 1 < len(records) else None
        diffs.append(_diff(record, before, fields))
    names = _names(d for diff in diffs for d in diff)
    return [
        Entry(
            when=record.history_date,
            who=user_name(record.history_user) if record.history_user_id else _("System"),
            action={"+": "created", "-": "deleted"}.get(record.history_type, "changed"),
            changes=[
                Change(str(field.verbose_name), _shown(field, old, names), _shown(field, new, names))
                for field, old, new in diff
            ],
            reason=record.history_change_reason or "",
        )
        for record, diff in zip(shown, diffs, strict=True)
    ]


def _diff(record, before, fields):
    if record.history_type == "-":
        return []
    changed = []
    for field in fields:
        new = getattr(record, field.attname)
        if before is None:
            if record.history_type == "+" and new not in (None, "", [], {}):
                changed.append((field, None, new))
            continue
        old = getattr(before, field.attname)
        if old != new:
            changed.append((field, old, new))
    return changed


def _names(diffs) -> dict:
    """{(related model, pk): name} for every foreign key value in the diffs: one query per model."""
    wanted = defaultdict(set)
    for field, old, new in diffs:
        if field.is_relation:
            wanted[field.related_model].update(v for v in (old, new) if v is not None)
    names = {}
    for model, pks in wanted.items():
        if model is get_user_model():
            rows = model._default_manager.select_related("person").filter(pk__in=pks)
            names.update(((model, row.pk), user_name(row)) for row in rows)
        else:
            rows = model._default_manager.select_related(*NAME_LOADS.get(model, ())).filter(pk__in=pks)
            names.update(((model, row.pk), str(row)) for row in rows)
    return names


def _shown(field, value, names) -> str:
    if value is None or value == "":
        return "—"
    if field.is_relation:
        # A related row since deleted keeps its number.
        return names.get((field.related_model, value)) or _("#%(id)s (deleted)") % {"id": value}
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j M Y")
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, default=str) if value else "—"
    elif isinstance(value, decimal.Decimal | float):
        value = formats.number_format(value)
    text = str(value)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"
