"""Logging (and, later, scheduling and rating) sessions."""

from django.utils.translation import gettext as _

from . import services
from .access import workspace_form
from .forms import SessionForm


def session_create(request, pk):
    return workspace_form(
        request,
        pk,
        form_class=SessionForm,
        service=services.session_log,
        template="sessions/session_form.html",
        title=_("Log a session"),
        success=_("Session logged. Nice work."),
    )
