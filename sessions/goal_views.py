"""SMART goals: the guided form, the goal page and its small forms, and the admins' templates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from mentorship.forms import parse_id
from people.roles import person_of
from submissions.once import submitted_once

from . import goals, pages
from .access import own_pairing
from .goal_forms import (
    STEP_KEYS,
    STEPS,
    GoalCommentForm,
    GoalForm,
    GoalStatusForm,
    GoalTemplateForm,
    GoalUpdateForm,
    MilestoneForm,
)
from .models import Goal, GoalTemplate

# What a goal template fills in; baseline, target and due date are the pair's own.
TEMPLATE_FIELDS = ("specific", "metric", "unit", "achievable", "relevant")

manage_required = permission_required("programmes.manage", raise_exception=True)


@submitted_once
def goal_create(request, pk):
    """The guided SMART form. GET: pick a template or start blank (`?template=<pk>` or `?step=`).
    POST with `step`: validate that step (and those before it), then show the next one, carrying
    every answer in hidden inputs; the last step saves. A POST without `step` validates all parts
    at once (e.g. a script or a browser with the whole form)."""
    pairing = own_pairing(request, pk)
    form_kwargs = {"pairing": pairing, "today": timezone.localdate()}
    if request.method != "POST":
        template_pk = request.GET.get("template")
        if template_pk is None and "step" not in request.GET:
            return _goal_start(request, pairing)
        initial = {}
        if template_pk is not None:
            template_id = parse_id(template_pk)
            if template_id is None:
                raise Http404("Not a goal template id.")
            template = get_object_or_404(goals.active_templates(), pk=template_id)
            initial = {f: getattr(template, f) for f in TEMPLATE_FIELDS}
        return _goal_step(request, pairing, GoalForm(initial=initial, **form_kwargs), 0)

    form = GoalForm(request.POST, **form_kwargs)
    step = request.POST.get("step")
    if step not in STEP_KEYS:
        index = len(STEPS) - 1  # the whole form at once: errors anywhere, shown by the first bad step
    else:
        index = STEP_KEYS.index(step)
        if request.POST.get("go") == "back":
            kept = GoalForm(initial=request.POST.dict(), **form_kwargs)
            return _goal_step(request, pairing, kept, max(index - 1, 0))
    valid = form.is_valid()
    for i, (_key, _title, fields, _ask) in enumerate(STEPS[: index + 1]):
        if any(f in form.errors for f in fields):
            return _goal_step(request, pairing, form, i)
    if index < len(STEPS) - 1:
        # This step (and those before) are fine; the next one starts clean, keeping what was typed.
        return _goal_step(request, pairing, GoalForm(initial=request.POST.dict(), **form_kwargs), index + 1)
    if valid:
        try:
            goal = goals.goal_create(pairing=pairing, by=person_of(request.user), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Goal added."))
            return redirect("mentoring_sessions:goal-detail", pairing.pk, goal.pk)
    return _goal_step(request, pairing, form, index)


def _goal_start(request, pairing):
    return render(
        request,
        "sessions/goal_start.html",
        {
            "title": _("New SMART goal"),
            "pairing": pairing,
            "templates": goals.active_templates(),
            "back_url": pairing.get_absolute_url(),
            "back_label": _("Back to the workspace"),
        },
    )


def _goal_step(request, pairing, form, index):
    key, heading, fields, ask = STEPS[index]
    return render(
        request,
        "sessions/goal_form.html",
        {
            "title": _("New SMART goal"),
            "pairing": pairing,
            "form": form,
            "step": key,
            "step_number": index + 1,
            "step_count": len(STEPS),
            "steps": [(k, t) for k, t, *_rest in STEPS],
            "heading": heading,
            "ask": ask,
            "visible": [form[f] for f in fields],
            "hidden": [form[f] for f in form.fields if f not in fields],
            "is_last": index == len(STEPS) - 1,
            "relevant_suggestions": goals.RELEVANT_SUGGESTIONS,
            "back_url": pairing.get_absolute_url(),
            "back_label": _("Back to the workspace"),
        },
    )


# --- the goal page ------------------------------------------------------------------------------


def _goal_page(request, pairing, goal_pk, *, goal=None, **bound_forms):
    """Render the goal page; a bound form that failed replaces its blank one, keeping what was typed.
    A GET is kept rendered per viewer (sessions/pages.py): the goal, its updates, milestones and
    comments are the pair's content, under the pairing's stamp."""

    def build():
        shown = goal or goals.goal_in_pairing(pairing, goal_pk)
        updates = list(shown.updates.select_related("created_by"))
        forms = {
            "update_form": GoalUpdateForm(),
            "status_form": GoalStatusForm(initial={"status": shown.status}),
            "milestone_form": MilestoneForm(),
            "comment_form": GoalCommentForm(),
            **bound_forms,
        }
        suggestion = goals.suggested_status(shown, updates, timezone.localdate())
        reached = shown.is_reached_by(updates[-1].value if updates else None)
        if reached and "status_form" not in bound_forms:
            # Nothing to confirm: the numbers say the target is met.
            del forms["status_form"].fields["short_of_target_confirmed"]
        context = {
            "title": shown.specific,
            "pairing": pairing,
            "goal": shown,
            "updates": updates,
            "latest": updates[-1] if updates else None,
            "chart": goals.progress_chart(shown, updates),
            "suggestion": suggestion,
            "milestones": list(shown.milestones.all()),
            "comments": list(shown.comments.select_related("author")),
            "reached": reached,
            "can_write": pairing.is_active,
            **forms,
        }
        return pages.Built(GOAL_TEMPLATE, context)

    return pages.kept_page(
        request,
        pairing=pairing,
        viewer=person_of(request.user),
        page=f"goal-{goal_pk}",
        build=build,
        templates=(GOAL_TEMPLATE,),
    )


GOAL_TEMPLATE = "sessions/goal_detail.html"


def goal_detail(request, pk, goal_pk):
    return _goal_page(request, own_pairing(request, pk), goal_pk)


def _goal_post(request, pk, goal_pk, *, form_class, form_name, call, success):
    """POST a small form on the goal page: on success redirect back to it, otherwise show it again."""
    pairing = own_pairing(request, pk)
    goal = goals.goal_in_pairing(pairing, goal_pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(goal=goal, by=person_of(request.user), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, success)
            return redirect("mentoring_sessions:goal-detail", pairing.pk, goal.pk)
    return _goal_page(request, pairing, goal.pk, goal=goal, **{form_name: form})


@require_POST
@submitted_once
def goal_update(request, pk, goal_pk):
    return _goal_post(
        request,
        pk,
        goal_pk,
        form_class=GoalUpdateForm,
        form_name="update_form",
        call=goals.goal_update_record,
        success=_("Progress recorded."),
    )


@require_POST
def goal_status(request, pk, goal_pk):
    status = request.POST.get("status")
    success = (
        _("Goal marked achieved. Well done!") if status == Goal.Status.ACHIEVED else _("Status updated.")
    )
    return _goal_post(
        request,
        pk,
        goal_pk,
        form_class=GoalStatusForm,
        form_name="status_form",
        call=goals.goal_status_set,
        success=success,
    )


@require_POST
@submitted_once
def milestone_add(request, pk, goal_pk):
    return _goal_post(
        request,
        pk,
        goal_pk,
        form_class=MilestoneForm,
        form_name="milestone_form",
        call=goals.milestone_add,
        success=_("Milestone added."),
    )


@require_POST
def milestone_complete(request, pk, goal_pk, milestone_pk):
    pairing = own_pairing(request, pk)
    goal = goals.goal_in_pairing(pairing, goal_pk)
    milestone = get_object_or_404(goal.milestones, pk=milestone_pk)
    done = request.POST.get("done", "1") == "1"
    try:
        goals.milestone_complete(milestone=milestone, by=person_of(request.user), done=done)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Milestone done.") if done else _("Milestone reopened."))
    return redirect("mentoring_sessions:goal-detail", pairing.pk, goal.pk)


@require_POST
@submitted_once
def goal_comment(request, pk, goal_pk):
    return _goal_post(
        request,
        pk,
        goal_pk,
        form_class=GoalCommentForm,
        form_name="comment_form",
        call=goals.goal_comment_add,
        success=_("Comment added."),
    )


# --- goal templates (programme admins) ----------------------------------------------------------


@manage_required
def template_list(request):
    return render(
        request, "sessions/goal_template_list.html", {"templates": GoalTemplate.objects.order_by("title")}
    )


@manage_required
@submitted_once
def template_edit(request, template_pk=None):
    template = get_object_or_404(GoalTemplate, pk=template_pk) if template_pk else None
    form = GoalTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            goals.template_save(by=person_of(request.user), template=template, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Goal template saved."))
            return redirect("mentoring_sessions:goal-templates")
    title = _("Edit goal template") if template else _("New goal template")
    return render(request, "sessions/goal_template_form.html", {"form": form, "title": title})
