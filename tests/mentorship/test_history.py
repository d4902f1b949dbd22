"""History for the writes that skip save(): `update_with_history` and `history_copy`."""

import pytest
from django.db.models import F

from matching.models import Pairing
from mentorship.history import attribute, history_copy, update_with_history
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


def test_an_expression_is_recorded_as_the_value_it_wrote(world):
    enrolment = world.pair.mentor
    update_with_history(Enrolment.objects.filter(pk=enrolment.pk), capacity=F("capacity") + 1)
    row = enrolment.history.order_by("-history_id").first()
    assert row.capacity == 3 and row.history_type == "~"


def test_history_copy_copies_rows_as_stored_in_one_statement_per_batch(
    world, django_assert_num_queries, monkeypatch
):
    from mentorship import history

    with django_assert_num_queries(0):
        history_copy(Enrolment, [])
    enrolments = list(Enrolment.objects.filter(cohort=world.cohort).order_by("pk"))
    monkeypatch.setattr(history, "BATCH_SIZE", 3)
    with django_assert_num_queries(2):  # four rows, three a statement
        history_copy(Enrolment, [e.pk for e in enrolments], by=world.admin, reason="Imported", created=True)
    rows = list(Enrolment.history.filter(history_change_reason="Imported").order_by("id"))
    assert [(r.id, r.person_id, r.goals, r.status) for r in rows] == [
        (e.pk, e.person_id, e.goals, e.status) for e in enrolments
    ]
    assert {(r.history_type, r.history_user_id) for r in rows} == {("+", world.admin.pk)}
    # A datetime survives the copy as the same moment.
    assert rows[0].enrolled_at == enrolments[0].enrolled_at


def test_attribute_names_the_actor_and_reason_of_the_next_save(world):
    enrolment = world.pair.mentee
    enrolment.capacity = 1
    attribute(enrolment, by=world.admin, reason="Checked")
    enrolment.save()
    row = enrolment.history.order_by("-history_id").first()
    assert (row.history_user_id, row.history_change_reason) == (world.admin.pk, "Checked")
