"""Reading many rows a chunk at a time without holding anything open between chunks."""

from collections.abc import Iterator


def keyset_chunks(queryset, *, size: int) -> Iterator[list]:
    """The rows of `queryset`, in pk order, `size` at a time: each chunk is one plain query that
    starts after the last pk seen (WHERE pk > last ORDER BY pk LIMIT size).

    Instead of a server-side cursor: on PostgreSQL Django declares one WITH HOLD outside a
    transaction, which runs the whole query before the first row and plans it for the first tenth
    of the rows; and a cursor held across the chunks' own commits keeps a snapshot open. A short
    chunk is the last one, so a source with fewer than `size` rows costs one query."""
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        rows = list(page.order_by("pk")[:size])
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = rows[-1].pk
        # Let go of this chunk before the next is read: memory holds one chunk, not two.
        del rows
