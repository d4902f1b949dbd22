from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from mentorship import health


@login_not_required
@never_cache
def healthz(request):
    """For load balancers and docker-compose: JSON with the state of the database, the broker and a
    cache of its own (mentorship/health.py); 503 when one is down, never an error page."""
    report = health.report()
    return JsonResponse(report, status=200 if report["status"] == health.OK else 503)


@login_not_required
def favicon(request):
    # Pages link the icon; this answers browsers (and the Django admin) that ask the old way. Resolved
    # per request: the static file's (hashed) address is known only once collected.
    return redirect(static("favicon.svg"), permanent=True)


def came_from(request) -> str:
    """The page of this site the visitor came from (the Referer), for an error page's "back" link;
    "" when there is none, it is another site's, or it is this very page (going back would fail again)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # noqa: BLE001 - a host this site refuses: no back link, never a second error
        return ""
    if not referer or not url_has_allowed_host_and_scheme(referer, allowed_hosts={host}):
        return ""
    if urlsplit(referer).path == request.path:
        return ""
    return referer


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", {"came_from": came_from(request)}, status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", {"came_from": came_from(request)}, status=404)


def _static_or_blank(path: str) -> str:
    # With the manifest storage a file missing from the manifest raises: the error page must not.
    try:
        return static(path)
    except Exception:  # noqa: BLE001
        return ""


@login_not_required
def server_error(request):
    """Rendered without context processors, the session or the database (whatever failed may be
    one of them): the product's name comes from the settings, made when they loaded."""
    context = {
        "product_name": settings.BRAND.name,
        "stylesheets": [url for url in map(_static_or_blank, ERROR_STYLESHEETS) if url],
    }
    return HttpResponseServerError(loader.get_template("500.html").render(context))


ERROR_STYLESHEETS = ("bootstrap/css/bootstrap.min.css", "css/app.css")


@login_not_required
@require_safe
def brand_css(request):
    """The brand's colours (mentorship/branding.py) as a stylesheet: base.html links it with the
    brand's version in the address, so browsers keep it for a year and ask again only after a change.
    A page may not carry it in a <style> element: the Content-Security-Policy refuses inline styles."""
    brand = settings.BRAND
    response = HttpResponse(brand.css, content_type="text/css; charset=utf-8")
    if request.GET.get("v") == brand.version:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "no-cache"
    return response
