from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class DateInput(forms.DateInput):
    """A browser date picker (the default renders a plain text box)."""

    input_type = "date"


class LongSelect(forms.Select):
    """A <select> for long flat lists (a filter by one of 1,300 teams): its options are joined in
    Python. Django renders each option through a template, which made such a list most of a page's
    time. Same HTML as forms.Select for flat choices; nested (grouped) choices are not supported."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)  # noqa: S308 (a constant)
                for key, label in self.choices
            ),
        )
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)
