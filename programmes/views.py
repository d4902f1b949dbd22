from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from mentorship.forms import parse_id
from submissions.once import submitted_once

from . import selectors, services
from .forms import CohortChatForm, CohortForm, CohortSettingsForm, ProgrammeForm
from .models import Cohort, Programme

manage_required = permission_required("programmes.manage", raise_exception=True)


# --- programmes ---------------------------------------------------------------------------------


@manage_required
def programme_list(request):
    page = Paginator(selectors.programme_list(), 25).get_page(request.GET.get("page"))
    return render(request, "programmes/programme_list.html", {"title": _("Programmes"), "page": page})


@manage_required
@submitted_once
def programme_form(request, pk=None):
    programme = get_object_or_404(Programme, pk=pk) if pk else Programme()
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_save(programme=form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Programme “%(name)s” saved.") % {"name": programme.name})
            return redirect(programme)
    back = programme.get_absolute_url() if pk else reverse("programmes:programme-list")
    return render(
        request,
        "programmes/programme_form.html",
        {
            "title": _("Edit programme") if pk else _("New programme"),
            "form": form,
            "programme": programme,
            "back_url": back,
            "back_label": programme.name if pk else _("Programmes"),
        },
    )


@manage_required
def programme_detail(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "title": programme.name,
            "programme": programme,
            "cohorts": selectors.cohort_list(programme),
            "back_url": reverse("programmes:programme-list"),
            "back_label": _("Programmes"),
        },
    )


# --- cohorts ------------------------------------------------------------------------------------


@manage_required
def cohort_list(request):
    page = Paginator(selectors.cohort_list(), 25).get_page(request.GET.get("page"))
    return render(request, "programmes/cohort_list.html", {"title": _("Cohorts"), "page": page})


@manage_required
@submitted_once
def cohort_create(request):
    initial = {}
    programme_id = parse_id(request.GET.get("programme"))
    if programme_id is not None:
        initial["programme"] = programme_id
    form = CohortForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        settings = {
            name: data[name]
            for name in services.COHORT_SETTINGS
            if name not in ("name", "starts_on", "ends_on", "cadence_days")
        }
        try:
            with transaction.atomic():
                programme = data["programme"] or Programme.objects.create(name=data["new_programme"].strip())
                cohort = services.cohort_create(
                    programme=programme,
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    cadence_days=data["cadence_days"],
                    **settings,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Cohort “%(name)s” created as a draft. Open enrolment when you're ready.")
                % {"name": cohort.name},
            )
            return redirect(cohort)
    return render(
        request,
        "programmes/cohort_form.html",
        {
            "title": _("New cohort"),
            "form": form,
            "back_url": reverse("programmes:cohort-list"),
            "back_label": _("Cohorts"),
        },
    )


@manage_required
def cohort_edit(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    if cohort.is_read_only:
        messages.info(request, _("This cohort is closed: its settings are read-only."))
    form = CohortSettingsForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(cohort=cohort, changes=form.changes())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect(cohort)
    return render(request, "programmes/cohort_edit.html", cohort_settings_context(cohort, form=form))


def cohort_settings_context(cohort, *, form, chat_form=None) -> dict:
    """The settings page: the cohort's settings and, in its own section, its chat webhook."""
    return {
        "title": _("Settings: %(name)s") % {"name": cohort.name},
        "cohort": cohort,
        "form": form,
        "chat_form": chat_form or CohortChatForm(cohort=cohort),
        "back_url": cohort.get_absolute_url(),
        "back_label": cohort.name,
    }


@manage_required
def cohort_transition(request, pk, to):
    """GET: a confirmation page for moves that need one. POST: the move."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    move = next((m for m in services.moves_from(cohort) if m.to == to), None)
    if move is None:
        if request.method == "POST":
            messages.error(request, _("That step isn't available for this cohort any more."))
            return redirect(cohort)
        raise Http404
    if request.method != "POST":
        return render(
            request,
            "programmes/cohort_transition.html",
            {
                "title": move.label,
                "cohort": cohort,
                "move": move,
                "back_url": cohort.get_absolute_url(),
                "back_label": cohort.name,
            },
        )
    try:
        services.cohort_transition(cohort=cohort, to=to, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The cohort is now %(state)s.") % {"state": Cohort.State(to).label.lower()}
        )
    return redirect(cohort)
