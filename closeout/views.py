from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from people.roles import person_of
from submissions.once import submitted_once

from . import contribution, selectors, services
from .forms import EndPairingForm, ReflectionForm, RematchForm, SurveyForm, ThanksForm

manage_required = permission_required("programmes.manage", raise_exception=True)


@manage_required
def pairing_end(request, pairing_pk):
    pairing = selectors.pairing_for_admin(pairing_pk)
    refusal = selectors.end_refusal(pairing)
    form = EndPairingForm(request.POST or None)
    # A refused POST changes nothing; the page shows the refusal instead of the form.
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.pairing_end_early(pairing=pairing, reason=form.end_reason, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The pairing of %(mentor)s and %(mentee)s has ended.")
                % {"mentor": pairing.mentor.person.full_name, "mentee": pairing.mentee.person.full_name},
            )
            return redirect("closeout:pairing-end", pairing_pk=pairing.pk)
    can_rematch = pairing.is_ended and not selectors.rematch_refusal(
        pairing.mentee, active_pairing=selectors.active_pairing_of(pairing.mentee)
    )
    return render(
        request,
        "closeout/pairing_end.html",
        {
            "title": _("End a pairing early"),
            "pairing": pairing,
            "form": form,
            "refusal": refusal,
            "can_rematch": can_rematch,
            "back_url": pairing.cohort.get_absolute_url(),
            "back_label": str(pairing.cohort),
        },
    )


@manage_required
@submitted_once
def rematch(request, enrolment_pk):
    mentee = selectors.mentee_enrolment(enrolment_pk)
    refusal = selectors.rematch_refusal(mentee, active_pairing=selectors.active_pairing_of(mentee))
    options = [] if refusal else selectors.rematch_options(mentee)
    if not refusal and not options:
        refusal = _(
            "No mentor has a free slot that %(name)s is allowed to take, so there is no one to offer."
        ) % {"name": mentee.person.full_name}
    chosen = None
    if request.method == "POST":
        form = RematchForm(request.POST, options=options)
        # A refused POST changes nothing; the page shows the refusal instead of the form.
        if not refusal and form.is_valid():
            try:
                pairing = services.pairing_rematch(
                    mentee=mentee, mentor=form.option.enrolment, by=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(mentee)s is now paired with %(mentor)s, starting today.")
                    % {"mentee": mentee.person.full_name, "mentor": pairing.mentor.person.full_name},
                )
                return redirect(mentee.cohort)
    else:
        # Picking a mentor (?mentor=) shows the confirmation; only a POST changes anything.
        form = RematchForm(request.GET if "mentor" in request.GET else None, options=options)
        if form.is_bound and form.is_valid():
            chosen = form.option
    return render(
        request,
        "closeout/rematch.html",
        {
            "title": _("Find a new mentor for %(name)s") % {"name": mentee.person.full_name},
            "mentee": mentee,
            "options": options,
            "form": form,
            "chosen": chosen,
            "refusal": refusal,
            "back_url": mentee.cohort.get_absolute_url(),
            "back_label": str(mentee.cohort),
        },
    )


@submitted_once
def reflection(request, pairing_pk):
    pairing = selectors.reflection_pairing_for(request.user, pairing_pk)
    me = person_of(request.user)
    mine, theirs = selectors.reflections_of(pairing, me)
    refusal = selectors.reflection_refusal(pairing)
    form = ReflectionForm(request.POST or None, instance=mine)
    # A refused POST changes nothing; the page shows the refusal instead of the form.
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.reflection_save(pairing=pairing, person=me, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your reflection is saved. You can edit it until the cohort closes."))
            return redirect("closeout:reflection", pairing_pk=pairing.pk)
    partner = pairing.partner_of(me)
    return render(
        request,
        "closeout/reflection.html",
        {
            "title": _("Reflect on your mentorship"),
            "pairing": pairing,
            "partner": partner,
            "mine": mine,
            "theirs": theirs,
            "i_am_mentee": pairing.mentee.person_id == me.pk,
            "form": form,
            "refusal": refusal,
            "back_url": pairing.get_absolute_url(),
            "back_label": _("Back to the workspace"),
        },
    )


@submitted_once
def survey(request, cohort_pk):
    enrolment = selectors.survey_enrolment_for(request.user, cohort_pk)
    cohort = enrolment.cohort
    response = selectors.survey_response_of(enrolment)
    refusal = selectors.survey_refusal(cohort)
    form = SurveyForm(request.POST or None, instance=response)
    # A refused POST changes nothing; the page shows the refusal instead of the form.
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.survey_answer(cohort=cohort, person=enrolment.person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you: your answer is saved."))
            return redirect("closeout:survey", cohort_pk=cohort.pk)
    return render(
        request,
        "closeout/survey.html",
        {
            "title": _("End-of-cohort survey"),
            "cohort": cohort,
            "response": response,
            "form": form,
            "refusal": refusal,
            "back_url": reverse("home"),
            "back_label": _("Home"),
        },
    )


@manage_required
def cohort_summary(request, cohort_pk):
    cohort = selectors.cohort_for_admin(cohort_pk)
    return render(
        request,
        "closeout/cohort_summary.html",
        {
            "title": _("Close-out: %(cohort)s") % {"cohort": cohort},
            "cohort": cohort,
            "survey": selectors.survey_summary(cohort),
            "outcomes": selectors.pairing_outcomes(cohort),
            "back_url": cohort.get_absolute_url(),
            "back_label": str(cohort),
        },
    )


@submitted_once
def thanks(request, pairing_pk):
    """The mentee writes (and edits, until the cohort closes) their thanks; the mentor reads them."""
    pairing = selectors.reflection_pairing_for(request.user, pairing_pk)
    me = person_of(request.user)
    i_am_mentee = pairing.mentee.person_id == me.pk
    given = selectors.thanks_of(pairing)
    refusal = selectors.thanks_refusal(pairing) if i_am_mentee else None
    form = ThanksForm(request.POST or None, instance=given) if i_am_mentee else None
    # A refused POST (or the mentor's) changes nothing; the page shows the refusal instead.
    if request.method == "POST" and form is not None and not refusal and form.is_valid():
        try:
            services.thanks_save(pairing=pairing, person=me, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Your thanks are saved and %(name)s has been told. You can edit them until the "
                    "cohort closes."
                )
                % {"name": pairing.mentor.person.first_name},
            )
            return redirect("closeout:thanks", pairing_pk=pairing.pk)
    partner = pairing.partner_of(me)
    return render(
        request,
        "closeout/thanks.html",
        {
            "title": _("Thank %(name)s") % {"name": partner.full_name}
            if i_am_mentee
            else _("Thanks from %(name)s") % {"name": partner.full_name},
            "pairing": pairing,
            "partner": partner,
            "i_am_mentee": i_am_mentee,
            "given": given,
            "form": form,
            "refusal": refusal,
            "back_url": pairing.get_absolute_url(),
            "back_label": _("Back to the workspace"),
        },
    )


def _contribution(request):
    me = person_of(request.user)
    if me is None:
        return None
    return contribution.contribution_of(me)


def mentor_contribution(request):
    """A mentor's summary across their pairings, with the thanks addressed to them."""
    return render(
        request,
        "closeout/contribution.html",
        {
            "title": _("My contribution as a mentor"),
            "contribution": _contribution(request),
            "back_url": reverse("home"),
            "back_label": _("Home"),
        },
    )


def mentor_contribution_print(request):
    return render(
        request,
        "closeout/contribution_print.html",
        {
            "title": _("My contribution as a mentor"),
            "contribution": _contribution(request),
            "today": timezone.localdate(),
            "back_url": reverse("closeout:contribution"),
            "back_label": _("My contribution"),
        },
    )


def mentor_contribution_csv(request):
    summary = _contribution(request)
    if summary is None or summary.is_empty:
        return redirect("closeout:contribution")
    response = HttpResponse(contribution.contribution_csv(summary), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mentoring-contribution.csv"'
    return response
