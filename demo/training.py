"""Demo training: the programme's default modules (given to it on creation), two of them required,
and completions, so "My training", the to-do list, the completion page and the match run's rule
all have something to show.

- Coaching questions is required before matching (mentors): the upcoming cohort, still enrolling,
  is matched only with mentors who finished it. Being a mentee is required before the first
  session (mentees).
- The demo mentor finished three modules, the demo mentee all but one (Being a mentee), mentee2
  none; in the active cohort, about two people in three finished Active listening and about one
  mentor in two Coaching questions (chosen by person id, so a seed always gives the same rows).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from people.models import Person
from programmes.models import Cohort, Enrolment, Programme
from training.models import Completion, TrainingModule
from training.services import defaults_install

LISTENING = "Active listening"
FEEDBACK = "Giving feedback: situation, behaviour, impact"
COACHING = "Coaching questions"
TICKET_REVIEW = "Running a ticket review or a shadowing session"
DE_ESCALATION = "De-escalation"
BEING_A_MENTEE = "Being a mentee: preparing, asking, owning actions"

DONE_BY_LOGIN = {
    "mentor": [LISTENING, FEEDBACK, COACHING],
    "mentee": [LISTENING, TICKET_REVIEW, DE_ESCALATION],
}
BATCH_SIZE = 5000


def write_training(*, programme: Programme, active: Cohort) -> dict:
    defaults_install(programme=programme)  # already there from creation; kept for older databases
    modules = {m.title: m for m in TrainingModule.objects.filter(programme=programme)}
    TrainingModule.objects.filter(pk=modules[COACHING].pk).update(
        requirement=TrainingModule.Requirement.BEFORE_MATCHING
    )
    TrainingModule.objects.filter(pk=modules[BEING_A_MENTEE].pk).update(
        requirement=TrainingModule.Requirement.BEFORE_FIRST_SESSION
    )
    when = timezone.make_aware(datetime.datetime.combine(active.starts_on, datetime.time(10)))
    done: dict[tuple[int, int], Completion] = {}

    def finished(person_id: int, title: str, days: int) -> None:
        module = modules[title]
        done[(module.pk, person_id)] = Completion(
            module=module, person_id=person_id, completed_at=when - datetime.timedelta(days=days)
        )

    people = (
        Enrolment.objects.filter(cohort=active, status=Enrolment.Status.ACTIVE)
        .order_by("pk")
        .values_list("person_id", "role")
    )
    for person_id, role in people:
        if person_id % 3:
            finished(person_id, LISTENING, days=person_id % 20 + 1)
        if role == Enrolment.Role.MENTOR and person_id % 2:
            finished(person_id, COACHING, days=person_id % 10 + 1)
    logins = dict(Person.objects.filter(user__username__in=DONE_BY_LOGIN).values_list("user__username", "pk"))
    for login, titles in DONE_BY_LOGIN.items():
        for days, title in enumerate(titles, start=2):
            if login in logins:
                finished(logins[login], title, days=days)
    Completion.objects.bulk_create(done.values(), batch_size=BATCH_SIZE, ignore_conflicts=True)
    return {"training_completions": len(done)}
