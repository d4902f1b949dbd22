"""The pairing's stamp: a random value kept in the cache per pairing, which every write to what the
pair's pages show replaces (issue 8, §5).

Every write to a pair's content (sessions, goals, check-ins, action items, plans, notes, and the
agreement, shared resources and messages of the apps above) replaces it, at once and again when its
transaction commits: by signal for a model's save() and delete(), and by `PairingContentQuerySet`
for update(), bulk_create() and bulk_update(), so no ORM write can leave an old page in use.
A page reads the stamp before it reads the rows it renders, so whatever it stores under a stamp is
at least as new as that stamp; a stamp that is missing (evicted, expired, Redis restarted) is
replaced by a new one, never reused. The pages that keep rendered HTML under it are in
sessions/pages.py and sessions/fragments.py. It lives here, beside the pairing, so that every app
holding a pair's content can replace it.
"""

import uuid

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

STAMP_SECONDS = 2 * 24 * 3600

# Sent after every write of pairing content (the model as sender, `pairing_ids`), in the writing
# transaction: for what is kept beside the rows and must change with them (dashboards/rollups.py).
content_written = Signal()


def stamp_key(pairing_id) -> str:
    return f"pairing-stamp:{pairing_id}"


def stamp(pairing_id) -> str:
    """The pairing's current stamp. Read it before the rows it covers."""
    return cache.get_or_set(stamp_key(pairing_id), lambda: uuid.uuid4().hex, STAMP_SECONDS)


def pairings_changed(pairing_ids) -> None:
    """Replace the stamps of these pairings now, so the rest of this transaction reads what it
    wrote, and again once it commits: until then other pages still read the old rows, and may
    have stored them under the stamp made in between."""
    keys = [stamp_key(pk) for pk in set(pairing_ids) if pk is not None]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _pairing_id_of(obj):
    """The pairing a row of pairing content belongs to (None if its parent is already gone)."""
    try:
        return obj.pairing_of_content()
    except ObjectDoesNotExist:
        return None


class PairingContentQuerySet(models.QuerySet):
    """Bulk writes replace the stamps of the pairings they touch, as save() and delete() do by
    signal. A model using it names the path to its pairing's id in `PAIRING_LOOKUP`."""

    def update(self, **kwargs):
        pairing_ids = list(self.values_list(self.model.PAIRING_LOOKUP, flat=True).order_by().distinct())
        updated = super().update(**kwargs)
        pairings_changed(pairing_ids)
        content_written.send(sender=self.model, pairing_ids=pairing_ids)
        return updated

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        pairing_ids = {_pairing_id_of(obj) for obj in created}
        pairings_changed(pairing_ids)
        content_written.send(sender=self.model, pairing_ids=pairing_ids)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        updated = super().bulk_update(objs, *args, **kwargs)
        pairing_ids = {_pairing_id_of(obj) for obj in objs}
        pairings_changed(pairing_ids)
        content_written.send(sender=self.model, pairing_ids=pairing_ids)
        return updated

    bulk_update.alters_data = True


def _changed(sender, instance, **kwargs):
    pairing_ids = [_pairing_id_of(instance)]
    pairings_changed(pairing_ids)
    content_written.send(sender=sender, pairing_ids=pairing_ids)


def connect(content_models) -> None:
    """Called once from the app's ready(): every model of pairing content, by signal."""
    for model in content_models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"pairing-stamp-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pairing-stamp-delete-{model.__name__}")


class PairingContent(models.Model):
    """What a pair's pages show: every write to it replaces the pairing's stamp. A subclass with
    its pairing elsewhere overrides `PAIRING_LOOKUP` and `pairing_of_content`; every concrete
    subclass is passed to `connect()` from its app's ready()."""

    PAIRING_LOOKUP = "pairing_id"

    objects = PairingContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def pairing_of_content(self):
        return self.pairing_id
