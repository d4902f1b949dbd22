"""The demo's KPI history: one row per agent and month employed, and the story the dashboard shows
(mentored new hires ramp up faster; mentees improve more than comparable agents)."""

import datetime
import statistics

import pytest

from demo import kpis
from demo.services import seed_demo
from kpis.models import AgentMonth, MedianReach
from people.models import Person

TODAY = datetime.date(2026, 11, 2)


def test_history_months_are_the_last_18_full_months():
    months = kpis.history_months(TODAY)
    assert (len(months), months[0], months[-1]) == (18, datetime.date(2025, 5, 1), datetime.date(2026, 10, 1))


def _hires(count, *, first_pk, hired):
    return [Person(pk=first_pk + k, full_name=f"P{k}", hire_date=hired) for k in range(count)]


def test_mentored_new_hires_reach_the_team_median_sooner_and_gain_more_csat():
    """400 new hires in one team, hired the same day; half are mentored from their second month. A
    tenured half of the team sets the median. Computed from the generator's rows by hand."""
    hired = datetime.date(2025, 6, 1)
    veterans = _hires(400, first_pk=1, hired=datetime.date(2018, 1, 1))
    new = _hires(400, first_pk=1001, hired=hired)
    mentored = {p.pk: (datetime.date(2025, 7, 1), datetime.date(2026, 1, 1)) for p in new[:200]}
    people = veterans + new
    rows = kpis.kpi_rows(agents=people, team_of=[0] * len(people), mentored=mentored, today=TODAY, seed=7)

    by_month: dict[datetime.date, list[float]] = {}
    for _pk, month, csat, *_ in rows:
        if csat is not None:
            by_month.setdefault(month, []).append(csat)
    median = {month: statistics.median(values) for month, values in by_month.items()}

    def months_to_median(pk):
        for person, month, csat, *_ in rows:
            if person == pk and csat is not None and csat >= median[month]:
                return (month.year - hired.year) * 12 + month.month - hired.month
        return 99

    mentored_ramp = statistics.median(months_to_median(p.pk) for p in new[:200])
    others_ramp = statistics.median(months_to_median(p.pk) for p in new[200:])
    assert mentored_ramp < others_ramp

    def csat_of(group, months):
        values = [
            csat for pk, month, csat, *_ in rows if pk in group and month in months and csat is not None
        ]
        return statistics.mean(values)

    mentees, comparison = {p.pk for p in new[:200]}, {p.pk for p in new[200:]}
    before = {datetime.date(2025, 6, 1)}
    after = {datetime.date(2026, 3, 1), datetime.date(2026, 4, 1), datetime.date(2026, 5, 1)}
    mentee_gain = csat_of(mentees, after) - csat_of(mentees, before)
    comparison_gain = csat_of(comparison, after) - csat_of(comparison, before)
    # A little more, not a miracle: between 1 and 6 CSAT points of difference in differences.
    assert 1 < mentee_gain - comparison_gain < 6


def test_figures_stay_within_what_the_database_accepts():
    people = _hires(300, first_pk=1, hired=datetime.date(2024, 1, 1))
    rows = kpis.kpi_rows(agents=people, team_of=[k % 3 for k in range(300)], mentored={}, today=TODAY, seed=1)
    assert len(rows) == 300 * 18
    for _pk, _month, csat, frt, resolution, tickets, qa in rows:
        assert csat is None or 0 <= csat <= 100
        assert qa is None or 0 <= qa <= 100
        assert frt >= 0 and resolution >= 0 and tickets >= 0


@pytest.mark.django_db
def test_seed_demo_writes_kpi_months_for_every_agent_only_while_employed():
    summary = seed_demo(people=60, today=TODAY)
    months = kpis.history_months(TODAY)
    assert summary["kpi_months"] == AgentMonth.objects.count() > 0
    agents = Person.objects.filter(kpi_months__isnull=False).distinct()
    for person in agents:
        stored = list(person.kpi_months.values_list("month", flat=True))
        expected = [
            m
            for m in months
            if person.hire_date < kpis._next_month(m)
            and (person.leave_date is None or person.leave_date >= m)
        ]
        assert stored == expected, person
    # Managers and the head of support take no tickets; the named mentee has a trend to show.
    assert not AgentMonth.objects.filter(person__user__username="manager").exists()
    assert AgentMonth.objects.filter(person__user__username="mentee").count() >= 4


@pytest.mark.django_db
def test_seed_demo_works_out_the_ramp_up_from_its_figures():
    seed_demo(people=60, today=TODAY)
    # One MedianReach per agent and ramp-up KPI with a figure of it, and some reach the median.
    for kpi in ("csat", "tickets_solved"):
        with_figures = set(
            AgentMonth.objects.filter(**{f"{kpi}__isnull": False}).values_list("person", flat=True)
        )
        reaches = MedianReach.objects.filter(kpi=kpi)
        assert set(reaches.values_list("person", flat=True)) == with_figures != set()
        assert reaches.filter(first_month__isnull=False).exists()
