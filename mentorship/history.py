"""Audit history for the writes that skip save().

django-simple-history writes a history row from each save()'s post_save signal, with the request's
user (HistoryRequestMiddleware) as who. update(), bulk_create() and bulk_update() send no signal, so
a service that writes that way owes the rows itself: `history_record` writes them in one INSERT per
batch, `update_with_history` wraps a queryset update. Services name their actor (`by`) where they
have one; without it the request's user is taken, and outside a request (a Celery task) nobody,
which the history pages show as "System".
"""

from django.db import transaction

BATCH_SIZE = 1_000


def attribute(instance, *, by=None, reason: str = ""):
    """Say who makes `instance`'s next save() and why, for its history row. Without `by` the
    request's user stays the one named (or nobody, in a task)."""
    if by is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = str(reason)
    return instance


def history_record(rows, *, by=None, reason: str = "", created: bool = False) -> None:
    """One history row per model instance in `rows`, as they are in memory (so they must be whole
    rows, as read or as just inserted with their primary keys): "changed", or "created" for rows
    a bulk_create() just wrote."""
    rows = list(rows)
    if not rows:
        return
    type(rows[0]).history.bulk_history_create(
        rows,
        batch_size=BATCH_SIZE,
        update=not created,
        default_user=by,
        default_change_reason=str(reason),
    )


# No savepoint: a failure rolls back the caller's transaction with it, as a plain update() would.
@transaction.atomic(savepoint=False)
def update_with_history(queryset, *, by=None, reason: str = "", **values) -> int:
    """queryset.update(**values), leaving a history row for each row it changed. Returns how many.

    The rows are read whole and locked first, so the history names exactly the rows changed (a
    conditional update such as "only while still running" keeps its condition: another transaction
    cannot change a locked row's status between the read and the update). One SELECT and one INSERT
    more than the update alone. Values must be plain values, not expressions (F()), since the rows
    written to history are the ones read with the values set on them."""
    if any(hasattr(value, "resolve_expression") for value in values.values()):
        raise TypeError("update_with_history takes plain values, not expressions.")
    rows = list(queryset.select_for_update(of=("self",)).order_by("pk"))
    if not rows:
        return 0
    updated = queryset.filter(pk__in=[row.pk for row in rows]).update(**values)
    for row in rows:
        for name, value in values.items():
            setattr(row, name, value)
    history_record(rows, by=by, reason=reason)
    return updated
