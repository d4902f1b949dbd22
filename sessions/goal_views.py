"""SMART goals."""

from django.utils.translation import gettext as _

from . import goals
from .access import workspace_form
from .goal_forms import GoalForm


def goal_create(request, pk):
    return workspace_form(
        request,
        pk,
        form_class=GoalForm,
        service=goals.goal_create,
        template="sessions/goal_form.html",
        title=_("New SMART goal"),
        success=_("Goal added."),
    )
