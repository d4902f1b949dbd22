from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Person
from programmes.models import Cohort


class Erasure(models.Model):
    """That a person was erased, by whom and when: the audit of an erasure, without what was erased
    (the person row it points to is the anonymised one; `rows` counts what changed per kind)."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)
    # {"messages": 12, ...}: how many rows each step changed; numbers only.
    rows = models.JSONField(_("rows changed"), default=dict, blank=True)

    class Meta:
        ordering = ["-erased_at", "-pk"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self):
        return f"Erasure of person {self.person_id} at {self.erased_at:%Y-%m-%d %H:%M}"


class CohortClosure(models.Model):
    """When a cohort closed, and when the retention task removed its pairs' words: the cohort has no
    closing date of its own, and retention counts from it (privacy.retention)."""

    cohort = models.OneToOneField(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), default=timezone.now)
    content_removed_at = models.DateTimeField(_("content removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort closure")
        verbose_name_plural = _("cohort closures")

    def __str__(self):
        return f"{self.cohort_id} closed {self.closed_at:%Y-%m-%d}"
