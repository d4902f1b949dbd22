"""Writes in the pair's workspace: scheduling, logging, confirming, action items, private notes."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Pairing
from notifications import keys
from notifications.services import notices_withdraw
from people.models import Person
from training import selectors as training_selectors
from training.models import TrainingModule

from .access import require_active
from .models import ActionItem, MentoringSession, ScheduledSession, SessionPrivateNote


def _members(pairing: Pairing) -> tuple[Person, Person]:
    return pairing.members()


def _require_member(pairing: Pairing, person: Person) -> None:
    if not pairing.has_member(person):
        raise ValidationError(_("Only the two people in this mentorship can do that."))


class TrainingRequired(ValidationError):
    """Planning or logging the pair's first session waits for the member's required training;
    `modules` are the ones left (the page links to each)."""

    def __init__(self, modules):
        self.modules = modules
        super().__init__(
            _("Finish the training required before your first session: %(titles)s.")
            % {"titles": ", ".join(f"“{m.title}”" for m in modules)}
        )


def _require_training(pairing: Pairing, person: Person) -> None:
    """Training's rule for the first session: asked first (one query when the programme requires
    nothing then), and only if something is missing, whether the pair has met yet."""
    role = pairing.mentor.role if pairing.mentor.person_id == person.pk else pairing.mentee.role
    missing = training_selectors.missing_required(
        {person.pk: role}, pairing.cohort.programme_id, TrainingModule.Requirement.BEFORE_FIRST_SESSION
    )
    if missing and not MentoringSession.objects.filter(pairing=pairing).exists():
        raise TrainingRequired(missing[person.pk])


def _require_in_cohort(pairing: Pairing, starts_at: datetime.datetime) -> None:
    """A session falls within its cohort's dates (as the person scheduling it reads the date): the
    bound that also keeps its calendar invite's times inside the calendar."""
    cohort = pairing.cohort
    if not cohort.starts_on <= starts_at.date() <= cohort.ends_on:
        raise ValidationError(
            _("Pick a date within the cohort, from %(start)s to %(end)s.")
            % {"start": cohort.starts_on.isoformat(), "end": cohort.ends_on.isoformat()}
        )


def _owe_invites(scheduled: ScheduledSession, *, by: Person) -> None:
    """Tell both members of the session's current revision (scheduled, moved or cancelled), with
    the calendar update attached: keyed by revision and person, so the same revision is never told
    twice, and each later revision updates the event their calendar holds."""
    from notifications.services import notify

    from .ics import invite_ics

    calendar = invite_ics(scheduled)
    method = "CANCEL" if scheduled.cancelled_at else "REQUEST"
    pairing = scheduled.pairing
    members = _members(pairing)
    if scheduled.cancelled_at is not None:
        moment = "cancelled"
    else:
        moment = "moved" if scheduled.sequence > 0 else "scheduled"
    for recipient in members:
        partner = next(p for p in members if p != recipient)
        notify(
            kind="session_changed",
            person=recipient,
            key=f"session-changed:{scheduled.pk}:{scheduled.sequence}:{recipient.pk}",
            context={
                "moment": moment,
                "scheduled": scheduled,
                "partner": partner,
                "by_me": by.pk == recipient.pk,
                # Naive, so templates show it as is instead of converting to the site's zone.
                "local_start": scheduled.starts_at.astimezone(_zone(recipient)).replace(tzinfo=None),
                "time_zone": recipient.time_zone,
                "cohort": pairing.cohort,
                "programme": pairing.cohort.programme,
            },
            url=pairing.get_absolute_url(),
            actor=by,
            programme_id=pairing.cohort.programme_id,
            cohort_id=pairing.cohort_id,
            attachments=[("invite.ics", calendar, f"text/calendar; charset=utf-8; method={method}")],
        )


# --- scheduling ---------------------------------------------------------------------------------


@transaction.atomic
def session_schedule(
    *,
    pairing: Pairing,
    by: Person,
    starts_at: datetime.datetime,
    duration_minutes: int,
    format: str,  # noqa: A002 - the model's field name
    agenda: str = "",
) -> ScheduledSession:
    """Plan the next meeting and email both members a calendar invite (revision 0)."""
    require_active(pairing)
    _require_member(pairing, by)
    _require_training(pairing, by)
    _require_in_cohort(pairing, starts_at)
    scheduled = ScheduledSession(
        pairing=pairing,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        format=format,
        agenda=agenda,
        created_by=by,
    )
    scheduled.full_clean()
    scheduled.save()
    _owe_invites(scheduled, by=by)
    return scheduled


def _editable(scheduled: ScheduledSession, by: Person) -> ScheduledSession:
    # Locked so two edits at once both raise the sequence instead of one overwriting the other.
    scheduled = (
        ScheduledSession.objects.select_for_update().select_related("pairing__cohort").get(pk=scheduled.pk)
    )
    require_active(scheduled.pairing)
    _require_member(scheduled.pairing, by)
    if scheduled.cancelled_at is not None:
        raise ValidationError(_("This session was cancelled; schedule a new one instead."))
    if MentoringSession.objects.filter(scheduled=scheduled).exists():
        raise ValidationError(_("This session has been logged already."))
    return scheduled


@transaction.atomic
def session_reschedule(
    *,
    scheduled: ScheduledSession,
    by: Person,
    starts_at: datetime.datetime,
    duration_minutes: int,
    format: str,  # noqa: A002
    agenda: str = "",
) -> ScheduledSession:
    """Move a meeting: same UID, a higher sequence, so calendars update the event they have."""
    scheduled = _editable(scheduled, by)
    _require_in_cohort(scheduled.pairing, starts_at)
    scheduled.starts_at = starts_at
    scheduled.duration_minutes = duration_minutes
    scheduled.format = format
    scheduled.agenda = agenda
    scheduled.sequence += 1
    scheduled.full_clean()
    scheduled.save()
    _owe_invites(scheduled, by=by)
    # A "session tomorrow at 10:00" email still waiting would be untrue now; a moved session's new
    # time is reminded by the next scan.
    notices_withdraw(key_prefixes=keys.about_scheduled_session(scheduled.pk))
    return scheduled


@transaction.atomic
def session_cancel(*, scheduled: ScheduledSession, by: Person) -> ScheduledSession:
    """Cancel a meeting: the invite for the new sequence is a METHOD:CANCEL."""
    scheduled = _editable(scheduled, by)
    scheduled.cancelled_at = timezone.now()
    scheduled.sequence += 1
    scheduled.full_clean()
    scheduled.save()
    _owe_invites(scheduled, by=by)
    # A "session tomorrow at 10:00" email still waiting would be untrue now; a moved session's new
    # time is reminded by the next scan.
    notices_withdraw(key_prefixes=keys.about_scheduled_session(scheduled.pk))
    return scheduled


def _zone(person: Person):
    return person.tzinfo


# --- logging and confirming ---------------------------------------------------------------------


@transaction.atomic
def session_log(
    *,
    pairing: Pairing,
    by: Person,
    private_notes: str = "",
    action_items: list[dict] | tuple = (),
    completed_items=(),
    scheduled: ScheduledSession | None = None,
    **fields,
) -> MentoringSession:
    """Record a session that happened. Besides the shared fields: the author's private note, new
    action items (`{"description", "owner", "due_on"}`), earlier action items now done, and the
    scheduled session it was (which then leaves the upcoming list)."""
    require_active(pairing)
    _require_member(pairing, by)
    _require_training(pairing, by)
    if scheduled is not None:
        if scheduled.pairing_id != pairing.pk or scheduled.cancelled_at is not None:
            raise ValidationError(_("That scheduled session is not one of this pair's upcoming sessions."))
        if MentoringSession.objects.filter(scheduled=scheduled).exists():
            raise ValidationError(_("That scheduled session has been logged already."))
    if fields.get("format") not in (
        MentoringSession.Format.TICKET_SHADOWING,
        MentoringSession.Format.TICKET_REVIEW,
    ):
        fields["ticket_refs"] = ""
    session = MentoringSession(pairing=pairing, logged_by=by, scheduled=scheduled, **fields)
    if pairing.started_on and session.held_on and session.held_on < pairing.started_on:
        raise ValidationError({"held_on": _("The session can't be before the mentorship started.")})
    if session.held_on and session.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Log sessions that have happened; the date is in the future.")})
    session.full_clean()
    session.save()
    if private_notes.strip():
        private_note_save(session=session, by=by, text=private_notes)
    if len(action_items) > ActionItem.PER_SESSION_MAX:
        raise ValidationError(
            _("Add at most %(max)d action items to one session.") % {"max": ActionItem.PER_SESSION_MAX}
        )
    members = _members(pairing)
    for item in action_items:
        if item["owner"] not in members:
            raise ValidationError(_("An action item belongs to one of the two of you."))
        action = ActionItem(
            pairing=pairing,
            session=session,
            description=item["description"],
            owner=item["owner"],
            due_on=item.get("due_on"),
        )
        action.full_clean()
        action.save()
    for item in completed_items:
        action_item_complete(item=item, by=by)
    _owe_confirmation(session, by=by)
    return session


def _owe_confirmation(session: MentoringSession, *, by: Person) -> None:
    """Tell the other side a logged session waits for them, with a link that confirms it in one
    click (sessions/links.py); in the logging transaction, once per session (the key)."""
    from notifications.services import notify

    from .links import session_confirm_url

    pairing = session.pairing
    other = pairing.partner_of(by)
    notify(
        kind="session_to_confirm",
        person=other,
        key=f"session-to-confirm:{session.pk}",
        context={
            "session": session,
            "pairing": pairing,
            "cohort": pairing.cohort,
            "confirm_url": session_confirm_url(person_id=other.pk, session_id=session.pk),
        },
        url=reverse("mentoring_sessions:session-detail", args=[pairing.pk, session.pk]),
        actor=by,
        programme_id=pairing.cohort.programme_id,
        cohort_id=pairing.cohort_id,
    )


@transaction.atomic
def session_confirm(
    *, session: MentoringSession, by: Person, partner_rating: int | None = None, partner_comment: str = ""
) -> MentoringSession:
    """The member who did not log the session confirms it happened, once, and may rate it (the
    one-click link in the email confirms without a rating; `session_partner_rate` adds one after)."""
    # Locked so two confirmations at once cannot both pass the "not yet confirmed" test.
    session = (
        MentoringSession.objects.select_for_update().select_related("pairing__cohort").get(pk=session.pk)
    )
    require_active(session.pairing)
    _require_member(session.pairing, by)
    if session.logged_by_id == by.pk:
        raise ValidationError(_("You logged this session; the other side confirms it."))
    if session.confirmed_at is not None:
        raise ValidationError(_("This session has been confirmed already."))
    session.partner_rating = partner_rating
    session.partner_comment = partner_comment
    session.confirmed_at = timezone.now()
    session.full_clean()
    session.save(update_fields=["partner_rating", "partner_comment", "confirmed_at"])
    return session


@transaction.atomic
def session_partner_rate(
    *, session: MentoringSession, by: Person, partner_rating: int, partner_comment: str = ""
) -> MentoringSession:
    """The side that confirmed a session rates it (or changes its rating) after confirming."""
    session = (
        MentoringSession.objects.select_for_update().select_related("pairing__cohort").get(pk=session.pk)
    )
    require_active(session.pairing)
    _require_member(session.pairing, by)
    if session.logged_by_id == by.pk:
        raise ValidationError(_("You logged this session; the other side rates it here."))
    if session.confirmed_at is None:
        raise ValidationError(_("Confirm the session before rating it."))
    session.partner_rating = partner_rating
    session.partner_comment = partner_comment
    session.full_clean()
    session.save(update_fields=["partner_rating", "partner_comment"])
    return session


@transaction.atomic
def action_item_complete(*, item: ActionItem, by: Person) -> ActionItem:
    require_active(item.pairing)
    _require_member(item.pairing, by)
    if item.done_at is None:
        item.done_at = timezone.now()
        item.full_clean()
        item.save(update_fields=["done_at"])
        # A "due soon" email held for the owner's morning would arrive after the item was done.
        notices_withdraw(key_prefixes=keys.about_action_item(item.pk))
    return item


@transaction.atomic
def private_note_save(*, session: MentoringSession, by: Person, text: str) -> SessionPrivateNote | None:
    """The author's own note on a session; an empty text deletes it. No one else ever reads it."""
    require_active(session.pairing)
    _require_member(session.pairing, by)
    text = text.strip()
    if not text:
        SessionPrivateNote.objects.filter(session=session, author=by).delete()
        return None
    note = SessionPrivateNote.objects.filter(session=session, author=by).first() or SessionPrivateNote(
        session=session, author=by
    )
    note.text = text
    note.updated_at = timezone.now()
    note.full_clean()
    note.save()
    return note
