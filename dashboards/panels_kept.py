"""The dashboard's rendered panels, kept and refreshed behind the page (issue 9, speed).

Working the figures out for a whole organisation takes about a quarter of a second at 20,000 people
(two database connections at once, see _render), and no view needs them newer than a few minutes.
So the rendered panels are kept per scope, language, day and KPI figures' version:
- within `cache_seconds()` of being worked out they are served as they are;
- older than that, they are still served (with the time they were worked out, which the page shows),
  and a worker works them out again, once per key however many views ask: the next view gets the new
  ones. Only a view nobody has opened today (or since a KPI import) waits for its figures, and
  `warm` (run by beat) works out the views opened most before anyone asks: the whole organisation
  and each manager's teams, unfiltered.
"""

import logging
import time
from functools import partial

from celery.exceptions import CeleryError
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from kombu.exceptions import OperationalError

from kpis.selectors import figures_version
from mentorship import alongside

from . import selectors
from .kpi_panels import panels_for
from .panels import panels

logger = logging.getLogger(__name__)

# Panels the printable report leaves out (the dashboard and the report's CSV keep them).
NOT_IN_REPORT = ("recognition",)

# Kept panels are served at most this long after they were worked out, while a refresh is owed;
# the key changes with the day anyway, so this bounds the age of what a morning's first view sees.
SERVED_STALE_SECONDS = 6 * 3600


def cache_seconds() -> int:
    """How long the dashboard's figures count as fresh (the page says so); 0 works them out every time."""
    return getattr(settings, "DASHBOARD_CACHE_SECONDS", 300)


def figures(scope, *, fresh: bool = False):
    data = selectors.outcomes_cached(scope, seconds=cache_seconds(), fresh=fresh)
    return data, panels(data)


def _key(scope, printable: bool) -> str:
    return ":".join(
        [
            "dashboards:panels-html:v4",
            "print" if printable else "page",
            get_language() or "",
            scope.key(),
            timezone.localdate().isoformat(),
            figures_version(),
        ]
    )


def _render(scope, *, printable: bool, fresh: bool) -> dict:
    # The support-KPI and ramp-up panels read only people, cohorts and KPI figures: about half the
    # database time, worked out on a second connection meanwhile.
    kpi_panels = alongside.begin(partial(panels_for, scope, today=timezone.localdate()))
    data, laid_out = figures(scope, fresh=fresh)
    if printable:
        # The report is one A4 page of outcomes; recognition is on the page and in the CSV.
        laid_out = {slug: panel for slug, panel in laid_out.items() if slug not in NOT_IN_REPORT}
    context = {
        "panels": laid_out,
        "kpi_panels": kpi_panels(),
        "scope": scope,
        "query": scope.query(),
        "printable": printable,
    }
    html = render_to_string("dashboards/_panels.html", context)
    return {
        "html": mark_safe(html),  # noqa: S308 (rendered by templates, escaped there)
        "active_pairings": data.active_pairings,
        "at": time.time(),
    }


def rendered_panels(scope, *, printable: bool, user_id: int) -> dict:
    """Every panel's HTML, the active pairings the heading counts, and `at`: when the figures were
    worked out. `user_id` is whose view a refresh rebuilds (the scope follows from it)."""
    seconds = cache_seconds()
    if seconds <= 0:
        return _render(scope, printable=printable, fresh=False)
    key = _key(scope, printable)
    found = cache.get(key)
    if found is None:
        found = _render(scope, printable=printable, fresh=False)
        cache.set(key, found, SERVED_STALE_SECONDS)
    elif time.time() - found["at"] > seconds:
        _refresh_later(key, user_id=user_id, query=scope.query(), printable=printable, seconds=seconds)
    return found


def _refresh_later(key: str, *, user_id: int, query: str, printable: bool, seconds: int) -> None:
    # One refresh per key at a time: the claim lapses after `seconds`, so a refresh lost with a
    # worker is asked for again by a later view.
    if not cache.add(f"{key}:refreshing", 1, seconds):
        return
    from .tasks import refresh_panels

    try:
        refresh_panels.delay(user_id=user_id, query=query, printable=printable, language=get_language())
    except (OperationalError, CeleryError, ConnectionError):
        # Without a broker the kept figures are still served; a later view asks again.
        cache.delete(f"{key}:refreshing")
        logger.warning("dashboard refresh not queued: the broker did not answer", exc_info=True)


def refresh(scope, *, printable: bool) -> dict:
    """Work the panels of `scope` out again and keep them (the worker's side of a stale view)."""
    key = _key(scope, printable)
    found = _render(scope, printable=printable, fresh=True)
    cache.set(key, found, SERVED_STALE_SECONDS)
    cache.delete(f"{key}:refreshing")
    return found


def _viewers():
    """A login per view `warm` works out: one programme admin, and every manager with a login (the
    scope decides which of them share a view)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Q

    from people.models import Person

    users = get_user_model().objects.filter(is_active=True)
    admin = users.filter(Q(is_superuser=True) | Q(groups__name=settings.ADMINS_GROUP)).order_by("pk").first()
    managing = Person.objects.filter(manager=OuterRef("person"))
    return ([admin] if admin else []) + list(
        users.filter(Exists(managing)).select_related("person").order_by("pk").iterator(chunk_size=500)
    )


def warm(*, printable: bool = False) -> int:
    """Work out today's unfiltered panels of every view in `_viewers` that has none kept, so the
    day's first look at them does not wait. Returns how many views were worked out (none while
    the dashboard keeps nothing: DASHBOARD_CACHE_SECONDS 0)."""
    from django.http import QueryDict

    from .filters import scope_for

    if cache_seconds() <= 0:
        return 0
    seen, worked = set(), 0
    for user in _viewers():
        scope, _form = scope_for(user, QueryDict())
        key = _key(scope, printable)
        if key in seen:
            continue
        seen.add(key)
        if cache.get(key) is None:
            refresh(scope, printable=printable)
            worked += 1
    return worked
