from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorship.paging import paginate
from people.models import Person
from people.roles import person_of
from submissions.once import submitted_once

from . import kinds, links, selectors, services
from .forms import PreferencesForm
from .kinds import KINDS
from .models import Preferences

PER_PAGE = 25


def notification_list(request):
    person = person_of(request.user)
    if person is not None:
        # The page shows the rows; the navigation's counter follows them (it heals a miscount).
        services.unread_recount(person=person)
    page = paginate(request, selectors.notifications_for(person), per_page=PER_PAGE)
    return render(
        request,
        "notifications/notification_list.html",
        {
            "title": _("Notifications"),
            "page": page,
            "unread": person.unread_notifications if person else 0,
            "back_url": reverse("home"),
            "back_label": _("Home"),
        },
    )


def _safe_path(url: str) -> str | None:
    """The stored link if it is a path on this site; None for anything that would leave it."""
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=set()) else None


# A link on the page: GET, like any link (it only marks the person's own notification read).
@require_GET
def notification_open(request, pk):
    # Through the person's own notifications: another person's id is a 404, not a redirect.
    notification = get_object_or_404(selectors.notifications_for(person_of(request.user)), pk=pk)
    services.notification_open(notification=notification)
    return redirect(_safe_path(notification.url) or reverse("notifications:list"))


@require_POST
def mark_all_read(request):
    person = person_of(request.user)
    read = services.notifications_mark_all_read(person=person) if person is not None else 0
    if read:
        messages.success(
            request,
            ngettext("%(n)s notification marked as read.", "%(n)s notifications marked as read.", read)
            % {"n": read},
        )
    return redirect("notifications:list")


# No login and no CSRF token: a mail client's one-click unsubscribe (RFC 8058) POSTs to the link in
# the List-Unsubscribe header without a session; the signature in the link is the authority.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    found = links.read_unsubscribe_token(token)
    if found is None or found[1] not in KINDS:
        raise Http404("This unsubscribe link is not valid.")
    person_id, kind = found
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("This unsubscribe link is not valid.")
    done = False
    if request.method == "POST":
        services.email_mute(person=person, kind=kind)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind": KINDS[kind], "done": done, "person": person},
    )


@submitted_once
def settings_page(request):
    """The person's own notification settings: when emails may reach them, and which kinds."""
    person = person_of(request.user)
    if person is None:
        # A login without a person record (a bare admin account) has nobody to notify.
        raise Http404("No person for this login.")
    prefs = Preferences.objects.filter(person=person).first() or Preferences(person=person)
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_for(person, prefs))
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(person=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:settings")
    chosen = set(form["emailed_kinds"].value() or [])
    groups = [
        (label, [(kind, kind.name in chosen) for kind in members]) for label, members in kinds.grouped()
    ]
    return render(
        request,
        "notifications/settings.html",
        {
            "title": _("Notification settings"),
            "form": form,
            "groups": groups,
            "time_zones": services.available_time_zones(),
            "back_url": reverse("home"),
            "back_label": _("Back to the home page"),
        },
    )
