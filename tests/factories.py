"""Factories for volume, and `build_world` for the named people every test knows."""

import datetime
import types
from decimal import Decimal

import factory
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import timezone

from kpis.models import AgentMonth
from kpis.services import median_reach_refresh
from matching.models import MatchRun, Pairing
from people.models import Person, Tag, Team
from programmes.models import Cohort, Enrolment, Programme
from sessions.models import CheckIn, Goal, MentoringSession


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("demo")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda p: f"{p.full_name.lower().replace(' ', '.')}@example.com")
    team = factory.SubFactory(TeamFactory)
    hire_date = datetime.date(2025, 1, 6)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("name",)

    name = "Support mentoring"


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 2, 28)
    cadence_days = 14
    # Factory people share a hire date; tests of the tenure rule set it themselves.
    min_tenure_gap_days = 0


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(PersonFactory)
    role = Enrolment.Role.MENTEE
    capacity = 1


class MatchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRun

    cohort = factory.SubFactory(CohortFactory)
    status = MatchRun.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    match_run = factory.SubFactory(MatchRunFactory)
    cohort = factory.SelfAttribute("match_run.cohort")
    mentor = factory.SubFactory(
        EnrolmentFactory, cohort=factory.SelfAttribute("..cohort"), role=Enrolment.Role.MENTOR, capacity=2
    )
    mentee = factory.SubFactory(EnrolmentFactory, cohort=factory.SelfAttribute("..cohort"))
    score = 72.5
    explanation = factory.LazyFunction(lambda: ["Both prefer written communication"])
    status = Pairing.Status.ACTIVE
    started_on = datetime.date(2026, 9, 8)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringSession

    pairing = factory.SubFactory(PairingFactory)
    held_on = datetime.date(2026, 9, 15)
    duration_minutes = 45
    topics = factory.LazyFunction(lambda: ["de-escalation"])
    notes = "Walked through three escalated tickets."
    rating = 4
    logged_by = factory.SelfAttribute("pairing.mentee.person")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    pairing = factory.SubFactory(PairingFactory)
    specific = "Lift my CSAT on billing tickets"
    metric = "CSAT %"
    baseline = 82
    target = 90
    due_on = datetime.date(2027, 1, 31)
    created_by = factory.SelfAttribute("pairing.mentee.person")


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    pairing = factory.SubFactory(PairingFactory)
    person = factory.SelfAttribute("pairing.mentee.person")
    satisfaction = 4


class AgentMonthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentMonth

    person = factory.SubFactory(PersonFactory)
    month = datetime.date(2026, 1, 1)
    csat = Decimal("85.00")
    first_response_minutes = Decimal("60.0")
    resolution_minutes = Decimal("600.0")
    tickets_solved = 120
    qa_score = Decimal("90.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Like every write of figures (the import, the demo), keep the ramp-up's MedianReach current.
        row = super()._create(model_class, *args, **kwargs)
        median_reach_refresh()
        return row


def person_with_login(username: str, full_name: str, **kwargs) -> Person:
    user = UserFactory(username=username, email=f"{username}@example.com")
    return PersonFactory(user=user, full_name=full_name, email=f"{username}@example.com", **kwargs)


def build_world(today: datetime.date):
    """admin, manager, mentor, mentee (pair 1), mentor2, mentee2 (pair 2), an outsider."""
    tier1 = TeamFactory(name="Tier 1")
    tier2 = TeamFactory(name="Tier 2")
    billing, apis, tone = (Tag.objects.get_or_create(name=n)[0] for n in ("billing", "APIs", "tone"))

    admin_user = UserFactory(username="admin")
    admin_user.groups.add(Group.objects.get_or_create(name=settings.ADMINS_GROUP)[0])

    manager = person_with_login("manager", "Maya Manager", team=tier2, hire_date=datetime.date(2019, 3, 4))
    mentor = person_with_login(
        "mentor",
        "Omar Mentor",
        team=tier2,
        manager=manager,
        hire_date=datetime.date(2021, 5, 10),
        communication="written",
        structure="structured",
        pace="steady",
        feedback="direct",
    )
    mentor.skills.set([billing, apis, tone])
    mentor.interests.set([billing, apis])
    mentee = person_with_login(
        "mentee",
        "Ada Mentee",
        team=tier1,
        manager=manager,
        hire_date=datetime.date(2026, 6, 1),
        communication="written",
        structure="flexible",
        pace="steady",
        feedback="direct",
    )
    mentee.interests.set([billing, tone])
    mentor2 = person_with_login("mentor2", "Lin Mentor", team=tier2, hire_date=datetime.date(2020, 1, 6))
    mentee2 = person_with_login("mentee2", "Bo Mentee", team=tier1, hire_date=datetime.date(2026, 7, 1))
    outsider = person_with_login("outsider", "Sam Outsider", team=tier1, hire_date=datetime.date(2024, 2, 1))

    cohort = CohortFactory(
        name="Autumn 2026",
        state=Cohort.State.ACTIVE,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 2, 28),
    )
    run = MatchRunFactory(cohort=cohort, created_by=admin_user, published_by=admin_user)
    pair = PairingFactory(
        match_run=run,
        mentor=EnrolmentFactory(cohort=cohort, person=mentor, role=Enrolment.Role.MENTOR, capacity=2),
        mentee=EnrolmentFactory(cohort=cohort, person=mentee, goals="Handle angry billing customers"),
    )
    pair2 = PairingFactory(
        match_run=run,
        mentor=EnrolmentFactory(cohort=cohort, person=mentor2, role=Enrolment.Role.MENTOR, capacity=1),
        mentee=EnrolmentFactory(cohort=cohort, person=mentee2),
    )
    return types.SimpleNamespace(
        today=today,
        admin=admin_user,
        manager=manager,
        mentor=mentor,
        mentee=mentee,
        mentor2=mentor2,
        mentee2=mentee2,
        outsider=outsider,
        cohort=cohort,
        run=run,
        pair=pair,
        pair2=pair2,
        teams=(tier1, tier2),
        tags=(billing, apis, tone),
    )
