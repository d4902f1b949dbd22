"""A real OpenID provider for the single sign-on tests: django-oauth-toolkit with OpenID Connect on,
its own SQLite file and RSA key, both made by serve.py in a folder the test run owns. Nothing of the
product is installed here."""

import os
from pathlib import Path

WORKDIR = Path(os.environ["OIDC_PROVIDER_DIR"])

DEBUG = False
SECRET_KEY = "oidc-provider-for-tests-only-0123456789abcdef"  # noqa: S105 - signs this test server's sessions
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.oidc_provider.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "APP_DIRS": True,
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": WORKDIR / "provider.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/accounts/login/"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": (WORKDIR / "oidc.key").read_text() if (WORKDIR / "oidc.key").exists() else "",
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validator.EmailClaimsValidator",
    "SCOPES": {"openid": "OpenID Connect", "email": "Your email address"},
    "PKCE_REQUIRED": True,
    # The browser tests' live server listens on localhost and a port chosen at start.
    "ALLOW_LOCALHOST_LOOPBACK": True,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
