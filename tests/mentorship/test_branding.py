import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mentorship.branding import AA_TEXT, PAGE_BACKGROUNDS, brand_from, contrast

ROOT = Path(__file__).resolve().parent.parent.parent


def test_contrast_matches_the_wcag_figures():
    # Black on white is 21:1; Bootstrap's #0d6efd on white is the well-known 4.5:1 (4.50).
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#0d6efd", "#ffffff") == pytest.approx(4.50, abs=0.01)
    assert contrast("#777777", "#777777") == pytest.approx(1)


def test_defaults_when_nothing_is_set():
    brand = brand_from(None, None)
    assert brand.name == "Mentorship"
    assert brand.color == "#1f4e8c"
    assert brand.on_color == "#ffffff"
    assert brand.on_dark


COLOURS = ["#ffcc00", "#808080", "#00FF00", "#ffffff", "#000000", "#0d6efd", "#e11d48"]


@pytest.mark.parametrize("colour", COLOURS)
def test_every_colour_gets_shades_that_read_at_aa(colour):
    brand = brand_from("Acme", colour)
    assert brand.color == colour.lower()
    assert contrast(brand.on_color, brand.color) >= AA_TEXT
    assert contrast(brand.on_color, brand.hover) >= AA_TEXT
    for page in PAGE_BACKGROUNDS:
        assert contrast(brand.text, page) >= AA_TEXT
        assert contrast(brand.text_hover, page) >= AA_TEXT


def test_a_light_colour_gets_dark_text_and_darker_links():
    brand = brand_from("Acme", "#ffcc00")
    assert brand.on_color == "#111418"
    assert not brand.on_dark
    # Yellow on white is 1.6:1: links are the yellow darkened to an olive that reads.
    assert brand.text != brand.color
    assert contrast(brand.text, "#ffffff") >= AA_TEXT


def test_a_dark_colour_is_its_own_link_colour():
    brand = brand_from("Acme", "#1f4e8c")
    assert brand.text == "#1f4e8c"


def test_css_sets_the_brand_and_bootstraps_link_colour():
    css = brand_from("Acme", "#ffcc00").css
    assert "--brand:#ffcc00;" in css
    assert "--brand-on:#111418;" in css
    assert "--bs-link-color-rgb:128, 102, 0;" in css


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "1f4e8c", "#1f4e8c80", ""])
def test_a_colour_not_written_as_rrggbb_is_refused_by_name(colour):
    with pytest.raises(ImproperlyConfigured, match="BRAND_COLOR must be a colour written as #rrggbb"):
        brand_from(None, colour)


@pytest.mark.parametrize("name", ["", "   ", "x" * 41, "<b>Acme</b>", "Two\nlines"])
def test_an_unusable_product_name_is_refused(name):
    with pytest.raises(ImproperlyConfigured, match="PRODUCT_NAME must be"):
        brand_from(name, None)


def test_product_name_is_trimmed_and_may_carry_accents_and_ampersands():
    assert brand_from("  Café & Co  ", None).name == "Café & Co"


SHOW_NAME = "import django; django.setup(); from django.conf import settings as s; print(s.BRAND.name)"


def _start(**variables):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentorship.settings", "DEBUG": "true", **variables}
    return subprocess.run(
        [sys.executable, "-c", SHOW_NAME],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_app_refuses_to_start_with_a_bad_brand_colour_and_says_why():
    refused = _start(BRAND_COLOR="blue")
    assert refused.returncode != 0
    assert "BRAND_COLOR must be a colour written as #rrggbb" in refused.stderr
    started = _start(BRAND_COLOR="#0f766e", PRODUCT_NAME="Support Buddies")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "Support Buddies"


def test_every_page_carries_the_configured_name_and_colour(client, world, settings):
    settings.BRAND = brand_from("Support Buddies", "#ffcc00")
    client.force_login(world.mentee.user)
    html = client.get("/notifications/").content.decode()
    assert "<title>" in html and "· Support Buddies</title>" in html
    assert '<a class="navbar-brand fw-semibold" href="/">Support Buddies</a>' in html
    # The colours come in a stylesheet of their own (no inline <style> under the CSP), named by version.
    css_url = f"/brand.css?v={settings.BRAND.version}"
    assert f'href="{css_url}"' in html
    assert "--brand:#ffcc00;" in client.get(css_url).content.decode()
    # Dark text on yellow: the navbar takes Bootstrap's light theme.
    assert 'data-bs-theme="light"' in html


def test_the_login_page_carries_the_name_too(client, settings):
    settings.BRAND = brand_from("Support Buddies", None)
    assert "Support Buddies" in client.get("/accounts/login/").content.decode()


def test_emails_carry_the_product_name_and_colour(settings):
    from django.template.loader import render_to_string

    settings.BRAND = brand_from("Support Buddies", "#0f766e")
    html = render_to_string(
        "emails/lifecycle_body.html", {"first_name": "Ada", "url": "https://example.com/x"}
    )
    assert "<title>Support Buddies</title>" in html
    assert "border-top:4px solid #0f766e" in html
    assert "background:#0f766e;color:#ffffff" in html
    assert "Open Support Buddies" in html
