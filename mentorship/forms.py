"""What every form of the project accepts from a request, bounded once.

Browsers enforce `maxlength`, `min`, `max` and the number of formset rows; a script or a changed page
does not. So every form derives from `BoundedForm` or `BoundedModelForm`, which give each field the
limits the database and the rest of the code can live with, and every id typed into a request goes
through `parse_id` (or a field built on it) before it reaches a query: a 25-digit id overflows
SQLite's integers, and `str.isdigit()` accepts digits such as "²" that `int()` refuses.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# Primary keys are BigAutoField (DEFAULT_AUTO_FIELD): 64-bit signed on SQLite and PostgreSQL.
DB_ID_MAX = 2**63 - 1
# Form integers without a bound of their own: PostgreSQL's `integer`, the narrowest column they meet.
INT_MAX = 2**31 - 1
# Free text (notes, goals, comments): generous for a person typing, small enough to store and show.
LONG_TEXT_MAX = 5000
# Dates people type: wide enough for any hire date or plan, narrow enough that moving one across
# time zones or adding a session length can never leave the calendar (years 1 and 9999 do).
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)


def parse_id(value) -> int | None:
    """An id from a request: ASCII digits within the database's range, or None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(DB_ID_MAX)):
        return None
    number = int(text)
    return number if 0 < number <= DB_ID_MAX else None


class IdField(forms.IntegerField):
    """An id typed into a request (a query string, a plain form field), refused in words when it
    is not one."""

    default_error_messages = {"invalid": _("That is not a valid choice.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class ModelIdsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose values are checked to be ids before the `pk__in` query
    (Django looks them up as they come, and SQLite cannot bind a 25-digit number)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


def _date_bounds(value):
    if value < DATE_MIN or value > DATE_MAX:
        raise ValidationError(
            _("Pick a date between %(min)s and %(max)s."),
            code="date_out_of_range",
            params={"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
        )


def bound_fields(form: forms.BaseForm) -> None:
    """Give every field of `form` the server-side limits it lacks."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and _date_bounds not in field.validators:
            field.validators.append(_date_bounds)
            field.widget.attrs.setdefault("min", DATE_MIN.isoformat())
            field.widget.attrs.setdefault("max", DATE_MAX.isoformat())
        elif isinstance(field, forms.IntegerField) and not isinstance(field, IdField):
            if field.max_value is None:
                field.max_value = INT_MAX
                field.validators.append(MaxValueValidator(INT_MAX))
            if field.min_value is None:
                field.min_value = -INT_MAX
                field.validators.append(MinValueValidator(-INT_MAX))
        elif type(field) is forms.CharField and field.max_length is None:
            field.max_length = LONG_TEXT_MAX
            field.validators.append(MaxLengthValidator(LONG_TEXT_MAX))
            field.widget.attrs.setdefault("maxlength", str(LONG_TEXT_MAX))


class BoundedForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_fields(self)


class BoundedModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_fields(self)


class SearchForm(BoundedForm):
    """A search box's `q`: a CharField refuses NUL characters (PostgreSQL cannot store or compare
    them) and bounds the length."""

    q = forms.CharField(required=False, max_length=100)


def search_query(data) -> str:
    """What to search for from a query string: the text typed, or nothing when it is not usable."""
    form = SearchForm(data)
    return form.cleaned_data["q"].strip() if form.is_valid() else ""
