"""Erasing a person: one transaction that anonymises their record and blanks their words
everywhere the registry (privacy/registry.py) says they are, keeping every row (protected foreign
keys and the dashboards' figures depend on them)."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.chunks import keyset_chunks
from notifications.models import Notification
from outbox.models import Message
from people.models import Person
from people.roles import person_of
from programmes.models import Enrolment

from .models import Erasure
from .registry import ERASED_NAME, HOLDINGS, resolve_blank

# Profile answers on the person: cleared at erasure (with interests and skills). An enrolment's goal
# areas and meeting format stay: tags and choices from shared lists, and the dashboard counts goals
# by goal area; its words (goals, availability, motivation) are blanked through the registry.
PROFILE_FIELDS = ("communication", "structure", "pace", "feedback")


def is_erased(person: Person) -> bool:
    return person.full_name == ERASED_NAME and not person.email and person.user_id is None


@transaction.atomic
def person_erase(*, person: Person, by) -> Erasure:
    """Erase `person` on behalf of the programme admin `by` (a login). Safe to run twice."""
    refusal = erasure_refusal(person=person, by=by)
    if refusal:
        raise PermissionDenied(refusal)
    # Locks the person only: the login is an outer join (a person may have none).
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    name, email, user = person.full_name, person.email, person.user
    rows: dict[str, int] = {}

    # Their words first, while the lookups still find them (a reference to them nulled later
    # would hide a row from its `wrote` lookup).
    for holding in HOLDINGS:
        if not holding.installed or not holding.wrote:
            continue
        model = holding.model_class
        # The default manager: its bulk writes replace the stamps of the pages kept in the cache
        # (a pair's workspace, a cohort's pages), so no kept page shows the words afterwards.
        mine = model._default_manager.filter(holding.written_by(person.pk))
        if holding.delete:
            rows[holding.model] = mine.delete()[0]
        elif holding.free_text:
            values = {name: resolve_blank(value) for name, value in holding.blanked().items()}
            rows[holding.model] = mine.update(**values)
    rows["invitations"] = _delete_invitations(person, email)
    rows["mentioned"] = _unname(person, name)
    rows["emails"] = _delete_emails({email, user.email if user else ""} - {""})
    for holding in HOLDINGS:
        if holding.refs and holding.installed:
            rows[f"{holding.model} references"] = _null_references(holding, person, user)
    rows["history"] = _anonymise_person_history(person)
    if user is not None:
        rows["login"] = _remove_login(user)

    person.full_name = ERASED_NAME
    person.email = ""
    person.employee_id = None
    person.user = None
    person.time_zone = "UTC"
    # Their notifications are gone: nothing unread is left to count.
    person.unread_notifications = 0
    for field in PROFILE_FIELDS:
        setattr(person, field, "")
    person.full_clean()
    person.save()
    person.interests.clear()
    person.skills.clear()
    erasure = Erasure(person=person, erased_by=by, erased_at=timezone.now(), rows=rows)
    erasure.full_clean()
    erasure.save()
    return erasure


def _delete_invitations(person, email: str) -> int:
    from enrolment.models import Invitation

    mine = Q(person=person)
    if email:
        mine |= Q(email__iexact=email)
    return Invitation.objects.filter(mine).delete()[0]


def _unname(person, name: str) -> int:
    """Their name leaves what others hold: notifications they acted on, emails to others, match
    runs' unmatched mentees and the Django admin's log."""
    changed = 0
    if name and name != ERASED_NAME:
        changed += Notification.objects.filter(actor=person).update(
            title=Replace("title", Value(name), Value(ERASED_NAME))
        )
        # Emails to others that name them ("Ada Mentee logged a session"): the name leaves the
        # stored copy (what was sent is sent; the outbox log no longer holds it).
        changed += Message.objects.filter(
            Q(subject__contains=name) | Q(text__contains=name) | Q(html__contains=name)
        ).update(
            subject=Replace("subject", Value(name), Value(ERASED_NAME)),
            text=Replace("text", Value(name), Value(ERASED_NAME)),
            html=Replace("html", Value(name), Value(ERASED_NAME)),
        )
        changed += _unname_match_runs(person, name)
        changed += _unname_admin_log(person)
    return changed


def _unname_match_runs(person, name: str) -> int:
    from matching.models import MatchRun

    enrolment_ids = set(Enrolment.objects.filter(person=person).values_list("pk", flat=True))
    changed = 0
    for model in (MatchRun, MatchRun.history.model):
        cohorts = Enrolment.objects.filter(person=person).values("cohort")
        runs = model._base_manager.filter(cohort_id__in=cohorts)
        for run in runs.only("pk", "unmatched").iterator():
            unmatched = run.unmatched if isinstance(run.unmatched, list) else []
            if not any(isinstance(e, dict) and e.get("enrolment_id") in enrolment_ids for e in unmatched):
                continue
            run.unmatched = [
                {**e, "name": ERASED_NAME}
                if isinstance(e, dict) and e.get("enrolment_id") in enrolment_ids
                else e
                for e in unmatched
            ]
            model._default_manager.filter(pk=run.pk).update(unmatched=run.unmatched)
            changed += 1
    return changed


def _unname_admin_log(person) -> int:
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).update(object_repr=ERASED_NAME, change_message="")


def _delete_emails(addresses: set[str]) -> int:
    """Emails to them: the ones not sent yet are cancelled first (a worker holding one then finds
    it gone and sends nothing more), then every one is deleted."""
    if not addresses:
        return 0
    to_them = Q()
    for address in addresses:
        to_them |= Q(to__iexact=address)
    Message.objects.filter(to_them, status=Message.Status.PENDING).update(status=Message.Status.CANCELLED)
    return Message.objects.filter(to_them, channel=Message.Channel.EMAIL).delete()[0]


def _null_references(holding, person, user) -> int:
    """Nullable references to the person (or their login) on someone else's rows."""
    model = holding.model_class
    changed = 0
    for name in holding.refs:
        field = model._meta.get_field(name)
        target = field.related_model
        if target is Person:
            value = person.pk
        elif user is not None and target is get_user_model():
            value = user.pk
        else:
            continue
        if field.null:
            changed += model._default_manager.filter(**{field.attname: value}).update(**{field.attname: None})
    return changed


def _anonymise_person_history(person) -> int:
    return Person.history.model._base_manager.filter(id=person.pk).update(
        full_name=ERASED_NAME,
        email="",
        employee_id=None,
        user_id=None,
        time_zone="UTC",
        **dict.fromkeys(PROFILE_FIELDS, ""),
    )


def _remove_login(user) -> int:
    """The login goes, with its signed-in sessions and its login attempts (django-axes)."""
    username = user.get_username()
    removed = _delete_sessions_of(user.pk)
    if apps.is_installed("axes"):
        for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
            model = apps.get_model("axes", name)
            removed += model.objects.filter(username=username).delete()[0]
    user.delete()
    return removed


def _delete_sessions_of(user_id: int) -> int:
    """Sessions hold the user's id only inside their signed data: read them a chunk at a time (an
    erasure is rare; the table is never held whole in memory). Deleting through the session store
    also drops the cached copy (cached_db sessions)."""
    engine = import_module(settings.SESSION_ENGINE).SessionStore
    removed = 0
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for chunk in keyset_chunks(live, size=500):
        for session in chunk:
            if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
                engine(session.session_key).delete()
                removed += 1
    return removed


def erasure_refusal(*, person: Person, by) -> str | None:
    """Why `by` may not erase `person` now, or None."""
    me = person_of(by)
    if me is not None and me.pk == person.pk:
        return _("You can't erase yourself. Another programme admin can.")
    return None


def confirmation_matches(person: Person, typed: str) -> bool:
    """The admin typed the person's name (spaces and case aside), or, once erased, the placeholder."""
    return " ".join(typed.split()).casefold() == " ".join(person.full_name.split()).casefold()
