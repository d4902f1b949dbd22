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
