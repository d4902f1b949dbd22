"""What a person has to do, as their home page lists it (issue 11).

Each app that owes a person a step offers `todo_for(person, *, today) -> list[TodoItem]` in its
selectors, in a fixed number of queries whatever the person has; the home page gathers them. An
item always leads somewhere the step can be done: never to an empty page.
"""

import dataclasses
import datetime


@dataclasses.dataclass(frozen=True)
class TodoItem:
    # A stable slug per kind of step ("session-confirm", "agreement-sign", "training"): tests and
    # the page's icons use it.
    kind: str
    # What to do, in words the person reads ("Sign your mentoring agreement with Sam Lee").
    title: str
    # Where it is done.
    url: str
    # When it is due, if it is; the list is sorted by it, and an item past it is shown as overdue.
    due: datetime.date | None = None
    # The pair it concerns: a mentor with several mentees sees their steps grouped per pair.
    pairing_id: int | None = None
    # One line of context under the title ("2 of 5 modules done").
    detail: str = ""
    # Other places the step can be taken from, as (label, url) pairs ("Add to my calendar").
    links: tuple[tuple[str, str], ...] = ()

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due is not None and self.due < today
