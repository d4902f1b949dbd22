"""Pulse check-ins: answer from the emailed link or from the workspace; the admin's flag pages
(a cohort's flagged pairs; one pair's open flags, resolved with a note)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rules.contrib.views import permission_required

from matching.models import Pairing
from mentorship.forms import BoundedForm, BoundedModelForm, IdField
from people.accounts import safe_next
from people.roles import person_of
from programmes.models import Cohort
from submissions.once import submitted_once

from . import checkins, selectors
from .access import own_pairing
from .models import CheckIn

FLAGS_PER_PAGE = 50


class CheckInForm(BoundedModelForm):
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy(
            "How satisfied are you with the mentoring relationship? (1 = not at all, 5 = very)"
        ),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    meeting_regularly = forms.TypedChoiceField(
        label=gettext_lazy("Are you meeting as planned?"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = CheckIn
        fields = ["satisfaction", "meeting_regularly", "blockers", "comment"]
        widgets = {
            "blockers": forms.Textarea(attrs={"rows": 3}),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"blockers": gettext_lazy("Anything in the way?"), "comment": gettext_lazy("Anything else")}
        help_texts = {
            "blockers": gettext_lazy("Your programme admin reads this and may get in touch."),
            "comment": gettext_lazy("Read by you and your programme admin."),
        }

    def __init__(self, *args, instance=None, **kwargs):
        initial = kwargs.pop("initial", {})
        if instance is not None:
            initial.setdefault("meeting_regularly", "yes" if instance.meeting_regularly else "no")
        super().__init__(*args, instance=instance, initial=initial, **kwargs)


def _answer(request, pairing: Pairing, period: int):
    """The shared form page for one member's answer to one period."""
    me = person_of(request.user)
    today = timezone.localdate()
    existing = checkins.checkin_for_period(pairing=pairing, person=me, period=period)
    editable = pairing.is_active and checkins.checkin_editable(
        existing, pairing=pairing, period=period, today=today
    )
    form = CheckInForm(request.POST or None, instance=existing)
    if request.method == "POST" and editable and form.is_valid():
        try:
            checkins.checkin_answer(
                pairing=pairing,
                by=me,
                period=period,
                today=today,
                satisfaction=form.cleaned_data["satisfaction"],
                meeting_regularly=form.cleaned_data["meeting_regularly"],
                blockers=form.cleaned_data["blockers"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you: your check-in is saved."))
            return redirect(pairing)
    return render(
        request,
        "sessions/checkin_form.html",
        {
            "title": _("Check-in"),
            "form": form,
            "pairing": pairing,
            "existing": existing,
            "editable": editable,
            "period_ends_on": checkins.period_ends_on(pairing, period),
            "back_url": pairing.get_absolute_url(),
            "back_label": _("Back to the workspace"),
        },
    )


@submitted_once
def checkin_create(request, pk):
    """A member answers this period's check-in without waiting for the email."""
    pairing = own_pairing(request, pk)
    period = checkins.pulse_period(pairing, today=timezone.localdate())
    if period is None:
        raise Http404("The pairing has not started yet.")
    return _answer(request, pairing, period)


@submitted_once
def checkin_answer(request, token):
    """The link in the pulse email. Logged in as its person: the form; logged out: log in and
    come back here; anyone else: 404, as for any pairing that is not theirs."""
    try:
        link = checkins.pulse_link_read(token)
    except checkins.PulseLinkInvalid:
        return _link_problem(
            request, _("This check-in link is not valid. It may have been cut short when copied.")
        )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    me = person_of(request.user)
    if me is None or me.pk != link.person_id:
        raise Http404("Not this person's link.")
    pairing = get_object_or_404(selectors.pairings_for(request.user), pk=link.pairing_id)
    if not checkins.pulse_link_in_time(link, pairing, today=timezone.localdate()):
        return _link_problem(
            request,
            _("This check-in link has expired. You can still tell us how it is going from your workspace."),
            pairing=pairing,
        )
    return _answer(request, pairing, link.period)


def _link_problem(request, message, *, pairing=None):
    return render(
        request,
        "sessions/checkin_link_problem.html",
        {"title": _("Check-in link"), "message": message, "pairing": pairing},
        status=400,
    )


@permission_required("programmes.manage", raise_exception=True)
def checkin_flags(request, cohort_pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_pk)
    # A large cohort can have hundreds of flagged pairs: a page at a time.
    page = Paginator(checkins.flagged_pairings(cohort), FLAGS_PER_PAGE).get_page(request.GET.get("page"))
    answers = checkins.flagged_checkins(page.object_list)
    rows = [(p, answers.get(p.pk)) for p in page.object_list]
    return render(
        request,
        "sessions/checkin_flags.html",
        {
            "title": _("Flagged check-ins: %(cohort)s") % {"cohort": cohort.name},
            "cohort": cohort,
            "rows": rows,
            "page": page,
            "low_satisfaction": CheckIn.LOW_SATISFACTION,
        },
    )


class FlagResolveForm(BoundedForm):
    checkin = IdField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=gettext_lazy("What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Seen by programme admins only, never by the pair or their managers."),
        error_messages={"required": gettext_lazy("Say what was done: a flag is resolved with a note.")},
    )


@permission_required("programmes.manage", raise_exception=True)
@submitted_once
def pairing_flags(request, pk):
    """One pair's open flags, each resolved with a note, and the flags resolved before."""
    pairing = get_object_or_404(
        Pairing.objects.exclude(status=Pairing.Status.PROPOSED).select_related(
            "cohort__programme", "mentor__person", "mentee__person"
        ),
        pk=pk,
    )
    back_url = safe_next(request.GET.get("next"), host=request.get_host())
    open_flags = checkins.open_flags_of_pairing(pairing)
    failed = None  # the form that came back with errors, shown in place of its flag's empty one
    if request.method == "POST":
        form = FlagResolveForm(request.POST)
        if form.is_valid():
            checkin = next((c for c in open_flags if c.pk == form.cleaned_data["checkin"]), None)
            try:
                if checkin is None:
                    raise ValidationError(_("This flag is no longer open: it was resolved or replaced."))
                checkins.checkin_flag_resolve(
                    checkin=checkin, by=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("%(name)s's flag is resolved.") % {"name": checkin.person.full_name}
                )
                return redirect(request.get_full_path())
        failed = form
    rows = []
    for checkin in open_flags:
        if failed is not None and failed.data.get("checkin") == str(checkin.pk):
            form, failed = failed, None
        else:
            form = FlagResolveForm(initial={"checkin": checkin.pk}, auto_id=f"f{checkin.pk}_%s")
        rows.append((checkin, form))
    return render(
        request,
        "sessions/pairing_flags.html",
        {
            "title": _("Flags: %(mentor)s and %(mentee)s")
            % {"mentor": pairing.mentor.person.full_name, "mentee": pairing.mentee.person.full_name},
            "pairing": pairing,
            "rows": rows,
            # A refused form whose flag is not open any more: its errors go above the list.
            "stray_form": failed,
            "resolutions": checkins.resolutions_of_pairing(pairing),
            "back_url": back_url or pairing.cohort.get_absolute_url(),
            "back_label": _("Back") if back_url else pairing.cohort.name,
            "low_satisfaction": CheckIn.LOW_SATISFACTION,
        },
    )
