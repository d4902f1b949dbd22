from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from mentorship.paging import paginate
from people.roles import person_of
from programmes.models import Cohort, Programme
from submissions.once import submitted_once

from . import selectors, services
from .forms import AgreementForm, SignForm, TemplateForm

manage_required = permission_required("programmes.manage", raise_exception=True)


def _readable_pairing(request, pairing_pk):
    pairing = selectors.agreement_pairing_for(request.user, pairing_pk)
    if pairing is None:
        raise Http404
    return pairing


def _member_role(pairing, person) -> str | None:
    try:
        return services.role_of(pairing, person)
    except PermissionDenied:
        return None


def _back(pairing, role):
    """Members go back to their workspace; a programme admin to the cohort's unsigned list."""
    if role is not None:
        return {"back_url": pairing.get_absolute_url(), "back_label": _("Back to the workspace")}
    return {
        "back_url": reverse("agreements:unsigned", args=[pairing.cohort_id]),
        "back_label": _("Agreements not signed"),
    }


@submitted_once
def agreement(request, pairing_pk):
    """The agreement as it stands, who signed it and when; members sign it here."""
    pairing = _readable_pairing(request, pairing_pk)
    me = person_of(request.user)
    role = _member_role(pairing, me)
    if request.method == "POST":
        if role is None:
            raise PermissionDenied
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                services.agreement_sign(pairing=pairing, by=me, version_seen=form.cleaned_data["version"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("You signed the agreement."))
        else:
            messages.error(request, _("That was not a version of this agreement: read it again, then sign."))
        return redirect("agreements:agreement", pairing_pk=pairing.pk)
    found = selectors.agreement_of(pairing)
    prompts = {s.key: s.prompt for s in selectors.template_of(pairing.cohort.programme_id)}
    return render(
        request,
        "agreements/agreement.html",
        {
            "title": _("Mentoring agreement"),
            "pairing": pairing,
            "agreement": found,
            "sections": [{**s, "prompt": prompts.get(s["key"], "")} for s in found.sections] if found else [],
            "role": role,
            "can_write": role is not None and pairing.is_active,
            "can_sign": role is not None and pairing.is_active and found and not found.is_signed_by(role),
            **_back(pairing, role),
        },
    )


@submitted_once
def agreement_edit(request, pairing_pk):
    """The two members fill in or change the agreement, and may sign it in the same step."""
    pairing = _readable_pairing(request, pairing_pk)
    me = person_of(request.user)
    role = _member_role(pairing, me)
    if role is None:
        raise PermissionDenied
    if not pairing.is_active:
        messages.info(request, _("This mentorship has ended; its agreement is read-only."))
        return redirect("agreements:agreement", pairing_pk=pairing.pk)
    found = selectors.agreement_of(pairing)
    template = selectors.template_of(pairing.cohort.programme_id)
    prompts = {s.key: s.prompt for s in template}
    if found:
        headings = [(s["key"], s["heading"], prompts[s["key"]]) for s in found.sections]
        initial = {s["key"]: s["text"] for s in found.sections}
        initial["version"] = found.version
    else:
        headings = [(s.key, s.heading, s.prompt) for s in template]
        initial = services.starting_texts(pairing)
    form = AgreementForm(request.POST or None, sections=headings, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.agreement_save(
                pairing=pairing,
                by=me,
                texts=form.texts,
                version_seen=form.cleaned_data["version"],
                sign=form.cleaned_data["sign"],
            )
        except ValidationError as exc:
            # Messages only: the model's own field names are not the form's.
            form.add_error(None, exc.messages)
        else:
            if saved.is_signed_by_both:
                messages.success(request, _("The agreement is signed by both of you."))
            elif saved.is_signed_by(role):
                messages.success(request, _("Saved and signed. The other side is asked to sign too."))
            else:
                messages.success(request, _("Saved. Sign it when you are both happy with it."))
            return redirect("agreements:agreement", pairing_pk=pairing.pk)
    return render(
        request,
        "agreements/agreement_edit.html",
        {
            "title": _("Edit the mentoring agreement") if found else _("Fill in the mentoring agreement"),
            "pairing": pairing,
            "agreement": found,
            "form": form,
            "back_url": reverse("agreements:agreement", args=[pairing.pk]),
            "back_label": _("Back to the agreement"),
        },
    )


def agreement_history(request, pairing_pk):
    """Every signed version: who signed it, when, and the text they signed."""
    pairing = _readable_pairing(request, pairing_pk)
    found = selectors.agreement_of(pairing)
    signatures = selectors.signed_versions(found) if found else []
    page = paginate(request, signatures, per_page=10)
    return render(
        request,
        "agreements/agreement_history.html",
        {
            "title": _("Signed versions of the agreement"),
            "pairing": pairing,
            "agreement": found,
            "page": page,
            "back_url": reverse("agreements:agreement", args=[pairing.pk]),
            "back_label": _("Back to the agreement"),
        },
    )


@manage_required
def programme_agreements(request, programme_pk):
    """The programme's agreement template, and per cohort how many pairs have not signed."""
    programme = get_object_or_404(Programme, pk=programme_pk)
    sections, own = selectors.template_with_origin(programme.pk)
    return render(
        request,
        "agreements/programme.html",
        {
            "title": _("Mentoring agreements"),
            "programme": programme,
            "sections": sections,
            "own": own,
            "cohorts": selectors.unsigned_counts(programme, today=timezone.localdate()),
            "back_url": programme.get_absolute_url(),
            "back_label": programme.name,
        },
    )


@manage_required
def template_edit(request, programme_pk):
    programme = get_object_or_404(Programme, pk=programme_pk)
    form = TemplateForm(request.POST or None, sections=selectors.template_of(programme.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.template_save(programme=programme, by=person_of(request.user), sections=form.sections)
        except ValidationError as exc:
            # Messages only: the model's own field names are not the form's.
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Saved. New agreements in this programme start from this template."))
            return redirect("agreements:programme", programme_pk=programme.pk)
    return render(
        request,
        "agreements/template_edit.html",
        {
            "title": _("Edit the agreement template"),
            "programme": programme,
            "form": form,
            "back_url": reverse("agreements:programme", args=[programme.pk]),
            "back_label": _("Mentoring agreements"),
        },
    )


@manage_required
@require_POST
def template_reset(request, programme_pk):
    programme = get_object_or_404(Programme, pk=programme_pk)
    if services.template_reset(programme=programme):
        messages.success(request, _("The template is back to our default."))
    else:
        messages.info(request, _("The template already was our default."))
    return redirect("agreements:programme", programme_pk=programme.pk)


@manage_required
def unsigned(request, cohort_pk):
    """The cohort's pairs whose agreement is not signed by both a week after they started."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_pk)
    today = timezone.localdate()
    page = paginate(request, selectors.unsigned_after_a_week([cohort.pk], today=today), per_page=25)
    for pairing in page.object_list:
        pairing.days_since_start = (today - pairing.started_on).days
    return render(
        request,
        "agreements/unsigned.html",
        {
            "title": _("Agreements not signed after a week"),
            "cohort": cohort,
            "page": page,
            "back_url": reverse("agreements:programme", args=[cohort.programme_id]),
            "back_label": _("Mentoring agreements"),
        },
    )
