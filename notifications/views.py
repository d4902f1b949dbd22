from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from people.models import Person

from . import links, services
from .kinds import KINDS


# No login and no CSRF token: a mail client's one-click unsubscribe (RFC 8058) POSTs to the link in
# the List-Unsubscribe header without a session; the signature in the link is the authority.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
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
