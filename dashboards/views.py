from django.shortcuts import render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from . import selectors


@permission_required("dashboards.view", raise_exception=True)
def overview(request):
    return render(
        request,
        "dashboards/overview.html",
        {
            "title": _("Dashboard"),
            "overview": selectors.overview(request.user),
            "min_group": selectors.MIN_GROUP,
        },
    )
