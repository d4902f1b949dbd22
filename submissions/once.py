"""A form that creates something is submitted once, however often it is posted.

The form carries a token made when it was rendered (`{% submission_token %}`); the view, wrapped in
`@submitted_once`, claims that token in the same transaction as its write. A second post of the same
form (a double click, a reload, a retry after a timeout) finds the claim and goes where the first post
went, with a message, and writes nothing. Concurrent repeats wait on the unique token: the first to
commit wins, the other sees its claim.

A post without a token (a script, a page from before this existed) is handled as before.
"""

import functools
import re
import secrets

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import Submission

TOKEN_FIELD = "submission"  # noqa: S105 - the name of a form field, not a secret
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _repeat(request, claim: Submission):
    messages.info(request, _("That form was already sent, so nothing was saved twice."))
    return redirect(claim.redirect_to or "/")


def submitted_once(view):
    """Keep the view's write only once per form token. The claim stays when the view redirects
    (it did its work); otherwise (the form came back with errors) it is released, so the corrected
    form can be sent."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        token = request.POST.get(TOKEN_FIELD, "") if request.method == "POST" else ""
        if not _TOKEN.match(token):
            return view(request, *args, **kwargs)
        done = Submission.objects.filter(token=token).first()
        if done is not None:
            return _repeat(request, done)
        user = request.user if request.user.is_authenticated else None
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = Submission.objects.create(token=token, user=user)
            except IntegrityError:
                # The same form is being posted at this moment and that post has committed.
                return _repeat(request, Submission.objects.get(token=token))
            response = view(request, *args, **kwargs)
            if 300 <= response.status_code < 400 and response.has_header("Location"):
                claim.redirect_to = response["Location"][:500]
                claim.save(update_fields=["redirect_to"])
            else:
                claim.delete()
        return response

    return wrapper
