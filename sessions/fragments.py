"""Rendered parts of a pair's pages, cached under the pairing's stamp (issue 8, §5).

The stamp is the pairing's (matching/stamps.py): every write to what a pair's pages show replaces
it. Fragments also vary on who is looking, the day and the language (see
`PairingHistory.cache_key`) and on their template's source.

Only with a cache every process shares (REDIS_URL): with one cache per process, a write in one
process could not replace the stamp the others hold, so fragments are then not kept at all.
"""

from django.conf import settings

from mentorship import kept


def fragment_seconds() -> int:
    """How long a rendered fragment is kept: 0 (not at all) unless the cache is shared."""
    return settings.PAIRING_FRAGMENT_SECONDS


# A digest of a fragment's template source: a deploy that changes the template never serves what
# the old one rendered.
template_digest = kept.template_digest
