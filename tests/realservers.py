"""Real servers for tests that cross process boundaries: an SMTP server that collects what it is
given, a real Celery worker and beat in subprocesses, and the URL of the test's own database for
them. Used by the reminder and outbox delivery tests."""

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CollectingHandler:
    """aiosmtpd handler that keeps every message it accepts (called on the controller's thread).

    `hold()` makes it stall before answering DATA, as a slow server does, so a test can kill the
    worker in the middle of a send; a held message is never accepted: its sender is gone by the
    time `release()` is called, and a server does not deliver what it never acknowledged."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()
        self._holding = False
        self._released = threading.Event()
        self.held = 0
        self.greetings = 0  # EHLOs: one per connection a client opened

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self._lock:
            self.greetings += 1
        return responses

    def hold(self):
        self._holding = True
        self._released.clear()

    def release(self):
        self._holding = False
        self._released.set()

    async def handle_DATA(self, server, session, envelope):
        if self._holding:
            with self._lock:
                self.held += 1
            while not self._released.is_set():
                await asyncio.sleep(0.05)
            return "451 Requested action aborted: the client went away"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self._lock:
            return len(self.messages)


@pytest.fixture
def smtp_server():
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


def subprocess_database_url() -> str:
    """A URL for the database this test runs in (pytest-django's test_<name>), for the subprocesses."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{quote(db['NAME'], safe='')}"


class CeleryProcesses:
    """A real `celery worker` and `celery beat`, logging to files so a full pipe can never block them."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.procs: dict[str, subprocess.Popen] = {}
        self.celery = str(Path(sys.executable).with_name("celery"))

    def kill_worker(self):
        """SIGKILL the worker and its pool children at once: no warm shutdown, no acknowledgement."""
        proc = self.procs["worker"]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        del self.procs["worker"]

    def start_worker(self, env: dict[str, str]):
        # Its own hostname, and no mingle/gossip: it must not talk to any other worker on this Redis.
        self._spawn(
            "worker",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "--loglevel=INFO",
            f"--hostname=tests-{uuid.uuid4().hex[:8]}@%h",
            "--without-mingle",
            "--without-gossip",
            env=env,
        )

    def start_beat(self, env: dict[str, str]):
        self._spawn(
            "beat",
            "beat",
            "--loglevel=INFO",
            f"--schedule={self.tmp_path / 'celerybeat-schedule'}",
            f"--pidfile={self.tmp_path / 'beat.pid'}",
            env=env,
        )

    def _spawn(self, name: str, *args: str, env: dict[str, str]):
        log = (self.tmp_path / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            [self.celery, "-A", "mentorship", *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Own process group, so teardown can reach the prefork children too.
            start_new_session=True,
        )
        log.close()

    def log(self, name: str) -> str:
        path = self.tmp_path / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def dump_logs(self):
        for name in self.procs:
            print(f"----- celery {name} (exit code {self.procs[name].poll()}) -----\n{self.log(name)}")

    def assert_running(self):
        dead = {name: proc.returncode for name, proc in self.procs.items() if proc.poll() is not None}
        assert not dead, f"celery exited early: {dead}"

    def stop(self):
        # Beat first, so no new scans are queued while the worker shuts down.
        for name in ("beat", "worker"):
            proc = self.procs.get(name)
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)  # warm shutdown: finish the running task
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@pytest.fixture
def celery_processes(tmp_path):
    processes = CeleryProcesses(tmp_path)
    try:
        yield processes
    finally:
        processes.stop()


def wait_until(condition, *, timeout: float, processes: CeleryProcesses) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        processes.assert_running()
        time.sleep(0.2)
    return condition()


class WebhookServer:
    """A chat service stand-in on 127.0.0.1 (a free port, a thread): records every POST (path and
    JSON body) and answers from `script`, a list of (status, headers, delay seconds) used in turn,
    then 200 "ok" as Slack does. Use as a context manager; `url(path)` is its address."""

    def __init__(self):
        import http.server
        import json

        server = self
        self.requests: list[tuple[str, dict]] = []
        self.script: list[tuple[int, dict, float]] = []
        self._lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server._lock:
                    server.requests.append((self.path, body))
                    status, headers, delay = server.script.pop(0) if server.script else (200, {}, 0)
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    answer = b"ok" if status < 400 else b"invalid_payload"
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own, which it may stop and start again on the same port: yields its
    URL, `start()` and `stop(keep_data=False)`. Stopped with `keep_data=True`, it comes back with
    what it held (as a Redis with an append-only file does, docker-compose.yml); otherwise empty."""
    import redis

    server = shutil.which("redis-server")
    assert server, "redis-server is not installed (apt-get install redis-server)"
    port = free_port()
    folder = tmp_path / "own-redis"
    folder.mkdir()
    pidfile = folder / "redis.pid"

    def start():
        subprocess.run(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "yes", "--pidfile", str(pidfile), "--dir", str(folder)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(*, keep_data: bool = False):
        if keep_data:
            redis.Redis(port=port, socket_timeout=5).save()  # dump.rdb, read again at start
        else:
            (folder / "dump.rdb").unlink(missing_ok=True)
        if pidfile.exists():
            pid = int(pidfile.read_text())
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            pidfile.unlink(missing_ok=True)

    start()
    try:
        yield f"redis://127.0.0.1:{port}/0", start, stop
    finally:
        stop()


def _pg_bindir() -> str | None:
    if os.environ.get("PG_BINDIR"):
        return os.environ["PG_BINDIR"]
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3])
    )
    if candidates:
        return str(candidates[-1].parent)
    found = shutil.which("initdb")
    return str(Path(found).parent) if found else None


class OwnPostgres:
    """A PostgreSQL cluster of one test's own (initdb, pg_ctl) on a free loopback port, which the
    test may stop, start and restart; run as the postgres user when the tests run as root, as
    PostgreSQL refuses root (scripts/with-services does the same)."""

    def __init__(self, bindir: str):
        import tempfile

        self.bindir = Path(bindir)
        # Not under pytest's tmp_path: its parents are private to the user running the tests.
        self.folder = Path(tempfile.mkdtemp(prefix="own-postgres-"))
        self.folder.chmod(0o755)
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.getuid() == 0:
            self.as_owner = ["runuser", "-u", "postgres", "--"]
            self.data.mkdir()
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "mentorship")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/mentorship"

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(  # noqa: S603 (the PostgreSQL programs, fixed arguments)
            [*self.as_owner, str(self.bindir / program), *args], check=True, capture_output=True
        )

    def _ctl(self, action: str, *args: str) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.data / "log"), "-w", "-o", options, action, *args
        )

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        # Fast: sessions in progress are cut off, as when the server is restarted for real.
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def own_postgres():
    bindir = _pg_bindir()
    if bindir is None or not Path(bindir, "initdb").exists():
        pytest.skip("the PostgreSQL server programs (initdb, pg_ctl) are not installed")
    cluster = OwnPostgres(bindir)
    try:
        yield cluster
    finally:
        cluster.close()


def site_password(password: str) -> str:
    """`password` hashed for a site started with the default settings (a server in a subprocess),
    which does not accept the tests' fast hasher; few iterations, as only the format matters."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt(), iterations=1000)
