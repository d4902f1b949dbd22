import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from mentorship import health

logger = logging.getLogger(__name__)


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


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request):
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001
        # The context processors read the user from the database, which may be what failed (it is
        # restarting): the page is then rendered without them rather than replaced by the server's.
        logger.exception("The error page could not use the request's context")
        return HttpResponseServerError(render_to_string("500.html"))
