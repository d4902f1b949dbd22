"""Stamps: random values kept in the shared cache, each replaced by every write to what it covers
(issue 8, §5). A page kept rendered under a stamp is served again only while the stamp is the same.

A stamp is read before the rows it covers, so whatever is stored under it is at least as new as it;
a missing stamp (evicted, expired, Redis restarted) is replaced by a new one, never reused. The
pair's stamp (matching/stamps.py), the cohort's (programmes/stamps.py) and the people's
(people/stamps.py) are made and replaced here.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

STAMP_SECONDS = 2 * 24 * 3600


def current(key: str) -> str:
    """The stamp under `key`, made if missing."""
    return cache.get_or_set(key, lambda: uuid.uuid4().hex, STAMP_SECONDS)


def replace(keys) -> None:
    """Replace these stamps now, so the rest of this transaction reads what it wrote, and again once
    it commits: until then other requests still read the old rows, and may have stored them under
    the stamp made in between."""
    keys = sorted(set(keys))
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))
