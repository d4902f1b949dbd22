"""Support KPIs: one row per agent per month, as a helpdesk export reports them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from people.models import BackgroundImport, Person


class AgentMonthQuerySet(models.QuerySet):
    def months_on_record(self):
        """One row per stored month, newest first: how many agents, and how many have each figure
        (a QA tool's export may fill only one of them)."""
        return (
            self.order_by()
            .values("month")
            .annotate(
                agents=Count("id"),
                **{f"with_{name}": Count(name) for name in FIGURE_FIELDS},
            )
            .order_by("-month")
        )


FIGURE_FIELDS = ("csat", "first_response_minutes", "resolution_minutes", "tickets_solved", "qa_score")
# Ramp-up is measured on the figures a team lead watches for a new hire's first months.
RAMP_UP_KPIS = ("csat", "tickets_solved")


class AgentMonth(models.Model):
    """An agent's figures for one calendar month (`month` is its first day). Every figure is optional:
    exports differ in what they carry, and a missing figure is not a zero."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="kpi_months")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    csat = models.DecimalField(_("CSAT (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    first_response_minutes = models.DecimalField(
        _("first response time (minutes)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    resolution_minutes = models.DecimalField(
        _("resolution time (minutes)"), max_digits=11, decimal_places=1, null=True, blank=True
    )
    tickets_solved = models.PositiveIntegerField(_("tickets solved"), null=True, blank=True)
    qa_score = models.DecimalField(_("QA score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    objects = AgentMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("agent month")
        verbose_name_plural = _("agent months")
        ordering = ["person", "month"]
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="kpi_one_row_per_agent_month"),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | (Q(csat__gte=0) & Q(csat__lte=100)), name="kpi_csat_percent"
            ),
            models.CheckConstraint(
                condition=Q(qa_score__isnull=True) | (Q(qa_score__gte=0) & Q(qa_score__lte=100)),
                name="kpi_qa_score_percent",
            ),
            models.CheckConstraint(
                condition=Q(first_response_minutes__isnull=True) | Q(first_response_minutes__gte=0),
                name="kpi_first_response_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(resolution_minutes__isnull=True) | Q(resolution_minutes__gte=0),
                name="kpi_resolution_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["month", "person"], name="kpi_month_person"),
            # Every figure in the key (not INCLUDE, which SQLite lacks): the dashboard's group means
            # read a group's months from this index alone, one probe per person, not the table.
            models.Index(fields=["person", "month", *FIGURE_FIELDS], name="kpi_person_month_figures"),
        ]

    def __str__(self):
        return f"{self.person} {self.month:%Y-%m}"

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("A month is stored as its first day.")})


class MedianReach(models.Model):
    """When an agent first reached their team's median of a ramp-up KPI, at or after their hire
    month: derived from the agent-months by kpis.services.median_reach_refresh, which every write of
    figures calls, so the dashboard reads it instead of ranking every team's months per view.

    One row per agent and KPI for each agent with at least one figure of it; `first_month` None: not
    yet. The team and hire date are those at the last refresh (a team move shows after the next
    import)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="median_reaches")
    kpi = models.CharField(_("KPI"), max_length=32)
    first_month = models.DateField(_("first month at the team median"), null=True, blank=True)

    class Meta:
        verbose_name = _("team median reached")
        verbose_name_plural = _("team medians reached")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "person"], name="kpi_one_reach_per_agent_kpi"),
            models.CheckConstraint(condition=Q(kpi__in=RAMP_UP_KPIS), name="kpi_reach_of_a_ramp_up_kpi"),
        ]

    def __str__(self):
        return f"{self.person} {self.kpi}"


class KpiImport(BackgroundImport):
    """One upload of a helpdesk export, through the same lifecycle as the people import
    (people/import_jobs.py): checked at preview, then applied inline or by a worker under a lease."""

    created_count = models.PositiveIntegerField(_("created"), default=0)
    replaced_count = models.PositiveIntegerField(_("replaced"), default=0)
    cleared_count = models.PositiveIntegerField(_("cleared"), default=0)

    class Meta(BackgroundImport.Meta):
        verbose_name = _("KPI import")
        verbose_name_plural = _("KPI imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=F("total_rows")), name="kpiimport_processed_within_total"
            ),
        ]
