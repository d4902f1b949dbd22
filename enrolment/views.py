from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from mentorship.forms import parse_search
from people.models import Person
from people.roles import person_of
from programmes.models import Cohort, Enrolment
from submissions.once import submitted_once

from . import selectors, services
from .forms import AccountForm, InviteForm, JoinForm, MoveForm, ProfileForm, ReviewForm, WithdrawForm
from .models import Invitation

manage_required = permission_required("programmes.manage", raise_exception=True)

INVITE_LIST_LIMIT = 200


def _problem(request, title, message, *, status=400):
    return render(request, "enrolment/problem.html", {"title": title, "message": message}, status=status)


def _joined_message(request, enrolment):
    if enrolment.status == Enrolment.Status.APPLIED:
        messages.info(
            request, _("Thanks for applying to mentor. A programme admin will review your application.")
        )
    elif enrolment.status == Enrolment.Status.WAITLISTED:
        messages.info(
            request,
            _(
                "Every mentor place is taken for now, so you are on the waitlist. "
                "We'll let you in as soon as one frees up."
            ),
        )
    else:
        messages.success(
            request, _("You're in! Tell us a little about yourself so we can find you a good match.")
        )


# --- admin: invitations ------------------------------------------------------------------------


@manage_required
@submitted_once
def invite(request, cohort_pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_pk)
    query = parse_search(request.GET.get("q"))
    people = selectors.invitable_people(cohort, query)
    # Validate against everyone, so a person invited or enrolled since the page was loaded is skipped
    # by the service with a reason instead of failing as "not a valid choice".
    form = InviteForm(request.POST or None, people=Person.objects.all())
    can_invite = cohort.state in selectors.OPEN_STATES
    if request.method == "POST" and form.is_valid():
        try:
            created, skipped = services.invitation_send(
                cohort=cohort,
                people=form.cleaned_data["people"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if created:
                messages.success(
                    request,
                    ngettext("%(n)d invitation on its way.", "%(n)d invitations on their way.", len(created))
                    % {"n": len(created)},
                )
            for line in skipped:
                messages.warning(request, _("Skipped: %(why)s") % {"why": line})
            return redirect("enrolment:invite", cohort_pk=cohort.pk)
    # Only the first rows of a large organisation: the filter narrows it down.
    # One query: the rows become static choices, so rendering does not read the people again.
    shown = list(people[: INVITE_LIST_LIMIT + 1])
    field = form.fields["people"]
    field.choices = [(p.pk, field.label_from_instance(p)) for p in shown[:INVITE_LIST_LIMIT]]
    return render(
        request,
        "enrolment/invite.html",
        {
            "title": _("Invite people to %(cohort)s") % {"cohort": cohort.name},
            "cohort": cohort,
            "form": form,
            "query": query,
            "can_invite": can_invite,
            "can_resend": can_invite,
            "has_people": bool(shown),
            "truncated": len(shown) > INVITE_LIST_LIMIT,
            "invitations": selectors.cohort_invitations(cohort),
            "back_url": cohort.get_absolute_url(),
            "back_label": cohort.name,
        },
    )


@manage_required
@require_POST
def invitation_resend(request, invitation_pk):
    invitation = get_object_or_404(Invitation.objects.select_related("cohort"), pk=invitation_pk)
    try:
        services.invitation_resend(invitation=invitation)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("A new link is on its way to %(email)s.") % {"email": invitation.email})
    return redirect("enrolment:invite", cohort_pk=invitation.cohort_id)


# --- invited person ----------------------------------------------------------------------------


@login_not_required
@never_cache
def accept(request, token):
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as exc:
        return _problem(request, _("This link can't be used"), exc.messages[0])
    person = invitation.person
    if person.user_id is None:
        form = AccountForm(request.POST or None, email=person.email)
        if not (request.method == "POST" and form.is_valid()):
            return render(
                request,
                "enrolment/accept_account.html",
                {"title": _("Set your password"), "form": form, "invitation": invitation, "person": person},
            )
        try:
            user = services.invitation_create_account(
                invitation=invitation, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            return _problem(request, _("You already have an account"), exc.messages[0], status=409)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    elif request.user.pk != person.user_id:
        messages.info(
            request,
            _("Log in as %(email)s to accept your invitation.") % {"email": person.user.get_username()},
        )
        return redirect_to_login(request.get_full_path())
    try:
        enrolment = services.invitation_accept(invitation=invitation)
    except ValidationError as exc:
        return _problem(request, _("This invitation can't be accepted"), exc.messages[0], status=409)
    _joined_message(request, enrolment)
    return redirect("enrolment:profile", enrolment_pk=enrolment.pk)


@never_cache
@submitted_once
def join(request, token):
    try:
        cohort = services.cohort_from_join_token(token)
    except ValidationError as exc:
        return _problem(request, _("This link can't be used"), exc.messages[0])
    person = person_of(request.user)
    if person is None:
        return _problem(
            request,
            _("No employee record"),
            _("Your login is not linked to an employee record. Ask your programme admin."),
            status=403,
        )
    if not (cohort.self_enrolment_open and cohort.state == Cohort.State.ENROLLING):
        return _problem(
            request,
            _("Enrolment is closed"),
            _("%(cohort)s is not open for self-enrolment.") % {"cohort": cohort.name},
            status=403,
        )
    already = (
        selectors.enrolments_for(request.user)
        .filter(cohort=cohort)
        .exclude(status__in=(Enrolment.Status.WITHDRAWN, Enrolment.Status.DECLINED))
        .first()
    )
    if already:
        messages.info(request, _("You are already enrolled in %(cohort)s.") % {"cohort": cohort.name})
        return redirect("enrolment:profile", enrolment_pk=already.pk)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.self_enrol(cohort=cohort, person=person, role=form.cleaned_data["role"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _joined_message(request, enrolment)
            return redirect("enrolment:profile", enrolment_pk=enrolment.pk)
    return render(
        request,
        "enrolment/join.html",
        {"title": _("Join %(cohort)s") % {"cohort": cohort.name}, "cohort": cohort, "form": form},
    )


# --- enrolled person ---------------------------------------------------------------------------


def mine(request):
    return render(
        request,
        "enrolment/mine.html",
        {"title": _("My enrolments"), "enrolments": list(selectors.enrolments_for(request.user))},
    )


def profile(request, enrolment_pk):
    enrolment = get_object_or_404(selectors.enrolments_for(request.user), pk=enrolment_pk)
    read_only = enrolment.cohort.is_read_only
    form = ProfileForm(None if read_only else (request.POST or None), enrolment=enrolment)
    if request.method == "POST" and not read_only and form.is_valid():
        data = dict(form.cleaned_data)
        data["capacity"] = data.get("capacity") or 1
        try:
            services.profile_save(enrolment=enrolment, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Profile saved. Thank you!"))
            return redirect("enrolment:mine")
    return render(
        request,
        "enrolment/profile.html",
        {
            "title": _("Your profile for %(cohort)s") % {"cohort": enrolment.cohort.name},
            "enrolment": enrolment,
            "form": form,
            "read_only": read_only,
            "back_url": reverse("enrolment:mine"),
            "back_label": _("My enrolments"),
        },
    )


def withdraw(request, enrolment_pk):
    enrolment = get_object_or_404(selectors.enrolments_for(request.user), pk=enrolment_pk)
    return _withdraw(request, enrolment, done_url=reverse("enrolment:mine"), back_label=_("My enrolments"))


def _withdraw(request, enrolment, *, done_url, back_label):
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_withdraw(
                enrolment=enrolment, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s has withdrawn from %(cohort)s.")
                % {"name": enrolment.person, "cohort": enrolment.cohort.name},
            )
            return redirect(done_url)
    return render(
        request,
        "enrolment/withdraw_confirm.html",
        {
            "title": _("Withdraw from %(cohort)s?") % {"cohort": enrolment.cohort.name},
            "enrolment": enrolment,
            "form": form,
            "back_url": done_url,
            "back_label": back_label,
        },
    )


# --- admin: review -----------------------------------------------------------------------------


def _review_context(cohort, *, bound=None):
    applications = list(selectors.mentor_applications(cohort))
    for application in applications:
        application.form = (
            bound[1] if bound and bound[0] == application.pk else ReviewForm(prefix=f"a{application.pk}")
        )
    places, taken = selectors.mentee_places(cohort)
    join_url = None
    if cohort.self_enrolment_open and cohort.state == Cohort.State.ENROLLING:
        join_url = settings.SITE_URL + reverse("enrolment:join", args=[services.cohort_join_token(cohort)])
    return {
        "title": _("Enrolment review: %(cohort)s") % {"cohort": cohort.name},
        "cohort": cohort,
        "applications": applications,
        "waitlist": list(selectors.waitlist(cohort)),
        "places": places,
        "taken": taken,
        "enrolments": list(selectors.cohort_enrolments_for_review(cohort)),
        "invitations": list(selectors.cohort_invitations(cohort)),
        "can_resend": cohort.state in selectors.OPEN_STATES,
        "join_url": join_url,
        "back_url": cohort.get_absolute_url(),
        "back_label": cohort.name,
    }


@manage_required
def review(request, cohort_pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_pk)
    return render(request, "enrolment/review.html", _review_context(cohort))


def _admin_enrolment(pk):
    return get_object_or_404(Enrolment.objects.select_related("cohort__programme", "person"), pk=pk)


@manage_required
@require_POST
def application_review(request, enrolment_pk):
    enrolment = _admin_enrolment(enrolment_pk)
    form = ReviewForm(request.POST, prefix=f"a{enrolment.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.application_review(
                enrolment=enrolment,
                approve=data["decision"] == "approve",
                checks=data["checks"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            done = _("approved") if data["decision"] == "approve" else _("declined")
            messages.success(
                request, _("%(name)s's application %(done)s.") % {"name": enrolment.person, "done": done}
            )
            return redirect("enrolment:review", cohort_pk=enrolment.cohort_id)
    return render(
        request,
        "enrolment/review.html",
        _review_context(enrolment.cohort, bound=(enrolment.pk, form)),
        status=400,
    )


@manage_required
@require_POST
def promote(request, enrolment_pk):
    enrolment = _admin_enrolment(enrolment_pk)
    try:
        services.waitlist_promote(enrolment=enrolment, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s is now enrolled.") % {"name": enrolment.person})
    return redirect("enrolment:review", cohort_pk=enrolment.cohort_id)


@manage_required
def admin_withdraw(request, enrolment_pk):
    enrolment = _admin_enrolment(enrolment_pk)
    done_url = reverse("enrolment:review", args=[enrolment.cohort_id])
    return _withdraw(request, enrolment, done_url=done_url, back_label=_("Enrolment review"))


@manage_required
def move(request, enrolment_pk):
    enrolment = _admin_enrolment(enrolment_pk)
    form = MoveForm(request.POST or None, cohorts=selectors.move_targets(enrolment))
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.enrolment_move(
                enrolment=enrolment, to_cohort=form.cleaned_data["to_cohort"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s moved to %(cohort)s.") % {"name": enrolment.person, "cohort": moved.cohort.name},
            )
            return redirect("enrolment:review", cohort_pk=enrolment.cohort_id)
    return render(
        request,
        "enrolment/move.html",
        {
            "title": _("Move %(name)s to another cohort") % {"name": enrolment.person},
            "enrolment": enrolment,
            "form": form,
            "back_url": reverse("enrolment:review", args=[enrolment.cohort_id]),
            "back_label": _("Enrolment review"),
        },
    )
