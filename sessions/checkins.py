"""Pulse check-ins: the period arithmetic, the signed link in the pulse email, the writes
(answer or edit this period's check-in; an admin resolves a flag) and the reads the admin's flag
pages share.

A pulse period is the index of the cohort's check-in interval since the pairing started: period 0
is the first `check_in_interval_days` days, and so on. Each member answers at most once per period
(a database constraint); a second visit edits the same answer until the period ends.
"""

import dataclasses
import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Pairing
from people.models import Person

from . import chat
from .access import require_active
from .models import CheckIn, FlagResolution

PULSE_SALT = "mentoring_sessions.pulse-check-in"


def pulse_period(pairing: Pairing, *, today: datetime.date) -> int | None:
    """The index of the pulse period `today` falls in, or None before the pairing started."""
    if pairing.started_on is None or today < pairing.started_on:
        return None
    return (today - pairing.started_on).days // pairing.cohort.check_in_interval_days


def period_key(n: int) -> str:
    return str(n)


def period_ends_on(pairing: Pairing, n: int) -> datetime.date:
    """The last day of period `n`."""
    interval = pairing.cohort.check_in_interval_days
    return pairing.started_on + datetime.timedelta(days=(n + 1) * interval - 1)


# --- the signed link ----------------------------------------------------------------------------


def pulse_token(*, pairing_id: int, person_id: int, period: int) -> str:
    return signing.dumps({"pairing": pairing_id, "person": person_id, "period": period}, salt=PULSE_SALT)


class PulseLinkInvalid(Exception):
    """Tampered with, or expired (see `pulse_link_read`)."""


@dataclasses.dataclass(frozen=True)
class PulseLink:
    pairing_id: int
    person_id: int
    period: int


def pulse_link_read(token: str) -> PulseLink:
    """The link's contents, if the signature holds. Whether it is still in time is checked against
    the pairing (`pulse_link_in_time`): the link lives for its own period and the next, i.e. about
    two intervals, whatever the interval of the cohort is."""
    try:
        data = signing.loads(token, salt=PULSE_SALT)
        return PulseLink(
            pairing_id=int(data["pairing"]), person_id=int(data["person"]), period=int(data["period"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise PulseLinkInvalid from exc


def pulse_link_in_time(link: PulseLink, pairing: Pairing, *, today: datetime.date) -> bool:
    current = pulse_period(pairing, today=today)
    return current is not None and link.period <= current <= link.period + 1


# --- reads -----------------------------------------------------------------------------------


def checkin_for_period(*, pairing: Pairing, person: Person, period: int) -> CheckIn | None:
    return CheckIn.objects.filter(pairing=pairing, person=person, period_key=period_key(period)).first()


def pulse_period_open(pairing: Pairing, period: int, *, today: datetime.date) -> bool:
    """Whether an answer for pulse period `period` can still be given or changed: the pairing runs
    and `today` is in that period (the one-click links of the pulse email live exactly this long)."""
    return pairing.is_active and pulse_period(pairing, today=today) == period


def checkin_editable(checkin: CheckIn | None, *, pairing: Pairing, period: int, today: datetime.date) -> bool:
    """A missing answer can be given while the link is in time; a given one edited until its period ends."""
    if checkin is None:
        return True
    return pulse_period(pairing, today=today) == period


def checkins_of(*, pairing: Pairing, person: Person) -> QuerySet[CheckIn]:
    """One member's own check-ins: the other member's answers are theirs (and the admin's) to read."""
    return CheckIn.objects.filter(pairing=pairing, person=person)


def _open_flags(checkins: QuerySet[CheckIn]) -> QuerySet[CheckIn]:
    newest_of_person = CheckIn.objects.filter(
        pairing=OuterRef("pairing"), person=OuterRef("person")
    ).order_by("-created_at", "-pk")
    return (
        checkins.filter(pk=Subquery(newest_of_person.values("pk")[:1]))
        .filter(CheckIn.OPEN_FLAG)
        .order_by("-created_at", "-pk")
    )


def open_flags_of(pairing_ref: str = "pk") -> QuerySet[CheckIn]:
    """The open flags of the pairing `OuterRef(pairing_ref)` points at: each member's latest answer,
    when it is flagged and no admin has resolved it (CheckIn.OPEN_FLAG). A newer answer replaces an
    older one, flagged or not, so there is at most one per member. The one rule for "open flags":
    the flag pages, the cohort page, the pairing list and the health table all ask it."""
    return _open_flags(CheckIn.objects.filter(pairing=OuterRef(pairing_ref)))


def open_flag_count(pairing_ref: str = "pk"):
    """How many open flags (0, 1 or 2) the pairing has, as an annotation."""
    counted = open_flags_of(pairing_ref).order_by().values("pairing").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def flagged_pairings(cohort) -> QuerySet[Pairing]:
    """Active pairings of the cohort with an open flag (`open_flags_of`).

    One query. Each row carries `flagged_checkin_id`, the newest such answer, and has both members'
    people loaded; `flagged_checkins(pairings)` loads those answers in one more.
    """
    latest_flagged = open_flags_of()
    return (
        Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE)
        .filter(Exists(latest_flagged))
        .annotate(flagged_checkin_id=Subquery(latest_flagged.values("pk")[:1]))
        .select_related("cohort", "mentor__person", "mentee__person")
        .order_by("pk")
    )


def open_flags_of_pairing(pairing: Pairing) -> list[CheckIn]:
    """The pairing's open flags, newest first, with who answered (for the page that resolves them)."""
    return list(_open_flags(CheckIn.objects.filter(pairing=pairing)).select_related("person"))


def resolutions_of_pairing(pairing: Pairing, *, limit: int = 20) -> list[FlagResolution]:
    """The pairing's latest resolved flags, for admins only: the notes are never shown to others."""
    return list(
        FlagResolution.objects.filter(checkin__pairing=pairing)
        .select_related("checkin__person", "resolved_by")
        .order_by("-resolved_at", "-pk")[:limit]
    )


def flagged_checkins(pairings) -> dict[int, CheckIn]:
    """{pairing id: its flagged answer} for rows of `flagged_pairings`, in one query."""
    ids = [p.flagged_checkin_id for p in pairings]
    return {c.pairing_id: c for c in CheckIn.objects.filter(pk__in=ids).select_related("person")}


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def checkin_answer(
    *,
    pairing: Pairing,
    by: Person,
    period: int,
    satisfaction: int,
    meeting_regularly: bool,
    blockers: str = "",
    comment: str = "",
    today: datetime.date | None = None,
) -> CheckIn:
    """Record (or edit) `by`'s answer for pulse period `period` of `pairing`.

    The row is locked while edited, and the unique (pairing, person, period) constraint turns a
    concurrent second first answer into an IntegrityError rather than a duplicate.
    """
    today = today or timezone.localdate()
    require_active(pairing)
    if not pairing.has_member(by):
        raise ValidationError(_("Only the two members of a pairing answer its check-ins."))
    checkin = (
        CheckIn.objects.select_for_update()
        .filter(pairing=pairing, person=by, period_key=period_key(period))
        .first()
    )
    if not checkin_editable(checkin, pairing=pairing, period=period, today=today):
        raise ValidationError(_("This period has ended; its answer can no longer be changed."))
    if checkin is None:
        checkin = CheckIn(pairing=pairing, person=by, period_key=period_key(period))
    before = _answer_of(checkin)
    checkin.satisfaction = satisfaction
    checkin.meeting_regularly = meeting_regularly
    checkin.blockers = blockers.strip()
    checkin.comment = comment.strip()
    checkin.full_clean()
    checkin.save()
    chat.checkin_flagged_alert(checkin=checkin)
    if _answer_of(checkin) != before:
        # A changed answer is a new answer: what the admin resolved (say, a blocker) may not be what
        # it says now, so its flag opens again.
        FlagResolution.objects.filter(checkin=checkin).delete()
    return checkin


@transaction.atomic
def pulse_answer_record(
    *,
    pairing: Pairing,
    by: Person,
    period: int,
    satisfaction: int,
    meeting_regularly: bool | None = None,
    blockers: str | None = None,
    comment: str | None = None,
    today: datetime.date | None = None,
) -> CheckIn:
    """`by`'s answer to the pulse of `period`, from the email's one-click links and the page they
    open: a field left None keeps what was answered before (a click on a score keeps the comment).

    Idempotent per (person, pairing, period): clicking the same score twice, or a mail scanner
    fetching every link, updates the one row and never adds a second. Only while the period is open.
    """
    today = today or timezone.localdate()
    if not pulse_period_open(pairing, period, today=today):
        raise ValidationError(_("This check-in period is over; its answer can no longer be changed."))

    def record():
        before = (
            CheckIn.objects.select_for_update()
            .filter(pairing=pairing, person=by, period_key=period_key(period))
            .first()
        )
        answer = {
            "satisfaction": satisfaction,
            # A one-click answer says nothing about meetings: "as planned" (the model's default)
            # until the person says otherwise on the page the link opens.
            "meeting_regularly": _keep(meeting_regularly, before, "meeting_regularly", True),
            "blockers": _keep(blockers, before, "blockers", ""),
            "comment": _keep(comment, before, "comment", ""),
        }
        if before is not None and _answer_of(before) == tuple(answer.values()):
            return before  # the same answer again: nothing to write
        return checkin_answer(pairing=pairing, by=by, period=period, today=today, **answer)

    try:
        with transaction.atomic():
            return record()
    except IntegrityError:
        # Two first answers at once (a scanner opening all five links): the other one's row is
        # committed now, and this answer updates it.
        return record()


def _keep(value, before: CheckIn | None, field: str, default):
    if value is not None:
        return value
    return getattr(before, field) if before is not None else default


def _answer_of(checkin: CheckIn) -> tuple:
    return (checkin.satisfaction, checkin.meeting_regularly, checkin.blockers, checkin.comment)


@transaction.atomic
def checkin_flag_resolve(*, checkin: CheckIn, by, note: str) -> FlagResolution:
    """An admin (`by`, a user) resolves an open flag (`open_flags_of`) with a note saying what was
    done; it then counts as open nowhere. The check-in is locked, so two admins resolving the same
    flag at once record one resolution and tell the second it is resolved already."""
    checkin = (
        CheckIn.objects.select_for_update(of=("self",)).select_related("pairing__cohort").get(pk=checkin.pk)
    )
    if checkin.pairing.cohort.is_read_only:
        raise ValidationError(_("This cohort is closed; its history is read-only."))
    if FlagResolution.objects.filter(checkin=checkin).exists():
        raise ValidationError(_("This flag has already been resolved."))
    if not checkin.flagged:
        raise ValidationError(_("This check-in flagged nothing, so there is nothing to resolve."))
    if not _open_flags(CheckIn.objects.filter(pk=checkin.pk)).exists():
        raise ValidationError(_("A newer check-in has replaced this one: this flag is no longer open."))
    resolution = FlagResolution(checkin=checkin, resolved_by=by, note=note.strip())
    resolution.full_clean()
    resolution.save()
    return resolution
