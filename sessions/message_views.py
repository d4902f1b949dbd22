"""The pair's conversation: every message, paginated, and the form that sends one (the workspace
shows the latest few and posts here)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mentorship.paging import paginate
from people.roles import person_of
from submissions.once import submitted_once

from . import messaging, selectors
from .access import own_pairing
from .forms import MessageForm


@submitted_once
def pairing_messages(request, pk):
    # With the cohort's programme (the heading names the cohort) and the partner's team.
    pairing = own_pairing(request, pk, related=selectors.WORKSPACE_RELATED)
    me = person_of(request.user)
    partner = pairing.partner_of(me)
    form = MessageForm(request.POST or None, initial={"back": "conversation"})
    if request.method == "POST" and pairing.is_active and form.is_valid():
        try:
            messaging.message_send(pairing=pairing, author=me, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Message sent to %(name)s.") % {"name": partner.full_name})
            if form.cleaned_data["back"] == "workspace":
                return redirect(pairing.get_absolute_url() + "#messages-heading")
            return redirect("mentoring_sessions:pairing-messages", pk=pairing.pk)
    page = paginate(request, messaging.conversation(pairing), per_page=messaging.PAGE_SIZE)
    people = {person.pk: person for person in pairing.members()}
    for message in page.object_list:
        message.author = people[message.author_id]
        message.unread_by_me = message.is_unread_by(me)
    messaging.messages_read(pairing=pairing, reader=me)
    return render(
        request,
        "sessions/messages.html",
        {
            "title": _("Messages with %(name)s") % {"name": partner.full_name},
            "pairing": pairing,
            "partner": partner,
            "me": me,
            "page": page,
            "form": form,
            "back_url": reverse("mentoring_sessions:pairing-detail", args=[pairing.pk]),
            "back_label": _("Back to the workspace"),
        },
    )
