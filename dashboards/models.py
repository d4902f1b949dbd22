from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublishedFigure(models.Model):
    """An answer-based figure as the dashboard last published it, for one scope and set of filters.

    Kept so a figure changes only when its group does (dashboards/privacy.py says the rule): while
    the group of people behind it stays in the same size band, the stored value is shown, so a
    single person changing an answer cannot be read off by comparing two views.
    """

    key = models.CharField(_("figure"), max_length=64, unique=True)
    band = models.PositiveIntegerField(_("size band"))
    value = models.FloatField(_("value"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")

    def __str__(self):
        return f"{self.key}: {self.value} (band {self.band})"


class PairingMonth(models.Model):
    """One pairing's sessions and check-ins in one calendar month, summed (dashboards/rollups.py
    keeps it and says how): the dashboard reads a few rows per pair instead of every session.

    "mentor" and "mentee" are the sides: the mentor's ratings of sessions (whoever logged them)
    and the mentor's pulse answers, and the same for the mentee. The pairing is referenced without
    a database constraint: the row is written when a session or check-in changes, which can happen
    while the pairing itself is being deleted (the sessions go first), and the nightly rebuild
    drops rows whose pairing is gone."""

    pairing = models.ForeignKey(
        "matching.Pairing", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField()
    sessions = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0)
    # Each side's ratings, then pulse answers: how many, their total, and the fingerprint of which
    # rows they are (dashboards/privacy.py's answer set: the sum, lowest and highest of their ids).
    mentor_rating_n = models.PositiveIntegerField(default=0)
    mentor_rating_sum = models.PositiveIntegerField(default=0)
    mentor_rating_ids = models.BigIntegerField(null=True)
    mentor_rating_lo = models.BigIntegerField(null=True)
    mentor_rating_hi = models.BigIntegerField(null=True)
    mentee_rating_n = models.PositiveIntegerField(default=0)
    mentee_rating_sum = models.PositiveIntegerField(default=0)
    mentee_rating_ids = models.BigIntegerField(null=True)
    mentee_rating_lo = models.BigIntegerField(null=True)
    mentee_rating_hi = models.BigIntegerField(null=True)
    mentor_pulse_n = models.PositiveIntegerField(default=0)
    mentor_pulse_sum = models.PositiveIntegerField(default=0)
    mentor_pulse_ids = models.BigIntegerField(null=True)
    mentor_pulse_lo = models.BigIntegerField(null=True)
    mentor_pulse_hi = models.BigIntegerField(null=True)
    mentee_pulse_n = models.PositiveIntegerField(default=0)
    mentee_pulse_sum = models.PositiveIntegerField(default=0)
    mentee_pulse_ids = models.BigIntegerField(null=True)
    mentee_pulse_lo = models.BigIntegerField(null=True)
    mentee_pulse_hi = models.BigIntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pairing", "month"], name="pairing_month_unique")]
        indexes = [models.Index(fields=["month"], name="pairing_month_month_idx")]

    def __str__(self):
        return f"{self.pairing_id} {self.month:%Y-%m}"


class ComparisonMember(models.Model):
    """Someone in the comparison group of one cohort's participants of one role, as
    dashboards/comparison.py defines it: that definition's join, over every person and cohort,
    kept in a table (comparison.py keeps it: worked out again after any write to people or cohorts),
    so the dashboard reads a few thousand rows instead of joining every team's people per view.

    Person and cohort are referenced without a database constraint: deleting either is a write to
    people or cohorts, after which the rows are worked out afresh anyway."""

    role = models.CharField(max_length=16)
    cohort = models.ForeignKey(
        "programmes.Cohort", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="comparison_memberships",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role", "cohort", "person"], name="comparison_member_once"),
        ]

    def __str__(self):
        return f"{self.person_id} compared for {self.role}s of cohort {self.cohort_id}"
