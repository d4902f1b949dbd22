"""The product's name and brand colour, from PRODUCT_NAME and BRAND_COLOR (see README, "Configuration").

Everything here is worked out once, when settings load: base.html renders on every request, so the
page only prints strings that are ready. A brand colour is any #rrggbb; the shades the pages draw with
are derived from it so that text keeps WCAG AA contrast (4.5:1) whatever colour an organisation picks:
the text on the colour is white or near-black (whichever reads better), and links and outlined
buttons on the light page use the colour darkened until it reads on that background.
"""

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_PRODUCT_NAME = "Mentorship"
DEFAULT_BRAND_COLOR = "#1f4e8c"
# Text for anything on the brand colour: the one of these two with the higher contrast.
LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#111418"
# The light page backgrounds links sit on (Bootstrap's body and body-tertiary).
PAGE_BACKGROUNDS = ("#ffffff", "#f8f9fa")
AA_TEXT = 4.5
PRODUCT_NAME_MAX = 40

_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0, min(255, part))):02x}" for part in rgb)


def luminance(color: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(part) for part in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darken(color: str, amount: float) -> str:
    """The colour mixed with black: `amount` 0 keeps it, 1 gives black."""
    return _hex(tuple(part * (1 - amount) for part in _rgb(color)))


def readable_on(background: str) -> str:
    """White or near-black, whichever reads better on `background`."""
    if contrast(LIGHT_TEXT, background) >= contrast(DARK_TEXT, background):
        return LIGHT_TEXT
    return DARK_TEXT


def text_shade(color: str) -> str:
    """The colour as dark as it must be to read as text on every light page background (the
    colour itself when it already does)."""
    shade, step = color, 0
    while min(contrast(shade, page) for page in PAGE_BACKGROUNDS) < AA_TEXT:
        step += 1
        shade = darken(color, step * 0.05)
    return shade


@dataclass(frozen=True)
class Brand:
    name: str
    color: str  # the colour as configured: navbar, primary buttons
    on_color: str  # text on it
    hover: str  # buttons and the navbar's active item when pointed at or pressed
    text: str  # links and outlined buttons on the light page
    text_hover: str
    on_dark: bool  # the colour is dark (light text on it): the navbar uses Bootstrap's dark theme

    @cached_property
    def css(self) -> str:
        """The custom properties static/css/app.css draws with, served as a stylesheet of its own
        (mentorship.views.brand_css): the Content-Security-Policy refuses a <style> in the page."""
        return (
            f":root{{--brand:{self.color};--brand-rgb:{self.rgb};--brand-on:{self.on_color};"
            f"--brand-hover:{self.hover};--brand-text:{self.text};--brand-text-hover:{self.text_hover};"
            f"--bs-primary:{self.text};--bs-primary-rgb:{self.text_rgb};"
            f"--bs-link-color:{self.text};--bs-link-color-rgb:{self.text_rgb};"
            f"--bs-link-hover-color:{self.text_hover};--bs-link-hover-color-rgb:{self.text_hover_rgb};"
            f"--bs-focus-ring-color:rgba({self.rgb},.35)}}"
        )

    @cached_property
    def version(self) -> str:
        """Part of the stylesheet's address, so browsers keep it until the brand changes."""
        return hashlib.sha256(self.css.encode()).hexdigest()[:12]

    @property
    def rgb(self) -> str:
        return ", ".join(str(part) for part in _rgb(self.color))

    @property
    def text_rgb(self) -> str:
        return ", ".join(str(part) for part in _rgb(self.text))

    @property
    def text_hover_rgb(self) -> str:
        return ", ".join(str(part) for part in _rgb(self.text_hover))


def brand_from(name: str | None, color: str | None) -> Brand:
    """The brand for these variable values (None: not set); ImproperlyConfigured, naming the
    variable and what it accepts, for a value the pages could not use."""
    name = DEFAULT_PRODUCT_NAME if name is None else name.strip()
    if not name or len(name) > PRODUCT_NAME_MAX or any(ch in name for ch in "<>\n\r"):
        raise ImproperlyConfigured(
            f"PRODUCT_NAME must be 1 to {PRODUCT_NAME_MAX} characters on one line, without < or > "
            f"(got {name!r})."
        )
    color = DEFAULT_BRAND_COLOR if color is None else color.strip()
    if not _HEX.fullmatch(color):
        raise ImproperlyConfigured(
            f"BRAND_COLOR must be a colour written as #rrggbb, e.g. #1f4e8c (got {color!r})."
        )
    color = color.lower()
    on_color = readable_on(color)
    # Pointed-at buttons darken a little; on a light colour (dark text on it) that can cost the
    # text its contrast, and then they keep the colour.
    hover = darken(color, 0.15)
    if contrast(on_color, hover) < AA_TEXT:
        hover = color
    text = text_shade(color)
    return Brand(
        name=name,
        color=color,
        on_color=on_color,
        hover=hover,
        text=text,
        text_hover=darken(text, 0.2),
        on_dark=on_color == LIGHT_TEXT,
    )


def brand(request):
    """The context processor: the brand settings made at start, so every page pays nothing for it."""
    return {"brand": settings.BRAND}
