"""A pair's pages kept rendered whole, per viewer, under the pairing's stamp (issue 8, §5).

What a member page costs is Django's own work: compiling a handful of queries and rendering a
template of a few hundred nodes, about 10 ms of CPU against 3 for the home page. A page built with
`kept_page` renders its main content once and serves it again while nothing it shows has changed:

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

The stamp and the kept page are read in one round trip (`get_many`). Tokens that must be new on
every request are never kept: the CSRF token and each form's submission token are cut out of the
kept HTML and filled in per request. Messages, the navigation and the rest of base.html are
rendered per request around the kept content. Without a cache every process shares nothing is
kept (`fragments.fragment_seconds()` is 0) and every page is rendered from the database.
"""

import dataclasses
import hashlib
import re
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import models
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from matching import stamps
from submissions.once import TOKEN_FIELD, new_token

from . import fragments

# The page around the kept content: base.html with the content block filled in.
SHELL = "sessions/_kept_page.html"
# What base.html reads from a page's own context (the rest comes from context processors).
SHELL_CONTEXT = ("title", "back_url", "back_label")

_CSRF = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(")')
_SUBMISSION = re.compile(rf'(<input type="hidden" name="{TOKEN_FIELD}" value=")[^"]*(")')
_CSRF_HOLE = "\x00csrf\x00"
_SUBMISSION_HOLE = "\x00submission\x00"


@dataclasses.dataclass(frozen=True)
class Built:
    """What a view renders on a miss: the main content's template and context, and the moment
    (an aware datetime) after which the page is out of date whatever is written, if any."""

    template: str
    context: dict
    until: object = None


def rows_digest(obj: models.Model) -> str:
    """Every field of `obj` and of each row loaded with it (select_related), as text: equal only
    if none of them changed."""
    parts: list = []
    _collect(obj, parts, seen=set())
    return repr(parts)


def _collect(obj, parts, seen) -> None:
    marker = (type(obj), obj.pk)
    if marker in seen:
        return
    seen.add(marker)
    parts.append((obj._meta.label, [getattr(obj, field.attname) for field in obj._meta.concrete_fields]))
    for name in sorted(obj._state.fields_cache):
        related = obj._state.fields_cache[name]
        if isinstance(related, models.Model):
            _collect(related, parts, seen)


def _signature(*parts) -> str:
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def _holes(html: str) -> str:
    html = _CSRF.sub(lambda m: m.group(1) + _CSRF_HOLE + m.group(2), html)
    return _SUBMISSION.sub(lambda m: m.group(1) + _SUBMISSION_HOLE + m.group(2), html)


def _filled(request, html: str) -> str:
    if _CSRF_HOLE in html:
        html = html.replace(_CSRF_HOLE, get_token(request))
    if _SUBMISSION_HOLE in html:
        # Each form its own token, as {% submission_token %} gives.
        pieces = html.split(_SUBMISSION_HOLE)
        html = pieces[0] + "".join(new_token() + piece for piece in pieces[1:])
    return html


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
    templates=(),
    params: dict[str, Callable[[str], bool]] | None = None,
    depends_on=(),
    versions: dict[str, Callable[[], str]] | None = None,
    shell_context: dict | None = None,
    keep: bool = True,
):
    """A page that shows the content of several pairings (`pairings`, as loaded for the viewer,
    each with the rows it shows joined), kept under all of their stamps. `templates`: every
    template the main content is made of (a deploy that changes one never serves what the old one
    rendered). `depends_on`: values the content depends on beyond these rows; `versions`: cache
    keys of version tokens it depends on (read in the same round trip), each with the function
    that gives it when missing. `shell_context`: more context for the page around the content.
    `params`: the query parameters the page reads, each with the test of a value worth keeping a
    page for; a request with any other parameter, or a value that fails its test, is rendered
    and not kept (nobody can fill the cache with pages for made-up addresses). `keep`: False for
    a page showing what no stamp covers, rendered and not kept."""
    seconds = fragments.fragment_seconds()
    variant = _variant(request, params or {})
    if not seconds or request.method != "GET" or variant is None or not keep:
        return _render(request, build(), shell_context)
    stamp_keys = [stamps.stamp_key(pairing.pk) for pairing in pairings]
    page_key = f"pairing-page:{viewer.pk}:{page}:{variant}"
    versions = versions or {}
    found = cache.get_many([*stamp_keys, page_key, *versions])
    signature = _signature(
        *(
            found.get(key) or stamps.stamp(pairing.pk)
            for key, pairing in zip(stamp_keys, pairings, strict=True)
        ),
        *(rows_digest(pairing) for pairing in pairings),
        *(found.get(key) or missing() for key, missing in versions.items()),
        *(fragments.template_digest(name) for name in templates),
        *depends_on,
        timezone.localdate(),
        get_language(),
        timezone.get_current_timezone_name(),
    )
    kept = found.get(page_key)
    if kept and kept["signature"] == signature and (kept["until"] is None or time.time() < kept["until"]):
        return _respond(request, kept["html"], kept["shell"])
    built = build()
    html, shell = _main(request, built, shell_context)
    if _all_tokens_cut_out(html):
        until = built.until.timestamp() if built.until is not None else None
        cache.set(page_key, {"signature": signature, "html": html, "shell": shell, "until": until}, seconds)
    return _respond(request, html, shell)


def _all_tokens_cut_out(html: str) -> bool:
    """A token written some other way than by its tag (in a script, say) would stay in the kept
    page for everyone: such a page is not kept."""
    return html.count("csrfmiddlewaretoken") == html.count(_CSRF_HOLE) and html.count(
        f'name="{TOKEN_FIELD}"'
    ) == html.count(_SUBMISSION_HOLE)


def _variant(request, params) -> str | None:
    if any(name not in params for name in request.GET):
        return None
    values = []
    for name, worth_keeping in params.items():
        value = request.GET.get(name)
        if value is not None:
            if len(request.GET.getlist(name)) > 1 or not worth_keeping(value):
                return None
            values.append(f"{name}={value}")
    return "&".join(values)


def _main(request, built: Built, shell_context) -> tuple[str, dict]:
    html = _holes(render_to_string(built.template, built.context, request))
    shell = {key: built.context[key] for key in SHELL_CONTEXT if key in built.context}
    shell.update(shell_context or {})
    return html, shell


def _render(request, built: Built, shell_context):
    return _respond(request, *_main(request, built, shell_context))


def _respond(request, html: str, shell: dict):
    # The kept HTML was rendered by our own templates (autoescaped) and only had tokens cut out.
    return render(request, SHELL, {**shell, "main": mark_safe(_filled(request, html))})  # noqa: S308
