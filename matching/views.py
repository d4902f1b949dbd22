from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from mentorship.forms import BoundedForm
from programmes.models import Cohort, Enrolment
from submissions.once import submitted_once

from . import selectors, services
from .models import MatchRun, Pairing, PairRule

manage_required = permission_required("programmes.manage", raise_exception=True)

HISTOGRAM_BUCKETS = [(low, low + 10) for low in range(0, 100, 10)]


class PairRuleForm(BoundedForm):
    """Either a proposed pair of the run (the buttons on each row) or any mentor and mentee of the
    cohort (the form under the rules)."""

    pairing = forms.ModelChoiceField(queryset=Pairing.objects.none(), required=False)
    mentee = forms.ModelChoiceField(queryset=Enrolment.objects.none(), required=False)
    mentor = forms.ModelChoiceField(queryset=Enrolment.objects.none(), required=False)
    kind = forms.ChoiceField(choices=PairRule.Kind.choices)

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairing"].queryset = run.pairings.select_related("mentor__person", "mentee__person")
        people = Enrolment.objects.filter(cohort=run.cohort, status=Enrolment.Status.ACTIVE).select_related(
            "person"
        )
        self.fields["mentee"].queryset = people.filter(role=Enrolment.Role.MENTEE)
        self.fields["mentor"].queryset = people.filter(role=Enrolment.Role.MENTOR)

    def clean(self):
        data = super().clean()
        if data.get("pairing"):
            data["mentee"], data["mentor"] = data["pairing"].mentee, data["pairing"].mentor
        elif not (data.get("mentee") and data.get("mentor")):
            raise ValidationError(_("Choose a mentee and a mentor of this cohort."))
        return data


class SwapForm(BoundedForm):
    first = forms.ModelChoiceField(queryset=Pairing.objects.none(), label=_("Swap the mentor of"))
    second = forms.ModelChoiceField(queryset=Pairing.objects.none(), label=_("with the mentor of"))

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            self.fields[name].queryset = run.pairings.all()


def _run_or_404(pk) -> MatchRun:
    run = get_object_or_404(selectors.match_runs(), pk=pk)
    if run.lease_expired():
        # Checked on read as well as by the sweep, so a dead worker shows at once.
        services.match_runs_expire()
        run.refresh_from_db()
    return run


def _cohort_people(cohort) -> dict:
    enrolments = list(selectors.cohort_active_enrolments(cohort))
    return {
        "mentees": [e for e in enrolments if e.role == Enrolment.Role.MENTEE],
        "mentors": [e for e in enrolments if e.role == Enrolment.Role.MENTOR],
    }


@manage_required
def run_detail(request, pk):
    run = _run_or_404(pk)
    if run.is_in_progress:
        return render(
            request,
            "matching/run_running.html",
            {
                "title": _("Matching %(cohort)s") % {"cohort": run.cohort.name},
                "run": run,
                "back_url": run.cohort.get_absolute_url(),
                "back_label": run.cohort.name,
            },
        )
    if run.is_failed:
        messages.error(request, run.error)
        return redirect(run.cohort)
    pairings = list(selectors.match_run_pairings(run))
    rules = list(selectors.cohort_pair_rules(run.cohort))
    rule_of = {(r.mentor_id, r.mentee_id): r for r in rules}
    for pairing in pairings:
        pairing.rule = rule_of.get((pairing.mentor_id, pairing.mentee_id))
    return render(
        request,
        "matching/run_detail.html",
        {
            "title": _("Match run %(n)s") % {"n": run.pk},
            "run": run,
            "pairings": pairings,
            "figures": selectors.run_figures(run, pairings),
            "rules": rules,
            "people": _cohort_people(run.cohort) if run.is_editable else {},
            "back_url": run.cohort.get_absolute_url(),
            "back_label": run.cohort.name,
        },
    )


@manage_required
@require_GET
def run_status(request, pk):
    """What the waiting page polls: the run's status, and where to go once it has finished."""
    run = _run_or_404(pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "error": run.error or None,
            "redirect": None if run.is_in_progress else run.get_absolute_url(),
        }
    )


@manage_required
@require_POST
@submitted_once
def run_start(request, cohort_pk):
    """Run matching on a cohort: inline for a small one, in Celery for a large one. Pins and
    forbids are rules of the cohort, so a re-run keeps them. While profiles are unfinished the
    scores rest on defaults, so the admin is asked to confirm first."""
    cohort = get_object_or_404(Cohort, pk=cohort_pk)
    unfinished = selectors.unfinished_profiles(cohort) if cohort.can_run_matching else 0
    if unfinished and not request.POST.get("confirm_unfinished"):
        return render(
            request,
            "matching/run_confirm.html",
            {
                "title": _("Run matching for %(cohort)s?") % {"cohort": cohort.name},
                "cohort": cohort,
                "unfinished": unfinished,
                "back_url": cohort.get_absolute_url(),
                "back_label": cohort.name,
            },
        )
    try:
        if services.runs_in_background(cohort):
            run = services.match_run_queue(cohort=cohort, by=request.user)
            messages.info(request, _("Matching has started. This page updates when it is done."))
            return redirect(run)
        run = services.match_run_create(cohort=cohort, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(cohort)
    n = run.pairings.count()
    messages.success(
        request,
        ngettext(
            "Matching proposed %(n)d pair. Review it, then publish.",
            "Matching proposed %(n)d pairs. Review them, then publish.",
            n,
        )
        % {"n": n},
    )
    return redirect(run)


@manage_required
@require_POST
def pair_rule_set(request, pk):
    run = _run_or_404(pk)
    form = PairRuleForm(request.POST, run=run)
    if not form.is_valid():
        messages.error(request, _("Choose a mentee and a mentor of this cohort."))
        return redirect(run)
    mentee, mentor = form.cleaned_data["mentee"], form.cleaned_data["mentor"]
    kind = form.cleaned_data["kind"]
    try:
        services.pair_rule_set(cohort=run.cohort, mentor=mentor, mentee=mentee, kind=kind, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(run)
    names = {"mentee": mentee.person.full_name, "mentor": mentor.person.full_name}
    if kind == PairRule.Kind.PIN:
        messages.success(request, _("Pinned %(mentee)s to %(mentor)s for the next runs.") % names)
    else:
        messages.success(
            request, _("%(mentee)s will not be paired with %(mentor)s in the next runs.") % names
        )
    return redirect(run)


@manage_required
@require_POST
def pair_rule_clear(request, pk, rule_pk):
    run = _run_or_404(pk)
    rule = get_object_or_404(
        PairRule.objects.select_related("mentor__person", "mentee__person"), pk=rule_pk, cohort=run.cohort
    )
    services.pair_rule_clear(cohort=run.cohort, mentor=rule.mentor, mentee=rule.mentee, by=request.user)
    messages.success(
        request,
        _("Removed the rule for %(mentee)s and %(mentor)s.")
        % {"mentee": rule.mentee.person.full_name, "mentor": rule.mentor.person.full_name},
    )
    return redirect(run)


@manage_required
@require_POST
def run_swap(request, pk):
    run = _run_or_404(pk)
    form = SwapForm(request.POST, run=run)
    if not form.is_valid():
        messages.error(request, _("Choose two pairs of this run."))
        return redirect(run)
    try:
        services.pairings_swap(
            run=run, first=form.cleaned_data["first"], second=form.cleaned_data["second"], by=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(run)
    messages.success(request, _("Swapped the two mentors. Scores and reasons are updated."))
    return redirect(run)


@manage_required
@require_POST
def run_publish(request, pk):
    run = _run_or_404(pk)
    try:
        services.match_run_publish(run=run, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(run)
    messages.success(request, _("Published. The pairs can now see each other and start meeting."))
    return redirect(run.cohort)


def _histogram(scores: list[float]) -> list[dict]:
    counts = [0] * len(HISTOGRAM_BUCKETS)
    for score in scores:
        counts[min(int(score // 10), len(HISTOGRAM_BUCKETS) - 1)] += 1
    top = max(counts) or 1
    return [
        {"label": f"{low}–{high if high < 100 else 100}", "count": count, "width": round(100 * count / top)}
        for (low, high), count in zip(HISTOGRAM_BUCKETS, counts, strict=True)
    ]


@manage_required
@require_GET
def run_compare(request, cohort_pk):
    cohort = get_object_or_404(Cohort, pk=cohort_pk)
    runs = list(selectors.cohort_match_runs(cohort))
    by_id = {r.pk: r for r in runs}

    def chosen(name, default):
        try:
            return by_id[int(request.GET[name])]
        except (KeyError, ValueError) as exc:
            if name in request.GET:
                raise Http404 from exc
            return default

    a = chosen("a", runs[1] if len(runs) > 1 else None)
    b = chosen("b", runs[0] if runs else None)
    columns, changes = [], []
    if a and b:
        pairings = {
            run.pk: {p.mentee_id: p for p in selectors.match_run_pairings(run)}
            for run in {a.pk: a, b.pk: b}.values()
        }
        for run in (a, b):
            columns.append(
                {
                    "run": run,
                    "figures": selectors.run_figures(run, list(pairings[run.pk].values())),
                    "pairs": len(pairings[run.pk]),
                    "histogram": _histogram([p.score for p in pairings[run.pk].values()]),
                }
            )
        before, after = pairings[a.pk], pairings[b.pk]
        for mentee_id in sorted(set(before) | set(after)):
            old, new = before.get(mentee_id), after.get(mentee_id)
            if old and new and old.mentor_id == new.mentor_id:
                continue
            changes.append({"mentee": (old or new).mentee.person, "before": old, "after": new})
        changes.sort(key=lambda c: c["mentee"].full_name)
    return render(
        request,
        "matching/run_compare.html",
        {
            "title": _("Compare runs of %(cohort)s") % {"cohort": cohort.name},
            "cohort": cohort,
            "runs": runs,
            "a": a,
            "b": b,
            "columns": columns,
            "changes": changes,
            "back_url": cohort.get_absolute_url(),
            "back_label": cohort.name,
        },
    )
