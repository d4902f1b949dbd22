from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One accepted post of a rendered form, keyed by the token the form carried.

    The unique token is the rule "a form is submitted once": a repeat (a double click, a reload that
    posts again, a retry after a timeout) finds the row and goes where the first post went."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    redirect_to = models.CharField(_("went to"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return self.token
