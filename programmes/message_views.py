"""What programmes tell people, for their admins: a cohort's message log (sent, waiting, failed with
why, cancelled; resend what failed) and each programme's own wording of a kind of message.

Here, in programmes, because the pages need the cohort and the programme, and notifications and the
outbox sit below the app that owns them."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from mentorship.emails import render_templated_email
from mentorship.paging import paginate
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from notifications import wording
from notifications.kinds import KINDS
from notifications.models import Wording
from outbox import selectors as outbox_selectors
from outbox.forms import CohortMessageFilterForm
from outbox.models import Message
from outbox.views import describe
from people.roles import person_of

from .message_forms import WordingForm
from .models import Cohort, Programme

manage_required = permission_required("programmes.manage", raise_exception=True)

MESSAGES_PER_PAGE = 50


def _kind_choices() -> list[tuple[str, str]]:
    # The outbox records a kind by its email template; a kind's label is what admins recognise.
    return [(kind.email_template, kind.label) for kind in KINDS.values()]


@manage_required
def cohort_messages(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    kinds = _kind_choices()
    form = CohortMessageFilterForm(request.GET or None, kinds=kinds)
    filters = form.cleaned_data if form.is_valid() else {}
    log = outbox_selectors.message_log(
        cohort_id=cohort.pk, status=filters.get("status") or "", kind=filters.get("kind") or ""
    )
    page = paginate(request, notification_selectors.with_recipient_time_zone(log), per_page=MESSAGES_PER_PAGE)
    return render(
        request,
        "outbox/cohort_message_list.html",
        {
            "title": _("Messages of %(cohort)s") % {"cohort": cohort.name},
            "cohort": cohort,
            "form": form,
            "page": describe(page, kind_labels={template: str(label) for template, label in kinds}),
            "failed_count": Message.objects.filter(cohort_id=cohort.pk, status=Message.Status.FAILED).count(),
            "broadcasts": notification_selectors.broadcasts_of_cohort(cohort.pk),
            "back_url": cohort.get_absolute_url(),
            "back_label": cohort.name,
        },
    )


def _kind_or_404(name: str):
    if name not in KINDS:
        raise Http404("No such message.")
    return KINDS[name]


@manage_required
def wording_list(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    own = set(Wording.objects.filter(programme_id=programme.pk).values_list("kind", flat=True))
    return render(
        request,
        "programmes/wording_list.html",
        {
            "title": _("Wording of messages: %(programme)s") % {"programme": programme.name},
            "programme": programme,
            "kinds": [(kind, kind.name in own) for kind in KINDS.values()],
            "back_url": programme.get_absolute_url(),
            "back_label": programme.name,
        },
    )


def _default_preview(kind, programme):
    """The product's own wording of `kind` with example values, or None when it cannot be shown
    without a real message's details."""
    values = wording.example_values()
    context = {
        "first_name": values["first_name"],
        "recipient": {"first_name": values["first_name"], "full_name": f"{values['first_name']} Kim"},
        "actor": {"full_name": values["actor"]},
        "url": values["link"],
        "programme": {"name": programme.name},
        "cohort": {"name": values["cohort"], "programme": {"name": programme.name}},
        "unsubscribe_url": "",
        "kind": kind,
    }
    try:
        return render_templated_email(template=kind.email_template, context=context)
    except Exception:  # noqa: BLE001 - a template that needs a real message's objects: no preview
        return None


@manage_required
def wording_edit(request, pk, kind):
    programme = get_object_or_404(Programme, pk=pk)
    kind = _kind_or_404(kind)
    own = Wording.objects.filter(programme_id=programme.pk, kind=kind.name).first()
    initial = {"subject": own.subject, "text": own.text} if own else {}
    form = WordingForm(request.POST or None, initial=initial, kind=kind.name)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = wording.render(
                subject=data["subject"], text=data["text"], values=wording.example_values()
            )
            request.session[_preview_key(programme, kind)] = preview.html
        else:
            try:
                notification_services.wording_save(
                    programme_id=programme.pk,
                    kind=kind.name,
                    subject=data["subject"],
                    text=data["text"],
                    by=person_of(request.user),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("“%(kind)s” now uses %(programme)s's own wording.")
                    % {"kind": kind.label, "programme": programme.name},
                )
                return redirect("programmes:wording-list", programme.pk)
    return render(
        request,
        "programmes/wording_edit.html",
        {
            "title": _("Wording: %(kind)s") % {"kind": kind.label},
            "programme": programme,
            "kind": kind,
            "own": own,
            "form": form,
            "preview": preview,
            "default": _default_preview(kind, programme),
            "placeholders": [
                (f"{{{name}}}", wording.DESCRIPTIONS[name]) for name in wording.placeholders(kind.name)
            ],
            "back_url": reverse("programmes:wording-list", args=[programme.pk]),
            "back_label": _("Wording of messages"),
        },
    )


def _preview_key(programme, kind) -> str:
    return f"wording-preview-{programme.pk}-{kind.name}"


# An email's HTML keeps the inline styles email clients need, which the site's policy refuses (and a
# srcdoc frame inherits the page's policy), so the preview is a document of its own, framed by the
# wording page only, under a policy of its own: inline styles and images, no script at all.
PREVIEW_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": [SELF, "data:"],
    "frame-ancestors": [SELF],
    "sandbox": True,
}


@require_GET
@manage_required
@never_cache
@xframe_options_sameorigin
@csp(PREVIEW_POLICY)
def wording_preview(request, pk, kind):
    """The email HTML of the wording page's latest preview (kept in the session by wording_edit)."""
    programme = get_object_or_404(Programme, pk=pk)
    html = request.session.get(_preview_key(programme, _kind_or_404(kind)))
    if html is None:
        raise Http404
    return HttpResponse(html)


@require_POST
@manage_required
def wording_reset(request, pk, kind):
    programme = get_object_or_404(Programme, pk=pk)
    kind = _kind_or_404(kind)
    if notification_services.wording_reset(programme_id=programme.pk, kind=kind.name):
        messages.success(request, _("“%(kind)s” is back to the product's wording.") % {"kind": kind.label})
    return redirect("programmes:wording-list", programme.pk)
