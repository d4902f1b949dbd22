from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe
from rules.contrib.views import permission_required

from mentorship import kept
from mentorship.forms import BoundedForm
from mentorship.paging import paginate
from people.forms import PersonField
from people.models import Person
from programmes.models import Cohort, Enrolment
from programmes.stamps import cohort_page_versions
from submissions.once import submitted_once

from . import selectors, services
from .models import MatchRun, Pairing, PairRule

manage_required = permission_required("programmes.manage", raise_exception=True)

HISTOGRAM_BUCKETS = [(low, low + 10) for low in range(0, 100, 10)]


class PairRuleForm(BoundedForm):
    """Either a proposed pair of the run (the buttons on each row) or any mentor and mentee of the
    cohort: picked by the person pickers under the rules (`mentee_person`, `mentor_person`: an
    employee id or email), or given as enrolment ids (`mentee`, `mentor`)."""

    pairing = forms.ModelChoiceField(queryset=Pairing.objects.none(), required=False)
    mentee = forms.ModelChoiceField(queryset=Enrolment.objects.none(), required=False)
    mentor = forms.ModelChoiceField(queryset=Enrolment.objects.none(), required=False)
    mentee_person = PersonField(label=_("Mentee"), queryset=Person.objects.none(), required=False)
    mentor_person = PersonField(label=_("Mentor"), queryset=Person.objects.none(), required=False)
    kind = forms.ChoiceField(choices=PairRule.Kind.choices)

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairing"].queryset = run.pairings.select_related("mentor__person", "mentee__person")
        self.enrolments = {
            role: Enrolment.objects.filter(cohort=run.cohort, status=Enrolment.Status.ACTIVE, role=role)
            .select_related("person")
            .order_by("pk")
            for role in Enrolment.Role.values
        }
        self.fields["mentee"].queryset = self.enrolments[Enrolment.Role.MENTEE]
        self.fields["mentor"].queryset = self.enrolments[Enrolment.Role.MENTOR]
        # Only the cohort's active mentees (mentors) can be picked: anyone else is refused in words.
        for role in Enrolment.Role.values:
            self.fields[f"{role}_person"].queryset = Person.objects.filter(
                pk__in=self.enrolments[role].values("person")
            )

    def clean(self):
        data = super().clean()
        if data.get("pairing"):
            data["mentee"], data["mentor"] = data["pairing"].mentee, data["pairing"].mentor
            return data
        for role in Enrolment.Role.values:
            person = data.get(f"{role}_person")
            if not data.get(role) and person is not None:
                data[role] = self.enrolments[role].filter(person=person).first()
        if not (data.get("mentee") and data.get("mentor")):
            raise ValidationError(_("Choose a mentee and a mentor of this cohort."))
        return data


class SwapForm(BoundedForm):
    """Two pairs of the run, by pairing id (`first`, `second`) or, from the person pickers, by their
    mentee (`first_mentee`, `second_mentee`: an employee id or email)."""

    first = forms.ModelChoiceField(
        queryset=Pairing.objects.none(), label=_("Swap the mentor of"), required=False
    )
    second = forms.ModelChoiceField(
        queryset=Pairing.objects.none(), label=_("with the mentor of"), required=False
    )
    first_mentee = PersonField(
        label=_("Swap the mentor of"), queryset=Person.objects.none(), required=False, help_text=""
    )
    second_mentee = PersonField(
        label=_("with the mentor of"), queryset=Person.objects.none(), required=False, help_text=""
    )

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run
        for name in ("first", "second"):
            self.fields[name].queryset = run.pairings.all()
            # Only mentees of this run's pairs can be picked: anyone else is refused in words.
            self.fields[f"{name}_mentee"].queryset = Person.objects.filter(
                pk__in=run.pairings.values("mentee__person")
            )

    def clean(self):
        data = super().clean()
        for name in ("first", "second"):
            mentee = data.get(f"{name}_mentee")
            if not data.get(name) and mentee is not None:
                data[name] = self.run.pairings.filter(mentee__person=mentee).first()
        if not (data.get("first") and data.get("second")):
            raise ValidationError(_("Choose two pairs of this run."))
        return data


def _with_top3(run: MatchRun) -> MatchRun:
    """The run with its top-3 share stored, worked out on its first view (as a dead worker's run is
    failed on read, above); the related rows the page shows stay loaded."""
    filled = services.match_run_top3_fill(run=run)
    run.quality = filled.quality
    return run


def _run_or_404(pk) -> MatchRun:
    run = get_object_or_404(selectors.match_runs(), pk=pk)
    if run.lease_expired():
        # Checked on read as well as by the sweep, so a dead worker shows at once.
        services.match_runs_expire()
        run.refresh_from_db()
    return run


# A run of thousands of pairs was a 1.4 MB page: its pairs, unmatched mentees and rules are each a
# page of their own. 25 rows each: at 50 the pairs' rows were most of the page's time.
PAIRS_PER_PAGE = 25
UNMATCHED_PER_PAGE = 25
RULES_PER_PAGE = 25


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
    # Kept rendered per admin under the cohort's stamps (its runs, pairs and rules) and the people's,
    # checked against the run's row, its cohort's and programme's and its creators' read above.
    return kept.kept_page(
        request,
        key=f"match-run:v1:{request.user.pk}:{run.pk}",
        build=lambda: _run_page(request, run),
        templates=RUN_TEMPLATES,
        params=dict.fromkeys(RUN_LISTS, kept.page_number),
        depends_on=(kept.rows_digest(run),),
        versions=cohort_page_versions(run.cohort_id),
    )


# The run page's lists, each paged on its own.
RUN_LISTS = ("pairs_page", "unmatched_page", "rules_page")
RUN_TEMPLATES = ("matching/_run_detail.html", "includes/page_links.html")


def _run_page(request, run: MatchRun) -> kept.Built:
    if run.lacks_top3_share:
        run = _with_top3(run)
    aggregates = selectors.run_pair_aggregates(run)
    pairings = paginate(
        request,
        selectors.match_run_page_rows(run),
        per_page=PAIRS_PER_PAGE,
        param="pairs_page",
        anchor="pairs-heading",
        count=aggregates["matched"],
    )
    rule_of = selectors.pair_rules_of(run.cohort, pairings.object_list)
    for pairing in pairings.object_list:
        pairing.rule = rule_of.get((pairing.mentor_id, pairing.mentee_id))
    return kept.Built(
        "matching/_run_detail.html",
        {
            "title": _("Match run %(n)s") % {"n": run.pk},
            "run": run,
            "pairings": pairings,
            "unmatched": paginate(
                request,
                run.unmatched,
                per_page=UNMATCHED_PER_PAGE,
                param="unmatched_page",
                anchor="unmatched-heading",
            ),
            "figures": selectors.run_figures(run, aggregates),
            "rules": paginate(
                request,
                selectors.cohort_pair_rules(run.cohort),
                per_page=RULES_PER_PAGE,
                param="rules_page",
                anchor="rules-heading",
            ),
            "rule_form": PairRuleForm(run=run, auto_id="rule-%s") if run.is_editable else None,
            "swap_form": SwapForm(run=run, auto_id="swap-%s") if run.is_editable else None,
            "back_url": run.cohort.get_absolute_url(),
            "back_label": run.cohort.name,
        },
    )


@manage_required
@require_safe
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
        _form_errors(request, form, _("Choose a mentee and a mentor of this cohort."))
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


def _form_errors(request, form, summary: str) -> None:
    """A refused steering form, in words: what was wrong with a picked person, then the summary."""
    for name, errors in form.errors.items():
        if name in PICKERS:
            for error in errors:
                messages.error(request, f"{form.fields[name].label}: {error}")
    messages.error(request, summary)


# The person pickers of the steering forms: their errors name the person typed, so they are shown.
PICKERS = ("mentee_person", "mentor_person", "first_mentee", "second_mentee")


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
        _form_errors(request, form, _("Choose two pairs of this run."))
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
@require_safe
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
            if run.lacks_top3_share:
                run = _with_top3(run)
            columns.append(
                {
                    "run": run,
                    "figures": selectors.run_figures(run),
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
