"""`{{ cell|figure_cell }}`: a figure in a dashboard table. A suppressed one ("too few to show")
reads "too few" in small muted type on one line, so a table of small groups stays readable; the
rest of the words are there for screen readers, and the cell's text is unchanged. A count is
grouped in thousands (4,801), as the page's language writes it; the CSV keeps the bare number."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from dashboards.privacy import TooFew

register = template.Library()


@register.filter
def figure_cell(value):
    if isinstance(value, TooFew):
        return format_html(
            '<span class="too-few">{}<span class="visually-hidden">{}</span></span>',
            # Translators: "too few" + " to show" read together as "too few to show".
            _("too few"),
            _(" to show"),
        )
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return number_format(int(value), force_grouping=True)
    return value
