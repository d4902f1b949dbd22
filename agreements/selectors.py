"""Reads of agreements, already limited to who may see them: the pair's two members, and programme
admins (read only). Managers see no agreement: it is the pair's own."""

import datetime

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Pairing
from mentorship.todo import TodoItem
from people.roles import is_programme_admin, person_of
from programmes.models import Cohort, Enrolment

from .defaults import DEFAULT_SECTIONS, KEYS, SectionText
from .models import SIGN_WITHIN_DAYS, Agreement, Role, Signature, TemplateSection


def template_with_origin(programme_id: int) -> tuple[list[SectionText], bool]:
    """The programme's template sections in order, and whether they are its own (else ours)."""
    rows = {row.key: row for row in TemplateSection.objects.filter(programme_id=programme_id)}
    if len(rows) != len(KEYS):
        return list(DEFAULT_SECTIONS), False
    return [SectionText(k, rows[k].heading, rows[k].prompt, rows[k].text) for k in KEYS], True


def template_of(programme_id: int) -> list[SectionText]:
    return template_with_origin(programme_id)[0]


def _pairings():
    return Pairing.objects.exclude(status=Pairing.Status.PROPOSED).select_related(
        "cohort__programme", "mentor__person", "mentee__person"
    )


def agreement_pairing_for(user, pk: int) -> Pairing | None:
    """The pairing whose agreement `user` may read: as one of its two members, or as a programme
    admin. None for everyone else (managers included), so the page is a 404 to them."""
    person = person_of(user)
    if person is not None:
        found = _pairings().filter(Q(mentor__person=person) | Q(mentee__person=person), pk=pk).first()
        if found is not None:
            return found
    if is_programme_admin(user):
        return _pairings().filter(pk=pk).first()
    return None


def agreement_of(pairing: Pairing) -> Agreement | None:
    agreement = Agreement.objects.filter(pairing=pairing).select_related("updated_by").first()
    if agreement is not None:
        agreement.pairing = pairing
    return agreement


def signed_versions(agreement: Agreement):
    """Every signature of the agreement with the text it signed, newest version first."""
    return (
        Signature.objects.filter(agreement=agreement)
        .select_related("person")
        .order_by("-version", "signed_at")
    )


def agreement_part(pairing: Pairing, person) -> dict:
    """What the workspace's agreement card shows (templates/agreements/_workspace.html)."""
    agreement = agreement_of(pairing)
    waiting_for = []
    if agreement is not None:
        if not agreement.is_signed_by(Role.MENTOR):
            waiting_for.append(pairing.mentor.person)
        if not agreement.is_signed_by(Role.MENTEE):
            waiting_for.append(pairing.mentee.person)
    return {"agreement": agreement, "agreement_waiting_for": waiting_for}


def unsigned_after_a_week(cohort_ids, *, today: datetime.date | None = None):
    """Active pairings of these cohorts that started at least a week ago and whose agreement is
    not signed by both (or not started): oldest first, each with `mentor_signed_at` and
    `mentee_signed_at` (None when that side has not signed, or nothing was written) and
    `agreement_version` (None when nothing was written). `today`: the local date unless given."""
    today = today or timezone.localdate()
    return (
        Pairing.objects.filter(
            cohort_id__in=cohort_ids,
            status=Pairing.Status.ACTIVE,
            started_on__lte=today - datetime.timedelta(days=SIGN_WITHIN_DAYS),
        )
        .annotate(
            mentor_signed_at=F("agreement__mentor_signed_at"),
            mentee_signed_at=F("agreement__mentee_signed_at"),
            agreement_version=F("agreement__version"),
        )
        .filter(Q(mentor_signed_at__isnull=True) | Q(mentee_signed_at__isnull=True))
        .select_related("mentor__person", "mentee__person")
        .order_by("started_on", "pk")
    )


def unsigned_by_cohort(cohort_ids, *, today: datetime.date) -> dict[int, int]:
    """Per cohort of `cohort_ids`: how many pairings `unsigned_after_a_week` lists. One query."""
    return dict(
        unsigned_after_a_week(list(cohort_ids), today=today)
        .order_by()
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )


def unsigned_counts(programme, *, today: datetime.date) -> list[Cohort]:
    """The programme's cohorts that are not closed, each with `unsigned`: how many of its pairings
    are unsigned a week after they started. Two queries."""
    cohorts = list(
        Cohort.objects.filter(programme=programme).exclude(state=Cohort.State.CLOSED).order_by("-starts_on")
    )
    counts = unsigned_by_cohort([c.pk for c in cohorts], today=today)
    for cohort in cohorts:
        cohort.unsigned = counts.get(cohort.pk, 0)
    return cohorts


def todo_for(person, *, today: datetime.date) -> list[TodoItem]:
    """The agreements of the person's active pairings that they have not signed (started or not),
    due a week after the pairing started. Two queries (one for someone enrolled nowhere)."""
    if person is None:
        return []
    # Through the person's enrolment ids (a few), not an OR across two joins: the planner then reads
    # the mentor and mentee indexes instead of joining every active pairing (67 ms at 20,000 people).
    enrolments = list(Enrolment.objects.filter(person=person).order_by().values_list("pk", flat=True))
    if not enrolments:
        return []
    pairings = (
        Pairing.objects.filter(status=Pairing.Status.ACTIVE)
        .exclude(cohort__state=Cohort.State.CLOSED)
        .filter(
            Q(mentor__in=enrolments, agreement__mentor_signed_at__isnull=True)
            | Q(mentee__in=enrolments, agreement__mentee_signed_at__isnull=True)
        )
        .annotate(
            agreement_version=F("agreement__version"),
            mentor_signed_at=F("agreement__mentor_signed_at"),
            mentee_signed_at=F("agreement__mentee_signed_at"),
        )
        .select_related("mentor__person", "mentee__person")
        .order_by("started_on", "pk")
    )
    items = []
    for pairing in pairings:
        partner = pairing.partner_of(person)
        names = {"name": partner.full_name}
        i_mentor = pairing.mentor.person_id == person.pk
        partner_signed = pairing.mentee_signed_at if i_mentor else pairing.mentor_signed_at
        if pairing.agreement_version is None:
            title = _("Fill in and sign your mentoring agreement with %(name)s") % names
            detail = _("Not started yet: it starts from your programme's template.")
        else:
            title = _("Sign your mentoring agreement with %(name)s") % names
            detail = (
                _("%(name)s has signed it.") % names
                if partner_signed
                else _("Neither of you has signed this version yet.")
            )
        items.append(
            TodoItem(
                kind="agreement-sign",
                title=title,
                url=reverse("agreements:agreement", args=[pairing.pk]),
                due=pairing.started_on + datetime.timedelta(days=SIGN_WITHIN_DAYS),
                pairing_id=pairing.pk,
                detail=detail,
            )
        )
    return items
