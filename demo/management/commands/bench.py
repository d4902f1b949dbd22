"""`make bench`: figures for speed and memory at programme scale. Prints; asserts nothing.

Runs against an empty database (make bench starts a throwaway PostgreSQL), seeds a large
organisation, then times the paths that grow with it.
"""

import resource
import time
from contextlib import contextmanager

import numpy as np
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from dashboards.selectors import overview
from demo.services import seed_demo
from matching import solver
from matching.services import match_run_create
from people.models import Person
from programmes.models import Cohort, Enrolment


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Print speed and memory figures at programme scale (needs an empty database)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--mentees", type=int, default=5_000)
        parser.add_argument("--mentors", type=int, default=2_000)

    @contextmanager
    def timed(self, label: str, extra=lambda: ""):
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.stdout.write(f"{label:<58} {elapsed:8.2f} s  {extra()}")

    def handle(self, *args, people, mentees, mentors, **options):
        call_command("migrate", verbosity=0)
        if Person.objects.exists():
            raise CommandError("bench needs an empty database: run it through `make bench`.")
        self.stdout.write(f"database: {connection.vendor}\n")

        with self.timed(f"seed_demo --people {people}"):
            seed_demo(people=people)

        admin = User.objects.get(username="admin")
        with (
            CaptureQueriesContext(connection) as queries,
            self.timed("dashboard overview, whole programme", lambda: f"{len(queries)} queries"),
        ):
            overview(admin)
        manager = User.objects.get(username="manager")
        with (
            CaptureQueriesContext(connection) as queries,
            self.timed("dashboard overview, one manager's teams", lambda: f"{len(queries)} queries"),
        ):
            overview(manager)
        reset_queries()

        rng = np.random.default_rng(1)
        scores = rng.uniform(0, 100, size=(mentees, mentors)).round(1)
        capacity = rng.integers(1, 4, size=mentors)
        with self.timed(
            f"solver alone, {mentees} x {mentors}, capacity 1-3", lambda: f"peak RSS {_peak_rss_mb():.0f} MB"
        ):
            pairs = solver.assign(scores, capacity)
        self.stdout.write(
            f"{'':<58} {len(pairs)} mentees matched, total score {sum(scores[i, j] for i, j in pairs):.1f}"
        )

        cohort = Cohort.objects.filter(state=Cohort.State.ACTIVE).first()
        cohort.pk = None
        cohort.name = "Benchmark cohort"
        cohort.state = Cohort.State.ENROLLING
        cohort.save()
        pool = list(Person.objects.filter(leave_date__isnull=True).values_list("pk", flat=True))
        size = min(len(pool) // 2, 1_000)
        Enrolment.objects.bulk_create(
            [
                Enrolment(cohort=cohort, person_id=pk, role=Enrolment.Role.MENTOR, capacity=2)
                for pk in pool[: size // 2]
            ]
            + [
                Enrolment(cohort=cohort, person_id=pk, role=Enrolment.Role.MENTEE)
                for pk in pool[size // 2 : size]
            ]
        )
        with self.timed(f"match run from database rows, {size - size // 2} mentees x {size // 2} mentors"):
            run = match_run_create(cohort=cohort, by=admin)
        self.stdout.write(f"{'':<58} {run.pairings.count()} pairs proposed")
        self.stdout.write(f"\npeak RSS of this process: {_peak_rss_mb():.0f} MB")

        # People import (issue 3): a 10,000-row HR export whose managers come after their reports,
        # checked and applied as the Apply button (or its Celery task) does it.
        import io as _io

        from django.core.files.uploadedfile import SimpleUploadedFile

        from people import importing as people_importing
        from people import selectors as people_selectors
        from people.services import people_import_apply

        out = _io.StringIO()
        out.write("employee_id,name,email,team,manager_employee_id,hire_date,leave_date\n")
        for n in range(10_000):
            manager = f"IMP{(n // 10) * 10 + 9}" if n % 10 != 9 else ""
            out.write(
                f"IMP{n},Imported {n},imported{n}@example.com,Import team {n % 25},{manager},"
                f"2024-01-{n % 28 + 1:02d},\n"
            )
        upload = SimpleUploadedFile("bench.csv", out.getvalue().encode(), content_type="text/csv")
        with self.timed("people import, 10,000 rows: validate (preview)"):
            result = people_importing.read(upload, people_selectors.import_snapshot())
        with self.timed(
            "people import, 10,000 rows: validate + apply", lambda: f"{result.count('create')} rows"
        ):
            people_import_apply(text=out.getvalue())
        with self.timed("people import, same 10,000 rows again (all unchanged)"):
            people_import_apply(text=out.getvalue())
        with self.timed("people import, 10,000 rows again, every name changed"):
            people_import_apply(text=out.getvalue().replace(",Imported ", ",Renamed "))
