"""Work started on a second database connection while the caller goes on with its own.

The outcomes dashboard spends about half its database time on the support-KPI and ramp-up panels,
which share nothing with the other panels. Worked out on another thread, their queries run in a
second PostgreSQL backend, on another core, while the request's own connection works out the rest:
a view waits for the longer of the two, not for their sum.

Only where a second connection sees what the first one does: outside a transaction, on PostgreSQL.
Inside an atomic block (a test's transaction, a write) another connection would not see uncommitted
rows, and SQLite serialises its connections anyway; there the work runs in the caller's thread, when
its result is asked for, so the queries come in the same order as without this module. What the
work writes (the dashboard's comparison groups, when it is first to find them out of date) commits
on its own connection, in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import close_old_connections, connection
from django.utils import translation

T = TypeVar("T")

# Created on first use, so a process forked after import (gunicorn, Celery) starts its own threads.
_pool: ThreadPoolExecutor | None = None
# Two views at once each get their second connection; more wait for a thread rather than crowd the
# database with more backends than it has cores.
WORKERS = 4


def _threads() -> ThreadPoolExecutor:
    global _pool  # noqa: PLW0603 - one pool per process, made lazily (see above)
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="alongside")
    return _pool


def side_by_side() -> bool:
    """Whether work begun now would run on a second connection."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def begin(work: Callable[[], T]) -> Callable[[], T]:
    """Start `work()` alongside the caller; return a function that waits for its value (or raises
    its exception). In the caller's language; on a connection of its own, which is closed or kept
    afterwards as CONN_MAX_AGE says, as a request's is."""
    if not side_by_side():
        return work
    language = translation.get_language()

    def run() -> T:
        close_old_connections()
        try:
            with translation.override(language):
                return work()
        finally:
            close_old_connections()

    return _threads().submit(run).result
