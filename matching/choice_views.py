"""Mentee-choice pages: thin views (fetch through a selector, 404 for anyone else, call a service,
redirect with a message)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from mentorship.forms import BoundedForm, parse_id
from programmes.models import Cohort, Enrolment
from submissions.once import submitted_once

from . import selectors, services
from .models import MentorRequest

manage_required = permission_required("programmes.manage", raise_exception=True)
RECENT_DECISIONS = 20


class DeclineForm(BoundedForm):
    note = forms.CharField(
        label=gettext_lazy("A note for the mentee (optional)"), max_length=300, required=False
    )


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def suggestions(request, enrolment_pk):
    mentee = get_object_or_404(selectors.mentee_enrolments_of(request.user), pk=enrolment_pk)
    refusal = selectors.choice_refusal(mentee.cohort)
    pairing = None if refusal else selectors.active_pairing_of(mentee)
    open_request = None if refusal or pairing else selectors.open_request_of(mentee)
    unfinished = not (refusal or pairing or open_request or mentee.profile_complete)
    options = [] if refusal or pairing or open_request or unfinished else selectors.suggestions(mentee)
    earlier = list(
        selectors.requests_of_mentee(request.user)
        .filter(mentee=mentee, status__in=[MentorRequest.Status.DECLINED, MentorRequest.Status.CLOSED])
        .order_by("-decided_at")[:5]
    )
    return render(
        request,
        "matching/choice/suggestions.html",
        {
            "title": _("Choose your mentor"),
            "mentee": mentee,
            "refusal": refusal,
            "pairing": pairing,
            "open_request": open_request,
            "unfinished": unfinished,
            "options": options,
            "earlier": earlier,
        },
    )


@login_required
@require_POST
@submitted_once
def request_create(request, enrolment_pk):
    mentee = get_object_or_404(selectors.mentee_enrolments_of(request.user), pk=enrolment_pk)
    mentor_id = parse_id(request.POST.get("mentor"))
    if mentor_id is None:
        messages.error(request, _("Choose one of the mentors suggested to you."))
        return redirect("choice:suggestions", mentee.pk)
    mentor = get_object_or_404(Enrolment, pk=mentor_id, cohort=mentee.cohort, role=Enrolment.Role.MENTOR)
    try:
        services.mentor_request_create(mentee=mentee, mentor=mentor, by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("Your request is on its way to %(name)s. We'll email you their answer.")
            % {"name": mentor.person.full_name},
        )
    return redirect("choice:suggestions", mentee.pk)


@login_required
@require_POST
def request_withdraw(request, pk):
    mentor_request = get_object_or_404(selectors.requests_of_mentee(request.user), pk=pk)
    try:
        services.mentor_request_withdraw(mentor_request=mentor_request, by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Request withdrawn. You can ask another mentor."))
    return redirect("choice:suggestions", mentor_request.mentee_id)


@login_required
def requests(request):
    mine = selectors.requests_for_mentor(request.user)
    return render(
        request,
        "matching/choice/requests.html",
        {
            "title": _("Mentoring requests"),
            "open_requests": list(mine.filter(status=MentorRequest.Status.REQUESTED).order_by("created_at")),
            "decided": list(mine.exclude(status=MentorRequest.Status.REQUESTED)[:RECENT_DECISIONS]),
            "decline_form": DeclineForm(),
        },
    )


@login_required
@require_POST
def request_accept(request, pk):
    mentor_request = get_object_or_404(selectors.requests_for_mentor(request.user), pk=pk)
    try:
        pairing = services.mentor_request_accept(mentor_request=mentor_request, by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("You are now mentoring %(name)s, starting today.") % {"name": pairing.mentee.person.full_name},
        )
    return redirect("choice:requests")


@login_required
@require_POST
def request_decline(request, pk):
    mentor_request = get_object_or_404(selectors.requests_for_mentor(request.user), pk=pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("choice:requests")
    try:
        services.mentor_request_decline(
            mentor_request=mentor_request, note=form.cleaned_data["note"], by=request.user
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("Declined. %(name)s can ask someone else.") % {"name": mentor_request.mentee.person.full_name},
        )
    return redirect("choice:requests")


@manage_required
def overview(request, cohort_pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_pk)
    data = selectors.cohort_overview(cohort)
    return render(
        request,
        "matching/choice/overview.html",
        {
            "title": _("Mentee choice: %(cohort)s") % {"cohort": cohort.name},
            "cohort": cohort,
            "refusal": selectors.choice_refusal(cohort),
            "sections": [
                (status, label, data.by_status[status]) for status, label in MentorRequest.Status.choices
            ],
            "without_request": data.without_request,
            "back_url": cohort.get_absolute_url(),
            "back_label": str(cohort),
        },
    )
