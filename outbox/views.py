"""The email log for programme admins: what was sent, what waits, what failed and why, with a
resend for what failed. Every email and chat post of the product goes through the outbox, so this
is all of them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from . import selectors, services
from .forms import MessageFilterForm
from .models import Message

# The permission is the programme admins' (defined with the other roles in people/rules.py); named,
# not imported, because the outbox sits below the apps that define roles.
manage_required = permission_required("programmes.manage", raise_exception=True)


@manage_required
def message_list(request):
    form = MessageFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    log = selectors.message_log(
        status=filters.get("status") or "",
        cohort_id=filters.get("cohort"),
        q=filters.get("q") or "",
        channel=filters.get("channel") or "",
    )
    page = Paginator(log, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "outbox/message_list.html",
        {
            "title": _("Emails and chat posts"),
            "form": form,
            "page": page,
            "failed_count": Message.objects.filter(status=Message.Status.FAILED).count(),
            "back_url": reverse("home"),
            "back_label": _("Home"),
        },
    )


@require_POST
@manage_required
def message_resend(request, pk):
    message = get_object_or_404(Message, pk=pk)
    try:
        services.message_resend(message=message)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("The message to %(to)s is on its way again.") % {"to": message.destination}
        )
    return redirect("outbox:message-list")
