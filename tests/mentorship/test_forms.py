"""The limits every form of the project gets from mentorship.forms, and the id checks."""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.apps import apps

from mentorship.forms import (
    DATE_MAX,
    LONG_TEXT_MAX,
    BoundedForm,
    BoundedModelForm,
    IdField,
    ModelIdsField,
    parse_id,
)
from people.models import Tag


@pytest.mark.parametrize(
    "value", ["²", "١٢", "abc", "", " ", "0", "-1", "1.0", "9" * 25, str(2**63), None, [1]]
)
def test_parse_id_refuses_what_is_not_an_id_in_the_database_range(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(("value", "expected"), [("1", 1), (" 42 ", 42), (7, 7), (str(2**63 - 1), 2**63 - 1)])
def test_parse_id_reads_ascii_ids(value, expected):
    assert parse_id(value) == expected


def test_id_field_refuses_other_digits_in_words():
    field = IdField()
    with pytest.raises(forms.ValidationError, match="not a valid choice"):
        field.clean("²")
    assert field.clean("12") == 12


def test_a_25_digit_id_in_a_multi_select_is_refused_in_words_not_an_overflow(db):
    field = ModelIdsField(queryset=Tag.objects.all())
    with pytest.raises(forms.ValidationError, match="is not a valid value"):
        field.clean(["9" * 25])


class _Example(BoundedForm):
    when = forms.DateField()
    note = forms.CharField(required=False)
    count = forms.IntegerField(required=False)


def test_bounded_forms_refuse_far_dates_long_text_and_huge_numbers():
    form = _Example({"when": "9999-12-31", "note": "x" * (LONG_TEXT_MAX + 1), "count": "9" * 25})
    assert not form.is_valid()
    assert set(form.errors) == {"when", "note", "count"}
    assert _Example({"when": "0001-01-01"}).errors["when"]
    assert _Example({"when": DATE_MAX.isoformat()}).is_valid()
    assert 'max="2100-12-31"' in str(_Example()["when"])


def _project_forms():
    """Every form class defined in the project's own apps."""
    project = [a.name for a in apps.get_app_configs() if not a.path.count("site-packages")]
    found = set()
    for name in project:
        for module_name in ("forms", "views", "goal_forms", "checkin_views", "choice_views"):
            try:
                module = importlib.import_module(f"{name}.{module_name}")
            except ModuleNotFoundError:
                continue
            for _n, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, forms.BaseForm) and obj.__module__.split(".")[0] in project:
                    found.add(obj)
    return found


def test_every_form_of_the_project_is_bounded():
    found = _project_forms()
    assert len(found) > 20
    unbounded = [f.__qualname__ for f in found if not issubclass(f, (BoundedForm, BoundedModelForm))]
    assert unbounded == []


def test_dates_in_model_forms_are_bounded_too(world):
    from sessions.goal_forms import MilestoneForm

    form = MilestoneForm({"title": "Far", "due_on": (datetime.date(9999, 12, 31)).isoformat()})
    assert "due_on" in form.errors
