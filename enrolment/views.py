from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from matching import selectors as matching_selectors
from mentorship import kept
from mentorship.forms import search_query
from mentorship.paging import paginate
from people import importing
from people import selectors as people_selectors
from people.models import Person
from people.roles import person_of
from programmes.models import Cohort, Enrolment
from programmes.stamps import cohort_page_versions, every_cohort_versions
from submissions.once import submitted_once

from . import selectors, services
from .forms import (
    AccountForm,
    BulkActionForm,
    CapacityForm,
    InviteForm,
    JoinForm,
    MoveForm,
    PersonFilterForm,
    ProfileForm,
    ReviewForm,
    WithdrawForm,
)
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
    query = search_query(request.GET)
    people = selectors.invitable_people(cohort, query)
    # Validate against everyone, so a person invited or enrolled since the page was loaded is skipped
    # by the service with a reason instead of failing as "not a valid choice".
    form = InviteForm(request.POST or None, people=Person.objects.all())
    can_invite = cohort.accepts_enrolment()
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
            "invitations": _invitations_page(request, cohort),
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
    if not person.can_log_in and not (person.user_id and request.user.pk == person.user_id):
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
        login(request, user, backend="people.backends.RolesModelBackend")
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
    if not cohort.self_enrolment_is_open():
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


# The review page's lists, each a page of its own: a cohort of thousands was a 3 MB page.
APPLICATIONS_PER_PAGE = 10  # each carries its review form
REVIEW_ROWS_PER_PAGE = 25


def _invitations_page(request, cohort):
    return paginate(
        request,
        selectors.cohort_invitations(cohort),
        per_page=REVIEW_ROWS_PER_PAGE,
        param="invitations_page",
        anchor="invitations-heading",
    )


def _review_context(request, cohort, *, bound=None):
    lengths = selectors.review_list_lengths(cohort)
    applications = paginate(
        request,
        selectors.mentor_applications(cohort),
        per_page=APPLICATIONS_PER_PAGE,
        param="applications_page",
        anchor="applications-heading",
        count=lengths["applications"],
    )
    shown = list(applications.object_list)
    if bound and bound[0] not in {application.pk for application in shown}:
        # A refused review is shown with its errors, whichever page the application is on.
        shown[:0] = selectors.mentor_applications(cohort).filter(pk=bound[0])
    for application in shown:
        application.form = (
            bound[1] if bound and bound[0] == application.pk else ReviewForm(prefix=f"a{application.pk}")
        )
    applications.object_list = shown
    places, taken = cohort.mentee_places()
    join_url = None
    if cohort.self_enrolment_is_open():
        join_url = settings.SITE_URL + reverse("enrolment:join", args=[services.cohort_join_token(cohort)])
    return {
        "title": _("Enrolment review: %(cohort)s") % {"cohort": cohort.name},
        "cohort": cohort,
        "applications": applications,
        "waitlist": paginate(
            request,
            selectors.waitlist(cohort),
            per_page=REVIEW_ROWS_PER_PAGE,
            param="waitlist_page",
            anchor="waitlist-heading",
            count=lengths["waitlist"],
        ),
        "places": places,
        "taken": taken,
        "enrolments": paginate(
            request,
            selectors.cohort_enrolments_for_review(cohort),
            per_page=REVIEW_ROWS_PER_PAGE,
            param="enrolled_page",
            anchor="enrolled-heading",
            count=lengths["enrolled"],
        ),
        "invitations": _invitations_page(request, cohort),
        "can_resend": cohort.accepts_enrolment(),
        "join_url": join_url,
        "back_url": cohort.get_absolute_url(),
        "back_label": cohort.name,
    }


# The review page's lists, each paged on its own.
REVIEW_LISTS = ("applications_page", "waitlist_page", "enrolled_page", "invitations_page")
REVIEW_TEMPLATES = (
    "enrolment/_review.html",
    "enrolment/_invitations.html",
    "includes/page_links.html",
)


@manage_required
def review(request, cohort_pk):
    """Kept rendered per admin under the cohort's stamps (its enrolments and invitations) and the
    people's, checked against the cohort's row read here (mentorship/kept.py)."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_pk)
    return kept.kept_page(
        request,
        key=f"enrolment-review:v1:{request.user.pk}:{cohort.pk}",
        build=lambda: kept.Built("enrolment/_review.html", _review_context(request, cohort)),
        templates=REVIEW_TEMPLATES,
        params=dict.fromkeys(REVIEW_LISTS, kept.page_number),
        depends_on=(kept.rows_digest(cohort),),
        versions=cohort_page_versions(cohort.pk),
    )


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
        _review_context(request, enrolment.cohort, bound=(enrolment.pk, form)),
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


# --- admin: the people list, with its enrolment filters and bulk enrolment -----------------------

# Rows of the people list: each names a person, their team, manager and cohorts. 25 keeps a page
# light (50 was half its rendering time); the filters and search narrow the list, and a bulk
# action takes the people selected on the page.
PER_PAGE = 25
FILTERS = ("q", "team", "role", "cohort", "status", "login")
REFUSALS_LISTED = 20


def list_url(query: str = "") -> str:
    # Re-encoded so only a query string, never another address, can be appended to the list's path.
    query = QueryDict(query).urlencode()
    return reverse("people:person-list") + (f"?{query}" if query else "")


def _choice_of(choices):
    values = {value for value, _label in choices}
    return lambda value: value in values


def _kept_id(value: str) -> bool:
    return value == "" or (value.isdigit() and len(value) <= 10)


# Worth keeping a page for: the filters' own values, a page number, a search of a few words.
KEPT_LIST_PARAMS = {
    "q": lambda value: len(value) <= 40,
    "team": lambda value: len(value) <= 100,  # a team's name (TeamField)
    "cohort": _kept_id,
    "role": _choice_of(PersonFilterForm.ROLE_CHOICES),
    "status": _choice_of(PersonFilterForm.STATUS_CHOICES),
    "login": _choice_of(PersonFilterForm.LOGIN_CHOICES),
    "sort": _choice_of([("", ""), *PersonFilterForm.SORT_CHOICES]),
    "page": kept.page_number,
}


@manage_required
def person_list(request):
    """Kept rendered per admin and per filter under the people's stamp and every cohort's (the
    rows name people, teams, managers, logins and cohorts; the filters offer cohorts)."""
    return kept.kept_page(
        request,
        key=f"people-list:v1:{request.user.pk}",
        build=lambda: _person_list_page(request),
        templates=("enrolment/_person_list.html", "includes/pagination.html"),
        params=KEPT_LIST_PARAMS,
        versions=every_cohort_versions(),
    )


def _person_list_page(request) -> kept.Built:
    filter_form = PersonFilterForm(request.GET or None)
    people = selectors.person_list(**filter_form.filters())
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    return kept.Built(
        "enrolment/_person_list.html",
        {
            "title": _("People"),
            "page": page,
            "filter_form": filter_form,
            "bulk_form": BulkActionForm(auto_id="bulk_%s"),
            "filtered": any(request.GET.get(key) for key in FILTERS),
            "query": request.GET.urlencode(),
            "viewer": person_of(request.user),
        },
    )


@require_POST
@manage_required
@submitted_once
def person_bulk(request):
    form = BulkActionForm(request.POST)
    back = list_url(request.POST.get("query", ""))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    people = people_selectors.people_by_ids([person.pk for person in data["people"]])
    if data["action"] == BulkActionForm.EXPORT:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="people.csv"'
        importing.write_csv(people, response)
        return response
    cohort, role = data["cohort"], data["role"]
    try:
        outcome = services.people_enrol(cohort=cohort, people=people, role=role, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    _report_bulk_enrolment(request, outcome, cohort=cohort, role=role)
    return redirect(back)


def _report_bulk_enrolment(request, outcome, *, cohort, role):
    role_label = Enrolment.Role(role).label.lower()
    if outcome.enrolled:
        messages.success(
            request,
            ngettext(
                "%(count)d person enrolled in %(cohort)s as %(role)s.",
                "%(count)d people enrolled in %(cohort)s as %(role)s.",
                len(outcome.enrolled),
            )
            % {"count": len(outcome.enrolled), "cohort": cohort.name, "role": role_label},
        )
    if outcome.waitlisted:
        messages.warning(
            request,
            ngettext(
                "%(count)d person is on the waitlist of %(cohort)s: every mentor place is taken.",
                "%(count)d people are on the waitlist of %(cohort)s: every mentor place is taken.",
                len(outcome.waitlisted),
            )
            % {"count": len(outcome.waitlisted), "cohort": cohort.name},
        )
    if outcome.refused:
        listed = "; ".join(
            f"{person.full_name}: {reason}" for person, reason in outcome.refused[:REFUSALS_LISTED]
        )
        more = len(outcome.refused) - REFUSALS_LISTED
        messages.warning(
            request,
            ngettext(
                "%(count)d not enrolled: %(listed)s",
                "%(count)d not enrolled: %(listed)s",
                len(outcome.refused),
            )
            % {"count": len(outcome.refused), "listed": listed}
            + (_(" … and %(more)d more.") % {"more": more} if more > 0 else ""),
        )


# --- admin: mentor capacity and activation ---------------------------------------------------------


@manage_required
def mentor_capacity(request, enrolment_pk):
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("cohort__programme", "person"),
        pk=enrolment_pk,
        role=Enrolment.Role.MENTOR,
    )
    form = CapacityForm(
        request.POST or None, cohort=enrolment.cohort, initial={"capacity": enrolment.capacity}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_capacity_set(
                enrolment=enrolment, capacity=form.cleaned_data["capacity"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(name)s now takes up to %(n)d mentee.",
                    "%(name)s now takes up to %(n)d mentees.",
                    form.cleaned_data["capacity"],
                )
                % {"name": enrolment.person, "n": form.cleaned_data["capacity"]},
            )
            return redirect("enrolment:review", cohort_pk=enrolment.cohort_id)
    return render(
        request,
        "enrolment/capacity.html",
        {
            "title": _("Capacity of %(name)s") % {"name": enrolment.person},
            "enrolment": enrolment,
            "taken": matching_selectors.mentees_taken(enrolment),
            "form": form,
            "back_url": reverse("enrolment:review", args=[enrolment.cohort_id]),
            "back_label": _("Enrolment review"),
        },
    )


@manage_required
@require_POST
def activation_resend(request, enrolment_pk):
    enrolment = _admin_enrolment(enrolment_pk)
    try:
        services.activation_resend(enrolment=enrolment, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("A new link to set a password is on its way to %(name)s; the older one no longer works.")
            % {"name": enrolment.person},
        )
    return redirect("enrolment:review", cohort_pk=enrolment.cohort_id)
