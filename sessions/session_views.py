"""Scheduling, calendar invites, logging and confirming sessions."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from library import pages as library_pages
from people.roles import person_of
from submissions.once import submitted_once

from . import pages, services
from .access import own_pairing
from .forms import ActionItemFormSet, ConfirmForm, PrivateNoteForm, ScheduleForm, SessionForm
from .ics import invite_ics
from .models import SessionPrivateNote


def _upcoming(pairing):
    return pairing.scheduled_sessions.filter(
        cancelled_at__isnull=True, log__isnull=True, starts_at__gte=timezone.now()
    ).order_by("starts_at")


def _in_both_zones(scheduled, me, partner) -> dict:
    return {
        "scheduled": scheduled,
        "mine": scheduled.starts_at.astimezone(me.tzinfo).replace(tzinfo=None),
        "theirs": scheduled.starts_at.astimezone(partner.tzinfo).replace(tzinfo=None),
    }


def _workspace_context(pairing, title) -> dict:
    return {
        "title": title,
        "pairing": pairing,
        "back_url": pairing.get_absolute_url(),
        "back_label": _("Back to the workspace"),
    }


def _guidance(pairing, me, *, suggest=False) -> dict:
    """The library's session guide for the pair's stage (and, when logging, resources by topic)."""
    held = pairing.sessions.aggregate(n=Count("pk"), last=Max("held_on"))
    return library_pages.session_guidance(
        pairing,
        me,
        sessions_held=held["n"],
        last_session_on=held["last"],
        today=timezone.localdate(),
        suggest=suggest,
    )


@submitted_once
def session_schedule(request, pk):
    """Plan the next meeting; the page lists the upcoming ones in both people's time zones, and the
    sessions the other side logged that wait for this user's confirmation."""
    pairing = own_pairing(request, pk)
    me = person_of(request.user)
    partner = pairing.partner_of(me)
    # Only a post needs the form before the page: a blank one is rendered only when not kept.
    form = ScheduleForm(request.POST, person=me) if request.method == "POST" else None
    training_required = ()
    if form is not None and form.is_valid():
        try:
            services.session_schedule(pairing=pairing, by=me, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
            training_required = getattr(exc, "modules", ())
        else:
            messages.success(request, _("Session scheduled. A calendar invite is on its way to you both."))
            return redirect("mentoring_sessions:session-schedule", pk=pairing.pk)

    def build():
        upcoming = [_in_both_zones(s, me, partner) for s in _upcoming(pairing)]
        context = {
            **_workspace_context(pairing, _("Schedule the next session")),
            "form": form or ScheduleForm(person=me),
            "me": me,
            "partner": partner,
            "upcoming": upcoming,
            "to_confirm": pairing.sessions.filter(confirmed_at__isnull=True).exclude(logged_by=me),
            "active": pairing.is_active,
            **_guidance(pairing, me),
            "training_required": training_required,
        }
        # The first upcoming session leaves the list when it starts.
        return pages.Built(
            SCHEDULE_TEMPLATE, context, upcoming[0]["scheduled"].starts_at if upcoming else None
        )

    return pages.kept_page(
        request,
        pairing=pairing,
        viewer=me,
        page="schedule",
        build=build,
        templates=(SCHEDULE_TEMPLATE, library_pages.GUIDE_TEMPLATE),
        versions=library_pages.versions_of(pairing),
    )


SCHEDULE_TEMPLATE = "sessions/schedule_form.html"


def session_schedule_edit(request, pk, scheduled_pk):
    """Reschedule (same UID, next sequence) or cancel (button named "cancel")."""
    pairing = own_pairing(request, pk)
    scheduled = get_object_or_404(pairing.scheduled_sessions, pk=scheduled_pk)
    me = person_of(request.user)
    partner = pairing.partner_of(me)
    cancelling = request.method == "POST" and "cancel" in request.POST
    form = ScheduleForm(None if cancelling else request.POST or None, instance=scheduled, person=me)
    if request.method == "POST":
        try:
            if cancelling:
                services.session_cancel(scheduled=scheduled, by=me)
                messages.success(request, _("Session cancelled. Your calendars will be updated."))
                return redirect("mentoring_sessions:session-schedule", pk=pairing.pk)
            if form.is_valid():
                services.session_reschedule(scheduled=scheduled, by=me, **form.service_fields())
                messages.success(request, _("Session moved. Your calendars will be updated."))
                return redirect("mentoring_sessions:session-schedule", pk=pairing.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "sessions/schedule_edit.html",
        {
            **_workspace_context(pairing, _("Change a scheduled session")),
            "form": form,
            "current": _in_both_zones(scheduled, me, partner),
            "me": me,
            "partner": partner,
        },
    )


def session_ics(request, pk, scheduled_pk):
    pairing = own_pairing(request, pk)
    scheduled = get_object_or_404(pairing.scheduled_sessions.select_related("created_by"), pk=scheduled_pk)
    scheduled.pairing = pairing  # already loaded with both members
    method = "CANCEL" if scheduled.cancelled_at else "REQUEST"
    response = HttpResponse(
        invite_ics(scheduled), content_type=f"text/calendar; charset=utf-8; method={method}"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="mentoring-session-{scheduled.starts_at:%Y-%m-%d}.ics"'
    )
    return response


@submitted_once
def session_create(request, pk):
    """Log a session, with a private note, new action items and earlier ones ticked off."""
    pairing = own_pairing(request, pk)
    me = person_of(request.user)

    def page(form, items, upcoming=None, until=None, training_required=()):
        context = {**_workspace_context(pairing, _("Log a session")), "form": form, "items": items}
        context.update(_guidance(pairing, me, suggest=True))
        context["training_required"] = training_required
        return pages.Built(SESSION_FORM_TEMPLATE, {**context, "scheduled": upcoming}, until)

    def blank():
        planned = pairing.scheduled_sessions.filter(cancelled_at__isnull=True, log__isnull=True)
        # The latest planned meeting not yet logged that starts within a day, even if its time has
        # just passed: the form fills itself in from it.
        soon = timezone.now() + LOG_FROM_PLANNED_WITHIN
        upcoming = planned.filter(starts_at__lte=soon).order_by("-starts_at").first()
        # The page changes when the next planned meeting comes within that day.
        later = planned.filter(starts_at__gt=soon).order_by("starts_at").values_list("starts_at", flat=True)
        later = later.first()
        form = SessionForm(pairing=pairing, scheduled=upcoming)
        items = ActionItemFormSet(prefix="items", form_kwargs={"members": list(pairing.members())})
        return page(form, items, upcoming, later - LOG_FROM_PLANNED_WITHIN if later else None)

    if request.method == "POST":
        training_required = ()
        form = SessionForm(request.POST, pairing=pairing)
        # A post without the action-item rows (none added) logs the session alone.
        items_data = request.POST if "items-TOTAL_FORMS" in request.POST else None
        items = ActionItemFormSet(
            items_data, prefix="items", form_kwargs={"members": list(pairing.members())}
        )
        if form.is_valid() and (items_data is None or items.is_valid()):
            data = dict(form.cleaned_data)
            new_items = (
                [f.cleaned_data for f in items if f.has_changed() and f.cleaned_data] if items_data else []
            )
            try:
                services.session_log(pairing=pairing, by=me, action_items=new_items, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
                training_required = getattr(exc, "modules", ())
            else:
                messages.success(request, _("Session logged. Nice work."))
                return redirect(pairing)
        return pages.kept_page(
            request,
            pairing=pairing,
            viewer=me,
            page="log",
            build=lambda: page(form, items, training_required=training_required),
        )
    return pages.kept_page(
        request,
        pairing=pairing,
        viewer=me,
        page="log",
        build=blank,
        templates=(SESSION_FORM_TEMPLATE, library_pages.GUIDE_TEMPLATE),
        versions=library_pages.versions_of(pairing),
    )


SESSION_FORM_TEMPLATE = "sessions/session_form.html"
LOG_FROM_PLANNED_WITHIN = datetime.timedelta(days=1)


def _session_page(request, pairing, session, *, confirm_form=None, note_form=None):
    """The session page: what was logged, the confirmation (for the side that did not log it) and
    the user's own private note, which they read and edit here; nobody else's note is ever loaded."""
    me = person_of(request.user)
    own_note = SessionPrivateNote.objects.filter(session=session, author=me).first()
    can_confirm = session.awaits_confirmation_by(me) and pairing.is_active
    return render(
        request,
        "sessions/session_detail.html",
        {
            **_workspace_context(
                pairing, _("Session on %(date)s") % {"date": date_format(session.held_on, "j F Y")}
            ),
            "session": session,
            "can_confirm": can_confirm,
            "confirm_form": confirm_form or (ConfirmForm() if can_confirm else None),
            "own_note": own_note,
            "can_write": pairing.is_active,
            "note_form": note_form or PrivateNoteForm(initial={"text": own_note.text if own_note else ""}),
            **library_pages.session_suggestions(pairing, me, session),
        },
    )


def _session_of(pairing, session_pk):
    return get_object_or_404(pairing.sessions.select_related("logged_by"), pk=session_pk)


def session_detail(request, pk, session_pk):
    """GET: the session page. POST: save (or, emptied, delete) the user's private note."""
    pairing = own_pairing(request, pk)
    session = _session_of(pairing, session_pk)
    form = PrivateNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.private_note_save(
                session=session, by=person_of(request.user), text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Private notes saved. Only you can see them."))
            return redirect("mentoring_sessions:session-detail", pk=pairing.pk, session_pk=session.pk)
    return _session_page(request, pairing, session, note_form=form if request.method == "POST" else None)


def session_confirm(request, pk, session_pk):
    """The member who did not log the session rates and confirms it (on the session page)."""
    pairing = own_pairing(request, pk)
    session = _session_of(pairing, session_pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_confirm(session=session, by=person_of(request.user), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thanks: session confirmed."))
            return redirect(pairing)
    return _session_page(request, pairing, session, confirm_form=form)
