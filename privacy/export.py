"""Everything held about a person, as the registry (privacy/registry.py) lists it: one query per
kind, read a chunk at a time, so a person with years of messages costs the same number of queries
and never sits whole in memory. JSON is streamed; the CSV zip is written to a temporary file that
stays in memory while small and spills to disk when large."""

import csv
import datetime
import decimal
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from mentorship.spreadsheets import neutralised

from .registry import exported

CHUNK = 500
# A CSV zip up to this size is built in memory; a larger one is written to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Section:
    kind: str
    columns: list[str]
    rows: Iterator[dict]


def sections(person, user=None) -> Iterator[Section]:
    """Each kind of data held about `person` (and their login `user`), in the registry's order."""
    for holding in exported():
        model = holding.model_class
        if holding.model == "auth.User":
            # The login: the one the person signs in with (an erased person has none).
            if user is None:
                continue
            queryset = model._base_manager.filter(pk=user.pk)
        else:
            queryset = model._base_manager.filter(holding.seen_by(person.pk))
        columns = list(holding.fields)
        if holding.annotate:
            extra = holding.annotate(person.pk)
            queryset = queryset.annotate(**extra)
            columns += list(extra)
        # No ORDER BY: on PostgreSQL the rows come through a cursor, planned for its first rows, and
        # an order by id would walk the whole table's id index to find one person's few.
        rows = queryset.order_by().values(*columns).iterator(chunk_size=CHUNK)
        yield Section(holding.kind, columns, rows)
    if user is not None and apps.is_installed("axes"):
        access_log = apps.get_model("axes", "AccessLog")
        columns = ["attempt_time", "logout_time", "ip_address", "user_agent", "path_info"]
        rows = (
            access_log.objects.filter(username=user.get_username())
            .order_by("pk")
            .values(*columns)
            .iterator(chunk_size=CHUNK)
        )
        yield Section("login_records", columns, rows)


def json_chunks(person, user=None) -> Iterator[str]:
    """The export as JSON text, a piece at a time: {"exported_at": ..., "<kind>": [rows], ...}."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    yield "{" + json.dumps("exported_at") + ": " + encoder.encode(timezone.now())
    for section in sections(person, user):
        yield ",\n" + json.dumps(section.kind) + ": ["
        first = True
        for row in section.rows:
            yield ("" if first else ",\n  ") + encoder.encode(row)
            first = False
        yield "]"
    yield "}\n"


def csv_cell(value) -> str:
    """A cell as a spreadsheet should show it: words neutralised (a leading = + - @ is text, not a
    formula), figures and dates as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if not isinstance(value, str):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return neutralised(value)


def csv_zip(person, user=None):
    """A zip of one CSV per kind, as an open file positioned at its start."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - FileResponse closes it
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in sections(person, user):
            with archive.open(f"{section.kind}.csv", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow(section.columns)
                for row in section.rows:
                    writer.writerow([csv_cell(row[column]) for column in section.columns])
                text.flush()
                text.detach()
    spool.seek(0)
    return spool
