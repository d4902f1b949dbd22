"""Writes of the library: resources curated by admins, resources shared into a pair's workspace,
and each programme's session guides."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.stamps import pairings_changed

from .defaults import STARTER_RESOURCES
from .models import Resource, SessionGuide, SharedResource, split_prompts
from .selectors import library_changed
from .stages import Stage

# --- resources (programme admins) ------------------------------------------------------------------


@transaction.atomic
def resource_save(*, resource: Resource, by) -> Resource:
    """Add or change a resource. Workspaces it was shared into show the change at once."""
    if resource.pk is None and by is not None:
        resource.created_by = by
    resource.full_clean()
    resource.save()
    _resource_changed(resource)
    return resource


@transaction.atomic
def resource_archive(*, resource: Resource, by) -> Resource:
    """Hide it from the library and from suggestions; pairs it was shared with keep it."""
    if resource.archived_at is None:
        resource.archived_at = timezone.now()
        resource.save(update_fields=["archived_at"])
        _resource_changed(resource)
    return resource


@transaction.atomic
def resource_restore(*, resource: Resource, by) -> Resource:
    if resource.archived_at is not None:
        resource.archived_at = None
        resource.save(update_fields=["archived_at"])
        _resource_changed(resource)
    return resource


@transaction.atomic
def resource_delete(*, resource: Resource, by) -> None:
    """Remove it everywhere, from the workspaces it was shared into too (their stamps are replaced
    by the shares' delete signals)."""
    programme_id = resource.programme_id
    resource.delete()
    library_changed(programme_id)


def _resource_changed(resource: Resource) -> None:
    library_changed(resource.programme_id)
    pairings_changed(resource.shares.values_list("pairing_id", flat=True))


def starters_add(*, programme) -> list[Resource]:
    """Our starter resources, added to a programme (one INSERT)."""
    return Resource.objects.bulk_create(
        Resource(programme=programme, topic=topic, title=title, url=url, note=note, audience=audience)
        for topic, title, url, note, audience in STARTER_RESOURCES
    )


def programme_created(sender, instance, created, raw=False, **kwargs):
    """post_save of Programme: a new programme starts with the starter resources."""
    if created and not raw:
        starters_add(programme=instance)


# --- sharing into a pair's workspace -----------------------------------------------------------------


@transaction.atomic
def resource_share(*, resource: Resource, pairing, by, note: str = "") -> tuple[SharedResource, bool]:
    """The pair's mentor shares a resource of their programme into the pair's workspace, once:
    sharing it again changes nothing. The mentee is told. Returns (shared, created)."""
    if pairing.mentor.person_id != by.pk:
        raise PermissionDenied(_("Only the pair's mentor can share a resource."))
    if not pairing.is_active:
        raise ValidationError(_("This mentorship has ended; its history is read-only."))
    if resource.programme_id != pairing.cohort.programme_id:
        raise ValidationError(_("This resource belongs to another programme."))
    if not resource.can_be_shared():
        raise ValidationError(
            _("This resource is archived or meant for mentors only, so it cannot be shared.")
        )
    existing = SharedResource.objects.filter(pairing=pairing, resource=resource).first()
    if existing is not None:
        return existing, False
    shared = SharedResource(pairing=pairing, resource=resource, shared_by=by, note=note.strip())
    shared.full_clean(validate_constraints=False)
    try:
        # Two tabs sharing at once: the unique constraint keeps one, the other finds it.
        with transaction.atomic():
            shared.save()
    except IntegrityError:
        return SharedResource.objects.get(pairing=pairing, resource=resource), False
    _tell_mentee(shared, pairing=pairing, by=by)
    return shared, True


def _tell_mentee(shared: SharedResource, *, pairing, by) -> None:
    from notifications.services import notify

    notify(
        kind="resource_shared",
        person=pairing.mentee.person,
        key=f"resource-shared:{shared.pk}",
        context={
            "resource": shared.resource,
            "note": shared.note,
            "cohort": pairing.cohort,
            "programme": pairing.cohort.programme,
        },
        url=pairing.get_absolute_url(),
        actor=by,
        programme_id=pairing.cohort.programme_id,
        cohort_id=pairing.cohort_id,
    )


def _require_member(shared: SharedResource, by) -> None:
    if by.pk not in (shared.pairing.mentor.person_id, shared.pairing.mentee.person_id):
        raise PermissionDenied


@transaction.atomic
def shared_mark_done(*, shared: SharedResource, by, done: bool = True) -> SharedResource:
    """Either side marks it read (or not read after all)."""
    _require_member(shared, by)
    if not shared.pairing.is_active:
        raise ValidationError(_("This mentorship has ended; its history is read-only."))
    if done and shared.done_at is None:
        shared.done_at, shared.done_by = timezone.now(), by
        shared.save(update_fields=["done_at", "done_by"])
    elif not done and shared.done_at is not None:
        shared.done_at, shared.done_by = None, None
        shared.save(update_fields=["done_at", "done_by"])
    return shared


@transaction.atomic
def shared_remove(*, shared: SharedResource, by) -> None:
    """The mentor takes a shared resource out of the workspace."""
    _require_member(shared, by)
    if shared.pairing.mentor.person_id != by.pk:
        raise PermissionDenied(_("Only the pair's mentor can unshare a resource."))
    if not shared.pairing.is_active:
        raise ValidationError(_("This mentorship has ended; its history is read-only."))
    shared.delete()


# --- session guides --------------------------------------------------------------------------------


@transaction.atomic
def guide_save(*, programme, stage: str, prompts: str, by) -> SessionGuide:
    """The programme's own prompts for a stage (one per line)."""
    if stage not in Stage.values:
        raise ValidationError(_("Unknown stage."))
    lines = split_prompts(prompts)
    if not lines:
        raise ValidationError(_("Write at least one prompt, or go back to the default."))
    guide = SessionGuide.objects.filter(programme=programme, stage=stage).first() or SessionGuide(
        programme=programme, stage=stage
    )
    guide.prompts, guide.updated_by, guide.updated_at = "\n".join(lines), by, timezone.now()
    guide.full_clean(validate_constraints=False)
    guide.save()
    library_changed(programme.pk)
    return guide


@transaction.atomic
def guide_reset(*, programme, stage: str, by) -> None:
    """Back to our default prompts for the stage."""
    SessionGuide.objects.filter(programme=programme, stage=stage).delete()
    library_changed(programme.pk)
