"""`{{ form|crispy_blank }}`: crispy's rendering of a blank form, kept in this process.

The goal page shows four small blank forms, and crispy spent about 1 ms rendering each on every
view (its field templates, not the widgets). A form class that renders the same whenever its
fields and their initial values are the same says so with `RENDERS_FROM_INITIAL = True`; its blank
rendering is then kept per (class, fields, initial values, language). Bound forms (with what was
typed and its errors) are always rendered afresh. Kept in the process's memory, not the shared
cache: a deploy restarts the processes, so a changed form is never shown as it was.
"""

from collections import OrderedDict

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import template
from django.utils.translation import get_language

register = template.Library()

_KEPT_MAX = 512
_kept: OrderedDict = OrderedDict()


def _key(form):
    fields = tuple(
        (name, type(field).__name__, repr(form[name].value())) for name, field in form.fields.items()
    )
    return (type(form), form.prefix, form.auto_id, get_language(), fields)


@register.filter
def crispy_blank(form):
    if form.is_bound or not getattr(form, "RENDERS_FROM_INITIAL", False):
        return as_crispy_form(form)
    key = _key(form)
    html = _kept.get(key)
    if html is None:
        html = as_crispy_form(form)
        _kept[key] = html
        if len(_kept) > _KEPT_MAX:
            _kept.popitem(last=False)
    return html


def forget() -> None:
    """Drop every kept rendering (tests start with none)."""
    _kept.clear()
