"""Training pages: members read modules and finish them; programme admins edit a programme's modules
and see completion per cohort."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from mentorship.paging import paginate
from people.roles import person_of
from programmes.models import Cohort, Programme
from submissions.once import submitted_once

from . import selectors, services
from .forms import CompleteForm, ModuleForm
from .models import TrainingModule

manage_required = permission_required("programmes.manage", raise_exception=True)

COMPLETION_PER_PAGE = 50


# --- members ----------------------------------------------------------------------------------


def mine(request):
    person = person_of(request.user)
    programmes = selectors.my_training(person) if person else []
    return render(
        request,
        "training/mine.html",
        {
            "title": _("My training"),
            "programmes": programmes,
            "back_url": reverse("home"),
            "back_label": _("Home"),
        },
    )


@submitted_once
def module_detail(request, pk):
    """Read the module; tick its checklist and answer its questions; "Mark as done" records the
    completion once."""
    module = selectors.module_page(request.user, pk)
    if module is None:
        raise Http404
    person = person_of(request.user)
    form = None
    if person is not None and not module.completed_at:
        form = CompleteForm(request.POST or None, module=module)
        if request.method == "POST" and form.is_valid():
            try:
                services.module_complete(
                    module=module, person=person, ticked=form.ticked(), answers=form.answers()
                )
            except ValidationError as exc:
                form.show_problems(exc)
            else:
                messages.success(
                    request, _("Well done: “%(title)s” is marked as done.") % {"title": module.title}
                )
                return redirect("training:mine")
    elif request.method == "POST":
        if person is None:
            messages.info(request, _("Only people enrolled in the programme mark modules as done."))
        else:
            messages.info(request, _("You have already finished this module."))
        return redirect(module)
    return render(
        request,
        "training/module_detail.html",
        {
            "title": module.title,
            "module": module,
            "form": form,
            "back_url": reverse("training:mine"),
            "back_label": _("My training"),
        },
    )


# --- programme admins ---------------------------------------------------------------------------


@manage_required
def programme_modules(request, programme_pk):
    programme = get_object_or_404(Programme, pk=programme_pk)
    modules = list(selectors.programme_modules(programme))
    return render(
        request,
        "training/programme_modules.html",
        {
            "title": _("Training: %(programme)s") % {"programme": programme.name},
            "programme": programme,
            "modules": modules,
            "cohorts": programme.cohorts.order_by("-starts_on", "name"),
            "back_url": programme.get_absolute_url(),
            "back_label": programme.name,
        },
    )


@manage_required
@submitted_once
def module_form(request, programme_pk=None, pk=None):
    if pk is not None:
        module = get_object_or_404(TrainingModule.objects.select_related("programme"), pk=pk)
        programme = module.programme
    else:
        programme = get_object_or_404(Programme, pk=programme_pk)
        module = TrainingModule(programme=programme)
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        try:
            module = services.module_save(module=form.save())
        except ValidationError as exc:
            # As messages: the model's checks name fields the form shows under other names.
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Module “%(title)s” saved.") % {"title": module.title})
            return redirect("training:programme-modules", programme_pk=programme.pk)
    return render(
        request,
        "training/module_form.html",
        {
            "title": _("Edit module") if pk else _("New training module"),
            "form": form,
            "programme": programme,
            "module": module,
            "back_url": reverse("training:programme-modules", args=[programme.pk]),
            "back_label": _("Training: %(programme)s") % {"programme": programme.name},
        },
    )


@manage_required
@require_POST
def module_move(request, pk, direction):
    module = get_object_or_404(TrainingModule, pk=pk)
    if direction not in ("up", "down"):
        raise Http404
    services.module_move(module=module, up=direction == "up")
    return redirect(
        reverse("training:programme-modules", args=[module.programme_id]) + f"#module-{module.pk}"
    )


@manage_required
def module_delete(request, pk):
    """GET: what removing the module loses. POST: remove it."""
    module = get_object_or_404(selectors.modules_with_completions().select_related("programme"), pk=pk)
    if request.method == "POST":
        services.module_delete(module=module)
        messages.success(request, _("Module “%(title)s” removed.") % {"title": module.title})
        return redirect("training:programme-modules", programme_pk=module.programme_id)
    return render(
        request,
        "training/module_delete.html",
        {
            "title": _("Remove “%(title)s”?") % {"title": module.title},
            "module": module,
            "back_url": reverse("training:programme-modules", args=[module.programme_id]),
            "back_label": _("Training: %(programme)s") % {"programme": module.programme.name},
        },
    )


@manage_required
def cohort_completion(request, cohort_pk):
    """Who in the cohort finished what: a paged table of people, and each module's share."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_pk)
    totals = selectors.cohort_module_totals(cohort)
    people = paginate(
        request,
        selectors.cohort_completion_rows(cohort),
        per_page=COMPLETION_PER_PAGE,
        anchor="people-heading",
    )
    for enrolment in people.object_list:
        enrolment.totals = totals[enrolment.role]
    return render(
        request,
        "training/cohort_completion.html",
        {
            "title": _("Training completion: %(cohort)s") % {"cohort": cohort.name},
            "cohort": cohort,
            "people": people,
            "modules": selectors.cohort_module_figures(cohort),
            "back_url": cohort.get_absolute_url(),
            "back_label": cohort.name,
        },
    )
