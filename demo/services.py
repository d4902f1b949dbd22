"""Demo data: a believable support organisation running one mentoring programme.

`seed_demo` runs on every `make run` and, with `--people 20000`, before benchmarks, so it is
idempotent (once the programme exists a second run only repairs the five logins) and writes with
`bulk_create` in batches, never a `save()` per row. Everything random comes from one
`random.Random(seed)` consumed in a fixed order, and no set is iterated where order matters, so a
seed and a date always give the same organisation.

Pairs are scored and explained by `matching.scoring`, the same code the real matcher uses, so
the demo's reasons read exactly like the product's.
"""

from __future__ import annotations

import datetime
import math
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from faker import Faker

from closeout.models import Reflection, SurveyResponse
from demo import home as demo_home
from demo import kpis, recognition
from demo import library as demo_library
from demo.agreements import write_agreements
from demo.notifications import seed_notifications
from demo.training import write_training
from matching import scoring
from matching.models import MatchRun, Pairing
from people.models import WORK_STYLE_TRAITS, Communication, Feedback, Pace, Person, Structure, Tag, Team
from programmes.models import SUPPORT_TOPICS, Cohort, Enrolment, Programme
from sessions.models import ActionItem, CheckIn, Goal, GoalUpdate, MentoringSession, ScheduledSession

PROGRAMME_NAME = "Support mentoring"
ACTION_ITEMS = (
    "Draft a macro for partial refunds and share it with the team",
    "Shadow one tier-2 escalation call",
    "Re-read the refund policy and list three questions",
    "Review two of my low-rated tickets before we meet",
    "Try the new triage view for a full shift",
    "Write a short summary after each phone escalation this week",
    "Pair on one API error ticket from the queue",
    "Ask the billing team how chargebacks are handled",
)
PROGRESS_NOTES = (
    "Measured over the last two weeks.",
    "Better after the macro work.",
    "Dipped during the release week.",
    "Steady; the shadowing helped.",
    "",
)
REFLECTION_ACHIEVED = (
    "Cut my billing escalations to tier 2 by more than half.",
    "Built a macro library for refunds that the whole team now uses.",
    "Handled my first angry enterprise customer on my own, start to finish.",
    "Got my first-response time under the team target three weeks running.",
)
REFLECTION_LEARNED = (
    "Slowing down to restate the customer's problem saves time later.",
    "Asking for a second pair of eyes early beats a perfect reply late.",
    "Teaching someone else made me see gaps in my own product knowledge.",
    "A short written summary after a call prevents most follow-up tickets.",
)
MENTOR_MOTIVATIONS = (
    "I remember how hard the first months on the queue were, and I like helping people find their feet.",
    "Three years on billing and refunds; I enjoy explaining the why behind our policies.",
)
DEMO_PASSWORD = "demo"  # noqa: S105 (the published password of the demo logins)
LOGINS = {
    "admin": "programme admin (and the Django admin)",
    "manager": "team lead of Tier 1: team dashboards",
    "mentor": "mentor in the active cohort, paired with mentee",
    "mentee": "mentee, paired with mentor",
    "mentee2": "mentee in another pairing",
}
# Below this the manager cannot have eight reports and the cohorts get too thin to show anything.
MIN_PEOPLE = 30
BATCH_SIZE = 1000
EMAIL_DOMAIN = "example.com"
EMPLOYEE_ID_PREFIX = "SUP-"

# The shared tag list, with how often each turns up in a profile: a few topics everyone meets,
# some niche ones, so overlaps (and explanations) look like a real team's.
SUPPORT_TAGS = {
    "billing": 9,
    "refunds": 7,
    "APIs": 5,
    "integrations": 5,
    "tone": 8,
    "de-escalation": 7,
    "ticket triage": 8,
    "macros": 6,
    "SLAs": 5,
    "onboarding": 5,
    "product knowledge": 9,
    "tooling": 5,
    "coaching": 3,
    "chargebacks": 3,
    "escalations": 5,
    "knowledge base": 4,
    "bug reports": 4,
    "live chat": 5,
    "phone support": 4,
    "CSAT": 5,
    "accessibility": 2,
    "data privacy": 2,
}
_TAG_NAMES = list(SUPPORT_TAGS)
_TAG_WEIGHTS = list(SUPPORT_TAGS.values())

# (team, region): the first four always exist; more (then numbered pods) as the organisation grows.
BASE_TEAMS = (
    ("Tier 1", "EMEA"),
    ("Tier 2", "EMEA"),
    ("Billing", "Americas"),
    ("Onboarding", "EMEA"),
    ("Tier 3", "Americas"),
    ("Enterprise", "Americas"),
    ("Integrations", "EMEA"),
    ("Payments", "EMEA"),
    ("Trust & Safety", "APAC"),
    ("Quality", "APAC"),
)
REGIONS = {
    "EMEA": (
        ("Europe/Dublin", "Europe/London", "Europe/Berlin", "Europe/Lisbon", "Europe/Warsaw"),
        ("en_GB", "en_IE", "de_DE", "fr_FR", "es_ES", "nl_NL", "pl_PL"),
    ),
    "Americas": (
        ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo"),
        ("en_US", "es_MX", "pt_BR"),
    ),
    "APAC": (
        ("Asia/Manila", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney"),
        ("en_IN", "id_ID", "en_NZ"),
    ),
}
PEOPLE_PER_TEAM = 15
LEADS_PER_DIRECTOR = 8

# What a mentee writes about a goal area, in their own words.
GOAL_WORDS = {
    "billing": "I freeze on complicated invoices and proration questions and want to answer them myself.",
    "refunds": "I want to handle refund requests, including the edge cases, without escalating every one.",
    "APIs": "Developer tickets about API errors scare me; I want to understand enough to help them.",
    "integrations": "I'd like to troubleshoot integration tickets end to end instead of passing them on.",
    "tone": "My replies come across as curt when I'm busy. I want to sound warm without being slow.",
    "de-escalation": "Angry customers rattle me. I want a calm way through the first few minutes.",
    "ticket triage": "I spend too long deciding what to pick up next; I want to triage the queue faster.",
    "macros": "I want to write good macros instead of retyping the same answers.",
    "SLAs": "I keep missing SLAs on busy days and want a way to stay ahead of the clock.",
    "onboarding": "I'd like to run onboarding calls for new customers on my own.",
    "product knowledge": "I want to know the product well enough not to check the docs for every ticket.",
    "tooling": "I want to get much quicker in the helpdesk: views, shortcuts, automations.",
    "coaching": "I'd like to start helping newer teammates and learn how to give useful feedback.",
    "chargebacks": "Chargebacks confuse me; I want to know what to do before they become disputes.",
    "escalations": "I want to know when and how to escalate so engineering takes my tickets seriously.",
    "knowledge base": "I want to turn what I learn on tickets into knowledge-base articles.",
    "bug reports": "I want to write bug reports engineers can act on without coming back to me.",
    "live chat": "Juggling three chats at once overwhelms me; I want to keep quality up on chat.",
    "phone support": "I'm nervous on the phone and want to be as confident there as in writing.",
    "CSAT": "My CSAT is below the team's and I want to understand why and fix it.",
    "accessibility": "I want to support customers who use screen readers properly.",
    "data privacy": "I want to handle data-deletion and privacy requests correctly and confidently.",
}
MENTOR_GOALS = (
    "",
    "",
    "Practise coaching before I apply for team lead.",
    "Give back: I had a great mentor in my first year.",
    "Get better at explaining what I do without thinking about it.",
)

# SMART goal templates: (specific, metric, baseline, target, achievable, relevant, goal areas).
GOAL_TEMPLATES = (
    ("Lift my CSAT on billing tickets", "CSAT %", 82, 90,
     "Review two low-rated billing tickets with my mentor every fortnight.",
     "Billing tickets drive most of our detractors.", ("billing", "CSAT", "tone")),
    ("Cut my first response time on chat", "median first response (minutes)", 9, 4,
     "Use macros for the five most common chat questions.",
     "Chat customers leave if we are slow to answer.", ("live chat", "macros", "SLAs")),
    ("Resolve refund requests without escalating", "escalation rate %", 22, 10,
     "Learn the refund policy edge cases and shadow Tier 2 twice a month.",
     "Every escalation doubles the time to resolution.", ("refunds", "escalations", "chargebacks")),
    ("Write macros for the common API errors", "macros published", 0, 5,
     "Draft one macro a week; my mentor reviews it before it goes live.",
     "Developers ask the same questions every week.", ("APIs", "macros", "integrations")),
    ("Handle integration tickets end to end", "integration tickets solved per week", 2, 8,
     "Pair on integration tickets during ticket-shadowing sessions.",
     "Integration tickets wait longest in the queue.", ("integrations", "APIs", "bug reports")),
    ("Bring my handle time down", "average handle time (minutes)", 18, 12,
     "Learn the helpdesk shortcuts and saved views my mentor uses.",
     "The team's capacity plan assumes twelve minutes a ticket.", ("tooling", "ticket triage")),
    ("Keep SLA breaches on my queue near zero", "SLA breaches per month", 6, 1,
     "Triage at the start of every shift with the SLA view open.",
     "Breaches cost us service credits with enterprise customers.", ("SLAs", "ticket triage")),
    ("Raise my quality-review score", "QA score %", 74, 88,
     "Go through my QA reviews with my mentor and rewrite the weakest replies.",
     "Quality reviews decide who moves to Tier 2.", ("tone", "product knowledge", "CSAT")),
    ("Run onboarding calls on my own", "onboarding calls led", 0, 6,
     "Shadow three calls, co-lead two, then lead with my mentor listening.",
     "Onboarding is short-staffed every quarter start.", ("onboarding", "phone support")),
    ("Publish knowledge-base articles from my tickets", "articles published", 1, 4,
     "Turn one solved ticket a fortnight into an article draft.",
     "Good articles deflect tickets before they reach us.", ("knowledge base", "product knowledge")),
    ("Calm escalated calls without handing them over", "escalated calls handed over %", 40, 15,
     "Role-play difficult calls with my mentor before live ones.",
     "Hand-overs frustrate customers who already waited.", ("de-escalation", "phone support", "tone")),
)  # fmt: skip

TOPIC_KEYS = [key for key, _label in SUPPORT_TOPICS]
TOPIC_NOTES = {
    "de-escalation": (
        "Role-played an angry refund call; practised acknowledging before explaining the policy.",
        "Went through an escalated thread line by line and found where it turned.",
    ),
    "product-knowledge": (
        "Walked through the new invoicing screens and where customers get stuck.",
        "Mapped the five features that cause most how-do-I tickets.",
    ),
    "tooling": (
        "Set up saved views and keyboard shortcuts in the helpdesk; built two macros together.",
        "Looked at the automations on our queue and which ones misroute tickets.",
    ),
    "ticket-triage": (
        "Sorted twenty untriaged tickets together and talked through priority and routing.",
        "Agreed a first-hour routine: SLA view, then oldest first, then quick wins.",
    ),
    "written-tone": (
        "Rewrote three replies to sound warmer without getting longer.",
        "Compared two replies to the same question and why one got a 5-star rating.",
    ),
    "leadership": (
        "Talked about giving feedback to a peer and how to ask for it.",
        "Discussed what the team-lead role actually involves day to day.",
    ),
}
NEXT_STEPS = (
    "",
    " Next: try it on live tickets and bring two examples.",
    " Next: draft a macro and share it before the next session.",
    " Next: shadow a Tier 2 shift.",
    " Next: read the refund policy changelog.",
)
FORMATS = (
    (MentoringSession.Format.VIDEO, 35, (30, 45, 45, 60)),
    (MentoringSession.Format.TICKET_SHADOWING, 20, (60, 90, 120)),
    (MentoringSession.Format.TICKET_REVIEW, 15, (30, 45, 60)),
    (MentoringSession.Format.CHAT, 15, (20, 30)),
    (MentoringSession.Format.IN_PERSON, 15, (30, 45, 60)),
)
BLOCKERS = (
    "Our shifts barely overlap this month.",
    "The queue has been too busy to take time out.",
    "Keep rescheduling; need a fixed slot.",
    "I was off sick for two weeks.",
)
EARLY_END_REASONS = (
    "Mentee moved to another team",
    "Mentor went on parental leave",
    "Shifts stopped overlapping",
)

# The named demo people, with fixed profiles so the first screens always show a good example.
NAMED = {
    "manager": {"full_name": "Maya Okafor", "hire_days_ago": 1640},
    "mentor": {
        "full_name": "Omar Haddad", "hire_days_ago": 1100,
        "style": ("written", "structured", "steady", "direct"),
        "interests": ["billing", "tone", "APIs"],
        "skills": ["billing", "refunds", "de-escalation", "tone", "APIs", "macros"],
    },
    "mentee": {
        "full_name": "Ada Lindqvist", "hire_days_ago": 150,
        "style": ("written", "flexible", "steady", "direct"),
        "interests": ["billing", "tone", "live chat"],
        "skills": ["ticket triage"],
        "goal_areas": ["refunds", "de-escalation", "APIs"],
    },
    "mentee2": {
        "full_name": "Bo Nakamura", "hire_days_ago": 118,
        "style": ("spoken", "structured", "fast", "gentle"),
        "interests": ["integrations", "APIs", "tooling"],
        "skills": ["product knowledge"],
        "goal_areas": ["integrations", "SLAs", "bug reports"],
    },
}  # fmt: skip


@dataclass(eq=False)
class _Member:
    """One generated person with the tags that are written to M2M tables later."""

    person: Person
    kind: str  # head | director | lead | agent
    team_index: int | None
    interests: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    login: str = ""


@dataclass(eq=False)
class _Enrolled:
    member: _Member
    enrolment: Enrolment
    goal_areas: list[str] = field(default_factory=list)
    candidate: scoring.Candidate | None = None


@dataclass
class _Pair:
    pairing: Pairing
    mentor: _Enrolled
    mentee: _Enrolled
    overdue: bool = False


def seed_demo(*, people: int = 60, seed: int = 7, today: datetime.date | None = None) -> dict:
    """Create the demo organisation, programme and logins; return counts for the command to print.

    If the programme already exists nothing is added: only the five logins are made sure of."""
    if people < MIN_PEOPLE:
        raise ValueError(f"The demo needs at least {MIN_PEOPLE} people (got {people}).")
    today = today or timezone.localdate()
    with transaction.atomic():
        if Programme.objects.filter(name=PROGRAMME_NAME).exists():
            ensure_demo_logins()
            return {"created": False, "logins": dict(LOGINS)}
        users = ensure_demo_logins()
        clashes = Person.objects.filter(
            Q(user__in=users.values()) | Q(employee_id__startswith=EMPLOYEE_ID_PREFIX)
        )
        if clashes.exists():
            raise ValueError(
                f"Demo people already exist without the {PROGRAMME_NAME!r} programme (a demo login or a "
                f"{EMPLOYEE_ID_PREFIX} employee id is taken): start from an empty database."
            )
        summary = _Builder(people=people, seed=seed, today=today, users=users).build()
        summary.update(demo_library.seed(programme_name=PROGRAMME_NAME, today=today))
        summary.update(recognition.seed_recognition(programme_name=PROGRAMME_NAME, users=users))
        summary.update(demo_home.make_homes_meaningful(today=today))
    return {"created": True, **summary, "logins": dict(LOGINS)}


def ensure_demo_logins() -> dict[str, User]:
    """The five logins exist, with password "demo"; admin is a staff superuser in the admins group."""
    group, _ = Group.objects.get_or_create(name=settings.ADMINS_GROUP)
    # One hash, shared by the five: the password is public anyway, and hashing once keeps a
    # repeat run (every `make run`) from paying five slow key derivations.
    hashed = None
    verified: dict[str, bool] = {}
    users = {}
    for username in LOGINS:
        user = User.objects.filter(username=username).first() or User(
            username=username, email=f"{username}@{EMAIL_DOMAIN}"
        )
        changed = user.pk is None
        if user.password not in verified:
            verified[user.password] = bool(user.password) and check_password(DEMO_PASSWORD, user.password)
        if not verified[user.password]:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            changed = True
        if not user.is_active:
            user.is_active = changed = True
        if username == "admin" and not (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = changed = True
        if changed:
            user.save()
        if username == "admin":
            user.groups.add(group)
        users[username] = user
    return users


def _ascii(text: str) -> str:
    folded = text.translate(str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae"}))
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _cohort_name(day: datetime.date) -> str:
    return day.strftime("%B %Y")


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


class _Builder:
    def __init__(self, *, people: int, seed: int, today: datetime.date, users: dict[str, User]):
        self.n = people
        self.rng = random.Random(seed)
        # Plans and progress (upcoming sessions, action items, goal updates) draw from their own
        # stream, so adding them left every person, pair and session of a seed as it was.
        self.plan_rng = random.Random(f"{seed}/plans")
        self.seed = seed
        self.today = today
        self.users = users
        self.admin = users["admin"]
        self.members: list[_Member] = []
        self.named: dict[str, _Member] = {}
        self.enrolled: list[_Enrolled] = []
        self.runs: list[MatchRun] = []
        self.active_start = today - datetime.timedelta(days=91)
        self.closed_start = self.active_start - datetime.timedelta(days=364)

    # -- helpers --------------------------------------------------------------------------------

    def _days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def _tags(self, k: int, exclude: list[str] = ()) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < k:
            (tag,) = self.rng.choices(_TAG_NAMES, weights=_TAG_WEIGHTS)
            if tag not in chosen and tag not in exclude:
                chosen.append(tag)
        return chosen

    def _style(self) -> tuple[str, ...]:
        options = (Communication.values, Structure.values, Pace.values, Feedback.values)
        # A few people skip a question: the matcher treats a blank trait as neutral.
        return tuple("" if self.rng.random() < 0.04 else self.rng.choice(values) for values in options)

    def _rating(self) -> int | None:
        if self.rng.random() < 0.08:
            return None
        return self.rng.choices((1, 2, 3, 4, 5), weights=(1, 3, 10, 40, 46))[0]

    # -- the organisation -----------------------------------------------------------------------

    def build(self) -> dict:
        self._write_tags()
        self._write_teams()
        self._build_people()
        self._plan_programme()
        closed_mentees, closed_mentors = self._pick_closed_cohort()
        self._pick_leavers(participants={e.member for e in closed_mentees + closed_mentors})
        self._write_people()
        active_mentees, active_mentors = self._pick_active_cohort(
            former_mentees={e.member for e in closed_mentees}
        )
        self._write_programme_and_enrolments()
        closed_pairs = self._match(self.closed, closed_mentees, closed_mentors)
        active_pairs = self._match(self.active, active_mentees, active_mentors)
        self._write_pairings(closed_pairs + active_pairs)
        counts = self._write_activity(closed_pairs + active_pairs)
        counts.update(self._write_closeout(closed_pairs))
        counts.update(self._write_upcoming_cohort())
        counts.update(self._write_kpis(closed_pairs + active_pairs))
        counts.update(
            write_agreements(
                [(p.pairing, p.mentor.member.login, p.mentee.member.login) for p in active_pairs],
                today=self.today,
            )
        )
        counts.update(write_training(programme=self.programme, active=self.active))
        counts.update(seed_notifications(programme=self.programme, cohort=self.active, users=self.users))
        return {
            "people": len(self.members),
            "left": sum(1 for m in self.members if m.person.leave_date),
            "teams": len(self.teams),
            "cohorts": 3,
            "enrolments": len(self.enrolled),
            "active_pairings": len(active_pairs),
            "overdue_pairings": sum(1 for p in active_pairs if p.overdue),
            **counts,
        }

    def _write_tags(self):
        Tag.objects.bulk_create([Tag(name=name) for name in _TAG_NAMES], ignore_conflicts=True)
        self.tag_ids = dict(Tag.objects.filter(name__in=_TAG_NAMES).values_list("name", "pk"))

    def _write_teams(self):
        n_teams = 4 if self.n < 8 * PEOPLE_PER_TEAM else max(4, self.n // PEOPLE_PER_TEAM)
        self.team_regions: list[str] = []
        names = []
        for index in range(n_teams):
            name, region = BASE_TEAMS[index % len(BASE_TEAMS)]
            pod = index // len(BASE_TEAMS)
            names.append(name if pod == 0 else f"{name} pod {pod + 1}")
            self.team_regions.append(region)
        Team.objects.bulk_create([Team(name=name) for name in names], ignore_conflicts=True)
        by_name = Team.objects.in_bulk(names, field_name="name")
        self.teams = [by_name[name] for name in names]

    def _build_people(self):
        rng = self.rng
        fakers = {}
        for region in REGIONS.values():
            for locale in region[1]:
                # Only the names provider: loading all of Faker's providers takes half a second.
                fakers[locale] = Faker(locale, providers=["faker.providers.person"])
                fakers[locale].seed_instance(self.seed)
        # Names come from a pool per locale: far faster than asking Faker 20,000 times.
        pool_size = min(150, max(40, self.n // 20))
        pools = {
            locale: ([f.first_name() for _ in range(pool_size)], [f.last_name() for _ in range(pool_size)])
            for locale, f in fakers.items()
        }
        used_emails: set[str] = set()
        used_names: set[str] = set()

        def new_person(kind, team_index, hire_days_ago, manager, login="", region_of=None) -> _Member:
            # People outside a team (the head, directors) take their region from the teams they lead.
            region = self.team_regions[team_index if team_index is not None else region_of or 0]
            zones, locales = REGIONS[region]
            if login and login in NAMED:
                first, last = NAMED[login]["full_name"].split(" ", 1)
            else:
                firsts, lasts = pools[rng.choice(locales)]
                for _attempt in range(5):  # namesakes happen, but not at every turn
                    first, last = rng.choice(firsts), rng.choice(lasts)
                    if f"{first} {last}" not in used_names:
                        break
            used_names.add(f"{first} {last}")
            local = f"{_ascii(first)}.{_ascii(last)}"
            email, n = f"{local}@{EMAIL_DOMAIN}", 1
            while email in used_emails:
                n += 1
                email = f"{local}{n}@{EMAIL_DOMAIN}"
            used_emails.add(email)
            spec = NAMED.get(login, {})
            style = spec.get("style") or self._style()
            team = self.teams[team_index] if team_index is not None else None
            person = Person(
                employee_id=f"{EMPLOYEE_ID_PREFIX}{len(self.members) + 1:05d}",
                full_name=f"{first} {last}",
                email=email,
                team=team,
                manager=manager.person if manager else None,
                hire_date=self._days_ago(hire_days_ago),
                time_zone=zones[0] if rng.random() < 0.8 else rng.choice(zones),
                user=self.users[login] if login else None,
                **dict(zip(WORK_STYLE_TRAITS, style, strict=True)),
            )
            member = _Member(person=person, kind=kind, team_index=team_index, login=login)
            tenure_years = hire_days_ago / 365
            member.interests = spec.get("interests") or self._tags(rng.randint(3, 5))
            if "skills" in spec:
                member.skills = spec["skills"]
            elif kind == "agent":
                member.skills = self._tags(min(7, 1 + int(tenure_years * 1.5) + rng.randint(0, 1)))
            else:
                member.skills = ["coaching", *self._tags(rng.randint(4, 6), exclude=["coaching"])]
            self.members.append(member)
            if login:
                self.named[login] = member
            return member

        head = new_person("head", None, rng.randint(2400, 3000), None)
        n_teams = len(self.teams)
        directors = []
        if n_teams > LEADS_PER_DIRECTOR:
            for i in range(math.ceil(n_teams / LEADS_PER_DIRECTOR)):
                directors.append(
                    new_person(
                        "director", None, rng.randint(1700, 2600), head, region_of=i * LEADS_PER_DIRECTOR
                    )
                )
        leads = []
        for t in range(n_teams):
            boss = directors[t // LEADS_PER_DIRECTOR] if directors else head
            if t == 0:
                leads.append(new_person("lead", t, NAMED["manager"]["hire_days_ago"], boss, login="manager"))
            else:
                leads.append(new_person("lead", t, rng.randint(1000, 2200), boss))

        # Tier 1 (the manager's team) is larger and newer than the rest, as front lines are.
        agents = self.n - len(self.members)
        tier1 = max(14, round(agents * 1.5 / (n_teams + 0.5)))
        others = agents - tier1
        sizes = [tier1] + [
            others // (n_teams - 1) + (1 if i < others % (n_teams - 1) else 0) for i in range(n_teams - 1)
        ]
        named_agents = {0: ["mentee", "mentee2"], 1: ["mentor"]}
        for t, size in enumerate(sizes):
            logins = named_agents.get(t, [])
            for i in range(size):
                login = logins[i] if i < len(logins) else ""
                if login:
                    days = NAMED[login]["hire_days_ago"]
                elif t == 0:
                    days = int(rng.triangular(14, 1100, 60))
                else:
                    days = rng.randint(14, 1460)
                new_person("agent", t, days, leads[t], login=login)

    def _eligible(self, members, *, hired_after=None, hired_before=None, exclude=()):
        return [
            m
            for m in members
            if m.kind == "agent"
            and not m.login
            and m not in exclude
            and m.person.leave_date is None
            and (hired_after is None or m.person.hire_date >= hired_after)
            and (hired_before is None or m.person.hire_date <= hired_before)
        ]

    def _enrol(self, cohort: Cohort, member: _Member, role: str, *, capacity=1, goal_areas=None) -> _Enrolled:
        rng = self.rng
        if role == Enrolment.Role.MENTEE:
            goal_areas = list(goal_areas or self._tags(rng.randint(2, 3), exclude=member.skills))
            goals = " ".join(GOAL_WORDS[area] for area in goal_areas[: rng.randint(1, 2)])
        else:
            goal_areas = []
            goals = rng.choice(MENTOR_GOALS)
        enrolled_at = _at(cohort.starts_on - datetime.timedelta(days=rng.randint(10, 40)), rng.randint(8, 17))
        enrolment = Enrolment(
            cohort=cohort,
            person=member.person,
            role=role,
            capacity=capacity,
            goals=goals,
            enrolled_at=enrolled_at,
            # Everyone enrolled in the demo's running and past cohorts answered the questionnaire.
            profile_completed_at=enrolled_at + datetime.timedelta(days=1),
        )
        candidate = scoring.Candidate(
            key=len(self.enrolled),
            name=member.person.full_name,
            work_style=tuple(getattr(member.person, trait) for trait in WORK_STYLE_TRAITS),
            interests=frozenset(member.interests),
            skills=frozenset(member.skills),
            goal_areas=frozenset(goal_areas),
        )
        enrolled = _Enrolled(member=member, enrolment=enrolment, goal_areas=goal_areas, candidate=candidate)
        self.enrolled.append(enrolled)
        return enrolled

    def _mentors_for(self, cohort: Cohort, pool: list[_Member], needed: int, first: list[_Enrolled]):
        """Mentors drawn from the pool until their capacity covers every mentee, with a little slack."""
        mentors = list(first)
        capacity = sum(e.enrolment.capacity for e in mentors)
        target = needed + max(1, needed // 10)
        for member in pool:
            if capacity >= target and len(mentors) >= 2:
                break
            slots = self.rng.choices((1, 2, 3), weights=(4, 4, 2))[0]
            mentors.append(self._enrol(cohort, member, Enrolment.Role.MENTOR, capacity=slots))
            capacity += slots
        return mentors

    def _plan_programme(self):
        closed_start, active_start = self.closed_start, self.active_start
        self.programme = Programme(
            name=PROGRAMME_NAME,
            objectives=(
                "Help new support agents reach full confidence faster, and keep them: each is paired "
                "with an experienced agent for six months, they meet every fortnight and set SMART "
                "goals against the queue KPIs (CSAT, first response time, resolution time)."
            ),
            retention_target=Decimal("90.0"),
            satisfaction_target=Decimal("4.20"),
            csat_target=Decimal("92.0"),
            created_at=_at(closed_start - datetime.timedelta(days=60), 9),
        )
        self.closed = Cohort(
            programme=self.programme,
            name=_cohort_name(closed_start),
            state=Cohort.State.CLOSED,
            starts_on=closed_start,
            ends_on=closed_start + datetime.timedelta(days=168),
            cadence_days=21,
            created_at=_at(closed_start - datetime.timedelta(days=45), 9),
        )
        self.active = Cohort(
            programme=self.programme,
            name=_cohort_name(active_start),
            state=Cohort.State.ACTIVE,
            starts_on=active_start,
            ends_on=active_start + datetime.timedelta(days=182),
            cadence_days=14,
            created_at=_at(active_start - datetime.timedelta(days=45), 9),
        )

    def _pick_closed_cohort(self):
        rng = self.rng
        start = self.closed_start
        pool = self._eligible(
            self.members,
            hired_after=start - datetime.timedelta(days=420),
            hired_before=start - datetime.timedelta(days=14),
        )
        wanted = min(len(pool), max(3, round(self.n * 0.10)))
        mentees = [self._enrol(self.closed, m, Enrolment.Role.MENTEE) for m in rng.sample(pool, wanted)]
        chosen = {e.member for e in mentees}
        seniors = self._eligible(
            self.members, hired_before=start - datetime.timedelta(days=540), exclude=chosen
        )
        rng.shuffle(seniors)
        return mentees, self._mentors_for(self.closed, seniors, len(mentees), [])

    def _pick_active_cohort(self, former_mentees: set[_Member]):
        rng = self.rng
        start, cohort, named = self.active_start, self.active, self.named
        mentees = [
            self._enrol(cohort, named[login], Enrolment.Role.MENTEE, goal_areas=NAMED[login]["goal_areas"])
            for login in ("mentee", "mentee2")
        ]
        pool = self._eligible(
            self.members,
            hired_after=start - datetime.timedelta(days=420),
            hired_before=start - datetime.timedelta(days=7),
            exclude=former_mentees,
        )
        # At least five of the manager's reports take part, so their dashboard shows aggregates.
        tier1 = [m for m in pool if m.team_index == 0]
        first = rng.sample(tier1, min(len(tier1), 4))
        taken = set(first)
        rest = [m for m in pool if m not in taken]
        rng.shuffle(rest)
        wanted = max(6, round(self.n * 0.14))
        for member in (first + rest)[: max(0, wanted - len(mentees))]:
            mentees.append(self._enrol(cohort, member, Enrolment.Role.MENTEE))
        chosen = {e.member for e in mentees}
        seniors = self._eligible(
            self.members, hired_before=start - datetime.timedelta(days=540), exclude=chosen
        )
        rng.shuffle(seniors)
        named_mentor = self._enrol(cohort, named["mentor"], Enrolment.Role.MENTOR, capacity=2)
        return mentees, self._mentors_for(cohort, seniors, len(mentees), [named_mentor])

    def _pick_leavers(self, participants: set[_Member]):
        """Some people have left: far fewer of those who took part in the programme, so the
        retention dashboard has a story to tell. The manager's team keeps enough people to show."""
        rng = self.rng
        closed_end = self.closed.ends_on
        tier1_current = sum(1 for m in self.members if m.kind == "agent" and m.team_index == 0)
        for member in self.members:
            if member.kind != "agent" or member.login:
                continue
            person = member.person
            tenure = (self.today - person.hire_date).days
            if member in participants:
                if rng.random() >= 0.08:
                    continue
                leave_after = rng.randint(14, (self.today - closed_end).days - 1)
                person.leave_date = closed_end + datetime.timedelta(days=leave_after)
            else:
                if rng.random() >= 0.26 or tenure < 60:
                    continue
                if member.team_index == 0 and tier1_current <= 11:
                    continue
                person.leave_date = person.hire_date + datetime.timedelta(
                    days=rng.randint(45, min(800, tenure - 1))
                )
            if member.team_index == 0:
                tier1_current -= 1

    def _write_people(self):
        # Layer by layer, so every manager has a primary key before their reports are written.
        for kind in ("head", "director", "lead", "agent"):
            Person.objects.bulk_create(
                [m.person for m in self.members if m.kind == kind], batch_size=BATCH_SIZE
            )
        for attr, through in (("interests", Person.interests.through), ("skills", Person.skills.through)):
            through.objects.bulk_create(
                (
                    through(person_id=m.person.pk, tag_id=self.tag_ids[tag])
                    for m in self.members
                    for tag in getattr(m, attr)
                ),
                batch_size=BATCH_SIZE,
            )

    def _write_programme_and_enrolments(self):
        self.programme.save()
        Cohort.objects.bulk_create([self.closed, self.active])
        Enrolment.objects.bulk_create([e.enrolment for e in self.enrolled], batch_size=BATCH_SIZE)
        through = Enrolment.goal_areas.through
        through.objects.bulk_create(
            (
                through(enrolment_id=e.enrolment.pk, tag_id=self.tag_ids[tag])
                for e in self.enrolled
                for tag in e.goal_areas
            ),
            batch_size=BATCH_SIZE,
        )

    # -- matching -------------------------------------------------------------------------------

    @staticmethod
    def _allowed(mentor: _Enrolled, mentee: _Enrolled) -> bool:
        """The matcher's hard rules: no one mentors their own manager or their own report."""
        a, b = mentor.member.person, mentee.member.person
        return a is not b and b.manager is not a and a.manager is not b

    def _match(self, cohort: Cohort, mentees: list[_Enrolled], mentors: list[_Enrolled]) -> list[_Pair]:
        """A greedy pick of the best-scoring mentor among a sample of those with a free slot.

        Not the real solver: demo data only has to look like its output, and at 20,000 people a
        full score matrix would dominate the run time."""
        rng = self.rng
        active = cohort.state == Cohort.State.ACTIVE
        published = cohort.starts_on - datetime.timedelta(days=1)
        run = MatchRun(
            cohort=cohort,
            status=MatchRun.Status.PUBLISHED,
            created_by=self.admin,
            created_at=_at(published - datetime.timedelta(days=2), 11),
            published_by=self.admin,
            published_at=_at(published, 15),
        )
        self.runs.append(run)
        remaining = {m: m.enrolment.capacity for m in mentors}
        available = list(mentors)
        named_mentor = next((m for m in mentors if m.member.login == "mentor"), None)
        pairs = []
        for mentee in mentees:
            login = mentee.member.login
            if login == "mentee":
                options = [named_mentor]
            else:
                sample = rng.sample(available, min(24, len(available)))
                options = [m for m in sample if self._allowed(m, mentee)] or [
                    m for m in available if self._allowed(m, mentee)
                ]
                if login == "mentee2":
                    options = [m for m in options if m is not named_mentor]
            if not options:
                run.unmatched.append(
                    {
                        "enrolment_id": mentee.enrolment.pk,
                        "name": mentee.member.person.full_name,
                        "reason": "No mentor with a free slot is allowed for this mentee",
                    }
                )
                continue
            scores = scoring.score_matrix([mentee.candidate], [m.candidate for m in options])[0]
            best = max(range(len(options)), key=lambda i: scores[i])
            mentor = options[best]
            remaining[mentor] -= 1
            if remaining[mentor] == 0:
                available.remove(mentor)
            started = published + datetime.timedelta(days=rng.randint(1, 4))
            pairing = Pairing(
                cohort=cohort,
                match_run=run,
                mentor=mentor.enrolment,
                mentee=mentee.enrolment,
                score=float(scores[best]),
                explanation=scoring.explain(mentee.candidate, mentor.candidate, WORK_STYLE_TRAITS),
                status=Pairing.Status.ACTIVE if active else Pairing.Status.ENDED,
                started_on=started,
            )
            if not active:
                if rng.random() < 0.12:
                    pairing.ended_on = started + datetime.timedelta(days=rng.randint(30, 100))
                    pairing.end_reason = rng.choice(EARLY_END_REASONS)
                    pairing.outcome = Pairing.Outcome.ENDED_EARLY
                else:
                    pairing.ended_on = cohort.ends_on
                    pairing.outcome = Pairing.Outcome.COMPLETED
            pairs.append(_Pair(pairing=pairing, mentor=mentor, mentee=mentee))
        if active:
            # A couple of pairs have stopped meeting, so reminders and at-risk views have work.
            unnamed = [p for p in pairs if not p.mentee.member.login]
            for pair in rng.sample(unnamed, min(len(unnamed), max(2, round(len(pairs) * 0.1)))):
                pair.overdue = True
        return pairs

    def _write_pairings(self, pairs: list[_Pair]):
        MatchRun.objects.bulk_create(self.runs)
        Pairing.objects.bulk_create([p.pairing for p in pairs], batch_size=BATCH_SIZE)

    # -- what the pairs did ---------------------------------------------------------------------

    def _session_dates(self, pair: _Pair, cadence: int) -> list[datetime.date]:
        rng = self.rng
        pairing = pair.pairing
        if pairing.status == Pairing.Status.ENDED:
            last = pairing.ended_on - datetime.timedelta(days=rng.randint(0, 6))
        elif pair.overdue:
            if rng.random() < 0.25:
                return []  # matched, then never met
            last = self.today - datetime.timedelta(days=cadence + rng.randint(8, 30))
        else:
            last = self.today - datetime.timedelta(days=rng.randint(1, cadence - 3))
        dates = []
        day = last
        while day >= pairing.started_on:
            dates.append(day)
            day -= datetime.timedelta(days=cadence + rng.randint(-3, 3))
        return dates[::-1]

    def _write_activity(self, pairs: list[_Pair]) -> dict:
        rng = self.rng
        sessions, goals, check_ins = [], [], []
        sessions_of: dict[int, list[MentoringSession]] = {}
        format_choices = [f for f, _w, _d in FORMATS]
        format_weights = [w for _f, w, _d in FORMATS]
        lengths = {f: d for f, _w, d in FORMATS}
        for pair in pairs:
            pairing = pair.pairing
            cohort = pairing.cohort
            mentee, mentor = pair.mentee.member.person, pair.mentor.member.person
            dates = self._session_dates(pair, cohort.cadence_days)
            for day in dates:
                (fmt,) = rng.choices(format_choices, weights=format_weights)
                topics = rng.sample(TOPIC_KEYS, rng.choice((1, 1, 2)))
                notes = " ".join(rng.choice(TOPIC_NOTES[t]) for t in topics) + rng.choice(NEXT_STEPS)
                if fmt == MentoringSession.Format.TICKET_SHADOWING:
                    notes = f"Shadowed a live queue shift. {notes}"
                session = MentoringSession(
                    pairing=pairing,
                    held_on=day,
                    duration_minutes=rng.choice(lengths[fmt]),
                    format=fmt,
                    topics=topics,
                    notes=notes,
                    rating=self._rating(),
                    logged_by=mentee if rng.random() < 0.6 else mentor,
                    logged_at=_at(day, rng.randint(9, 18), rng.choice((0, 15, 30, 45))),
                )
                sessions.append(session)
                sessions_of.setdefault(pairing.pk, []).append(session)
            goals.extend(self._goals(pair))
            check_ins.extend(self._check_ins(pair, dates))
        MentoringSession.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
        Goal.objects.bulk_create(goals, batch_size=BATCH_SIZE)
        CheckIn.objects.bulk_create(check_ins, batch_size=BATCH_SIZE)
        return {
            "sessions": len(sessions),
            "goals": len(goals),
            "check_ins": len(check_ins),
            **self._write_plans_and_progress(pairs, sessions_of, goals),
        }

    def _write_plans_and_progress(self, pairs: list[_Pair], sessions_of, goals: list[Goal]) -> dict:
        """What a workspace shows beyond its log: the next planned session, action items agreed in
        sessions (done by the next one; the latest still open) and goal progress over time."""
        rng = self.plan_rng
        scheduled, items, updates = [], [], []
        for pair in pairs:
            pairing = pair.pairing
            mentee, mentor = pair.mentee.member.person, pair.mentor.member.person
            done = sessions_of.get(pairing.pk, [])
            is_login_pair = pair.mentee.member.login in ("mentee", "mentee2")
            for i, session in enumerate(done):
                latest = i == len(done) - 1
                if rng.random() >= 0.5 and not (latest and is_login_pair):
                    continue
                later = done[i + 1].logged_at if not latest else None
                if later is None and pairing.status == Pairing.Status.ENDED:
                    later = _at(pairing.ended_on, 17) if rng.random() < 0.8 else None
                items.append(
                    ActionItem(
                        pairing=pairing,
                        session=session,
                        description=rng.choice(ACTION_ITEMS),
                        owner=mentee if rng.random() < 0.75 else mentor,
                        due_on=session.held_on + datetime.timedelta(days=rng.choice((7, 10, 14))),
                        done_at=later,
                        created_at=session.logged_at,
                    )
                )
            if pairing.status == Pairing.Status.ACTIVE and (not pair.overdue or is_login_pair):
                cadence = pairing.cohort.cadence_days
                last = done[-1].held_on if done else pairing.started_on
                day = max(last + datetime.timedelta(days=cadence), self.today + datetime.timedelta(days=1))
                day = min(day, self.today + datetime.timedelta(days=rng.randint(2, cadence)))
                (fmt,) = rng.choices([f for f, _w, _d in FORMATS], weights=[w for _f, w, _d in FORMATS])
                scheduled.append(
                    ScheduledSession(
                        pairing=pairing,
                        starts_at=_at(day, rng.randint(9, 16), rng.choice((0, 30))),
                        duration_minutes=45,
                        format=fmt,
                        agenda=rng.choice(NEXT_STEPS).strip(),
                        created_by=mentor if rng.random() < 0.5 else mentee,
                        created_at=timezone.now(),
                    )
                )
        for goal in goals:
            updates.extend(self._goal_updates(goal, rng))
        ScheduledSession.objects.bulk_create(scheduled, batch_size=BATCH_SIZE)
        ActionItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
        GoalUpdate.objects.bulk_create(updates, batch_size=BATCH_SIZE)
        return {
            "scheduled_sessions": len(scheduled),
            "action_items": len(items),
            "goal_updates": len(updates),
        }

    def _goal_updates(self, goal: Goal, rng: random.Random) -> list[GoalUpdate]:
        """Progress recorded every few weeks from the goal's start, ending where its status says:
        at the target when achieved (a goal is marked achieved when its numbers reach the target)."""
        start = goal.created_at.date()
        pairing = goal.pairing
        end = min(self.today, goal.due_on, pairing.ended_on or self.today)
        if (end - start).days < 10:
            return []
        final = {
            Goal.Status.ACHIEVED: 1.0,
            Goal.Status.AT_RISK: rng.uniform(0.15, 0.35),
            Goal.Status.DROPPED: rng.uniform(0.0, 0.3),
        }.get(goal.status, rng.uniform(0.45, 0.8))
        count = min(rng.randint(2, 4), max(1, (end - start).days // 10))
        span = goal.target - goal.baseline
        people = (pairing.mentee.person, pairing.mentor.person)
        updates = []
        for k in range(1, count + 1):
            share = final * k / count
            if k < count:
                share = max(0.0, min(1.0, share + rng.uniform(-0.05, 0.05)))
            day = start + datetime.timedelta(days=round((end - start).days * k / count))
            updates.append(
                GoalUpdate(
                    goal=goal,
                    value=(goal.baseline + span * Decimal(str(round(share, 2)))).quantize(Decimal("0.01")),
                    note=rng.choice(PROGRESS_NOTES),
                    created_by=people[0] if rng.random() < 0.8 else people[1],
                    created_at=min(_at(day, rng.randint(9, 18)), timezone.now()),
                )
            )
        return updates

    def _write_closeout(self, pairs: list[_Pair]) -> dict:
        """The closed cohort's close-out: most people answered the survey, about half reflected."""
        rng = self.rng
        responses, reflections = [], []
        answered: set[int] = set()  # one answer per person per cohort: a mentor of two answers once
        for pair in pairs:
            for enrolled in (pair.mentor, pair.mentee):
                person = enrolled.member.person
                # Nine in ten: in the small demo a cohort's six mentees must give five answers for
                # the dashboard to show the survey (fewer than five people are not shown).
                if rng.random() < 0.9 and person.pk not in answered:
                    answered.add(person.pk)
                    responses.append(
                        SurveyResponse(
                            cohort=self.closed,
                            person=person,
                            role=enrolled.enrolment.role,
                            satisfaction=rng.choices((5, 4, 3, 2), weights=(5, 4, 1, 0.3))[0],
                            recommend=rng.choices((10, 9, 8, 7, 5), weights=(4, 4, 2, 1, 0.5))[0],
                            created_at=_at(self.closed.ends_on - datetime.timedelta(days=3), 11),
                        )
                    )
                if rng.random() < 0.5:
                    reflections.append(
                        Reflection(
                            pairing=pair.pairing,
                            person=person,
                            achieved=rng.choice(REFLECTION_ACHIEVED),
                            learned=rng.choice(REFLECTION_LEARNED),
                            created_at=_at(self.closed.ends_on - datetime.timedelta(days=5), 15),
                        )
                    )
        SurveyResponse.objects.bulk_create(responses, batch_size=BATCH_SIZE)
        Reflection.objects.bulk_create(reflections, batch_size=BATCH_SIZE)
        return {"survey_responses": len(responses), "reflections": len(reflections)}

    def _write_kpis(self, pairs: list[_Pair]) -> dict:
        """Helpdesk figures for every agent (demo/kpis.py), from their own random stream."""
        agents = [m for m in self.members if m.kind == "agent"]
        rows = kpis.kpi_rows(
            agents=[m.person for m in agents],
            team_of=[m.team_index for m in agents],
            mentored={p.mentee.member.person.pk: (p.pairing.started_on, p.pairing.ended_on) for p in pairs},
            today=self.today,
            seed=self.seed,
        )
        return {"kpi_months": kpis.write(rows)}

    def _write_upcoming_cohort(self) -> dict:
        """Next quarter's cohort, still enrolling: mentees signed up, two mentor applications to
        review and a short waitlist, so the admin's enrolment pages have work on them."""
        rng = self.rng
        start = self.today + datetime.timedelta(days=30)
        cohort = Cohort.objects.create(
            programme=self.programme,
            name=_cohort_name(start),
            state=Cohort.State.ENROLLING,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=182),
            self_enrolment_open=True,
            mentee_hire_window_days=365,
        )
        taken = {e.member for e in self.enrolled if e.enrolment.cohort_id == self.active.pk}
        current = [m for m in self.members if not m.person.leave_date and not m.login and m not in taken]
        recent = [m for m in current if (self.today - m.person.hire_date).days < 300]
        seniors = [m for m in current if (self.today - m.person.hire_date).days > 900]
        mentees = rng.sample(recent, min(len(recent), max(4, self.n // 30)))
        applicants = rng.sample(seniors, min(len(seniors), 2))
        enrolments = [
            Enrolment(
                cohort=cohort,
                person=m.person,
                role=Enrolment.Role.MENTEE,
                status=Enrolment.Status.WAITLISTED if i >= len(mentees) - 2 else Enrolment.Status.ACTIVE,
                goals=GOAL_WORDS[rng.choice(sorted(GOAL_WORDS))],
                profile_completed_at=None if i % 3 == 0 else timezone.now(),
            )
            for i, m in enumerate(mentees)
        ] + [
            Enrolment(
                cohort=cohort,
                person=m.person,
                role=Enrolment.Role.MENTOR,
                status=Enrolment.Status.APPLIED,
                capacity=2,
                goals=rng.choice(MENTOR_GOALS),
                motivation=rng.choice(MENTOR_MOTIVATIONS),
                profile_completed_at=timezone.now(),
            )
            for m in applicants
        ]
        Enrolment.objects.bulk_create(enrolments)
        return {"upcoming_enrolments": len(enrolments)}

    def _goals(self, pair: _Pair) -> list[Goal]:
        rng = self.rng
        pairing = pair.pairing
        login = pair.mentee.member.login
        areas = set(pair.mentee.goal_areas)
        fitting = [t for t in GOAL_TEMPLATES if areas.intersection(t[6])] or list(GOAL_TEMPLATES)
        count = 1 if login == "mentee" else rng.choice((1, 1, 2))
        goals = []
        for specific, metric, baseline, target, achievable, relevant, _areas in rng.sample(
            fitting, min(count, len(fitting))
        ):
            # Jitter the baseline by less than the gap, so the target always differs from it.
            step = max(1, abs(target - baseline) // 5)
            baseline = max(0, baseline + rng.randint(-2, 2) * step)
            due = pairing.started_on + datetime.timedelta(days=rng.randint(60, 160))
            if pairing.status == Pairing.Status.ENDED:
                status = (
                    Goal.Status.DROPPED
                    if pairing.end_reason
                    else rng.choices((Goal.Status.ACHIEVED, Goal.Status.DROPPED), weights=(75, 25))[0]
                )
            elif login == "mentee":
                due, status = pairing.cohort.ends_on - datetime.timedelta(days=14), Goal.Status.ON_TRACK
            elif due < self.today:
                statuses = (Goal.Status.ACHIEVED, Goal.Status.AT_RISK, Goal.Status.ON_TRACK)
                status = rng.choices(statuses, weights=(50, 30, 20))[0]
            else:
                statuses = (Goal.Status.ON_TRACK, Goal.Status.AT_RISK, Goal.Status.ACHIEVED)
                status = rng.choices(statuses, weights=(60, 25, 15))[0]
            goals.append(
                Goal(
                    pairing=pairing,
                    specific=specific,
                    metric=metric,
                    baseline=Decimal(baseline),
                    target=Decimal(target),
                    achievable=achievable,
                    relevant=relevant,
                    due_on=due,
                    status=status,
                    created_by=pair.mentee.member.person,
                    created_at=_at(pairing.started_on + datetime.timedelta(days=rng.randint(3, 20)), 14),
                )
            )
        return goals

    def _check_ins(self, pair: _Pair, dates: list[datetime.date]) -> list[CheckIn]:
        """A pulse from each side every four weeks, when they answered it."""
        rng = self.rng
        pairing = pair.pairing
        cadence = pairing.cohort.cadence_days
        end = pairing.ended_on or self.today
        last_met = dates[-1] if dates else pairing.started_on
        check_ins = []
        day = pairing.started_on + datetime.timedelta(days=28)
        while day <= end:
            lapsed = pair.overdue and (day - last_met).days > cadence
            for member in (pair.mentee.member, pair.mentor.member):
                if rng.random() >= 0.7:
                    continue
                if lapsed:
                    satisfaction = rng.choice((2, 3, 3, 4))
                else:
                    satisfaction = rng.choices((1, 2, 3, 4, 5), weights=(1, 3, 10, 42, 44))[0]
                check_ins.append(
                    CheckIn(
                        pairing=pairing,
                        person=member.person,
                        satisfaction=satisfaction,
                        meeting_regularly=not lapsed,
                        blockers=rng.choice(BLOCKERS) if lapsed else "",
                        created_at=_at(day, rng.randint(9, 18)),
                    )
                )
            day += datetime.timedelta(days=28)
        return check_ins
