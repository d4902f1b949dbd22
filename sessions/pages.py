"""A pair's pages kept rendered whole, per viewer, under the pairing's stamp (issue 8, §5).

What a member page costs is Django's own work: compiling a handful of queries and rendering a
template of a few hundred nodes, about 10 ms of CPU against 3 for the home page. A page built with
`kept_page` renders its main content once and serves it again while nothing it shows has changed
(the machinery, shared with the admin's pages, is mentorship/kept.py):

- the pair's content (sessions, goals, check-ins, plans, action items, notes): the pairing's stamp
  (matching/stamps.py), which every write to that content replaces;
- the rows the page loaded the pairing with (the pairing, its cohort and programme, both
  enrolments, people and teams): a digest of every field of each, taken on every request from
  the row the access check reads anyway, so an ended pairing, a closed cohort or a renamed person
  shows at once although none of them replaces the stamp;
- whatever else the view names in `depends_on` (the mentee's KPI months, say);
- who is looking (the key), the day, the language and time zone, the request's query string and
  the templates' sources; and the moment the page stops being true by the clock alone (`until`,
  the start of the next planned session, say), after which it is rendered afresh.
"""

from collections.abc import Callable

from matching import stamps
from mentorship import kept
from mentorship.kept import Built, rows_digest

__all__ = ["Built", "kept_list_page", "kept_page", "rows_digest"]


def kept_page(request, *, pairing, viewer, page: str, build: Callable[[], Built], **options):
    """The response for a GET of a pair's page: the kept main content if it is still true, else
    `build()` rendered (and kept). `pairing` as the access check loaded it, `viewer` the person
    looking (one of the two), `page` a name for the page and what it shows (a goal's id, say).
    `build` may raise Http404; it runs only after the stamp was read, so what it reads is at least
    as new as the stamp it is kept under. `options`: as `kept_list_page`."""
    return kept_list_page(
        request, pairings=[pairing], viewer=viewer, page=f"{page}:{pairing.pk}", build=build, **options
    )


def kept_list_page(
    request,
    *,
    pairings,
    viewer,
    page: str,
    build: Callable[[], Built],
    depends_on=(),
    versions: dict[str, Callable[[], str]] | None = None,
    **options,
):
    """A page that shows the content of several pairings (`pairings`, as loaded for the viewer,
    each with the rows it shows joined), kept under all of their stamps and checked against those
    rows. `depends_on`, `versions` and the other options: as mentorship.kept.kept_page."""
    return kept.kept_page(
        request,
        key=f"pairing-page:{viewer.pk}:{page}",
        build=build,
        versions={
            **{stamps.stamp_key(pairing.pk): _stamp_of(pairing.pk) for pairing in pairings},
            **(versions or {}),
        },
        depends_on=(*(rows_digest(pairing) for pairing in pairings), *depends_on),
        **options,
    )


def _stamp_of(pairing_id) -> Callable[[], str]:
    return lambda: stamps.stamp(pairing_id)
