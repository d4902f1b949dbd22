"""Pages kept rendered whole, per viewer, under stamps (issue 8, §5).

What most pages cost is Django's own work: compiling a handful of queries and rendering a template
of a few hundred nodes. A page built with `kept_page` renders its main content once and serves it
again while nothing it shows has changed:

- `versions`: the stamps (mentorship/stamps.py) of what it shows, each replaced by every write to
  it: a pair's content (matching/stamps.py), a cohort's enrolments, runs and pairings
  (programmes/stamps.py), the people (people/stamps.py);
- `depends_on`: whatever else it shows, as values taken on every request; typically
  `rows_digest` of the rows the access check has just read (a pairing, a cohort, with the rows
  joined to it), so a write to one of them shows at once although it replaces no stamp;
- who is looking (part of the key), the day, the language and time zone, the request's query
  string and the templates' sources; and the moment the page stops being true by the clock alone
  (`Built.until`), after which it is rendered afresh.

The stamps and the kept page are read in one round trip (`get_many`). Values that must be new on
every request are never kept: the CSRF token and each per-request field registered with
`per_request_field` (the submission token, submissions/apps.py) are cut out of the kept HTML and
filled in per request. Messages, the navigation and the rest of base.html are rendered per request
around the kept content (SHELL). Without a cache every process shares nothing is kept
(`kept_seconds()` is 0) and every page is rendered from the database.
"""

import dataclasses
import hashlib
import re
import time
from collections.abc import Callable
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

# The page around the kept content: base.html with the content block filled in.
SHELL = "kept_page.html"
# What base.html reads from a page's own context (the rest comes from context processors).
SHELL_CONTEXT = ("title", "back_url", "back_label")


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    pattern: re.Pattern  # the field as its tag writes it
    marker: str  # the field written any way at all
    hole: str
    make: Callable[[], str]


def _hidden_input(name: str) -> re.Pattern:
    return re.compile(rf'(<input type="hidden" name="{re.escape(name)}" value=")[^"]*(")')


_FIELDS: dict[str, _Field] = {}


def per_request_field(name: str, make: Callable[[], str], *, marker: str = "") -> None:
    """A hidden input whose value must be new on every request (`make()` gives one per form): cut
    out of every kept page and filled in per request. A page holding `marker` (by default the
    field's name="…") anywhere else is not kept. Called from the owning app's ready()."""
    hole = f"\x00hole{len(_FIELDS)}\x00"
    _FIELDS[name] = _Field(name, _hidden_input(name), marker or f'name="{name}"', hole, make)


# Django's own token, the same for every form of a request; its name in a script counts too.
CSRF_FIELD = "csrfmiddlewaretoken"
per_request_field(CSRF_FIELD, lambda: "", marker=CSRF_FIELD)


def kept_seconds() -> int:
    """How long a rendered page is kept: 0 (not at all) unless the cache is shared (REDIS_URL): with
    one cache per process, a write in one process could not replace the stamp the others hold."""
    return settings.PAIRING_FRAGMENT_SECONDS


@once
def template_digest(name: str) -> str:
    """A digest of a template's source: a deploy that changes the template never serves what the
    old one rendered."""
    source = get_template(name).template.source
    return hashlib.md5(source.encode(), usedforsecurity=False).hexdigest()[:12]


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
    for field in _FIELDS.values():
        html = field.pattern.sub(lambda m, field=field: m.group(1) + field.hole + m.group(2), html)
    return html


def _filled(request, html: str) -> str:
    for field in _FIELDS.values():
        if field.hole not in html:
            continue
        if field.name == CSRF_FIELD:
            html = html.replace(field.hole, get_token(request))
        else:
            # Each form its own value, as its tag gives.
            pieces = html.split(field.hole)
            html = pieces[0] + "".join(field.make() + piece for piece in pieces[1:])
    return html


def _all_tokens_cut_out(html: str) -> bool:
    """A token written some other way than by its tag (in a script, say) would stay in the kept
    page for everyone: such a page is not kept."""
    return all(html.count(field.marker) == html.count(field.hole) for field in _FIELDS.values())


def kept_page(
    request,
    *,
    key: str,
    build: Callable[[], Built],
    templates=(),
    params: dict[str, Callable[[str], bool]] | None = None,
    depends_on=(),
    versions: dict[str, Callable[[], str]] | None = None,
    shell_context: dict | None = None,
    keep: bool = True,
):
    """The response for a GET of a page: the kept main content if it is still true, else `build()`
    rendered (and kept). `key` names the page, who looks at it and what it shows (a viewer's id and
    a cohort's, say): pages for different viewers never share a key. `build` may raise Http404; it
    runs only after the stamps were read, so what it reads is at least as new as the stamps it is
    kept under. `templates`: every template the main content is made of. `versions`: cache keys of
    the stamps it is kept under (read in the same round trip), each with the function that gives it
    when missing. `depends_on`: other values it depends on. `shell_context`: more context for the
    page around the content. `params`: the query parameters the page reads, each with the test of a
    value worth keeping a page for; a request with any other parameter, or a value that fails its
    test, is rendered and not kept (nobody can fill the cache with pages for made-up addresses).
    `keep`: False for a page that shows what no stamp covers (rendered, not kept)."""
    seconds = kept_seconds()
    variant = _variant(request, params or {})
    if not seconds or request.method != "GET" or variant is None or not keep:
        return _render(request, build(), shell_context)
    # The variant carries what the visitor typed (a search, a filter): digested, so the key is safe
    # for any cache backend whatever they typed.
    page_key = f"kept-page:{key}:" + hashlib.md5(variant.encode(), usedforsecurity=False).hexdigest()
    versions = versions or {}
    found = cache.get_many([page_key, *versions])
    signature = _signature(
        *(found.get(key) or missing() for key, missing in versions.items()),
        *(template_digest(name) for name in templates),
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


# A kept page of a paged list: a page number up to this one (links to later pages are rendered
# each time); anything else is not worth keeping a page for.
KEPT_PAGE_NUMBERS = 50


def page_number(value: str) -> bool:
    """A `params` test for a list's page number worth keeping."""
    return value.isdigit() and 1 <= int(value) <= KEPT_PAGE_NUMBERS


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
