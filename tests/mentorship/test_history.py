"""History for the writes that skip save(): `update_with_history` and `history_record`."""

import pytest
from django.db.models import F

from matching.models import Pairing
from mentorship.history import attribute, history_record, update_with_history
from programmes.models import Enrolment

pytestmark = pytest.mark.django_db


def test_a_conditional_update_records_exactly_the_rows_it_changed(world, django_assert_num_queries):
    Pairing.objects.filter(pk=world.pair2.pk).update(status=Pairing.Status.PROPOSED)
    before = Pairing.history.count()

    # Lock and read the matching rows, update them, one INSERT for their history.
    with django_assert_num_queries(3):
        changed = update_with_history(
            Pairing.objects.filter(cohort=world.cohort, status=Pairing.Status.ACTIVE),
            by=world.admin,
            reason="Test",
            end_reason="Done",
        )

    assert changed == 1
    rows = list(Pairing.history.order_by("history_id")[before:])
    assert [(r.id, r.end_reason, r.status, r.history_type) for r in rows] == [
        (world.pair.pk, "Done", "active", "~")
    ]
    assert (rows[0].history_user_id, rows[0].history_change_reason) == (world.admin.pk, "Test")


def test_an_update_that_matches_nothing_writes_nothing(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert update_with_history(Pairing.objects.filter(pk=0), end_reason="x") == 0


def test_expressions_are_refused_since_history_could_not_say_the_value(world):
    with pytest.raises(TypeError):
        update_with_history(Enrolment.objects.all(), capacity=F("capacity") + 1)


def test_history_record_writes_created_rows_and_nothing_for_an_empty_list(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        history_record([])
    enrolment = world.pair.mentee
    history_record([enrolment], reason="Imported", created=True)
    row = enrolment.history.order_by("-history_id").first()
    assert (row.history_type, row.history_change_reason, row.history_user_id) == ("+", "Imported", None)


def test_attribute_names_the_actor_and_reason_of_the_next_save(world):
    enrolment = world.pair.mentee
    enrolment.capacity = 1
    attribute(enrolment, by=world.admin, reason="Checked")
    enrolment.save()
    row = enrolment.history.order_by("-history_id").first()
    assert (row.history_user_id, row.history_change_reason) == (world.admin.pk, "Checked")
