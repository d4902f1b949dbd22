import html

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape
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
        # The standard library's escape (what Django's wraps) without the lazy-text check per call:
        # a third of the time of 1,300 options.
        options = "".join(
            f'<option value="{html.escape(str(key))}"{" selected" if str(key) in chosen else ""}>'
            f"{html.escape(str(label))}</option>"
            for key, label in self.choices
        )
        final_attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{final_attrs}>{options}</select>')  # noqa: S308 (escaped above)


class _Rows(BaseChoiceIterator):
    """The choices of a LongModelChoiceField, read lazily (when the select is drawn) as (pk, label)."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.field.queryset.values_list("pk", self.field.label_field)


class LongModelChoiceField(forms.ModelChoiceField):
    """One row of a long list, offered as (pk, `label_field`) pairs rather than model instances
    (building 1,300 teams per page cost as much as drawing them)."""

    widget = LongSelect

    def __init__(self, queryset, *, label_field: str, **kwargs):
        self.label_field = label_field
        super().__init__(queryset, **kwargs)

    @property
    def choices(self):
        return _Rows(self)

    @choices.setter
    def choices(self, value):
        forms.ChoiceField.choices.fset(self, value)
