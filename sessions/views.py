from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from people.roles import person_of

from . import selectors, services
from .forms import GoalForm, SessionForm


def _own_pairing(request, pk):
    """The pairing, if the user is one of its two members; 404 to everyone else."""
    return get_object_or_404(selectors.pairings_for(request.user), pk=pk)


@permission_required("mentoring_sessions.view_own_pairings", raise_exception=True)
def pairing_list(request):
    pairings = selectors.pairing_list_for(request.user)
    page = Paginator(pairings, 20).get_page(request.GET.get("page"))
    if page.paginator.count == 1 and not request.GET.get("page"):
        return redirect(page.object_list[0])
    return render(request, "sessions/pairing_list.html", {"title": _("My mentoring"), "page": page})


def pairing_detail(request, pk):
    pairing = _own_pairing(request, pk)
    me = person_of(request.user)
    partner = pairing.mentee.person if pairing.mentor.person_id == me.pk else pairing.mentor.person
    context = {
        "title": _("Mentoring with %(name)s") % {"name": partner.full_name},
        "pairing": pairing,
        "partner": partner,
        "i_am_mentor": pairing.mentor.person_id == me.pk,
        "back_url": reverse("mentoring_sessions:pairing-list"),
        "back_label": _("My mentoring"),
        **selectors.pairing_workspace(pairing),
    }
    return render(request, "sessions/pairing_detail.html", context)


def _workspace_form(request, pk, *, form_class, service, template, title, success):
    pairing = _own_pairing(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(pairing=pairing, by=person_of(request.user), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, success)
            return redirect(pairing)
    return render(
        request,
        template,
        {
            "title": title,
            "form": form,
            "pairing": pairing,
            "back_url": pairing.get_absolute_url(),
            "back_label": _("Back to the workspace"),
        },
    )


def session_create(request, pk):
    return _workspace_form(
        request,
        pk,
        form_class=SessionForm,
        service=services.session_log,
        template="sessions/session_form.html",
        title=_("Log a session"),
        success=_("Session logged. Nice work."),
    )


def goal_create(request, pk):
    return _workspace_form(
        request,
        pk,
        form_class=GoalForm,
        service=services.goal_create,
        template="sessions/goal_form.html",
        title=_("New SMART goal"),
        success=_("Goal added."),
    )
