"""The people's stamp (mentorship/stamps.py): one for the whole organisation, replaced by every
write to a person, a login, a team or a tag (issue 8, §5).

The admin's kept pages (the cohort page, say) name people, their teams and whether they can log
in, and offer the tag list: they are kept under this stamp too. Writes to these rows are rare next
to the views of those pages (an HR import, someone's profile), so one stamp for everyone costs
little. Every ORM write replaces it: save() and delete() by signal, update(), bulk_create() and
bulk_update() through `PeopleQuerySet`, unless they touch only fields no page shows (the unread
counter, updated with every notification; the time of the last login).
"""

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from mentorship import stamps

PEOPLE_STAMP_KEY = "people-stamp"
# Written often, shown on no kept page.
UNSHOWN_FIELDS = frozenset({"unread_notifications", "last_login"})


def people_stamp() -> str:
    return stamps.current(PEOPLE_STAMP_KEY)


def people_changed() -> None:
    stamps.replace([PEOPLE_STAMP_KEY])


def _shown(fields) -> bool:
    return fields is None or bool(set(fields) - UNSHOWN_FIELDS)


class PeopleQuerySet(models.QuerySet):
    """Bulk writes replace the people's stamp, as save() and delete() do by signal."""

    def update(self, **kwargs):
        updated = super().update(**kwargs)
        if _shown(kwargs):
            people_changed()
        return updated

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        people_changed()
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        if _shown(fields):
            people_changed()
        return updated

    bulk_update.alters_data = True


def _saved(sender, update_fields=None, **kwargs):
    if _shown(update_fields):
        people_changed()


def _changed(sender, **kwargs):
    people_changed()


def connect() -> None:
    """Called once from PeopleConfig.ready()."""
    from .models import Person, Tag, Team

    for model in (Person, Team, Tag, get_user_model()):
        post_save.connect(_saved, sender=model, dispatch_uid=f"people-stamp-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"people-stamp-delete-{model.__name__}")
    for through in (Person.interests.through, Person.skills.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"people-stamp-m2m-{through.__name__}")
