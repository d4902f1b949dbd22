"""The programme's library (browse; admins curate), sharing into a pair's workspace, and the
session guides' page."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import permission_required

from mentorship.forms import parse_id
from mentorship.paging import paginate
from people.roles import person_of
from programmes.models import Programme
from submissions.once import submitted_once

from . import selectors, services
from .forms import DoneForm, GuideForm, LibrarySearchForm, ResourceForm, ShareForm
from .models import Resource
from .stages import Stage

manage_required = permission_required("library.manage", raise_exception=True)
PER_PAGE = 20


def _next_or(request, fallback: str) -> str:
    """Where a small form came from (a page of this site only), else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _browsable_programme(request, pk) -> Programme:
    """The programme, for its admins and its members; 404 to everyone else."""
    programme = get_object_or_404(Programme, pk=pk)
    # rules' own registry: the answer costs no query of Django's permission tables.
    if not rules.has_perm("library.browse", request.user, programme):
        raise Http404
    return programme


# --- the library -----------------------------------------------------------------------------------


def resource_list(request, pk):
    programme = _browsable_programme(request, pk)
    manage = rules.has_perm("library.manage", request.user)
    me = person_of(request.user)
    search_form = LibrarySearchForm(request.GET)
    filters = search_form.filters()
    if not manage:
        filters["archived"] = False
    roles = None if manage else selectors.roles_in(me, programme)
    resources = selectors.resources_for(programme, roles=roles, **filters)
    page = paginate(request, resources, per_page=PER_PAGE)
    pairings = list(selectors.mentor_pairings(me, programme)) if me is not None else []
    chosen_id = parse_id(request.GET.get("pairing"))
    chosen = next((p for p in pairings if p.pk == chosen_id), None)
    # A mentee comes from their workspace too: the way back leads there.
    came_from = chosen or (selectors.own_pairing(me, chosen_id) if chosen_id and me is not None else None)
    if manage:
        back_url, back_label = programme.get_absolute_url(), programme.name
    elif came_from is not None:
        back_url, back_label = came_from.get_absolute_url(), _("Back to the workspace")
    else:
        back_url, back_label = reverse("mentoring_sessions:pairing-list"), _("My mentoring")
    return render(
        request,
        "library/resource_list.html",
        {
            "title": _("Library: %(programme)s") % {"programme": programme.name},
            "programme": programme,
            "page": page,
            "filters": filters,
            "search_form": search_form,
            "manage": manage,
            "pairings": pairings,
            "chosen": chosen,
            "back_url": back_url,
            "back_label": back_label,
        },
    )


def _resource_form_page(request, form, programme, title):
    return render(
        request,
        "library/resource_form.html",
        {
            "title": title,
            "form": form,
            "programme": programme,
            "back_url": reverse("library:resource-list", args=[programme.pk]),
            "back_label": _("Library"),
        },
    )


@manage_required
@submitted_once
def resource_create(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    form = ResourceForm(request.POST or None, initial={"topic": request.GET.get("topic", "")})
    if request.method == "POST" and form.is_valid():
        resource = form.save(commit=False)
        resource.programme = programme
        try:
            services.resource_save(resource=resource, by=person_of(request.user))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Resource “%(title)s” added.") % {"title": resource.title})
            return redirect("library:resource-list", pk=programme.pk)
    return _resource_form_page(request, form, programme, _("Add a resource"))


@manage_required
def resource_edit(request, pk):
    resource = get_object_or_404(Resource.objects.select_related("programme"), pk=pk)
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_save(resource=form.save(commit=False), by=person_of(request.user))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Resource “%(title)s” saved.") % {"title": resource.title})
            return redirect("library:resource-list", pk=resource.programme_id)
    return _resource_form_page(request, form, resource.programme, _("Edit a resource"))


def _confirm_page(request, resource, *, action, title, question, button):
    return render(
        request,
        "library/resource_confirm.html",
        {
            "title": title,
            "resource": resource,
            "action": action,
            "question": question,
            "button": button,
            "shares": resource.shares.count(),
            "back_url": reverse("library:resource-list", args=[resource.programme_id]),
            "back_label": _("Library"),
        },
    )


@manage_required
def resource_archive(request, pk):
    """GET: are you sure? POST: archive it (hidden from the library; shared copies stay)."""
    resource = get_object_or_404(Resource.objects.select_related("programme"), pk=pk)
    if request.method == "POST":
        services.resource_archive(resource=resource, by=person_of(request.user))
        messages.success(request, _("“%(title)s” archived.") % {"title": resource.title})
        return redirect("library:resource-list", pk=resource.programme_id)
    return _confirm_page(
        request,
        resource,
        action=reverse("library:resource-archive", args=[resource.pk]),
        title=_("Archive a resource"),
        question=_(
            "Archive it? Members no longer see it in the library or as a suggestion; pairs it was "
            "shared with keep it. You can restore it from the archived list."
        ),
        button=_("Archive"),
    )


@manage_required
@require_POST
def resource_restore(request, pk):
    resource = get_object_or_404(Resource, pk=pk)
    services.resource_restore(resource=resource, by=person_of(request.user))
    messages.success(request, _("“%(title)s” is back in the library.") % {"title": resource.title})
    return redirect("library:resource-list", pk=resource.programme_id)


@manage_required
def resource_delete(request, pk):
    """GET: are you sure? POST: remove it, from the workspaces it was shared into too."""
    resource = get_object_or_404(Resource.objects.select_related("programme"), pk=pk)
    if request.method == "POST":
        programme_id = resource.programme_id
        services.resource_delete(resource=resource, by=person_of(request.user))
        messages.success(request, _("“%(title)s” removed.") % {"title": resource.title})
        return redirect("library:resource-list", pk=programme_id)
    return _confirm_page(
        request,
        resource,
        action=reverse("library:resource-delete", args=[resource.pk]),
        title=_("Remove a resource"),
        question=_(
            "Remove it for good? It also disappears from every workspace it was shared into. "
            "To keep it for those pairs, archive it instead."
        ),
        button=_("Remove"),
    )


# --- sharing ----------------------------------------------------------------------------------------


@submitted_once
def resource_share(request, pk):
    """A mentor shares a resource into one of their pairs' workspaces (choosing the pair when they
    have several). Nobody else has this page: 404."""
    me = person_of(request.user)
    resource = get_object_or_404(
        Resource.objects.select_related("programme"), pk=pk, archived_at__isnull=True
    )
    pairings = list(selectors.mentor_pairings(me, resource.programme)) if me is not None else []
    if not pairings or not resource.can_be_shared():
        raise Http404
    chosen = parse_id(request.GET.get("pairing"))
    form = ShareForm(
        request.POST or None,
        pairings=pairings,
        initial={"pairing": chosen} if chosen in {p.pk for p in pairings} else None,
    )
    if request.method == "POST" and form.is_valid():
        pairing = form.chosen_pairing()
        try:
            shared, created = services.resource_share(
                resource=resource, pairing=pairing, by=me, note=form.cleaned_data["note"]
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            name = pairing.mentee.person.full_name
            if created:
                messages.success(request, _("Shared with %(name)s.") % {"name": name})
            else:
                messages.info(request, _("%(name)s already has this resource.") % {"name": name})
            return redirect(_next_or(request, pairing.get_absolute_url()))
    return render(
        request,
        "library/resource_share.html",
        {
            "title": _("Share a resource"),
            "resource": resource,
            "form": form,
            "next": _next_or(request, ""),
            "back_url": reverse("library:resource-list", args=[resource.programme_id]),
            "back_label": _("Library"),
        },
    )


def pairing_shared(request, pk):
    """Everything shared into one pair's workspace; for the pair only (404 to anyone else)."""
    me = person_of(request.user)
    pairing = selectors.own_pairing(me, pk) if me is not None else None
    if pairing is None:
        raise Http404
    page = paginate(request, selectors.shared_in(pairing), per_page=PER_PAGE)
    return render(
        request,
        "library/pairing_shared.html",
        {
            "title": _("Shared resources"),
            "pairing": pairing,
            "page": page,
            "i_am_mentor": pairing.mentor.person_id == me.pk,
            "back_url": pairing.get_absolute_url(),
            "back_label": _("Back to the workspace"),
        },
    )


def _own_shared(request, pk):
    me = person_of(request.user)
    shared = selectors.own_shared(me, pk) if me is not None else None
    if shared is None:
        raise Http404
    return me, shared


@require_POST
def shared_done(request, pk):
    """Either side marks a shared resource read, or not read after all."""
    me, shared = _own_shared(request, pk)
    form = DoneForm(request.POST)
    done = form.cleaned_data["done"] if form.is_valid() else True
    try:
        services.shared_mark_done(shared=shared, by=me, done=done)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_next_or(request, shared.pairing.get_absolute_url()))


@require_http_methods(["GET", "HEAD", "POST"])
def shared_remove(request, pk):
    """GET: are you sure? POST: the mentor unshares. The mentee gets a 404 (they cannot)."""
    me, shared = _own_shared(request, pk)
    if shared.pairing.mentor.person_id != me.pk:
        raise Http404
    back = _next_or(request, shared.pairing.get_absolute_url())
    if request.method != "POST":  # GET or HEAD: only asks
        return render(
            request,
            "library/shared_confirm.html",
            {
                "title": _("Unshare a resource"),
                "shared": shared,
                "next": back,
                "back_url": back,
                "back_label": _("Back to the workspace"),
            },
        )
    try:
        services.shared_remove(shared=shared, by=me)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s” unshared.") % {"title": shared.resource.title})
    return redirect(back)


# --- session guides -----------------------------------------------------------------------------------


@manage_required
def guide_list(request, pk):
    """The programme's prompts for each stage, each editable and resettable to ours."""
    programme = get_object_or_404(Programme, pk=pk)
    me = person_of(request.user)
    posted = request.POST.get("stage") if request.method == "POST" else None
    if posted is not None and posted not in Stage.values:
        raise Http404
    failed = None
    if posted is not None:
        form = GuideForm(request.POST, prefix=posted)
        if form.is_valid():
            try:
                services.guide_save(
                    programme=programme, stage=posted, prompts=form.cleaned_data["prompts"], by=me
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Prompts for “%(stage)s” saved.") % {"stage": Stage(posted).label}
                )
                return redirect("library:guide-list", pk=programme.pk)
        failed = form
    guides = selectors.guides_of(programme)
    for guide in guides:
        guide["form"] = (
            failed
            if failed is not None and guide["stage"] == posted
            else GuideForm(prefix=guide["stage"], initial={"prompts": "\n".join(guide["prompts"])})
        )
    return render(
        request,
        "library/guide_list.html",
        {
            "title": _("Session guides: %(programme)s") % {"programme": programme.name},
            "programme": programme,
            "guides": guides,
            "back_url": programme.get_absolute_url(),
            "back_label": programme.name,
        },
    )


@manage_required
@require_POST
def guide_reset(request, pk, stage):
    programme = get_object_or_404(Programme, pk=pk)
    if stage not in Stage.values:
        raise Http404
    services.guide_reset(programme=programme, stage=stage, by=person_of(request.user))
    messages.success(
        request, _("“%(stage)s” uses the default prompts again.") % {"stage": Stage(stage).label}
    )
    return redirect("library:guide-list", pk=programme.pk)
