"""Writes for enrolment: invitations, self-enrolment, the profile questionnaire, mentor approval, the
waitlist, withdrawing and moving. Every refusal is a ValidationError whose message a person can act on."""

import dataclasses
import datetime
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching import selectors as matching_selectors
from matching.services import mentor_requests_settle
from mentorship.history import attribute, history_copy
from notifications.services import notify
from people.models import WORK_STYLE_TRAITS, Person
from people.services import activation_owed
from programmes.models import Cohort, Enrolment
from programmes.notices import activation_once, actor_of

from . import selectors
from .models import Invitation

INVITATION_SALT = "enrolment.invitation"
JOIN_SALT = "enrolment.join"
INVITATION_MAX_AGE = datetime.timedelta(days=14)


# --- signed links ------------------------------------------------------------------------------


def _sending(invitation: Invitation) -> str:
    return invitation.sent_at.isoformat() if invitation.sent_at else ""


def invitation_token(invitation: Invitation) -> str:
    # The email is signed too: if an admin ever re-addresses the row, old links stop working. So is
    # the sending (sent_at): a resend stamps a new one, so every older link stops working.
    return signing.dumps(
        {"i": invitation.pk, "e": invitation.email, "s": _sending(invitation)}, salt=INVITATION_SALT
    )


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link stands for, or a ValidationError that explains why the link is no good."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _(
                "This invitation link has expired (links last 14 days). "
                "Ask your programme admin for a new one."
            ),
            code="expired",
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(
            _("This invitation link is not valid. Check that you copied the whole link from the email."),
            code="invalid",
        ) from exc
    invitation = (
        Invitation.objects.select_related("cohort__programme", "person__user")
        .filter(pk=data.get("i"), email=data.get("e"))
        .first()
    )
    if invitation is None or invitation.person is None:
        raise ValidationError(_("This invitation has been withdrawn. Ask your programme admin."), code="gone")
    if data.get("s") != _sending(invitation):
        raise ValidationError(
            _("A newer invitation has been sent since this one: use the link in the latest email."),
            code="superseded",
        )
    return invitation


def cohort_join_token(cohort: Cohort) -> str:
    # No max age: the link is turned on and off with the cohort's self_enrolment_open switch.
    return signing.dumps(cohort.pk, salt=JOIN_SALT)


def cohort_from_join_token(token: str) -> Cohort:
    try:
        pk = signing.loads(token, salt=JOIN_SALT)
    except signing.BadSignature as exc:
        raise ValidationError(_("This enrolment link is not valid."), code="invalid") from exc
    cohort = Cohort.objects.select_related("programme").filter(pk=pk).first()
    if cohort is None:
        raise ValidationError(_("This cohort no longer exists."), code="gone")
    return cohort


def _require_open(cohort: Cohort):
    if not cohort.accepts_enrolment():
        raise ValidationError(
            _("%(cohort)s is %(state)s: people can only join while it is in draft, enrolling or matching.")
            % {"cohort": cohort.name, "state": cohort.get_state_display().lower()}
        )


def _locked(cohort: Cohort) -> Cohort:
    """Lock the cohort row so two capacity decisions (accept, promote) cannot both take the last place.
    PostgreSQL honours it; SQLite serialises writers anyway."""
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


def admission_status(*, cohort: Cohort, role: str, approved: bool = False) -> str:
    """Enrolled or waitlisted: the one rule for every path (invitation, self-enrolment, an admin,
    bulk, a move). A mentor is enrolled when an admin adds or approved them, and applies otherwise. A
    mentee is enrolled only when a place is free and nobody is waiting: the waitlist is first come,
    first served, so someone who joins later never overtakes it. Call it with the cohort locked."""
    if role == Enrolment.Role.MENTOR:
        return Enrolment.Status.ACTIVE if approved else Enrolment.Status.APPLIED
    if cohort.free_mentee_places() > 0 and not selectors.waitlist(cohort).exists():
        return Enrolment.Status.ACTIVE
    return Enrolment.Status.WAITLISTED


def waitlist_fill(*, cohort: Cohort) -> list[Enrolment]:
    """Give each free place to the longest-waiting mentee. Called after every change that can free a
    place (a mentor enrolled or approved, a capacity raised, a mentee withdrawn or moved out)."""
    cohort = _locked(cohort)
    if not cohort.admits_from_waitlist():
        return []
    free = cohort.free_mentee_places()
    if free <= 0:
        return []
    promoted = list(selectors.waitlist(cohort).select_related("cohort__programme", "person__user")[:free])
    Enrolment.objects.filter(pk__in=[e.pk for e in promoted]).update(status=Enrolment.Status.ACTIVE)
    # The update() writes no history of its own.
    history_copy(Enrolment, [e.pk for e in promoted], reason=_("A place came free."))
    for enrolment in promoted:
        enrolment.status = Enrolment.Status.ACTIVE
        # Nobody chose them: a place came free, so the message names no one.
        _tell(enrolment, kind="promoted")
    return promoted


def _tell(enrolment: Enrolment, *, kind: str, by=None, **context) -> None:
    """Tell the enrolled person about their enrolment: enrolled, waitlisted, promoted, or their mentor
    application decided. Keyed by the moment, the enrolment and the time they (re)joined, so a repeated
    request or fill tells nobody twice while a later re-enrolment is news again. Someone without a
    login finds their activation link in this message."""
    key = f"{kind}:{enrolment.pk}:{enrolment.enrolled_at.isoformat()}"
    if enrolment.status == Enrolment.Status.DECLINED:
        url = reverse("enrolment:mine")  # a declined enrolment has no profile to fill in
    else:
        url = reverse("enrolment:profile", args=[enrolment.pk])
    cohort = enrolment.cohort
    notify(
        kind=kind,
        person=enrolment.person,
        key=key,
        context={
            "enrolment": enrolment,
            "cohort": cohort,
            "programme": cohort.programme,
            "role": enrolment.get_role_display().lower(),
            "activation": activation_once(person=enrolment.person, kind=kind, key=key, next_url=url),
            **context,
        },
        url=url,
        actor=actor_of(by),
        programme_id=cohort.programme_id,
        cohort_id=cohort.pk,
    )


def _admit(
    *,
    cohort: Cohort,
    person: Person,
    role: str,
    approved: bool = False,
    capacity: int = 1,
    by=None,
    how: str = "admin",
) -> tuple[Enrolment, bool]:
    """Create the enrolment, or re-open a withdrawn one: (enrolment, True). An existing live one is
    returned as it is: (enrolment, False). Its status comes from admission_status."""
    _require_open(cohort)
    if role not in Enrolment.Role.values:
        raise ValidationError(_("Choose mentor or mentee."))
    if person.has_left():
        raise ValidationError(_("%(name)s has left the company.") % {"name": person.full_name})
    cohort = _locked(cohort)
    existing = Enrolment.objects.filter(cohort=cohort, person=person).first()
    if existing and existing.status != Enrolment.Status.WITHDRAWN:
        if existing.status == Enrolment.Status.DECLINED:
            raise ValidationError(
                _("%(name)s's application to mentor in %(cohort)s was not approved.")
                % {"name": person.full_name, "cohort": cohort.name}
            )
        return existing, False
    if role == Enrolment.Role.MENTEE:
        # A place freed where no one looked (the cohort's per-mentor limit raised, say) goes to
        # whoever waits first, before this newcomer is placed behind them.
        waitlist_fill(cohort=cohort)
    enrolment = existing or Enrolment(cohort=cohort, person=person)
    enrolment.role = role
    enrolment.capacity = cohort.places_of(capacity) if role == Enrolment.Role.MENTOR else 1
    enrolment.status = admission_status(cohort=cohort, role=role, approved=approved)
    enrolment.withdrawn_reason = ""
    enrolment.enrolled_at = timezone.now()
    enrolment.full_clean()
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as exc:  # a double click racing itself
        raise ValidationError(
            _("%(name)s is already enrolled in this cohort.") % {"name": person.full_name}
        ) from exc
    if enrolment.role == Enrolment.Role.MENTOR and enrolment.status == Enrolment.Status.ACTIVE:
        waitlist_fill(cohort=cohort)
    _tell_admitted(enrolment, by=by, how=how)
    return enrolment, True


def _tell_admitted(enrolment: Enrolment, *, by=None, how: str, **context) -> None:
    """The one place every path of enrolment tells the person what admission_status decided. `how`
    says which path, for the wording: "invited" (they accepted `by`'s invitation), "self", "admin"
    (bulk too) or "moved"."""
    enrolment = Enrolment.objects.select_related("cohort__programme", "person__user").get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.ACTIVE:
        _tell(enrolment, kind="enrolled", by=by, how=how, **context)
    elif enrolment.status == Enrolment.Status.WAITLISTED:
        _tell(enrolment, kind="waitlisted", by=by, how=how, **context)
    else:
        # An application to mentor is news to nobody but its reviewer; a login is still owed.
        _owe_activation(enrolment)


@transaction.atomic
def activation_resend(*, enrolment: Enrolment, by=None) -> None:
    """An admin sends a fresh activation link; the older one stops working."""
    enrolment = Enrolment.objects.select_related("cohort__programme", "person__user").get(pk=enrolment.pk)
    if enrolment.person.can_log_in:
        raise ValidationError(
            _("%(name)s has set a password already: they can log in.") % {"name": enrolment.person}
        )
    if not enrolment.person.email:
        raise ValidationError(_("%(name)s has no email address.") % {"name": enrolment.person})
    _owe_activation(enrolment)


def _owe_activation(enrolment: Enrolment) -> None:
    """Someone enrolled without a usable login (an admin, bulk or a move enrolled them) is emailed a
    link to set a password, which then leads to their profile for the cohort."""
    reasons = {
        Enrolment.Status.WAITLISTED: _(
            "You are on the waitlist of %(cohort)s (%(programme)s) as a %(role)s."
        ),
        Enrolment.Status.APPLIED: _("You have applied to mentor in %(cohort)s (%(programme)s)."),
    }
    reason = reasons.get(
        enrolment.status, _("You have been enrolled in %(cohort)s (%(programme)s) as a %(role)s.")
    ) % {
        "cohort": enrolment.cohort.name,
        "programme": enrolment.cohort.programme.name,
        "role": enrolment.get_role_display().lower(),
    }
    activation_owed(
        person=enrolment.person,
        next_url=reverse("enrolment:profile", args=[enrolment.pk]),
        cohort=enrolment.cohort,
        reason=reason,
    )


@transaction.atomic
def enrolment_add(
    *,
    cohort: Cohort,
    person: Person,
    role: str,
    capacity: int = 1,
    goals: str = "",
    goal_areas=(),
    by=None,
) -> Enrolment:
    """An admin enrols someone: a mentor is enrolled at once, a mentee takes a free place or waits."""
    enrolment, created = _admit(
        cohort=cohort, person=person, role=role, approved=True, capacity=capacity, by=by
    )
    if not created:
        raise ValidationError(_("%(name)s is already enrolled in this cohort.") % {"name": person.full_name})
    if goals:
        enrolment.goals = goals
        enrolment.full_clean()
        enrolment.save(update_fields=["goals"])
    enrolment.goal_areas.set(goal_areas)
    return enrolment


@dataclasses.dataclass(frozen=True)
class EnrolOutcome:
    enrolled: list[Person]
    waitlisted: list[Person]
    refused: list[tuple[Person, str]]


@transaction.atomic
def people_enrol(*, cohort: Cohort, people: Iterable[Person], role: str, by=None) -> EnrolOutcome:
    """Bulk enrolment from the people list, person by person through the same rule as everyone else;
    one refusal (already enrolled, has left, cohort closed) does not stop the others."""
    if role not in Enrolment.Role.values:
        raise ValidationError(_("Choose mentor or mentee."))
    _require_open(cohort)
    already = set(Enrolment.objects.filter(cohort=cohort).values_list("person_id", flat=True))
    enrolled, waitlisted, refused = [], [], []
    for person in people:
        if person.pk in already:
            refused.append((person, _("already enrolled in this cohort")))
            continue
        try:
            with transaction.atomic():  # a savepoint, so a refusal leaves nothing half-done
                enrolment = enrolment_add(cohort=cohort, person=person, role=role, by=by)
        except ValidationError as exc:
            refused.append((person, " ".join(exc.messages)))
        else:
            (waitlisted if enrolment.status == Enrolment.Status.WAITLISTED else enrolled).append(person)
    return EnrolOutcome(enrolled=enrolled, waitlisted=waitlisted, refused=refused)


# --- invitations -------------------------------------------------------------------------------


@transaction.atomic
def invitation_send(*, cohort: Cohort, people, role: str, by) -> tuple[list[Invitation], list[str]]:
    """Invite each person; returns (invitations created, one sentence per person skipped).
    Emails go out through Celery after commit, one task per invitation."""
    _require_open(cohort)
    if role not in Enrolment.Role.values:
        raise ValidationError(_("Choose mentor or mentee."))
    people = list(people)
    invited = set(
        Invitation.objects.filter(cohort=cohort, email__in=[p.email for p in people]).values_list(
            "email", flat=True
        )
    )
    enrolled = set(
        Enrolment.objects.filter(cohort=cohort, person__in=people)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("person_id", flat=True)
    )
    created, skipped = [], []
    for person in people:
        if not person.email:
            skipped.append(_("%(name)s has no email address.") % {"name": person.full_name})
        elif person.has_left():
            skipped.append(_("%(name)s has left the company.") % {"name": person.full_name})
        elif person.pk in enrolled:
            skipped.append(_("%(name)s is already enrolled.") % {"name": person.full_name})
        elif person.email in invited:
            skipped.append(_("%(name)s was already invited.") % {"name": person.full_name})
        else:
            invitation = Invitation(
                cohort=cohort, email=person.email, role=role, person=person, invited_by=by
            )
            invitation.full_clean()
            invitation.save()
            _owe_invitation_email(invitation)
            invited.add(person.email)
            created.append(invitation)
    return created, skipped


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """Send a fresh link (a new 14 days), e.g. when the first expired or never arrived."""
    invitation = Invitation.objects.select_for_update().select_related("cohort").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was accepted already."))
    if invitation.person_id is None:
        raise ValidationError(_("The invited person no longer exists."))
    _require_open(invitation.cohort)
    _owe_invitation_email(invitation)
    return invitation


def _full_name(user) -> str:
    if user is None:
        return ""
    person = actor_of(user)
    return person.full_name if person else user.get_full_name()


def _owe_invitation_email(invitation: Invitation) -> None:
    """Write the invitation's email to the outbox, in the caller's transaction. `sent_at` marks
    this sending; each sending is its own message (keyed by it), so a resend emails again while a
    repeated task or request for the same sending does not."""
    from outbox.services import email_enqueue

    now = timezone.now()
    invitation.sent_at = now
    invitation.save(update_fields=["sent_at"])
    inviter = invitation.invited_by
    email_enqueue(
        key=f"invitation:{invitation.pk}:{now.isoformat()}",
        template="invitation",
        context={
            "invitation": invitation,
            "cohort": invitation.cohort,
            "person": invitation.person,
            "role": invitation.get_role_display().lower(),
            "is_mentor": invitation.role == Enrolment.Role.MENTOR,
            # Named by their full name, never a login name; nobody is named when none is known.
            "inviter": _full_name(inviter),
            "accept_url": settings.SITE_URL
            + reverse("enrolment:accept", args=[invitation_token(invitation)]),
            "expires_on": timezone.localdate(now + INVITATION_MAX_AGE),
        },
        to=invitation.email,
        cohort_id=invitation.cohort_id,
    )


@transaction.atomic
def invitation_create_account(*, invitation: Invitation, password: str):
    """Create the invited person's login (username = their email) and link it to them. A login they
    were given when an admin enrolled them, and never activated, gets the password instead: the
    invitation link reached their address as an activation link would have."""
    person = (
        Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=invitation.person_id)
    )
    if (
        person.user_id
        and not person.can_log_in
        and person.user.is_active
        and person.email == invitation.email
    ):
        user = person.user
        user.set_password(password)
        user.save(update_fields=["password"])
        return user
    if person.user_id:
        raise ValidationError(_("You already have an account: log in instead."))
    User = get_user_model()
    if User.objects.filter(username__iexact=person.email).exists():
        raise ValidationError(_("An account with this email exists already: log in instead."))
    user = User(username=person.email, email=person.email)
    full_name = person.full_name.split(" ", 1)
    user.first_name, user.last_name = full_name[0][:150], (full_name[1] if len(full_name) > 1 else "")[:150]
    user.set_password(password)
    user.full_clean()
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    return user


@transaction.atomic
def invitation_accept(*, invitation: Invitation) -> Enrolment:
    """Enrol the invited person in the invited role. A second click returns the same enrolment."""
    enrolment, _created = _admit(
        cohort=invitation.cohort,
        person=invitation.person,
        role=invitation.role,
        by=invitation.invited_by,
        how="invited",
    )
    if invitation.accepted_at is None:
        Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
    return enrolment


# --- self-enrolment ----------------------------------------------------------------------------


def eligibility_problem(*, cohort: Cohort, person: Person, role: str, today=None) -> str | None:
    """Why the person may not join in this role, or None."""
    today = today or timezone.localdate()
    if role == Enrolment.Role.MENTOR:
        tenure = person.tenure_days(today)
        if tenure < cohort.min_mentor_tenure_days:
            return _(
                "Mentors need at least %(need)d days with the company; you have %(have)d. "
                "You are welcome to join as a mentee."
            ) % {"need": cohort.min_mentor_tenure_days, "have": max(tenure, 0)}
    elif (
        cohort.mentee_hire_window_days is not None
        and person.tenure_days(today) > cohort.mentee_hire_window_days
    ):
        return _("This cohort is for people hired in the last %(days)d days.") % {
            "days": cohort.mentee_hire_window_days
        }
    return None


@transaction.atomic
def self_enrol(*, cohort: Cohort, person: Person, role: str) -> Enrolment:
    if not cohort.self_enrolment_is_open():
        raise ValidationError(_("%(cohort)s is not open for self-enrolment.") % {"cohort": cohort.name})
    if role not in Enrolment.Role.values:
        raise ValidationError(_("Choose mentor or mentee."))
    problem = eligibility_problem(cohort=cohort, person=person, role=role)
    if problem:
        raise ValidationError(problem)
    existing = Enrolment.objects.filter(cohort=cohort, person=person).exclude(
        status=Enrolment.Status.WITHDRAWN
    )
    if existing.exists():
        raise ValidationError(_("You are already enrolled in %(cohort)s.") % {"cohort": cohort.name})
    enrolment, _created = _admit(cohort=cohort, person=person, role=role, how="self")
    return enrolment


# --- profile -----------------------------------------------------------------------------------


@transaction.atomic
def profile_save(
    *,
    enrolment: Enrolment,
    communication: str,
    structure: str,
    pace: str,
    feedback: str,
    interests=(),
    skills=(),
    time_zone: str,
    availability: str = "",
    preferred_format: str = Enrolment.MeetingFormat.ANY,
    goals: str = "",
    goal_areas=(),
    motivation: str = "",
    capacity: int = 1,
) -> Enrolment:
    cohort = enrolment.cohort
    if cohort.is_read_only:
        raise ValidationError(
            _("%(cohort)s is closed: its profiles can no longer be changed.") % {"cohort": cohort.name}
        )
    if enrolment.status in (Enrolment.Status.WITHDRAWN, Enrolment.Status.DECLINED):
        raise ValidationError(_("This enrolment is no longer active."))
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")}) from exc
    is_mentor = enrolment.role == Enrolment.Role.MENTOR
    if is_mentor:
        _check_capacity(enrolment, capacity)

    person = enrolment.person
    traits = dict(zip(WORK_STYLE_TRAITS, (communication, structure, pace, feedback), strict=True))
    for name, value in traits.items():
        setattr(person, name, value)
    person.time_zone = time_zone
    person.full_clean()
    person.save(update_fields=[*WORK_STYLE_TRAITS, "time_zone"])
    person.interests.set(interests)
    person.skills.set(skills)

    enrolment.availability = availability
    enrolment.preferred_format = preferred_format
    if is_mentor:
        enrolment.motivation = motivation
        enrolment.capacity = capacity
    else:
        enrolment.goals = goals
    enrolment.profile_completed_at = enrolment.profile_completed_at or timezone.now()
    enrolment.full_clean()
    enrolment.save()
    if not is_mentor:
        enrolment.goal_areas.set(goal_areas)
    elif enrolment.status == Enrolment.Status.ACTIVE:
        mentor_requests_settle(enrolment=enrolment)  # a mentor now full closes the requests waiting
        waitlist_fill(cohort=cohort)
    return enrolment


def _check_capacity(mentor: Enrolment, capacity: int) -> None:
    """A mentor's capacity stays within the cohort's limit and never below the mentees they have."""
    cohort = mentor.cohort
    if not (1 <= capacity <= cohort.max_mentees_per_mentor):
        raise ValidationError(
            {"capacity": _("Choose between 1 and %(n)d mentees.") % {"n": cohort.max_mentees_per_mentor}}
        )
    taken = matching_selectors.mentees_taken(mentor)
    if capacity < taken:
        raise ValidationError(
            {
                "capacity": ngettext(
                    "%(name)s already mentors %(n)d mentee: the capacity can't go below that.",
                    "%(name)s already mentors %(n)d mentees: the capacity can't go below that.",
                    taken,
                )
                % {"name": mentor.person.full_name, "n": taken}
            }
        )


@transaction.atomic
def mentor_capacity_set(*, enrolment: Enrolment, capacity: int, by=None) -> Enrolment:
    """An admin changes how many mentees a mentor takes. Never below the mentees they already have;
    a raise gives the new places to the waitlist, longest-waiting first."""
    cohort = _locked(enrolment.cohort)
    enrolment = Enrolment.objects.select_for_update().select_related("cohort", "person").get(pk=enrolment.pk)
    if enrolment.role != Enrolment.Role.MENTOR:
        raise ValidationError(_("Only mentors have a capacity."))
    if not enrolment.is_current:
        raise ValidationError(_("This enrolment is no longer active."))
    if cohort.is_read_only:
        raise ValidationError(_("The cohort is closed."))
    _check_capacity(enrolment, capacity)
    enrolment.capacity = capacity
    enrolment.full_clean()
    attribute(enrolment, by=by)
    enrolment.save(update_fields=["capacity"])
    if enrolment.status == Enrolment.Status.ACTIVE:
        mentor_requests_settle(enrolment=enrolment)  # a mentor now full closes the requests waiting
        waitlist_fill(cohort=cohort)
    return enrolment


# --- admin review ------------------------------------------------------------------------------

MENTOR_CHECKS = ("expertise", "communication", "patience")


@transaction.atomic
def application_review(*, enrolment: Enrolment, approve: bool, checks=(), note: str = "", by) -> Enrolment:
    """Approve or decline a mentor's application. Approval needs every check ticked; a decline needs
    a note."""
    enrolment = Enrolment.objects.select_for_update().select_related("cohort").get(pk=enrolment.pk)
    if enrolment.role != Enrolment.Role.MENTOR or enrolment.status != Enrolment.Status.APPLIED:
        raise ValidationError(_("Only mentor applications awaiting approval can be reviewed."))
    _require_open(enrolment.cohort)
    checks = [c for c in MENTOR_CHECKS if c in set(checks)]
    note = note.strip()
    if approve and len(checks) < len(MENTOR_CHECKS):
        raise ValidationError(
            _("Tick expertise, communication and patience before approving, or decline with a note.")
        )
    if not approve and not note:
        raise ValidationError({"note": _("Say why, so the person hears a reason.")})
    enrolment.status = Enrolment.Status.ACTIVE if approve else Enrolment.Status.DECLINED
    enrolment.review_checks = checks
    enrolment.review_note = note[:300]
    enrolment.reviewed_by = by
    enrolment.reviewed_at = timezone.now()
    enrolment.full_clean()
    attribute(enrolment, by=by)
    enrolment.save()
    _tell(
        Enrolment.objects.select_related("cohort__programme", "person__user").get(pk=enrolment.pk),
        kind="application_decided",
        by=by,
        approved=approve,
        note=enrolment.review_note,
    )
    if approve:
        waitlist_fill(cohort=enrolment.cohort)
    return enrolment


@transaction.atomic
def waitlist_promote(*, enrolment: Enrolment, by=None) -> Enrolment:
    """Promote the head of the waitlist by hand (e.g. after the cohort's per-mentor limit was raised).
    First come, first served: nobody is promoted ahead of someone who has waited longer."""
    cohort = _locked(enrolment.cohort)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("cohort__programme", "person__user")
        .get(pk=enrolment.pk)
    )
    if enrolment.status != Enrolment.Status.WAITLISTED:
        raise ValidationError(_("%(name)s is not on the waitlist.") % {"name": enrolment.person})
    if not cohort.admits_from_waitlist():
        raise ValidationError(
            _("%(cohort)s is %(state)s: nobody joins from the waitlist any more.")
            % {"cohort": cohort.name, "state": cohort.get_state_display().lower()}
        )
    first = selectors.waitlist(cohort).first()
    if first is not None and first.pk != enrolment.pk:
        raise ValidationError(
            _("%(first)s has waited longer than %(name)s: the waitlist is first come, first served.")
            % {"first": first.person.full_name, "name": enrolment.person.full_name}
        )
    places, taken = cohort.mentee_places()
    if taken >= places:
        raise ValidationError(
            _(
                "No mentor place is free: %(taken)d active mentees for %(places)d places. "
                "Approve another mentor or raise a mentor's capacity first."
            )
            % {"taken": taken, "places": places}
        )
    enrolment.status = Enrolment.Status.ACTIVE
    enrolment.full_clean()
    attribute(enrolment, by=by)
    enrolment.save(update_fields=["status"])
    _tell(enrolment, kind="promoted", by=by)
    return enrolment


def _refuse_if_paired(enrolment: Enrolment):
    if Enrolment.objects.filter(pk=enrolment.pk).filter(selectors.in_active_pairing()).exists():
        raise ValidationError(
            _("%(name)s is in an active pairing: end the pairing first.") % {"name": enrolment.person}
        )


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, reason: str, by=None) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().select_related("cohort", "person").get(pk=enrolment.pk)
    if enrolment.status in (Enrolment.Status.WITHDRAWN, Enrolment.Status.DECLINED):
        raise ValidationError(_("This enrolment is not active."))
    if enrolment.cohort.is_read_only:
        raise ValidationError(_("The cohort is closed."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a short reason.")})
    _refuse_if_paired(enrolment)
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.withdrawn_reason = reason[:200]
    enrolment.full_clean()
    attribute(enrolment, by=by)
    enrolment.save(update_fields=["status", "withdrawn_reason"])
    mentor_requests_settle(enrolment=enrolment)  # its open mentor requests close with it
    waitlist_fill(cohort=enrolment.cohort)  # a mentee's place is free now
    return enrolment


@transaction.atomic
def enrolment_move(*, enrolment: Enrolment, to_cohort: Cohort, by=None) -> Enrolment:
    """Move someone to another cohort of the same programme. The old enrolment is kept, withdrawn with
    a reason, so history (and any ended pairing) stays where it happened; the new one copies the
    profile answers and goal areas. Mentees take a free place or join the waitlist there."""
    enrolment = Enrolment.objects.select_for_update().select_related("cohort", "person").get(pk=enrolment.pk)
    if enrolment.status in (Enrolment.Status.WITHDRAWN, Enrolment.Status.DECLINED):
        raise ValidationError(_("This enrolment is not active."))
    if to_cohort.pk == enrolment.cohort_id or to_cohort.programme_id != enrolment.cohort.programme_id:
        raise ValidationError(_("Choose another cohort of the same programme."))
    _require_open(to_cohort)
    _refuse_if_paired(enrolment)
    if Enrolment.objects.filter(cohort=to_cohort, person=enrolment.person_id).exists():
        raise ValidationError(
            _("%(name)s is already enrolled in %(cohort)s.")
            % {"name": enrolment.person, "cohort": to_cohort.name}
        )
    to_cohort = _locked(to_cohort)
    # An approved mentor stays approved; everyone else is admitted as if they joined now.
    status = admission_status(
        cohort=to_cohort, role=enrolment.role, approved=enrolment.status == Enrolment.Status.ACTIVE
    )
    moved = Enrolment(
        cohort=to_cohort,
        person=enrolment.person,
        role=enrolment.role,
        capacity=to_cohort.places_of(enrolment.capacity),
        status=status,
        goals=enrolment.goals,
        availability=enrolment.availability,
        preferred_format=enrolment.preferred_format,
        motivation=enrolment.motivation,
        profile_completed_at=enrolment.profile_completed_at,
        reviewed_by=enrolment.reviewed_by,
        reviewed_at=enrolment.reviewed_at,
        review_note=enrolment.review_note,
    )
    moved.full_clean()
    attribute(moved, by=by, reason=_("Moved from %(cohort)s") % {"cohort": enrolment.cohort.name})
    moved.save()
    moved.goal_areas.set(enrolment.goal_areas.all())
    _tell_admitted(moved, by=by, how="moved", from_cohort=enrolment.cohort)
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.withdrawn_reason = (_("Moved to %(cohort)s") % {"cohort": to_cohort.name})[:200]
    attribute(enrolment, by=by)
    enrolment.save(update_fields=["status", "withdrawn_reason"])
    mentor_requests_settle(enrolment=enrolment)  # its open mentor requests close with it
    waitlist_fill(cohort=enrolment.cohort)  # the place they leave
    if moved.status == Enrolment.Status.ACTIVE and moved.role == Enrolment.Role.MENTOR:
        waitlist_fill(cohort=to_cohort)  # the places they bring
    return moved
