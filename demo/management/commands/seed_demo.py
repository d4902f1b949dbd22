import time

from django.core.management.base import BaseCommand, CommandError

from demo.services import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Load a demo support organisation with a mentoring programme and one login per role "
        f'(password "{DEMO_PASSWORD}"). Safe to run again: existing demo data is left as it is.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=60, help="How many employees (default 60).")
        parser.add_argument("--seed", type=int, default=7, help="Random seed: same seed, same data.")

    def handle(self, *args, people, seed, **options):
        started = time.perf_counter()
        try:
            summary = seed_demo(people=people, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        if summary["created"]:
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo data created in {seconds:.1f} s: {people} people ({left} have left) in {teams} "
                    "teams, {cohorts} cohorts, {enrolments} enrolments, {active_pairings} active pairings "
                    "({overdue_pairings} overdue), {sessions} sessions ({scheduled_sessions} planned), "
                    "{action_items} action items, {goals} goals ({goal_updates} progress updates), "
                    "{check_ins} check-ins, {kpi_months} agent-months of support KPIs.".format(
                        seconds=elapsed, **summary
                    )
                )
            )
        else:
            self.stdout.write("Demo data already present; made sure the demo logins work.")
        self.stdout.write(f'Demo logins (password "{DEMO_PASSWORD}"):')
        width = max(len(name) for name in summary["logins"])
        for username, role in summary["logins"].items():
            self.stdout.write(f"  {username:<{width}}  {role}")
