"""The registry is complete: a model that can hold something about a person cannot be added
without saying what the export, the erasure and the retention task do with it."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from people.models import Person
from privacy.registry import BY_MODEL, HOLDINGS


def _points_at_a_person(model) -> bool:
    return any(
        field.is_relation and field.concrete and field.related_model in (Person, get_user_model())
        for field in model._meta.get_fields()
    )


def _text_fields(model) -> set[str]:
    """Fields a person could write words into: text, JSON, and character fields without choices."""
    return {
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField | models.JSONField)
        or (isinstance(field, models.CharField) and not field.choices)
    }


def test_every_model_that_can_hold_personal_data_has_an_entry():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if (_points_at_a_person(model) or _text_fields(model)) and model._meta.label not in BY_MODEL
    ]
    # Django's own lookup tables name no one.
    missing = [label for label in missing if label not in NOT_ABOUT_PEOPLE]
    assert missing == [], f"add these to privacy/registry.py: {missing}"


NOT_ABOUT_PEOPLE = {
    "auth.Permission",
    "auth.Group",
    "contenttypes.ContentType",
    "people.Team",
    "people.Tag",
    "dashboards.PublishedFigure",
}


@pytest.mark.parametrize("holding", [h for h in HOLDINGS if h.installed], ids=lambda h: h.model)
def test_every_text_field_is_blanked_or_knowingly_kept(holding):
    model = holding.model_class
    unclassified = _text_fields(model) - set(holding.free_text) - set(holding.kept)
    assert unclassified == set(), f"{holding.model}: say whether {sorted(unclassified)} are free text or kept"


@pytest.mark.parametrize("holding", [h for h in HOLDINGS if h.installed], ids=lambda h: h.model)
def test_every_lookup_and_field_named_exists(holding):
    model = holding.model_class
    for name in (*holding.free_text, *holding.refs, *holding.kept):
        model._meta.get_field(name)
    queryset = model._base_manager.all()
    for lookup in (*holding.sees, *holding.wrote):
        str(queryset.filter(**{lookup: 1}).query)
    if holding.cohort:
        str(queryset.filter(**{holding.cohort: 1}).query)
    if holding.fields:
        annotations = holding.annotate(1) if holding.annotate else {}
        str(queryset.annotate(**annotations).values(*holding.fields, *annotations).query)


def test_an_exported_kind_names_its_owner_and_its_columns():
    for holding in HOLDINGS:
        if holding.kind:
            assert holding.sees and holding.fields, holding.model


def test_private_notes_are_exported_to_their_author_only():
    assert BY_MODEL["mentoring_sessions.SessionPrivateNote"].sees == ("author",)
