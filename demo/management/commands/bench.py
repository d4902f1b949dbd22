"""`make bench`: figures for speed and memory at programme scale. Prints; asserts nothing.

Runs against an empty database (make bench starts a throwaway PostgreSQL), seeds a large
organisation, then times the paths that grow with it.
"""

import logging
import resource
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from demo import loadtest
from demo.history import history_top_up
from demo.load import write_accounts
from demo.services import DEMO_PASSWORD, seed_demo
from matching import solver
from matching.models import Pairing
from matching.services import match_run_create
from people.models import Person
from people.stamps import people_changed
from programmes.models import Cohort, Enrolment
from sessions.models import CheckIn, Goal, MentoringSession


@contextmanager
def collected_static():
    """The static files the in-process timings render links to. With DEBUG off every {% static %}
    looks its file up in the collected manifest, so a page fails without one: use STATIC_ROOT's
    if it has been collected, else collect into a temporary folder for the while."""
    if (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        yield
        return
    with tempfile.TemporaryDirectory(prefix="bench-static-") as root, override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _main_pages() -> list[tuple[str, str, str]]:
    """(label, login, path) for each main page, on the demo's named people; None as login: anonymous."""
    mentee = User.objects.get(username="mentee").person
    pairing = Pairing.objects.filter(mentee__person=mentee, status=Pairing.Status.ACTIVE).first()
    goal = Goal.objects.filter(pairing=pairing).order_by("pk").first()
    cohort = pairing.cohort
    run = pairing.match_run
    pair = f"/pairings/{pairing.pk}"
    pages = [
        ("/healthz/ (reference)", None, "/healthz/"),
        ("member: home", "mentee", "/"),
        ("member: pair workspace", "mentee", f"{pair}/"),
        ("member: mentor's pairing list", "mentor", "/pairings/"),
        ("member: goal page", "mentee", f"{pair}/goals/{goal.pk}/" if goal else None),
        ("member: log a session", "mentee", f"{pair}/sessions/new/"),
        ("member: schedule a session", "mentee", f"{pair}/sessions/schedule/"),
        ("manager: home", "manager", "/"),
        ("manager: dashboard", "manager", "/dashboard/"),
        ("admin: home", "admin", "/"),
        ("admin: dashboard", "admin", "/dashboard/"),
        ("admin: cohort page", "admin", f"/programmes/cohorts/{cohort.pk}/"),
        ("admin: cohort list", "admin", "/programmes/cohorts/"),
        ("admin: enrolment review", "admin", f"/enrol/cohorts/{cohort.pk}/review/"),
        ("admin: match run", "admin", f"/matching/runs/{run.pk}/"),
        ("admin: people list", "admin", "/people/"),
        ("admin: people list, searched", "admin", "/people/?q=smith"),
        ("admin: person search (picker)", "admin", "/people/search/?q=smi"),
    ]
    return [(label, login, path) for label, login, path in pages if path]


def _kpi_export(rows: int) -> str:
    """`rows` agent-months for the organisation's people, in the 12 months before the demo's KPI
    history (so a first import creates them all), with Zendesk Explore's column names and numbers as
    spread as real ones."""
    import datetime as _dt

    from demo.kpis import history_months

    emails = list(Person.objects.exclude(email="").order_by("pk").values_list("email", flat=True))
    per_month = min(len(emails), rows // 12)
    first = history_months(_dt.date.today(), 30)[:12]
    months = [first[k % 12] for k in range(rows // per_month + 1)]
    rng = np.random.default_rng(9)
    csat, frt = rng.uniform(55, 100, rows).round(1), rng.lognormal(3.5, 0.6, rows).round(1)
    hours, tickets, qa = (
        rng.lognormal(2.5, 0.7, rows).round(1),
        rng.integers(10, 320, rows),
        rng.uniform(0.6, 1, rows),
    )
    lines = ["Assignee email,Month,Satisfaction score,First reply time (min),Full resolution time (hrs),"
             "Solved tickets,QA score"]  # fmt: skip
    for k in range(rows):
        lines.append(
            f"{emails[k % per_month]},{months[k // per_month]:%Y-%m},{csat[k]}%,{frt[k]},{hours[k]},"
            f"{tickets[k]},{qa[k]:.3f}"
        )
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Print speed and memory figures at programme scale (needs an empty database)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--mentees", type=int, default=5_000)
        parser.add_argument("--mentors", type=int, default=2_000)
        parser.add_argument(
            "--sessions", type=int, default=200_000, help="sessions in all, after the history top-up"
        )
        parser.add_argument(
            "--check-ins", type=int, default=100_000, help="check-ins in all, after the history top-up"
        )
        parser.add_argument(
            "--load-seconds", type=float, default=5.0, help="how long each page is loaded (after a warm-up)"
        )
        parser.add_argument(
            "--pages-only",
            action="store_true",
            help="only the page-load figures, against the database as it is (seeded by seed_demo)",
        )
        parser.add_argument(
            "--dashboard-only",
            action="store_true",
            help="only the dashboard's server times, against the database as it is (seeded by seed_demo)",
        )
        parser.add_argument(
            "--pages-matching",
            default="",
            metavar="TEXT",
            help="with --pages-only: only the pages whose label contains TEXT (e.g. member), and /healthz/",
        )
        parser.add_argument(
            "--load",
            action="store_true",
            help="only the load test (locust: mixed journeys against gunicorn), against the database "
            "as it is (seeded by seed_demo); exits non-zero on any failed request",
        )
        parser.add_argument(
            "--load-users", type=int, default=50, help="the load test's simulated people (default 50)"
        )
        parser.add_argument(
            "--load-time", type=float, default=120.0, help="how long the load test runs, in seconds"
        )
        parser.add_argument(
            "--reminders-only",
            type=int,
            nargs="?",
            const=50_000,
            default=None,
            metavar="PAIRINGS",
            help="only the reminder figures: a scan over PAIRINGS active pairings (and a fifth of them), "
            "and one worker's send rate to SMTP on loopback; adds its own rows to the database",
        )

    @contextmanager
    def timed(self, label: str, extra=lambda: ""):
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.stdout.write(f"{label:<58} {elapsed:8.2f} s  {extra()}")

    def page_loads(self, *, seconds: float, clients: int = 8, matching: str = "") -> None:
        """Each main page under load: gunicorn (4 workers) on this database, `clients` logged-in
        clients requesting it back to back; /healthz/ is the reference measured in the same run.
        `matching`: only the pages whose label contains it (and always /healthz/)."""
        pages = _main_pages()
        pages = pages[:1] + [page for page in pages[1:] if matching.lower() in page[0].lower()]
        connection.close()  # gunicorn's workers fork from their own process; this one only reads
        self.stdout.write(
            f"\npage loads: gunicorn, 4 workers, {clients} concurrent clients, {seconds:g} s each "
            f"({Person.objects.count():,} people)"
        )
        self.stdout.write(f"{'page':<40} {'req/s':>8} {'share':>7} {'p50 ms':>8} {'p95 ms':>8}")
        with loadtest.gunicorn(workers=4) as port:
            sessions: dict[str | None, list[loadtest.Client]] = {}
            reference = None
            for label, login, path in pages:
                if login not in sessions:
                    sessions[login] = [loadtest.Client(port) for _ in range(clients)]
                    if login:
                        for client in sessions[login]:
                            client.login(login, DEMO_PASSWORD)
                figure = loadtest.measure(sessions[login], path, seconds=seconds)
                reference = reference or figure.per_second
                share = f"1/{reference / figure.per_second:.1f}" if figure.per_second else "-"
                errors = f"  {figure.errors} errors" if figure.errors else ""
                self.stdout.write(
                    f"{label:<40} {figure.per_second:8.1f} {share:>7} {figure.percentile(0.5) * 1000:8.0f} "
                    f"{figure.percentile(0.95) * 1000:8.0f}{errors}"
                )
        self.stdout.write("")

    def load_test(self, *, users: int, seconds: float) -> int:
        """Issue 12: locust (demo/locustfile.py) with `users` simulated people on mixed journeys
        (log in, home and workspace, log a session, a goal's progress, the manager's dashboard, the
        admin's cohort page and dashboard) for `seconds`, against gunicorn with 4 workers on this
        database. Prints requests, failures, p50 and p95 per step and overall; returns the failures."""
        if users < 3:
            raise CommandError("--load-users: at least 3 (an admin, a manager and a member)")
        # A tenth each of admins and managers (5 and 5 of 50), the rest members in pairs of their own.
        staff = max(1, users // 10)
        connection.close()
        with tempfile.TemporaryDirectory(prefix="bench-locust-") as folder:
            accounts = Path(folder) / "accounts.json"
            members = write_accounts(accounts, members=users - 2 * staff)["members"]
            if not members:
                raise CommandError("no active pairing with a session and a goal: seed the database first")
            self.stdout.write(
                f"\nload test: locust, {users} simulated people (members: {users - 2 * staff} on "
                f"{len(members)} logins; admins: {staff}; managers: {staff}), {seconds:g} s, gunicorn with "
                f"4 workers ({Person.objects.count():,} people)"
            )
            connection.close()  # gunicorn's workers fork from their own process
            with loadtest.gunicorn(workers=4) as port:
                code, figures, output = loadtest.run_locust(
                    host=f"http://127.0.0.1:{port}",
                    accounts=str(accounts),
                    users=users,
                    seconds=seconds,
                    folder=folder,
                    env={"LOAD_ADMINS": str(staff), "LOAD_MANAGERS": str(staff)},
                )
        if not figures:
            self.stderr.write(output)
            return 1
        self.stdout.write(f"{'journey: step':<34} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}")
        for figure in figures:
            self.stdout.write(
                f"{figure.name:<34} {figure.requests:9d} {figure.failures:7d} "
                f"{figure.p50_ms:8.0f} {figure.p95_ms:8.0f}"
            )
        failures = figures[-1].failures
        if failures or code:
            self.stderr.write(output[-4000:])
        return failures or (1 if code else 0)

    def health_table(self, *, requests: int = 50) -> None:
        """Programme health (issue 9): the admin's table of every pairing, in process (Django's test
        client, no server), page 1 of the whole organisation sorted by a computed column."""
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username="admin"))
        pairings = Pairing.objects.exclude(status=Pairing.Status.PROPOSED).count()
        for path in ("/dashboard/health/", "/dashboard/health/?sort=-flags"):
            assert client.get(path, secure=True).status_code == 200  # warm-up
            # Each request empties the query log as it starts: start the capture from an empty one.
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                client.get(path, secure=True)
            query_count = len(queries)  # now: the next request empties the log it reads
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                client.get(path, secure=True)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[max(0, round(0.95 * len(times)) - 1)]
            label = f"programme health {path.removeprefix('/dashboard/health/')}, {pairings:,} pairings"
            self.stdout.write(
                f"{label:<58} "
                f"median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms over {requests}, "
                f"{query_count} queries"
            )

    def kpi_import(self, rows: int = 240_000) -> None:
        """The KPI import (issue 9): a helpdesk export of `rows` agent-months, Zendesk Explore's
        column names, checked (the preview) and applied as the Apply button's Celery task does it;
        then the same file again, which replaces every row."""
        from kpis import services as kpi_services

        text = _kpi_export(rows)
        for label in ("", ", again (every row replaced)"):
            with (
                CaptureQueriesContext(connection) as queries,
                self.timed(
                    f"KPI import, {rows:,} rows: check (preview){label}", lambda: f"{len(queries)} queries"
                ),
            ):
                result = kpi_services.kpi_import_check(text=text)
            with (
                CaptureQueriesContext(connection) as queries,
                self.timed(
                    f"KPI import, {rows:,} rows: check + apply{label}",
                    lambda queries=queries, result=result: (
                        f"{len(queries)} queries, {result.count('create'):,} created, "
                        f"{result.count('replace'):,} replaced"
                    ),
                ),
            ):
                kpi_services.kpi_import_apply(text=text)

    def dashboard_timings(self, requests: int = 50) -> None:
        """The outcomes dashboard's server time in this process (no network): the whole organisation
        and one team, median and p95 over `requests` requests after one that publishes its figures."""
        team = User.objects.get(username="manager").person.team_id
        cases = [
            ("dashboard, whole organisation (admin)", "admin", "/dashboard/"),
            ("dashboard, one team (admin, team filter)", "admin", f"/dashboard/?team={team}"),
            ("dashboard, a manager's teams", "manager", "/dashboard/"),
            ("outcome report, whole organisation", "admin", "/dashboard/report/"),
        ]
        modes = (
            (0, "worked out every time", None),
            # Each view after a write to people (or cohorts): the comparison groups are worked out
            # again too (dashboards/comparison.py), as by the first view after an HR change.
            (0, "worked out every time, each view after a write to people", people_changed),
            (300, "fresh (kept 5 minutes), as served", None),
            # Fresh for one second, then stale: each view is served the kept panels and asks a
            # worker (none runs here) to work them out again, as a view after the 5 minutes does.
            (1, "stale, served while a worker works them out again", None),
        )
        for seconds, mode, before_each in modes:
            self.stdout.write(f"\ndashboard server time, {requests} requests each, figures {mode}")
            self.stdout.write(f"{'page':<44} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
            with override_settings(ALLOWED_HOSTS=["*"], DASHBOARD_CACHE_SECONDS=seconds):
                for label, login, path in cases:
                    # Each case from nothing kept: panels kept by an earlier run or mode (and now
                    # stale, with no worker here to refresh them) would be timed instead.
                    cache.clear()
                    client = Client()
                    client.login(username=login, password=DEMO_PASSWORD)
                    assert client.get(path).status_code == 200
                    if seconds == 1:
                        time.sleep(1.1)
                    queries = []

                    def count(execute, *args, queries=queries):
                        queries.append(1)
                        return execute(*args)

                    # A wrapper, not CaptureQueriesContext: the request closes its connection.
                    # In a transaction, so every query is on this connection: outside one, the
                    # support-KPI panels run on a second (mentorship/alongside.py).
                    with connection.execute_wrapper(count), transaction.atomic():
                        client.get(path)
                    times = []
                    for _ in range(requests):
                        if before_each:
                            before_each()
                        start = time.perf_counter()
                        client.get(path)
                        times.append((time.perf_counter() - start) * 1000)
                    times.sort()
                    p95 = times[max(0, round(0.95 * len(times)) - 1)]
                    self.stdout.write(
                        f"{label:<44} {statistics.median(times):10.0f} {p95:8.0f} {len(queries):8d}"
                    )

    def row_counts(self) -> None:
        from kpis.models import AgentMonth

        counts = {
            "people": Person.objects.count(),
            "pairings (active or ended)": Pairing.objects.filter(
                status__in=(Pairing.Status.ACTIVE, Pairing.Status.ENDED)
            ).count(),
            "sessions": MentoringSession.objects.count(),
            "check-ins": CheckIn.objects.count(),
            "  of which flagged": CheckIn.objects.filter(CheckIn.FLAGGED).count(),
            "KPI rows (agent-months)": AgentMonth.objects.count(),
        }
        self.stdout.write("\nrows the timings below run on")
        for label, count in counts.items():
            self.stdout.write(f"  {label:<30} {count:>10,}")

    def handle(
        self,
        *args,
        people,
        mentees,
        mentors,
        sessions,
        check_ins,
        load_seconds,
        pages_only,
        dashboard_only,
        pages_matching="",
        reminders_only=None,
        load=False,
        load_users=50,
        load_time=120.0,
        **options,
    ):
        # The lockout's login records would be a line per timed request between the figures.
        logging.getLogger("axes").setLevel(logging.WARNING)
        call_command("migrate", verbosity=0)
        if load:
            if self.load_test(users=load_users, seconds=load_time):
                raise CommandError("the load test had errors (above)")
            return
        if reminders_only:
            from demo import reminders_bench

            reminders_bench.run(self.stdout, pairings=reminders_only, sends=2000)
            return
        if dashboard_only:
            self.row_counts()
            with collected_static():
                self.dashboard_timings()
            return
        if pages_only:
            self.page_loads(seconds=load_seconds, matching=pages_matching)
            if pages_matching:
                return
            with collected_static():
                self.health_table()
            return
        if Person.objects.exists():
            raise CommandError("bench needs an empty database: run it through `make bench`.")
        self.stdout.write(f"database: {connection.vendor}\n")

        with self.timed(f"seed_demo --people {people}"):
            seed_demo(people=people)
        # seed_demo's history is what the everyday demo needs; the size (200,000 sessions,
        # 100,000 check-ins at 20,000 people) comes from a set-based top-up on the same pairings.
        with self.timed("history top-up (sessions, check-ins)"):
            history_top_up(
                sessions=sessions - MentoringSession.objects.count(),
                check_ins=check_ins - CheckIn.objects.count(),
            )
        self.row_counts()
        # Before the blocks below add their own people: the pages at the organisation's size.
        self.page_loads(seconds=load_seconds)
        load_errors = self.load_test(users=load_users, seconds=load_time)

        with collected_static():
            self.dashboard_timings()
            reset_queries()
            self.health_table()
        admin = User.objects.get(username="admin")

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

        self.kpi_import()

        # --- issue 10, reminders: a scan over 50,000 active pairings; one worker's send rate ------
        from demo import reminders_bench

        reminders_bench.run(self.stdout, pairings=50_000, sends=2000)

        # --- issue 4, matcher: a full match run from database rows at 5,000 x 2,000 --------------
        # Self-contained: its own people (bulk-created, with a management tree, tags, time zones),
        # its own cohort with every rule switched on, a few pins and forbids; times match_run_create.
        import datetime as _dt

        from matching.models import PairRule as _PairRule
        from people.models import Tag as _Tag
        from people.models import Team as _Team

        match_rng = np.random.default_rng(4)
        n_mentees, n_mentors = mentees, mentors
        zones = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
        trait_values = {
            "communication": ["", "written", "spoken"],
            "structure": ["", "structured", "flexible"],
            "pace": ["", "steady", "fast"],
            "feedback": ["", "direct", "gentle"],
        }
        teams = _Team.objects.bulk_create([_Team(name=f"Bench team {k}") for k in range(40)])
        tags = _Tag.objects.bulk_create([_Tag(name=f"bench-topic-{k}") for k in range(60)])
        total = n_mentees + n_mentors
        base = _dt.date(2014, 1, 1)
        with self.timed(f"matcher bench setup: {total} people, tags, cohort"):
            bench_people = Person.objects.bulk_create(
                [
                    Person(
                        full_name=f"Bench {k}",
                        team=teams[int(match_rng.integers(len(teams)))],
                        # Mentors (the first n_mentors) joined earlier on the whole.
                        hire_date=base
                        + _dt.timedelta(days=int(match_rng.integers(0, 2500 if k < n_mentors else 4300))),
                        time_zone=zones[int(match_rng.integers(len(zones)))],
                        **{t: v[int(match_rng.integers(len(v)))] for t, v in trait_values.items()},
                    )
                    for k in range(total)
                ],
                batch_size=2000,
            )
            # A management tree: person k reports to person k // 8 (so chains are ~4 deep and
            # mentors manage some mentees, directly and further down).
            for k, person in enumerate(bench_people[1:], start=1):
                person.manager_id = bench_people[k // 8].pk
            Person.objects.bulk_update(bench_people[1:], ["manager"], batch_size=2000)
            through_i, through_s = Person.interests.through, Person.skills.through
            through_i.objects.bulk_create(
                [
                    through_i(person_id=p.pk, tag_id=tags[int(t)].pk)
                    for p in bench_people
                    for t in match_rng.choice(len(tags), size=4, replace=False)
                ],
                batch_size=5000,
            )
            through_s.objects.bulk_create(
                [
                    through_s(person_id=p.pk, tag_id=tags[int(t)].pk)
                    for p in bench_people[:n_mentors]
                    for t in match_rng.choice(len(tags), size=6, replace=False)
                ],
                batch_size=5000,
            )
            match_cohort = Cohort.objects.filter(state=Cohort.State.ACTIVE).first()
            match_cohort.pk = None
            match_cohort.name = "Matcher benchmark cohort"
            match_cohort.state = Cohort.State.ENROLLING
            match_cohort.min_tenure_gap_days = 180
            match_cohort.team_rule = Cohort.TeamRule.ANY
            match_cohort.min_overlap_hours = 2
            match_cohort.trait_modes = {"pace": "complementary"}
            match_cohort.fair_matching = False
            match_cohort.save()
            enrolled = Enrolment.objects.bulk_create(
                [
                    Enrolment(
                        cohort=match_cohort,
                        person=p,
                        role=Enrolment.Role.MENTOR,
                        capacity=int(match_rng.integers(1, 4)),
                    )
                    for p in bench_people[:n_mentors]
                ]
                + [
                    Enrolment(cohort=match_cohort, person=p, role=Enrolment.Role.MENTEE)
                    for p in bench_people[n_mentors:]
                ],
                batch_size=2000,
            )
            goal_through = Enrolment.goal_areas.through
            goal_through.objects.bulk_create(
                [
                    goal_through(enrolment_id=e.pk, tag_id=tags[int(t)].pk)
                    for e in enrolled[n_mentors:]
                    for t in match_rng.choice(len(tags), size=3, replace=False)
                ],
                batch_size=5000,
            )
            bench_mentors, bench_mentees = enrolled[:n_mentors], enrolled[n_mentors:]
            _PairRule.objects.bulk_create(
                [
                    _PairRule(
                        cohort=match_cohort,
                        mentee=bench_mentees[k],
                        mentor=bench_mentors[k],
                        kind=_PairRule.Kind.PIN if k % 2 else _PairRule.Kind.FORBID,
                    )
                    for k in range(20)
                ]
            )
        from matching.services import cohort_scores as _cohort_scores

        with (
            CaptureQueriesContext(connection) as queries,
            self.timed(
                f"  of which: load + score + rules (cohort_scores), {n_mentees} x {n_mentors}",
                lambda: f"{len(queries)} queries",
            ),
        ):
            _cohort_scores(match_cohort, bench_mentees, bench_mentors)
        for fair in (False, True):
            match_cohort.fair_matching = fair
            match_cohort.save(update_fields=["fair_matching"])
            with (
                CaptureQueriesContext(connection) as queries,
                self.timed(
                    f"match run from rows, {n_mentees} x {n_mentors}, all rules, fair={fair}",
                    lambda: f"{len(queries)} queries, peak RSS {_peak_rss_mb():.0f} MB",
                ),
            ):
                match_run = match_run_create(cohort=match_cohort, by=admin)
            quality = match_run.quality
            self.stdout.write(
                f"{'':<58} {quality['matched']} of {quality['mentees']} matched, mean "
                f"{quality['mean_score']}, lowest {quality['lowest_score']}, top-3 {quality['share_top3']}"
            )
            reasons: dict[str, int] = {}
            for item in match_run.unmatched:
                key = item["reason"].split(" (")[0].split(":")[0]
                reasons[key] = reasons.get(key, 0) + 1
            for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1])[:6]:
                self.stdout.write(f"{'':<58} unmatched {count:5d}: {reason}")
        # --- end of issue 4 matcher block ----------------------------------------------------------

        # --- Sparse solver (issue 4): begin. Self-contained; another block may follow. ---
        # matching.solver.assign alone on uniform random one-decimal scores. Peak memory is this
        # process's high-water RSS *during* the solve (Linux resets it through /proc/self/clear_refs;
        # elsewhere it falls back to the whole run's peak), so the scores input is included.
        def _bench_sparse_solver() -> None:
            import numpy as _np
            from scipy.optimize import linear_sum_assignment as _lsa

            from matching import solver as _solver

            def reset_peak() -> bool:
                try:
                    with open("/proc/self/clear_refs", "w") as handle:
                        handle.write("5")
                except OSError:
                    return False
                return True

            def peak_mb(resettable: bool) -> float:
                if resettable:
                    with open("/proc/self/status") as handle:
                        for line in handle:
                            if line.startswith("VmHWM:"):
                                return int(line.split()[1]) / 1024
                return _peak_rss_mb()

            def dense_total(scores, capacity) -> float:
                # The previous solver: SciPy on the slot-expanded matrix (every pair allowed and
                # at least as many slots as mentees, so every mentee is matched).
                slots = _np.repeat(_np.arange(scores.shape[1]), capacity)
                rows, cols = _lsa(scores[:, slots], maximize=True)
                return round(float(scores[rows, slots[cols]].sum()), 1)

            for n_mentees, n_mentors, label in ((5_000, 2_000, "3"), (20_000, 8_000, "1-3")):
                rng = _np.random.default_rng(4)
                scores = rng.uniform(0, 100, size=(n_mentees, n_mentors))
                _np.round(scores, 1, out=scores)  # in place: the input is the only full-size matrix
                capacity = _np.full(n_mentors, 3) if label == "3" else rng.integers(1, 4, size=n_mentors)
                resettable = reset_peak()
                with self.timed(
                    f"sparse solver, {n_mentees:,} x {n_mentors:,}, capacity {label}",
                    lambda resettable=resettable, size=scores.nbytes / 2**20: (
                        f"peak RSS {peak_mb(resettable):.0f} MB (scores input {size:.0f} MB)"
                    ),
                ):
                    pairs = _solver.assign(scores, capacity)
                total = round(float(sum(scores[i, j] for i, j in pairs)), 1)
                line = f"{len(pairs)} mentees matched, total score {total:.1f}"
                if n_mentees <= int(capacity.sum()) and n_mentees * int(capacity.sum()) <= 40_000_000:
                    dense = dense_total(scores, capacity)
                    line += f", dense optimum {dense:.1f}: {'equal' if dense == total else 'DIFFERENT'}"
                self.stdout.write(f"{'':<58} {line}")

        _bench_sparse_solver()
        # --- Sparse solver (issue 4): end. ---
        if load_errors:
            raise CommandError(f"the load test had {load_errors} errors (above)")
