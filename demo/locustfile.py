"""The load test of `make bench` (`manage.py bench --load`): simulated people on mixed journeys
against gunicorn. Run by locust in its own process (locust patches the standard library with
gevent, which a Django process must not be):

    locust -f demo/locustfile.py --headless --users 50 --host http://127.0.0.1:8000

LOAD_ACCOUNTS names a JSON file written by `demo.load.write_accounts` (the logins, each member's
pairing and goal, the admin's cohort). Five admins and five managers (LOAD_ADMINS, LOAD_MANAGERS),
the rest members. Every request is named "journey: step" so the figures read per journey; an
answer other than the one expected (a form sent back with errors instead of a redirect) fails.
"""

import datetime
import itertools
import json
import os
import re
from pathlib import Path

from locust import HttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
_members = itertools.cycle(ACCOUNTS["members"])
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
HELD_ON = re.compile(r'name="held_on" value="([^"]+)"')


def hidden_fields(page: str) -> dict[str, str]:
    """The form's hidden inputs: the CSRF token, the submission token, a formset's counts."""
    return dict(HIDDEN.findall(page))


class Person(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    username = ""

    def on_start(self):
        self.log_in()

    def log_in(self):
        page = self.client.get("/accounts/login/", name="log in: form")
        with self.client.post(
            "/accounts/login/",
            data={**hidden_fields(page.text), "username": self.username, "password": ACCOUNTS["password"]},
            headers={"Referer": f"{self.host}/accounts/login/"},
            allow_redirects=False,
            name="log in: send",
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login as {self.username}: HTTP {answer.status_code}")

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")
            return answer

    def send(self, path: str, data: dict, name: str):
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"HTTP {answer.status_code} (a redirect means saved)")


class Member(Person):
    """A mentee of their own pair: home, the pair's workspace, logging a session, a goal's progress."""

    weight = 1

    def on_start(self):
        account = next(_members)
        self.username = account["username"]
        self.pair = f"/pairings/{account['pairing']}/"
        self.goal = f"{self.pair}goals/{account['goal']}/"
        super().on_start()

    @task(3)
    def workspace(self):
        self.page("/", "home")
        self.page(self.pair, "workspace")

    @task(1)
    def log_a_session(self):
        form = self.page(f"{self.pair}sessions/new/", "log a session: form")
        if form.status_code != 200:
            return
        held_on = HELD_ON.search(form.text)
        data = {
            **hidden_fields(form.text),
            "held_on": held_on.group(1) if held_on else datetime.date.today().isoformat(),
            "duration_minutes": "30",
            "format": "video",
            "notes": "Load test: walked through two escalations",
            "rating": "4",
        }
        self.send(f"{self.pair}sessions/new/", data, "log a session: save")

    @task(1)
    def goal_update(self):
        form = self.page(self.goal, "goal update: goal page")
        if form.status_code != 200:
            return
        data = {**hidden_fields(form.text), "value": "85", "note": "Load test: two reviews done"}
        self.send(f"{self.goal}progress/", data, "goal update: save")


class Manager(Person):
    fixed_count = int(os.environ.get("LOAD_MANAGERS", "5"))
    username = "manager"

    @task
    def dashboard(self):
        self.page("/dashboard/", "manager: dashboard")


class Admin(Person):
    fixed_count = int(os.environ.get("LOAD_ADMINS", "5"))
    username = "admin"

    @task(2)
    def cohort_page(self):
        self.page(f"/programmes/cohorts/{ACCOUNTS['cohort']}/", "admin: cohort page")

    @task(1)
    def dashboard(self):
        self.page("/dashboard/", "admin: dashboard")
