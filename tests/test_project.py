import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_no_model_change_lacks_a_migration(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _settings_import(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.SECRET_KEY"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "mentorship.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_refuse_to_start_without_a_real_secret_key_when_debug_is_off():
    refused = _settings_import({"DEBUG": "false"})
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr
    started = _settings_import({"DEBUG": "false", "SECRET_KEY": "x" * 50, "DATABASE_URL": "sqlite:///x.db"})
    assert started.returncode == 0, started.stderr


def test_settings_refuse_to_start_without_a_database_url_when_debug_is_off():
    refused = _settings_import({"DEBUG": "false", "SECRET_KEY": "x" * 50})
    assert refused.returncode != 0
    assert "DATABASE_URL must be set" in refused.stderr


def test_allowed_hosts_forgive_spaces_after_commas():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.ALLOWED_HOSTS)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mentorship.settings",
            "DEBUG": "true",
            "ALLOWED_HOSTS": "a.example, b.example",
        },
    )
    assert result.stdout.strip() == "['a.example', 'b.example']", result.stderr


def _email_settings(email_url: str | None) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentorship.settings", "DEBUG": "true"}
    env.pop("EMAIL_URL", None)
    if email_url is not None:
        env["EMAIL_URL"] = email_url
    code = (
        "from django.conf import settings as s; print(s.EMAIL_BACKEND.rsplit('.', 2)[-2], s.EMAIL_FILE_PATH)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_emails_default_to_files_in_var_mail_and_filemail_paths_stay_absolute():
    assert _email_settings(None) == f"filebased {ROOT / 'var' / 'mail'}"
    assert _email_settings("filemail:///srv/outbox") == "filebased /srv/outbox"


def _source_files(*patterns):
    for pattern in patterns:
        yield from (p for p in ROOT.glob(pattern) if ".venv" not in p.parts and "tests" not in p.parts)


def test_no_template_or_message_writes_a_plural_as_s_in_brackets():
    """Counts use Django's plural forms ({% blocktranslate count %}, ngettext), never "pair(s)"."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _source_files("templates/**/*.html", "templates/**/*.txt", "*/*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if "(s)" in line or "(es)" in line
    ]
    assert offenders == []


def test_every_page_links_the_favicon_and_the_old_address_leads_to_it(client):
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.svg")
    assert 'rel="icon"' in (ROOT / "templates" / "base.html").read_text()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith("/favicon.svg")


def test_the_embedded_broker_keeps_every_folder_under_var(tmp_path, monkeypatch, settings):
    """`make run` left a `control/` folder in the checkout: kombu's filesystem transport keeps its
    broadcast bindings in "control" under the current directory unless told otherwise."""
    import pytest
    from kombu import Connection, Exchange, Queue

    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        pytest.skip("CELERY_BROKER_URL names a broker server; the filesystem transport is not in use")
    var = (ROOT / "var").resolve()
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        assert Path(options[key]).resolve().is_relative_to(var), key

    monkeypatch.chdir(tmp_path)  # stands in for the checkout the processes run in
    broadcast = Exchange("probe.pidbox", type="fanout")
    with Connection("filesystem://", transport_options=options) as connection:
        Queue("probe-broadcast", exchange=broadcast)(connection.default_channel).declare()
    assert list(tmp_path.iterdir()) == []


def test_generated_files_are_under_var_or_ignored(settings):
    var = (ROOT / "var").resolve()
    assert Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).resolve().is_relative_to(var)
    assert "/var/" in (ROOT / ".gitignore").read_text().split()


def test_the_readme_stands_alone():
    """The README is read by people who have only the repository: it points at nothing outside it."""
    import re

    readme = (ROOT / "README.md").read_text()
    assert "../" not in readme
    assert not re.search(r"(DESIGN|STYLE)\.md", readme)


PAGE_TEMPLATES = [
    "templates/sessions",
    "templates/closeout",
    "templates/programmes",
    "templates/dashboards",
    "templates/enrolment",
    "templates/people",
    "templates/registration",
    "templates/library",
    "templates/agreements",
    "templates/training",
    "templates/home",
]


def _page_templates():
    yield from sorted((ROOT / "templates" / "home").rglob("*.html"))
    for folder in PAGE_TEMPLATES:
        yield from sorted((ROOT / folder).rglob("*.html"))


def test_page_templates_name_routes_directly_ask_the_model_and_keep_lines_short():
    """A `{% url … as x %}{% if x %}` hides a button when its route is renamed; a test should fail
    instead. States are asked of the model (`cohort.is_read_only`), not compared with strings."""
    import re

    state_string = re.compile(r"\.(state|status|matching_mode)\s*(==|!=)\s*['\"]")
    problems = []
    for path in _page_templates():
        name = path.relative_to(ROOT)
        text = path.read_text()
        for var in re.findall(r"{%\s*url\s[^%]*\sas\s+(\w+)\s*%}", text):
            if re.search(r"{%\s*(el)?if\b[^%]*\b" + var + r"\b", text):
                problems.append(f"{name}: route hidden behind {{% if {var} %}}")
        problems += [
            f"{name}:{n}: compares a state with a string"
            for n, line in enumerate(text.splitlines(), 1)
            if state_string.search(line)
        ]
        problems += [
            f"{name}:{n}: {len(line)} characters"
            for n, line in enumerate(text.splitlines(), 1)
            if len(line) > 200
        ]
    assert problems == []
