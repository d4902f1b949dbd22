"""One settings module, driven by environment variables (see README, "Configuration").

Defaults give the embedded set-up: SQLite, a filesystem Celery broker and emails written to files,
so `make run` needs no server. Production sets the variables (docker-compose.yml does).
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mentorship.branding import brand_from

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated variable, forgiving spaces after the commas."""
    return [item.strip() for item in env.list(name, default=default) if item.strip()]


DEBUG = env.bool("DEBUG", default=False)

_INSECURE_KEY = "django-insecure-development-only-key"  # noqa: S105 (refused below when DEBUG is off)
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_KEY)
if not DEBUG and (SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters when DEBUG is off."
    )

# The product's name and colour (navbar, buttons, links, emails); refused at start when unusable.
BRAND = brand_from(env.str("PRODUCT_NAME", default=None), env.str("BRAND_COLOR", default=None))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Numbers grouped in thousands (intcomma) where an organisation's counts reach them.
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "rules.apps.AutodiscoverRulesConfig",
    # Audit history: who changed what and when on the records admins answer for (audit/).
    "simple_history",
    # Login lockout: failed attempts and logins are its standard models (privacy/ erases them).
    "axes",
    "submissions",
    "outbox",
    "people",
    "notifications",
    "programmes",
    "kpis",
    "training",
    "matching",
    "agreements",
    "library",
    "sessions.apps.MentoringSessionsConfig",
    "reminders",
    "dashboards",
    "enrolment",
    "closeout",
    "audit",
    "privacy",
    "home",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (settings near the end).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # /healthz/ ignores the caller's session, so a database outage is reported, not an error page.
    "mentorship.health.AnonymousHealthCheck",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An empty 405 (require_POST and friends) becomes a page of the product.
    "mentorship.middleware.method_not_allowed_page",
    # Signs out a session idle for SESSION_IDLE_MINUTES, saying so (hence after messages).
    "people.idle.IdleTimeoutMiddleware",
    # Lets each history row name the logged-in user who made the change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Turns a login refused by django-axes into its lockout page; last, as axes' docs ask.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "people.context_processors.roles",
                "mentorship.branding.brand",
            ],
            # mentorship is not an installed app (it holds settings), so its filters are named here.
            "libraries": {"figures": "mentorship.figures", "ui": "mentorship.ui"},
        },
    },
]

if not DEBUG and "DATABASE_URL" not in env:
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DEBUG is off (the SQLite default is for `make run` only)."
    )
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mentorship.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection is checked before a request reuses it: after a PostgreSQL restart the next
# request reconnects instead of failing on the dead connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, worker and beat share one SQLite file in the embedded set-up: wait on locks
    # instead of failing, and let readers run beside a writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: on the dashboards' aggregates over 20,000 people it spent 30-200 ms
    # compiling queries that run in a few milliseconds (PostgreSQL turns it on by default).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A server that does not answer fails the connection in seconds (libpq waits forever by
    # default), so neither a page nor /healthz/ hangs on it.
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3)
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: Redis when REDIS_URL is set (production), which every web process shares; otherwise
# Django's default, a cache in each process's memory (the embedded set-up).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "mentorship.cache.RedisCache",  # Django's, one client per pool
            "LOCATION": REDIS_URL,
            # Every key starts with this, so the cache never touches Celery's keys in a shared Redis
            # (and the tests empty only these).
            "KEY_PREFIX": "mentorship",
            # A Redis that hangs fails the request in seconds instead of holding a worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Sessions are read from Redis (no query on every page) and written through to the database,
    # so a Redis restart logs nobody out. Only with a cache every web process shares: with a cache
    # per process, a logout in one would leave the session alive in the others' caches.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# How long rendered parts of a pair's pages are kept (sessions/fragments.py): only in a cache every
# process shares, since each write replaces a stamp in it that the other processes must see.
PAIRING_FRAGMENT_SECONDS = 3600 if REDIS_URL else 0

# How long /healthz/ keeps the broker's and the cache's answers in the process (mentorship/health.py).
HEALTHZ_REMEMBER_SECONDS = env.float("HEALTHZ_REMEMBER_SECONDS", default=2.0)

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out login is refused before any backend checks a password (django-axes).
    "people.backends.LockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
    "people.sso.PersonOIDCBackend",  # single sign-on (people/sso.py); answers only its own callback
    # Django's model backend, loading each request's user with their roles in one query.
    "people.backends.RolesModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on through OpenID Connect (people/sso.py; README, "Single sign-on"): on when a client id
# and a provider are set. The provider's endpoints come from its discovery document at
# OIDC_PROVIDER_URL, fetched on first use (not at start, so a provider outage never stops the product);
# an endpoint set on its own wins over the discovered one.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_PROVIDER_URL = env.str("OIDC_PROVIDER_URL", default="").rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_BUTTON_LABEL = env.str("OIDC_BUTTON_LABEL", default="")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
# A provider that hangs fails the login in seconds instead of holding a web worker.
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
# --- Accounts: login lockout, password reset throttling, session lifetime (issue 12) ---------------
# django-axes counts failed logins on every form that calls authenticate() with the request: our
# login page and the Django admin's. Failures are counted per username *and* IP together: support
# teams sit behind one office address, so a lockout by IP alone would let one person (or one
# attacker) lock the whole floor out, and a lockout by username alone would let anyone anywhere
# lock a colleague out by typing their name. Guessing one person's password from one address is
# stopped after LOGIN_FAILURE_LIMIT tries; each try during the lockout starts the cool-off again.
# The price: a guesser with many addresses gets that many tries from each, against passwords the
# validators below keep off the common lists.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Only attempts with a username count (people/lockout.py says why).
AXES_WHITELIST_CALLABLE = "people.lockout.without_password"
# The product's page (429 with Retry-After, people/lockout.py) instead of axes' bare text.
AXES_LOCKOUT_CALLABLE = "people.lockout.login_locked_out"
# The client's address: REMOTE_ADDR, or X-Forwarded-For only behind that many proxies that append to
# it (people/lockout.py); otherwise anyone could send the header and be a new address every try.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "people.lockout.client_ip"
# "Forgot your password?" requests per hour of the clock (people/lockout.py), counted whether or not
# the address has a login: past PASSWORD_RESET_LIMIT for one address nothing more is sent to it (the
# page reads the same, so it still never says whether the address exists; and no mail-bombing a
# colleague); past PASSWORD_RESET_IP_LIMIT from one client, the lockout page.
PASSWORD_RESET_LIMIT = env.int("PASSWORD_RESET_LIMIT", default=3)
PASSWORD_RESET_IP_LIMIT = env.int("PASSWORD_RESET_IP_LIMIT", default=20)
# Signed out after this many minutes without a request (people/idle.py; 0: never), and at most
# SESSION_COOKIE_AGE seconds after logging in whatever the activity (a working day by default).
# The last-seen time is written at most once a minute: sessions are cached_db, a write is a query.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: EMAIL_URL picks the backend (smtp://host:port, consolemail://, filemail:///path, ...).
vars().update(env.email_url("EMAIL_URL", default="filemail://"))
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":  # noqa: F821 (set just above)
    # django-environ drops the leading "/" of filemail:///abs/path; a URL path is absolute.
    _mail_path = vars().get("EMAIL_FILE_PATH") or ""
    EMAIL_FILE_PATH = "/" + _mail_path.lstrip("/") if _mail_path else str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mentorship <mentorship@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Celery: with no broker server configured, kombu's filesystem transport lets a separate worker and
# beat process exchange messages through a folder, so the embedded set-up runs the real thing.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # The transport expects its folders; web, worker and beat all pass through here first.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Where the worker's broadcast (fanout) bindings live; kombu's default is "control" in the
        # current directory, which left an untracked folder in the checkout.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
REMINDER_SCAN_SECONDS = env.float("REMINDER_SCAN_SECONDS", default=300.0)
# Publishing a task gives up quickly when the broker is down: the outbox sweep sends it later, and
# a request must not hang on a broker that is not there.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60.0)
OUTBOX_CLAIM_LEASE_SECONDS = env.int("OUTBOX_CLAIM_LEASE_SECONDS", default=600)
# Chat webhooks (Slack, Teams): how long one post may wait for an answer before it is retried, and
# whether plain http to this machine is accepted as a webhook (a local stand-in, never in production).
CHAT_WEBHOOK_TIMEOUT_SECONDS = env.float("CHAT_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
CHAT_WEBHOOK_ALLOW_LOOPBACK = env.bool("CHAT_WEBHOOK_ALLOW_LOOPBACK", default=DEBUG)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "outbox.tasks.sweep",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    # A cohort's broadcast whose task was lost (broker down) or whose worker died is taken up here.
    "notifications-broadcast-sweep": {
        "task": "notifications.tasks.sweep_broadcasts",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    "submissions-forget-old": {
        "task": "submissions.tasks.forget_old",
        "schedule": 86400.0,
    },
    "people-import-sweep": {
        "task": "people.tasks.sweep_imports",
        "schedule": 60.0,
    },
    "kpi-import-sweep": {"task": "kpis.tasks.sweep_imports", "schedule": 60.0},
    "matching-run-sweep": {"task": "matching.tasks.expire_stale_runs", "schedule": 60.0},
    "scan-due-reminders": {
        "task": "reminders.tasks.scan_due_reminders",
        "schedule": REMINDER_SCAN_SECONDS,
    },
    "manager-digests": {"task": "dashboards.tasks.send_manager_digests", "schedule": 3 * 3600.0},
    "privacy-retention": {"task": "privacy.tasks.apply_retention", "schedule": 86400.0},
    # Kept on every write already; nightly, whatever bypassed the ORM is mended (dashboards/rollups.py).
    "dashboards-pairing-months": {"task": "dashboards.tasks.rebuild_pairing_months", "schedule": 86400.0},
    # The dashboard's kept panels of the views opened most, worked out before the day's first look.
    "dashboards-warm-panels": {"task": "dashboards.tasks.warm_panels", "schedule": 3600.0},
}
# Days after a cohort closes before its pairs' words are removed (privacy/retention.py); 0 or
# empty keeps them forever.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=730) if env.str("RETENTION_DAYS", default="730") else 0
if RETENTION_DAYS < 0:
    raise ImproperlyConfigured("RETENTION_DAYS must be 0 (keep forever) or a number of days.")
# Days django-axes' records of logins and failed logins are kept (the same nightly task); 0: forever.
LOGIN_RECORDS_DAYS = env.int("LOGIN_RECORDS_DAYS", default=90)

if env.bool("BEHIND_TLS_PROXY", default=False):
    # Only trust X-Forwarded-Proto behind a proxy that overwrites it; otherwise clients could fake it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
    # HSTS once the site is HTTPS-only (docker-compose.yml turns the redirect on): a year, for the
    # subdomains too. "preload" only consents to the browsers' built-in list, which takes whole
    # registrable domains (example.com, not mentorship.example.com); set it false on such a domain
    # whose other hosts are not all on HTTPS yet.
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_SSL_REDIRECT else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# SecurityMiddleware's defaults, named so a change shows here: nosniff, same-origin referrers, and a
# window of our own (COOP).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): everything from this site only, and no inline script, style
# attribute or <style> element anywhere (pages pass data through data- attributes and json_script to
# static/js/app.js). The Django admin gets the same policy. Browser tests fail on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): no page needs a device or a payment; fullscreen
# from this site only.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

ADMINS_GROUP = "Programme admins"
