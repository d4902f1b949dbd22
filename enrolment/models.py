from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Person
from programmes.models import Cohort, Enrolment
from programmes.stamps import CohortContentQuerySet


class Invitation(models.Model):
    """An emailed, signed link that lets one person join one cohort in one role."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=10, choices=Enrolment.Role.choices)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    # Every write replaces the cohort's stamp (programmes/stamps.py): the review page is kept under it.
    objects = CohortContentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "email"], name="invitation_once_per_cohort_email"),
        ]

    def __str__(self):
        return f"{self.email} → {self.cohort} ({self.role})"
