from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from mentorship.paging import paginate

from . import selectors
from .kinds import KINDS

history_required = permission_required("audit.view_history", raise_exception=True)


@history_required
def object_history(request, kind, pk):
    """One object's history, newest first: when, who, what changed and why."""
    kind = KINDS.get(kind)
    if kind is None:
        raise Http404
    obj = get_object_or_404(kind.model.objects.select_related(*kind.related), pk=pk)
    page = paginate(request, selectors.history_of(obj), per_page=selectors.PER_PAGE)
    # The page's rows and the one before its oldest (to compare it with), in one query.
    start = page.start_index() - 1 if page.paginator.count else 0
    records = list(selectors.history_of(obj)[start : start + selectors.PER_PAGE + 1])
    more = len(records) > selectors.PER_PAGE
    return render(
        request,
        "audit/object_history.html",
        {
            "title": _("History of %(object)s") % {"object": obj},
            "object": obj,
            "page": page,
            "entries": selectors.entries(records, more=more),
            "back_url": kind.page(obj),
            "back_label": kind.page_label,
        },
    )
