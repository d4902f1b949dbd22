from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from matching import services as matching_services

from . import selectors, services
from .forms import CohortForm, EnrolmentForm
from .models import Cohort, Programme

manage_required = permission_required("programmes.manage", raise_exception=True)


@manage_required
def cohort_list(request):
    page = Paginator(selectors.cohort_list(), 25).get_page(request.GET.get("page"))
    return render(request, "programmes/cohort_list.html", {"title": _("Cohorts"), "page": page})


@manage_required
def cohort_create(request):
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                programme = data["programme"] or Programme.objects.create(name=data["new_programme"].strip())
                cohort = services.cohort_create(
                    programme=programme,
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    cadence_days=data["cadence_days"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Cohort “%(name)s” created. Enrol mentors and mentees next.") % {"name": cohort.name},
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
def cohort_detail(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    form = EnrolmentForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = services.enrolment_create(
                cohort=cohort,
                person=data["person"],
                role=data["role"],
                capacity=data["capacity"] or 1,
                goals=data["goals"],
                goal_areas=data["goal_areas"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s enrolled as %(role)s.")
                % {"name": enrolment.person, "role": enrolment.get_role_display().lower()},
            )
            return redirect(cohort)
    enrolments = selectors.cohort_enrolments(cohort)
    return render(
        request,
        "programmes/cohort_detail.html",
        {
            "title": cohort.name,
            "cohort": cohort,
            "form": form,
            "mentors": [e for e in enrolments if e.role == "mentor"],
            "mentees": [e for e in enrolments if e.role == "mentee"],
            "runs": selectors.cohort_match_runs(cohort),
            "back_url": reverse("programmes:cohort-list"),
            "back_label": _("Cohorts"),
        },
    )


@manage_required
@require_POST
def cohort_run_matching(request, pk):
    cohort = get_object_or_404(Cohort, pk=pk)
    try:
        run = matching_services.match_run_create(cohort=cohort, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(cohort)
    n = run.pairings.count()
    messages.success(
        request,
        ngettext(
            "Matching proposed %(n)d pair. Review it, then publish.",
            "Matching proposed %(n)d pairs. Review them, then publish.",
            n,
        )
        % {"n": n},
    )
    return redirect(run)
