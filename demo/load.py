"""The logins and ids the load test (demo/locustfile.py) works with, made in the seeded database.

Fifty simulated people must not all be one mentee: one pair's stamp replaced by every simulated
write would make every kept page a miss, which no real organisation does. So each member journey
gets a pair of its own: the mentees of active pairings that already have a session (no training
step holds back the first one) and a goal are given logins `load-mentee-N` (password "demo", one
hash for all); the demo's `admin` and `manager` logins run the admin and manager journeys.
"""

import json
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef

from demo.services import DEMO_PASSWORD, LOGINS
from matching.models import Pairing
from people.models import Person
from sessions.models import Goal, MentoringSession

PREFIX = "load-mentee-"


@transaction.atomic
def load_accounts(*, members: int) -> dict:
    """Logins for up to `members` mentees (fewer if the organisation has fewer such pairs), each with
    their pairing and a goal, and the admin's cohort: what the locustfile reads."""
    pairings = (
        Pairing.objects.filter(status=Pairing.Status.ACTIVE)
        .filter(Exists(MentoringSession.objects.filter(pairing=OuterRef("pk"))))
        .filter(Exists(Goal.objects.filter(pairing=OuterRef("pk"))))
        .select_related("mentee__person__user")
        .order_by("pk")
    )
    hashed = make_password(DEMO_PASSWORD)
    accounts = []
    cohort = None
    for number, pairing in enumerate(pairings.iterator(chunk_size=200)):
        if len(accounts) == members:
            break
        person = pairing.mentee.person
        user = person.user
        if user is None:
            user, _ = User.objects.get_or_create(
                username=f"{PREFIX}{number}", defaults={"password": hashed, "email": person.email}
            )
            Person.objects.filter(pk=person.pk).update(user=user)
        elif not user.username.startswith(PREFIX) and user.username not in LOGINS:
            continue  # someone's own login, whose password we do not know
        elif user.username.startswith(PREFIX):
            User.objects.filter(pk=user.pk).update(password=hashed)
        goal = Goal.objects.filter(pairing=pairing).order_by("pk").first()
        accounts.append({"username": user.username, "pairing": pairing.pk, "goal": goal.pk})
        cohort = cohort or pairing.cohort_id
    return {"password": DEMO_PASSWORD, "members": accounts, "cohort": cohort}


def write_accounts(path: Path, *, members: int) -> dict:
    accounts = load_accounts(members=members)
    path.write_text(json.dumps(accounts))
    return accounts
