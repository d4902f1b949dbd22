"""keyset_chunks reads every row once, in pk order, a chunk per query, and stops at a short chunk."""

import pytest

from mentorship.chunks import keyset_chunks
from people.models import Team
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("rows", "queries"), [(0, 1), (3, 1), (4, 2), (9, 3)])
def test_every_row_once_in_order_with_one_query_per_chunk(rows, queries, django_assert_num_queries):
    made = [TeamFactory().pk for _ in range(rows)]
    with django_assert_num_queries(queries):
        chunks = list(keyset_chunks(Team.objects.all(), size=4))
    assert [len(c) for c in chunks] == [len(made[i : i + 4]) for i in range(0, rows, 4)]
    assert [t.pk for c in chunks for t in c] == sorted(made)


def test_rows_that_appear_while_reading_after_the_chunk_read_are_still_read():
    first = [TeamFactory() for _ in range(2)]
    seen = []
    for chunk in keyset_chunks(Team.objects.all(), size=2):
        seen += chunk
        if len(seen) == 2:
            TeamFactory()  # a higher pk: read by the next chunk, nothing read twice
    assert [t.pk for t in seen] == sorted([*[t.pk for t in first], seen[-1].pk])
    assert len(seen) == 3
