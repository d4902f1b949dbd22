"""Security headers on every kind of response (a page, the public login page, 404, 500, /healthz/),
the HSTS settings the environment gives, and `check --deploy` with docker-compose.yml's values."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent.parent

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_security_headers(response) -> None:
    assert _directives(response["Content-Security-Policy"]) == _directives(POLICY)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    permissions = dict(part.split("=") for part in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "display-capture", "serial"):
        assert permissions[feature] == "()", feature
    assert permissions["fullscreen"] == "(self)"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_logged_in_page_carries_every_header(client, world):
    login(client, world.mentee.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_public_login_page_carries_every_header(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_security_headers(response)


def test_a_page_not_found_carries_every_header(client, world):
    login(client, world.mentee.user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response)


def test_the_server_error_page_carries_every_header_and_no_inline_style(client, db, settings):
    settings.ROOT_URLCONF = "tests.mentorship.csp_urls"
    client.raise_request_exception = False
    response = client.get("/csp-probe/server-error/")
    assert response.status_code == 500
    assert_security_headers(response)
    assert "style=" not in response.text and "<style" not in response.text


def test_healthz_carries_every_header(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_hsts_goes_out_on_https_with_the_configured_values(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # Never over plain HTTP, where a man in the middle could strip or forge it anyway.
    assert "Strict-Transport-Security" not in client.get(reverse("login"))


# --- the brand's stylesheet --------------------------------------------------------------------------


def test_pages_link_the_brand_stylesheet_instead_of_an_inline_style(client, db, settings):
    page = client.get(reverse("login")).text
    assert "<style" not in page
    assert f'href="{reverse("brand-css")}?v={settings.BRAND.version}"' in page


def test_the_brand_stylesheet_is_kept_until_the_brand_changes(client, db, settings):
    from mentorship.branding import brand_from

    response = client.get(reverse("brand-css"), {"v": settings.BRAND.version})
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response.text == settings.BRAND.css
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "--brand:#1f4e8c" in response.text

    settings.BRAND = brand_from("Buddies", "#e11d48")
    stale = client.get(reverse("brand-css"), {"v": "0" * 12})
    assert stale["Cache-Control"] == "no-cache"
    assert "--brand:#e11d48" in stale.text
    assert settings.BRAND.version != brand_from(None, None).version


# --- settings from the environment ------------------------------------------------------------------

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 50,
    "DATABASE_URL": "postgres://mentorship:pw@postgres:5432/mentorship",
}


def _hsts(**env) -> str:
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SECURE_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "mentorship.settings", **PRODUCTION, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_hsts_is_a_year_with_subdomains_and_preload_once_https_is_enforced():
    assert _hsts(SECURE_SSL_REDIRECT="true") == "31536000 True True"
    assert _hsts() == "0 True True"  # plain HTTP allowed: no HSTS


def test_each_hsts_value_is_settable():
    assert _hsts(
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_PRELOAD="false",
    ) == ("600 False False")


def compose_environment() -> dict[str, str]:
    """The app's environment as docker-compose.yml gives it (its x-app-env block): each
    ${NAME:-default} at its default, each required ${NAME:?...} at a value .env.example asks for."""
    required = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "mentorship.example.com",
        "SITE_URL": "https://mentorship.example.com",
        "POSTGRES_PASSWORD": "0123456789abcdef",
    }
    block = (ROOT / "docker-compose.yml").read_text().split("x-app-env: &app-env\n", 1)[1].split("\n\n", 1)[0]
    env = {}
    for line in block.splitlines():
        match = re.fullmatch(r"  ([A-Z_]+): (.*)", line)
        if not match:
            continue
        name, value = match.groups()
        value = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: m.group(2), value.strip().strip('"'))
        value = re.sub(r"\$\{(\w+):\?[^}]*\}", lambda m: required[m.group(1)], value)
        env[name] = value
    return env


def test_compose_environment_is_read_from_the_file():
    env = compose_environment()
    assert env["DEBUG"] == "false"
    assert env["DATABASE_URL"] == "postgres://mentorship:0123456789abcdef@postgres:5432/mentorship"
    assert env["SECURE_SSL_REDIRECT"] == "true"


@pytest.mark.timeout(120)
def test_check_deploy_passes_with_the_compose_files_values():
    """`manage.py check --deploy --fail-level WARNING` with nothing but docker-compose.yml's
    environment (no database or Redis needed: the checks connect to neither)."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **compose_environment()}  # noqa: S108
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_would_fail_on_the_old_plain_http_values():
    """The test above can fail: with HTTPS left to chance the deploy checks warn."""
    env = {
        "PATH": os.environ["PATH"],
        **compose_environment(),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


# --- nothing inline for the policy to refuse ----------------------------------------------------------

INLINE = {
    "a style attribute": re.compile(r"\sstyle\s*="),
    "a <style> element": re.compile(r"<style[\s>]"),
    "an inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>(?!</script>)", re.S),
    "an on*= handler": re.compile(r"\son[a-z]+\s*=\s*[\"']"),
    "a javascript: address": re.compile(r"javascript:", re.I),
}


def _page_sources():
    """Templates and Python that write HTML for pages; emails keep inline styles (email clients need
    them) and are never shown under the policy."""
    for path in (ROOT / "templates").rglob("*.html"):
        if "emails" not in path.relative_to(ROOT / "templates").parts:
            yield path
    for path in ROOT.glob("*/*.py"):
        if path.parts[-2] not in ("tests", ".venv") and "format_html" in path.read_text():
            yield path


def test_no_page_writes_an_inline_script_style_or_handler():
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in _page_sources()
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert found == []


def test_the_inline_scan_would_see_each_kind():
    samples = {
        "a style attribute": '<div class="x" style="width: 5%">',
        "a <style> element": "<style>p {}</style>",
        "an inline <script>": "<script>\n  go();\n</script>",
        "an on*= handler": '<button onclick="print()">',
        "a javascript: address": '<a href="javascript:go()">',
    }
    for what, sample in samples.items():
        assert INLINE[what].search(sample), what
    assert not INLINE["an inline <script>"].search('<script src="/static/js/app.js" defer></script>')
