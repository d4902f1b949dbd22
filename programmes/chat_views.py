"""The cohort's chat webhook, a section of its settings page: save or remove the address, and post
a test message through the outbox."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from . import chat
from .forms import CohortChatForm, CohortSettingsForm
from .models import Cohort
from .views import cohort_settings_context

manage_required = permission_required("programmes.manage", raise_exception=True)


def _settings_url(cohort: Cohort) -> str:
    return reverse("programmes:cohort-edit", args=[cohort.pk]) + "#chat"


@sensitive_post_parameters("webhook_url")  # kept out of error reports
@require_POST
@manage_required
def cohort_chat(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    form = CohortChatForm(request.POST, cohort=cohort)
    if form.is_valid():
        url = form.new_url()
        if url is None:
            messages.info(request, _("The webhook address is unchanged."))
            return redirect(_settings_url(cohort))
        try:
            cohort = chat.cohort_chat_webhook_set(cohort=cohort, url=url)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if url:
                messages.success(
                    request,
                    _("Chat webhook saved (%(mask)s). Send a test message to check it works.")
                    % {"mask": cohort.chat_webhook_masked},
                )
            else:
                messages.success(request, _("Chat webhook removed: nothing more is posted for this cohort."))
            return redirect(_settings_url(cohort))
    context = cohort_settings_context(cohort, form=CohortSettingsForm(instance=cohort), chat_form=form)
    return render(request, "programmes/cohort_edit.html", context)


@require_POST
@manage_required
def cohort_chat_test(request, pk):
    cohort = get_object_or_404(Cohort, pk=pk)
    try:
        chat.chat_test_send(cohort=cohort, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("A test message is on its way to %(mask)s. If it does not arrive, the message log says why.")
            % {"mask": cohort.chat_webhook_masked},
        )
    return redirect(_settings_url(cohort))
