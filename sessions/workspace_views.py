"""The pair's workspace: the list of one's pairings and the page of one pairing."""

import re

import rules
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from agreements.selectors import agreement_part
from kpis.selectors import FIGURES_VERSION_KEY, figures_version, trend_of
from library.selectors import workspace_part as library_part
from people.roles import person_of

from . import export, messaging, pages, selectors
from .access import own_pairing


@permission_required("mentoring_sessions.view_own_pairings", raise_exception=True)
def pairing_list(request):
    """One's pairings with what needs doing in each; kept rendered per viewer under the stamps of
    all of them (sessions/pages.py), checked against their rows read in one query."""
    listed = list(selectors.pairings_listed_for(request.user))
    if len(listed) == 1 and not request.GET.get("page"):
        return redirect(listed[0])

    def build():
        page = Paginator(listed, 20).get_page(request.GET.get("page"))
        page.object_list = list(selectors.pairing_list_for(request.user, among=page.object_list))
        today = timezone.localdate()
        for pairing in page.object_list:
            pairing.session_overdue = pairing.is_overdue_for_session(pairing.last_session_on, today=today)
        # A "next session" leaves the list when it starts.
        until = min((p.next_session_at for p in page.object_list if p.next_session_at), default=None)
        return pages.Built(LIST_TEMPLATE, {"title": _("My mentoring"), "page": page}, until)

    return pages.kept_list_page(
        request,
        pairings=listed,
        viewer=person_of(request.user),
        page="list",
        build=build,
        templates=(LIST_TEMPLATE, "includes/pagination.html"),
        params={"page": _PAGE_NUMBER.fullmatch},
    )


_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}")


LIST_TEMPLATE = "sessions/pairing_list.html"


def pairing_detail(request, pk):
    pairing = own_pairing(request, pk, related=selectors.WORKSPACE_RELATED)
    me = person_of(request.user)
    partner = pairing.partner_of(me)

    def build():
        workspace = selectors.pairing_workspace(
            pairing, person=me, timeline_size=_int(request.GET.get("timeline"))
        )
        context = {
            "title": _("Mentoring with %(name)s") % {"name": partner.full_name},
            "pairing": pairing,
            "partner": partner,
            "i_am_mentor": pairing.mentor.person_id == me.pk,
            # A programme admin who is in the pair too may read its history (audit/). Asked of the
            # rules alone: Django's model backend would read the user's permissions first.
            "can_read_history": rules.has_perm("audit.view_history", request.user),
            "back_url": reverse("mentoring_sessions:pairing-list"),
            "back_label": _("My mentoring"),
            "mentee_kpis": trend_of(pairing.mentee.person),
            **workspace,
            **agreement_part(pairing, me),
            **library_part(pairing, me),
            **messaging.workspace_part(pairing, me),
        }
        # "Next session" moves on when that session starts.
        until = workspace["next_session"].starts_at if workspace["next_session"] else None
        return pages.Built(WORKSPACE_TEMPLATE, context, until)

    return pages.kept_page(
        request,
        pairing=pairing,
        viewer=me,
        page="workspace",
        build=build,
        templates=(
            WORKSPACE_TEMPLATE,
            *WORKSPACE_PARTS,
            selectors.PairingHistory.TEMPLATE,
            KPI_TREND_TEMPLATE,
        ),
        # "Show more" asks for multiples of the step.
        params={"timeline": _timeline_step},
        # The mentee's helpdesk figures change only with an import, which replaces this version.
        versions={FIGURES_VERSION_KEY: figures_version},
    )


WORKSPACE_TEMPLATE = "sessions/pairing_detail.html"
KPI_TREND_TEMPLATE = "sessions/_kpi_trend.html"
# Parts of the workspace drawn by the apps whose content they show.
WORKSPACE_PARTS = (
    "agreements/_workspace.html",
    "library/_workspace.html",
    "library/_shared_item.html",
    "sessions/_messages.html",
    "sessions/_message.html",
)


def _timeline_step(value: str) -> bool:
    size = _int(value)
    return str(size) == value and 0 < size <= selectors.TIMELINE_MAX and size % selectors.TIMELINE_STEP == 0


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def pairing_export(request, pk):
    """The pairing's history as CSV: shared records, and the requester's own notes and check-ins."""
    pairing = own_pairing(request, pk)
    body = export.pairing_export_csv(pairing=pairing, person=person_of(request.user))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.export_filename(pairing)}"'
    return response
