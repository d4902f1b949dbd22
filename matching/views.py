from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from . import selectors, services
from .models import MatchRun

manage_required = permission_required("programmes.manage", raise_exception=True)


def _run_or_404(pk):
    try:
        return selectors.match_run_detail(pk)
    except MatchRun.DoesNotExist as exc:
        raise Http404 from exc


@manage_required
def run_detail(request, pk):
    run = _run_or_404(pk)
    pairings = list(selectors.match_run_pairings(run))
    scores = [p.score for p in pairings]
    return render(
        request,
        "matching/run_detail.html",
        {
            "title": _("Match run %(n)s") % {"n": run.pk},
            "run": run,
            "pairings": pairings,
            "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
            "lowest_score": min(scores) if scores else None,
            "back_url": run.cohort.get_absolute_url(),
            "back_label": run.cohort.name,
        },
    )


@manage_required
@require_POST
def run_publish(request, pk):
    run = _run_or_404(pk)
    try:
        services.match_run_publish(run=run, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(run)
    messages.success(request, _("Published. The pairs can now see each other and start meeting."))
    return redirect(run.cohort)
