"""The test OpenID provider as a pytest fixture: started once per test session in a subprocess on
127.0.0.1 and a free port, stopped at the end; and a browser-less user agent for it (requests)."""

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.realservers import free_port

from . import serve

START_SECONDS = 60


@dataclass
class Provider:
    url: str  # the issuer: discovery is at url + "/.well-known/openid-configuration"
    log: Path

    def logged_in_as(self, username: str) -> requests.Session:
        """A user agent logged in at the provider as `username`, as a browser would be."""
        agent = requests.Session()
        page = agent.get(f"{self.origin}/accounts/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = agent.post(
            f"{self.origin}/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": serve.PASSWORD},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, f"could not log in at the provider as {username}"
        return agent

    @property
    def origin(self) -> str:
        return self.url.removesuffix("/o")


def _wait_until_up(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the test OpenID provider exited: {log.read_text(errors='replace')}")
        try:
            if requests.get(f"{url}/.well-known/openid-configuration", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the test OpenID provider did not start: {log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("oidc-provider")
    port = free_port()
    log = workdir / "provider.log"
    env = {**os.environ, "OIDC_PROVIDER_DIR": str(workdir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", str(port)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/o"
    try:
        _wait_until_up(proc, url, log)
        yield Provider(url=url, log=log)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
