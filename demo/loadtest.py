"""A small load driver for `make bench`: gunicorn on a free loopback port, logged-in clients on threads.

Prints nothing itself and asserts nothing: `bench` prints what `measure` returns. Threads are enough
for a driver because each waits on a socket almost all the time; the GIL only costs a little of the
client's own share of the two cores, and /healthz/ measured in the same run is the reference that
absorbs it.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(*, workers: int = 4, env: dict[str, str] | None = None):
    """gunicorn on 127.0.0.1 at a free port with this process's settings (and `env` over them);
    stopped on the way out."""
    port = free_port()
    static_root = tempfile.TemporaryDirectory(prefix="bench-static-")
    env = {
        **os.environ,
        # The driver speaks plain HTTP; secure-only cookies would still be sent by it, but say so.
        "SECURE_COOKIES": "false",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        # With DEBUG off pages need the collected, hashed static files, as in the production image.
        "STATIC_ROOT": static_root.name,
        **(env or {}),
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env=env, check=True
    )
    process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "mentorship.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        # Quiet: a page that answers other than 200 is counted as an error in its figure.
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError("gunicorn stopped while starting")
            try:
                status, _ = Client(port).get("/healthz/")
            except OSError:
                status = None
            if status == 200:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz/ within 30 s")
            time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        static_root.cleanup()


class Client:
    """One browser: its own cookies and one connection, reopened when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.HTTPException, ConnectionError):
                # gunicorn's sync workers close idle connections; a fresh one is what a browser does.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or ():
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status, data
        raise AssertionError("unreachable")

    def get(self, path: str):
        return self.request("GET", path)

    def login(self, username: str, password: str) -> None:
        status, page = self.get("/accounts/login/")
        token = CSRF_INPUT.search(page.decode())
        if status != 200 or token is None:
            raise RuntimeError(f"no login form (HTTP {status})")
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        )
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/accounts/login/",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed (HTTP {status})")


@dataclass
class Figure:
    requests: int
    seconds: float
    latencies: list[float]  # seconds, sorted
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        index = min(len(self.latencies) - 1, max(0, round(share * len(self.latencies)) - 1))
        return self.latencies[index]


def measure(clients: list[Client], path: str, *, seconds: float, warmup: float = 1.0) -> Figure:
    """Each client requests `path` back to back for `seconds` after a warm-up; answers other than
    200 count as errors."""
    start_at = time.monotonic() + warmup
    stop_at = start_at + seconds
    results: list[tuple[list[float], int, float]] = []
    lock = threading.Lock()

    def run(client: Client) -> None:
        latencies, errors, last = [], 0, start_at
        while True:
            began = time.monotonic()
            if began >= stop_at:
                break
            status, _ = client.get(path)
            ended = time.monotonic()
            if began >= start_at:
                latencies.append(ended - began)
                errors += status != 200
                last = ended
        with lock:
            results.append((latencies, errors, last))

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = sorted(value for values, _, _ in results for value in values)
    # Until the last answer: a slow page's last requests end well after `stop_at`.
    elapsed = max(last for _, _, last in results) - start_at
    return Figure(
        requests=len(latencies), seconds=elapsed, latencies=latencies, errors=sum(e for _, e, _ in results)
    )


LOCUSTFILE = os.path.join(os.path.dirname(__file__), "locustfile.py")


@dataclass
class JourneyFigure:
    name: str
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float


def run_locust(
    *, host: str, accounts: str, users: int, seconds: float, folder: str, env: dict | None = None
) -> tuple[int, list[JourneyFigure], str]:
    """locust, headless, in its own process: `users` simulated people (spawned within 10 s) for
    `seconds`. Returns its exit code (non-zero on any failure), a figure per request name with the
    whole run last ("overall"), and its output."""
    import csv

    prefix = os.path.join(folder, "locust")
    spawn_rate = max(1, users // 10)
    process = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            LOCUSTFILE,
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{max(1, round(seconds))}s",
            "--stop-timeout",
            "10",
            "--host",
            host,
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**os.environ, **(env or {}), "LOAD_ACCOUNTS": accounts},
        capture_output=True,
        text=True,
        check=False,
    )
    figures = []
    stats = f"{prefix}_stats.csv"
    if os.path.exists(stats):
        with open(stats, newline="") as file:  # noqa: PTH123
            for row in csv.DictReader(file):
                figures.append(
                    JourneyFigure(
                        name="overall" if row["Name"] == "Aggregated" else row["Name"],
                        requests=int(row["Request Count"]),
                        failures=int(row["Failure Count"]),
                        p50_ms=float(row["50%"] if row["50%"] != "N/A" else "nan"),
                        p95_ms=float(row["95%"] if row["95%"] != "N/A" else "nan"),
                    )
                )
    return process.returncode, figures, process.stdout + process.stderr
