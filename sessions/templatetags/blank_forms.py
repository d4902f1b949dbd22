"""`{{ form|crispy_blank }}` and `{{ form.field|crispy_blank_field }}`: crispy's rendering of a blank
form or field, kept in this process.

The goal page shows four small blank forms and the session log fifteen fields; crispy's field
templates cost about 0.4 ms a field on every view, more than the widgets themselves. A form class
whose rendering follows from its fields alone says so with `RENDERS_FROM_INITIAL = True`; the
rendering of its blank form (or field) is then kept under everything it is made from: the class,
prefix and ids, the language, and per field its name, type, label, help text, whether required or
disabled, its widget's type and attributes, its choices and its initial value. A value that is not
plain data (a queryset's choices, say) is never kept. Bound forms (what was typed, and its errors)
are always rendered afresh. Kept in the process's memory, not the shared cache: a deploy restarts
the processes, so a changed form is never shown as it was.
"""

import datetime
import decimal
from collections import OrderedDict

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms, template
from django.utils.functional import Promise
from django.utils.translation import get_language

register = template.Library()

_KEPT_MAX = 1024
_kept: OrderedDict = OrderedDict()
_PLAIN = (str, int, float, bool, type(None), decimal.Decimal, datetime.date, datetime.time)


class _NotPlain(Exception):
    pass


def _plain(value):
    """`value` as plain, comparable data; _NotPlain for anything whose identity could stand in
    for its content (an object's repr holds its address, which a later object may reuse)."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    raise _NotPlain


def _field_key(bound_field):
    field, widget = bound_field.field, bound_field.field.widget
    return (
        bound_field.name,
        type(field),
        _plain(field.label),
        _plain(field.help_text),
        field.required,
        field.disabled,
        type(widget),
        _plain(widget.attrs),
        _plain(getattr(widget, "input_type", None)),
        _plain(getattr(widget, "format", None)),
        _choices(field),
        _plain(bound_field.value()),
    )


def _choices(field):
    if not hasattr(field, "choices"):
        return None
    if isinstance(field, forms.ModelChoiceField) and not hasattr(field, "_choices"):
        raise _NotPlain  # rows of a queryset, not known without reading them
    return _plain(list(field.choices))


def _form_key(form):
    return (type(form), form.prefix, form.auto_id, form.label_suffix, get_language())


def _kept_or(key, render):
    html = _kept.get(key)
    if html is None:
        html = render()
        _kept[key] = html
        if len(_kept) > _KEPT_MAX:
            _kept.popitem(last=False)
    return html


def _keepable(form) -> bool:
    return not form.is_bound and getattr(form, "RENDERS_FROM_INITIAL", False)


@register.filter
def crispy_blank(form):
    if not _keepable(form):
        return as_crispy_form(form)
    try:
        key = (_form_key(form), tuple(_field_key(form[name]) for name in form.fields))
    except _NotPlain:
        return as_crispy_form(form)
    return _kept_or(key, lambda: as_crispy_form(form))


@register.filter
def crispy_blank_field(bound_field):
    if not _keepable(bound_field.form):
        return as_crispy_field(bound_field)
    try:
        key = (_form_key(bound_field.form), _field_key(bound_field))
    except _NotPlain:
        return as_crispy_field(bound_field)
    return _kept_or(key, lambda: as_crispy_field(bound_field))


def forget() -> None:
    """Drop every kept rendering (tests start with none)."""
    _kept.clear()
