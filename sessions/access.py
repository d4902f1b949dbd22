"""What every page of a pair's workspace shares: who may open it, and the form-page pattern."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from people.roles import person_of

from . import selectors


def own_pairing(request, pk, *, related=()):
    """The pairing, if the user is one of its two members; 404 to everyone else. `related`: more
    to read with it (select_related paths: () or `selectors.WORKSPACE_RELATED`)."""
    pairing = selectors.own_pairing_of(request.user, pk, related=related)
    if pairing is None:
        raise Http404
    return pairing


def require_active(pairing):
    """Writes in a pairing need it active, in a cohort that is not closed."""
    if not pairing.is_active:
        raise ValidationError(_("This mentorship has ended; its history is read-only."))


def workspace_form(request, pk, *, form_class, service, template, title, success, form_kwargs=None):
    """GET shows the form; POST validates, calls `service(pairing=, by=, **cleaned_data)` and goes
    back to the workspace. Errors (the form's or the service's) keep what was typed."""
    pairing = own_pairing(request, pk)
    form = form_class(request.POST or None, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            service(pairing=pairing, by=person_of(request.user), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, success)
            return redirect(pairing)
    return render(
        request,
        template,
        {
            "title": title,
            "form": form,
            "pairing": pairing,
            "back_url": pairing.get_absolute_url(),
            "back_label": _("Back to the workspace"),
        },
    )
