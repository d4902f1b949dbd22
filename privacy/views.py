from django.contrib import messages
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from rules.contrib.views import permission_required

from people.models import Person
from people.roles import person_of

from . import export, selectors, services
from .forms import EraseForm

manage_required = permission_required("programmes.manage", raise_exception=True)


def _me(request) -> Person:
    person = person_of(request.user)
    if person is None:
        # A login without a person record (a bare admin account) holds nothing about anyone.
        raise Http404("No person for this login.")
    return person


@require_safe
def my_data(request):
    """ "Your data": what the product holds about the person, downloaded as JSON or as CSV files."""
    person = person_of(request.user)
    return render(
        request,
        "privacy/mine.html",
        {
            "title": _("Your data"),
            "person": person,
            "back_url": reverse("home"),
            "back_label": _("Back to the home page"),
        },
    )


def _filename(extension: str) -> str:
    return f"my-data-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_safe
def export_json(request):
    person = _me(request)
    response = StreamingHttpResponse(
        export.json_chunks(person, request.user), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
    return response


@require_safe
def export_csv(request):
    person = _me(request)
    return FileResponse(
        export.csv_zip(person, request.user),
        as_attachment=True,
        filename=_filename("zip"),
        content_type="application/zip",
    )


@manage_required
def person_erase(request, pk):
    person = get_object_or_404(Person.objects.select_related("team", "user"), pk=pk)
    refusal = services.erasure_refusal(person=person, by=request.user)
    form = EraseForm(request.POST or None, person=person)
    if request.method == "POST" and not refusal and form.is_valid():
        services.person_erase(person=person, by=request.user)
        messages.success(
            request, _("The person has been erased. Their figures still count, without their name.")
        )
        return redirect("people:person-list")
    return render(
        request,
        "privacy/erase.html",
        {
            "title": _("Erase %(name)s") % {"name": person.full_name},
            "person": person,
            "form": form,
            "refusal": refusal,
            "held": selectors.held_counts(person),
            "erased_before": selectors.erasures_of(person),
            "back_url": reverse("people:person-list"),
            "back_label": _("Back to people"),
        },
    )
