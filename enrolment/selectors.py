"""Reads for enrolment: what a person sees of their own enrolments, and the admin's review lists."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from matching.models import Pairing
from people.models import Person, Team
from people.selectors import by_name_for_search
from programmes.models import Cohort, Enrolment

from .models import Invitation


def enrolments_for(user):
    """The user's own enrolments; the only ones a non-admin may open (others are a 404)."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(person__user=user)
        .select_related("cohort__programme", "person")
        .order_by("-cohort__starts_on", "cohort__name")
    )


def in_active_pairing():
    return Exists(
        Pairing.objects.filter(
            Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk")), status=Pairing.Status.ACTIVE
        )
    )


def review_list_lengths(cohort: Cohort) -> dict[str, int]:
    """How long the review page's lists are (mentor applications, the waitlist, everyone enrolled:
    the same filters as `mentor_applications`, `waitlist` and `cohort_enrolments_for_review`), from
    one COUNT grouped by role and status instead of a COUNT per list."""
    groups = {
        (row["role"], row["status"]): row["n"]
        for row in cohort.enrolments.order_by().values("role", "status").annotate(n=Count("*"))
    }
    gone = (Enrolment.Status.WITHDRAWN, Enrolment.Status.DECLINED)
    return {
        "applications": groups.get((Enrolment.Role.MENTOR, Enrolment.Status.APPLIED), 0),
        "waitlist": groups.get((Enrolment.Role.MENTEE, Enrolment.Status.WAITLISTED), 0),
        "enrolled": sum(n for (_role, status), n in groups.items() if status not in gone),
    }


def mentor_applications(cohort: Cohort):
    return (
        Enrolment.objects.filter(cohort=cohort, role=Enrolment.Role.MENTOR, status=Enrolment.Status.APPLIED)
        .select_related("person__team")
        .prefetch_related("person__skills")
        .order_by("enrolled_at", "pk")
    )


def waitlist(cohort: Cohort):
    """Waitlisted mentees, first come first served."""
    return (
        Enrolment.objects.filter(
            cohort=cohort, role=Enrolment.Role.MENTEE, status=Enrolment.Status.WAITLISTED
        )
        .select_related("person__team")
        .order_by("enrolled_at", "pk")
    )


def cohort_enrolments_for_review(cohort: Cohort):
    """Everyone still in the cohort in name order, with whether they are in an active pairing
    (withdraw/move need it) and a mentor's mentees taken. Both are subqueries, not a GROUP BY over
    a join: a paginator's COUNT leaves them out, and only a page's rows compute them."""
    mentees_taken = (
        Pairing.objects.filter(mentor=OuterRef("pk"), status=Pairing.Status.ACTIVE)
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status__in=(Enrolment.Status.WITHDRAWN, Enrolment.Status.DECLINED))
        .select_related("person__user")
        .only(
            "cohort_id",
            "role",
            "status",
            "capacity",
            "profile_completed_at",
            "person__full_name",
            "person__email",
            "person__user__is_active",
            "person__user__password",  # Person.can_log_in
            "person__user__last_login",
        )
        .annotate(
            paired=in_active_pairing(),
            # matching.selectors.mentees_taken, for a page of mentors at once.
            mentees_taken=Coalesce(Subquery(mentees_taken), 0),
        )
        # By name, the role in its own column: PostgreSQL then walks the people's name index to
        # the first page (1 ms at 20,000 people) instead of joining and sorting the whole cohort
        # by role first (24 ms, whichever page).
        .order_by("person__full_name", "pk")
    )


def cohort_invitations(cohort: Cohort):
    return (
        Invitation.objects.filter(cohort=cohort)
        .select_related("person", "invited_by")
        .order_by("-created_at")
    )


def invitable_people(cohort: Cohort, query: str = ""):
    """People with an email who have not left, are not invited to and not (still) enrolled in the cohort."""
    people = (
        Person.objects.exclude(email="")
        .filter(leave_date__isnull=True)
        .exclude(
            enrolments__in=Enrolment.objects.filter(cohort=cohort).exclude(status=Enrolment.Status.WITHDRAWN)
        )
        .exclude(email__in=Invitation.objects.filter(cohort=cohort).values("email"))
        .select_related("team")
        .order_by("full_name")
    )
    query = query.strip()
    if query:
        people = people.filter(
            Q(full_name__icontains=query) | Q(email__icontains=query) | Q(team__name__icontains=query)
        )
    return people


def move_targets(enrolment: Enrolment):
    """Other cohorts of the same programme that still take people."""
    return (
        Cohort.objects.filter(programme_id=enrolment.cohort.programme_id, state__in=Cohort.ENROLMENT_STATES)
        .exclude(pk=enrolment.cohort_id)
        .select_related("programme")
        .order_by("starts_on", "name")
    )


# --- the people list (people/ sits below programmes, so its list with enrolment filters lives here) ---

SORTS = {
    "name": ("full_name", "pk"),
    "-name": ("-full_name", "-pk"),
    "team": ("team__name", "full_name", "pk"),
    "-team": ("-team__name", "full_name", "pk"),
    "hire_date": ("hire_date", "full_name", "pk"),
    "-hire_date": ("-hire_date", "full_name", "pk"),
}
PERSON_LIST_COLUMNS = (
    "full_name",
    "email",
    "employee_id",
    "hire_date",
    "leave_date",
    "team__name",
    "manager__full_name",
    "user__is_active",
    # Person.can_log_in: an unusable password and no sign-in yet (single sign-on) mean "not activated".
    "user__password",
    "user__last_login",
)
# Withdrawn or declined enrolments do not make someone a mentor or mentee.
HOLDING_ROLE = [Enrolment.Status.ACTIVE, Enrolment.Status.APPLIED, Enrolment.Status.WAITLISTED]


def person_list(
    *,
    q: str = "",
    team=None,
    role: str = "",
    cohort: Cohort | None = None,
    status: str = "",
    login: str = "",
    sort: str = "",
) -> QuerySet[Person]:
    """People filtered as the list's form asks, with their team, manager and current enrolments.

    `role` is "mentor", "mentee" or "none" (in no cohort); with `cohort` both are about that cohort.
    """
    # Only the columns a row shows: the manager's whole row and the login's (password hash, dates)
    # were most of what a page of 50 people read.
    people = (
        Person.objects.select_related("team", "manager", "user")
        .only(*PERSON_LIST_COLUMNS)
        .prefetch_related(
            Prefetch(
                "enrolments",
                queryset=Enrolment.objects.filter(status__in=HOLDING_ROLE)
                .select_related("cohort")
                .only("person_id", "role", "cohort__name")
                .order_by("cohort__starts_on", "pk"),
                to_attr="current_enrolments",
            )
        )
    )
    if q := q.strip():
        # Matching teams first, as in people.selectors.person_search: an OR across a join to teams
        # would keep PostgreSQL from using the people's search index.
        teams = list(Team.objects.filter(name__icontains=q).values_list("pk", flat=True))
        people = people.filter(
            Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(employee_id__icontains=q)
            | Q(team__in=teams)
        )
    if team is not None:
        people = people.filter(team=team)
    enrolments = Enrolment.objects.filter(person=OuterRef("pk"), status__in=HOLDING_ROLE)
    if cohort is not None:
        enrolments = enrolments.filter(cohort=cohort)
    if role in (Enrolment.Role.MENTOR, Enrolment.Role.MENTEE):
        people = people.filter(Exists(enrolments.filter(role=role)))
    elif role == "none":
        people = people.filter(~Exists(enrolments))
    elif cohort is not None:
        people = people.filter(Exists(enrolments))
    today = timezone.localdate()
    # The same rule as Person.has_left: someone whose leave date has come has left.
    if status == "current":
        people = people.filter(Q(leave_date__isnull=True) | Q(leave_date__gt=today))
    elif status == "left":
        people = people.filter(leave_date__lte=today)
    if login == "activated":
        people = people.with_login()
    elif login == "not_activated":
        people = people.with_login(activated=False)
    if sort in ("", "name") and q:
        return people.order_by(*by_name_for_search(q))
    return people.order_by(*SORTS.get(sort, SORTS["name"]))


def enrollable_cohorts() -> QuerySet[Cohort]:
    """Cohorts that still take enrolments (Cohort.accepts_enrolment)."""
    return Cohort.objects.filter(state__in=Cohort.ENROLMENT_STATES).select_related("programme")
