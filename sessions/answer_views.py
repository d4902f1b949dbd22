"""Pages opened from the one-click links in emails, without a login: the pulse answer (and the
page to add a comment) and "confirm this session". The signed token is the authority: it names one
person and one pairing period or session (sessions/links.py); a tampered token is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from matching.models import Pairing
from submissions.once import submitted_once

from . import checkins, links, services
from .checkin_views import CheckInForm
from .forms import ConfirmForm
from .models import MentoringSession


def _pulse_of(token: str):
    """(link, pairing, person) of a valid pulse token; 404 for anything else."""
    try:
        link = links.read_pulse_answer_token(token)
    except links.LinkInvalid:
        raise Http404("Not a valid check-in link.") from None
    pairing = (
        Pairing.objects.select_related("cohort__programme", "mentor__person", "mentee__person")
        .filter(pk=link.pairing_id)
        .first()
    )
    # Signed for a person who is (no longer) in the pairing: nothing of the pairing is shown.
    if pairing is None or link.person_id not in (pairing.mentor.person_id, pairing.mentee.person_id):
        raise Http404("Not a valid check-in link.")
    person = pairing.mentor.person if pairing.mentor.person_id == link.person_id else pairing.mentee.person
    current = checkins.pulse_period(pairing, today=timezone.localdate())
    if current is None or link.period > current:
        # Never emailed: the scan signs links for the period that has begun, not for later ones.
        raise Http404("Not a valid check-in link.")
    return link, pairing, person


def _pulse_closed(request, *, pairing, period, existing):
    """The period is over or the pairing has ended: said kindly, with what was answered."""
    return render(
        request,
        "sessions/pulse_closed.html",
        {
            "title": _("This check-in is closed"),
            "pairing": pairing,
            "existing": existing,
            "ended": not pairing.is_active,
            "period_ends_on": checkins.period_ends_on(pairing, period),
        },
        status=410,
    )


# GET records the answer. One-click is the point of these links (the issue asks for it), and a
# mail scanner that prefetches them is harmless: the answer is idempotent per (person, pairing,
# period), the page the link opens shows what was recorded and changes it, and every score is the
# same person's to give. Nothing else can be written by GET.
@login_not_required
@require_safe
def pulse_answer(request, token, score):
    link, pairing, person = _pulse_of(token)
    if score not in links.SCORES:
        raise Http404("Not a score.")
    today = timezone.localdate()
    if not checkins.pulse_period_open(pairing, link.period, today=today):
        existing = checkins.checkin_for_period(pairing=pairing, person=person, period=link.period)
        return _pulse_closed(request, pairing=pairing, period=link.period, existing=existing)
    try:
        checkins.pulse_answer_record(
            pairing=pairing, by=person, period=link.period, satisfaction=score, today=today
        )
    except ValidationError:
        # The period closed between the check above and the write (midnight): say so.
        existing = checkins.checkin_for_period(pairing=pairing, person=person, period=link.period)
        return _pulse_closed(request, pairing=pairing, period=link.period, existing=existing)
    return redirect(links.pulse_page_url(token))


@login_not_required
@submitted_once
def pulse_page(request, token):
    """The answer recorded from the email, with the rest of the check-in to add or change."""
    link, pairing, person = _pulse_of(token)
    today = timezone.localdate()
    existing = checkins.checkin_for_period(pairing=pairing, person=person, period=link.period)
    if not checkins.pulse_period_open(pairing, link.period, today=today):
        return _pulse_closed(request, pairing=pairing, period=link.period, existing=existing)
    form = CheckInForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            checkins.pulse_answer_record(
                pairing=pairing, by=person, period=link.period, today=today, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you: your check-in is saved."))
            return redirect(links.pulse_page_url(token))
    return render(
        request,
        "sessions/pulse_page.html",
        {
            "title": _("Your check-in"),
            "form": form,
            "pairing": pairing,
            "person": person,
            "partner": pairing.partner_of(person),
            "existing": existing,
            "period_ends_on": checkins.period_ends_on(pairing, link.period),
        },
    )


# GET confirms, as the pulse link records: "confirm this session" in one click is what the email
# offers, and confirming is idempotent (a second visit says it is confirmed already).
@login_not_required
@submitted_once
def session_confirm_link(request, token):
    try:
        link = links.read_session_confirm_token(token)
    except links.LinkInvalid:
        raise Http404("Not a valid confirmation link.") from None
    session = (
        MentoringSession.objects.select_related(
            "logged_by", "pairing__cohort__programme", "pairing__mentor__person", "pairing__mentee__person"
        )
        .filter(pk=link.session_id)
        .first()
    )
    if session is None:
        raise Http404("Not a valid confirmation link.")
    pairing = session.pairing
    person = next((p for p in pairing.members() if p.pk == link.person_id), None)
    if person is None or session.logged_by_id == person.pk:
        raise Http404("Not a valid confirmation link.")
    confirmed_now = False
    if session.confirmed_at is None and pairing.is_active:
        try:
            session = services.session_confirm(session=session, by=person)
            confirmed_now = True
        except ValidationError:
            # Confirmed at this same moment by another click: it is confirmed, which is all we need.
            session.refresh_from_db()
    rating_form = None
    if session.confirmed_at is not None and pairing.is_active:
        rating_form = ConfirmForm(
            request.POST or None,
            initial={"partner_rating": session.partner_rating, "partner_comment": session.partner_comment},
        )
        if request.method == "POST" and rating_form.is_valid():
            try:
                services.session_partner_rate(session=session, by=person, **rating_form.cleaned_data)
            except ValidationError as exc:
                rating_form.add_error(None, exc)
            else:
                messages.success(request, _("Thanks: your rating is saved."))
                return redirect(request.path)
    return render(
        request,
        "sessions/session_confirm_link.html",
        {
            "title": _("Confirm a session"),
            "session": session,
            "pairing": pairing,
            "person": person,
            "confirmed_now": confirmed_now,
            "rating_form": rating_form,
        },
    )
