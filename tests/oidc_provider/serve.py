"""Starts the test OpenID provider: `python -m tests.oidc_provider.serve PORT` with OIDC_PROVIDER_DIR
set to an empty folder. Makes an RSA signing key, the database, the users of USERS and the product's
application (CLIENT_ID, CLIENT_SECRET, REDIRECT_URI), then serves until it is stopped."""

import os
import sys
from pathlib import Path

CLIENT_ID = "mentorship-tests"
CLIENT_SECRET = "mentorship-tests-secret"  # noqa: S105 - a test provider's client, on loopback only
# Where the product's test client lives (Django's test client answers as http://testserver).
REDIRECT_URI = "http://testserver/accounts/sso/callback/"
# The live server of the browser tests: any port on localhost (RFC 8252's loopback rule).
LIVE_REDIRECT_URI = "http://localhost/accounts/sso/callback/"
PASSWORD = "provider-pass"  # noqa: S105 - every test user's password at this provider
# username -> (email the provider holds, whether it says the email is verified)
USERS = {
    "known": ("Known.Person@Example.com", True),
    "linked": ("linked@example.com", True),
    "stranger": ("stranger@example.com", True),
    "leaver": ("leaver@example.com", True),
    "unconfirmed": ("unconfirmed@example.com", False),
}


def _make_key(workdir: Path) -> None:
    from jwcrypto import jwk

    key = jwk.JWK.generate(kty="RSA", size=2048)
    (workdir / "oidc.key").write_bytes(key.export_to_pem(private_key=True, password=None))


def _seed() -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    for username, (email, verified) in USERS.items():
        User.objects.create_user(
            username, email=email, password=PASSWORD, last_name="" if verified else "unverified"
        )
    Application.objects.create(
        name="Mentorship",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,  # hashed on save; the product sends the plain value
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{REDIRECT_URI} {LIVE_REDIRECT_URI}",
        algorithm=Application.RS256_ALGORITHM,
        # A workforce provider that trusts its own apps: no consent screen between login and redirect.
        skip_authorization=True,
    )


def main(port: str) -> None:
    workdir = Path(os.environ["OIDC_PROVIDER_DIR"])
    _make_key(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    _seed()
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)


if __name__ == "__main__":
    main(sys.argv[1])
