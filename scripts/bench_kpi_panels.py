"""Server time of the support-KPI and ramp-up panels at programme scale. Prints; asserts nothing.

Run against a throwaway PostgreSQL holding a seeded organisation (seed_demo --people 20000), e.g.

    scripts/with-services bash -c 'pg_dump --no-owner --no-privileges "$SRC_URL" | psql -q "$DATABASE_URL" \
        && .venv/bin/python manage.py migrate -v0 && .venv/bin/python scripts/bench_kpi_panels.py'

If the database has no KPI figures yet, it writes a history first: every person, every month from
June 2025 to November 2026 they were employed, with CSAT and tickets climbing over their first
months (faster for mentees) and noise. Never run it against a database you care about.
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ["SECURE_COOKIES"] = "false"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dashboards.filters import scope_for  # noqa: E402
from dashboards.kpi_panels import panels_for  # noqa: E402
from demo.services import DEMO_PASSWORD  # noqa: E402
from kpis.models import AgentMonth  # noqa: E402
from people.models import Person  # noqa: E402
from programmes.models import Cohort  # noqa: E402

SEED = """
WITH months AS (
    SELECT m::date AS month FROM generate_series(date '2025-06-01', date '2026-11-01', interval '1 month') m
), people AS (
    SELECT p.id, p.hire_date, p.leave_date,
           EXISTS (SELECT 1 FROM programmes_enrolment e
                   WHERE e.person_id = p.id AND e.role = 'mentee') AS mentee
    FROM people_person p
), rows AS (
    SELECT people.id, months.month, people.mentee,
           GREATEST(0, (EXTRACT(YEAR FROM months.month) - EXTRACT(YEAR FROM people.hire_date)) * 12
                       + EXTRACT(MONTH FROM months.month) - EXTRACT(MONTH FROM people.hire_date)) AS tenure
    FROM people JOIN months ON people.hire_date < months.month + interval '1 month'
                           AND (people.leave_date IS NULL OR people.leave_date >= months.month)
)
INSERT INTO kpis_agentmonth (person_id, month, csat, first_response_minutes, resolution_minutes,
                             tickets_solved, qa_score, imported_at)
SELECT id, month,
       LEAST(100, GREATEST(0, 72 + 16 * (1 - exp(-tenure / CASE WHEN mentee THEN 3.0 ELSE 5.0 END))
                              + (random() - 0.5) * 10))::numeric(5, 2),
       (30 + 90 * exp(-tenure / 6.0) + random() * 20)::numeric(10, 1),
       (300 + 900 * exp(-tenure / 6.0) + random() * 200)::numeric(11, 1),
       (40 + 100 * (1 - exp(-tenure / CASE WHEN mentee THEN 3.0 ELSE 5.0 END)) + random() * 20)::int,
       LEAST(100, 70 + 20 * (1 - exp(-tenure / 6.0)) + (random() - 0.5) * 8)::numeric(5, 2),
       now()
FROM rows
"""


def timed(label, fn, n=50, before=lambda: None):
    before()
    fn()
    before()
    with CaptureQueriesContext(connection) as queries:
        fn()
    times = []
    for _ in range(n):
        before()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{label:<58} median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  {len(queries)} queries")


def main():
    settings.ALLOWED_HOSTS = ["*"]
    if not AgentMonth.objects.exists():
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(SEED)
            cursor.execute("ANALYZE kpis_agentmonth")
        print(f"seeded {AgentMonth.objects.count():,} KPI rows in {time.perf_counter() - start:.1f} s")
    print(
        f"{Person.objects.count():,} people, {AgentMonth.objects.count():,} KPI rows, "
        f"{Cohort.objects.count()} cohorts"
    )
    closed = Cohort.objects.filter(state=Cohort.State.CLOSED).order_by("starts_on").first()
    for login in ("admin", "manager"):
        client = Client()
        assert client.login(username=login, password=DEMO_PASSWORD)
        user = client.get("/dashboard/kpis/").wsgi_request.user
        for label, query in (("all cohorts", ""), (f"cohort {closed.name}", f"cohort={closed.pk}")):
            scope = scope_for(user, QueryDict(query))[0]
            timed(
                f"{login}: both panels' figures, {label}, cold",
                lambda scope=scope: panels_for(scope),
                n=5,
                before=cache.clear,
            )
            timed(f"{login}: both panels' figures, {label}, kept", lambda scope=scope: panels_for(scope))
            path = f"/dashboard/kpis/?{query}"
            timed(f"{login}: GET {path}, kept", lambda path=path, client=client: client.get(path))
    mentee = Client()
    assert mentee.login(username="mentee", password=DEMO_PASSWORD)
    pairing = Person.objects.get(user__username="mentee").enrolments.first().pairings_as_mentee.first()
    if pairing:
        timed("mentee: pair workspace (with the KPI trend)", lambda: mentee.get(f"/pairings/{pairing.pk}/"))


main()
