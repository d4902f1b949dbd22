"""Audit history for the writes that skip save().

django-simple-history writes a history row from each save()'s post_save signal, with the request's
user (HistoryRequestMiddleware) as who. update(), bulk_create() and bulk_update() send no signal, so
a service that writes that way owes the rows itself: `history_copy` copies the rows as they now are
into their history table (one INSERT … SELECT per batch: no model instance per row, so a 10,000-row
import or a publish of thousands of pairs pays one statement per batch), and `update_with_history`
wraps a queryset update. Services name their actor (`by`) where they have one; without it the
request's user is taken, and outside a request (a Celery task) nobody, which the history pages show
as "System".
"""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

BATCH_SIZE = 1_000


def attribute(instance, *, by=None, reason: str = ""):
    """Say who makes `instance`'s next save() and why, for its history row. Without `by` the
    request's user stays the one named (or nobody, in a task)."""
    if by is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = str(reason)
    return instance


def _request_user():
    """The user of the request being served (HistoryRequestMiddleware), as save() would name them."""
    user = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
    return user if user is not None and user.is_authenticated else None


def history_copy(model, pks, *, by=None, reason: str = "", created: bool = False) -> None:
    """One history row for each of `model`'s rows in `pks`, as the database holds them now:
    "changed", or "created" for rows a bulk_create() just wrote."""
    pks = list(pks)
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    qn = connection.ops.quote_name
    columns = [qn(field.column) for field in history.tracked_fields]
    extra = [
        qn(history._meta.get_field(name).column)
        for name in ("history_date", "history_type", "history_user", "history_change_reason")
    ]
    user = by if by is not None else _request_user()
    constants = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        "+" if created else "~",
        user.pk if user is not None else None,
        str(reason),
    ]
    # SQLite caps the parameters of one statement (PostgreSQL says None: no cap below ours).
    limit = connection.features.max_query_params
    size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - len(constants))
    with connection.cursor() as cursor:
        for start in range(0, len(pks), size):
            batch = pks[start : start + size]
            cursor.execute(
                f"INSERT INTO {qn(history._meta.db_table)} ({', '.join(columns + extra)}) "  # noqa: S608 - names come from the models, values are parameters
                f"SELECT {', '.join(columns)}, %s, %s, %s, %s FROM {qn(model._meta.db_table)} "
                f"WHERE {qn(model._meta.pk.column)} IN ({', '.join(['%s'] * len(batch))})",
                [*constants, *batch],
            )


# No savepoint: a failure rolls back the caller's transaction with it, as a plain update() would.
@transaction.atomic(savepoint=False)
def update_with_history(queryset, *, by=None, reason: str = "", **values) -> int:
    """queryset.update(**values), leaving a history row for each row it changed. Returns how many.

    The rows are locked first, so the history names exactly the rows changed (a conditional update
    such as "only while still running" keeps its condition: another transaction cannot change a
    locked row between the read and the update). One SELECT and one INSERT more than the update."""
    pks = list(queryset.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    if not pks:
        return 0
    updated = queryset.filter(pk__in=pks).update(**values)
    history_copy(queryset.model, pks, by=by, reason=reason)
    return updated
