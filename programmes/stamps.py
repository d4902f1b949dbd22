"""The cohort's stamp (mentorship/stamps.py): replaced by every write to the cohort's enrolments,
runs, pairings, pair rules and invitations, so the admin's cohort pages can be kept rendered under it
(issue 8, §5). Each of those writes, and every write to a cohort or programme row, also replaces
the stamp of pages listing every cohort's people (`ANY_COHORT_STAMP_KEY`).

save() and delete() replace the stamp of the row's cohort by signal, and so do bulk_create() and
bulk_update() through `CohortContentQuerySet`, which know their rows. update() does not know which
cohorts its rows belong to without one more query: it replaces the stamp every cohort's pages are
also kept under (`COHORTS_STAMP_KEY`). Such updates are few (publishing a run, promoting from the
waitlist, ending a cohort's pairs), so every cohort's pages are rendered afresh after one.
"""

import contextvars

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from mentorship import stamps
from people.stamps import PEOPLE_STAMP_KEY, people_stamp

COHORTS_STAMP_KEY = "cohorts-stamp"
# Replaced by every write to any cohort, programme or their content: pages that list people with
# their cohorts (the people list) are kept under it.
ANY_COHORT_STAMP_KEY = "any-cohort-stamp"
# Set while bulk_update() runs: it writes through update(), but knows its rows' cohorts.
_rows_known = contextvars.ContextVar("cohort_rows_known", default=False)


def cohort_stamp_key(cohort_id) -> str:
    return f"cohort-stamp:{cohort_id}"


def cohort_stamp_keys(cohort_id) -> list[str]:
    """The stamps a page about this cohort is kept under: its own, and every cohort's."""
    return [cohort_stamp_key(cohort_id), COHORTS_STAMP_KEY]


def cohort_page_versions(cohort_id) -> dict:
    """The stamps an admin's page about one cohort is kept under (mentorship.kept.kept_page's
    `versions`): the cohort's, every cohort's and the people's (the names, teams and logins it
    shows). The cohort's own row is not among them: the page checks it read on every request."""
    return {
        **{key: (lambda key=key: stamps.current(key)) for key in cohort_stamp_keys(cohort_id)},
        PEOPLE_STAMP_KEY: people_stamp,
    }


def every_cohort_versions() -> dict:
    """The stamps a page listing every cohort's people is kept under: any cohort's, the people's."""
    return {
        ANY_COHORT_STAMP_KEY: lambda: stamps.current(ANY_COHORT_STAMP_KEY),
        PEOPLE_STAMP_KEY: people_stamp,
    }


def cohorts_changed(cohort_ids) -> None:
    stamps.replace([*(cohort_stamp_key(pk) for pk in cohort_ids if pk is not None), ANY_COHORT_STAMP_KEY])


def all_cohorts_changed() -> None:
    stamps.replace([COHORTS_STAMP_KEY, ANY_COHORT_STAMP_KEY])


def cohort_rows_changed(*args, **kwargs) -> None:
    """A cohort's or programme's own row: the cohort's pages check it on every request; pages listing
    every cohort (their names, in a filter) do not."""
    stamps.replace([ANY_COHORT_STAMP_KEY])


class CohortRowsQuerySet(models.QuerySet):
    """Bulk writes to cohorts and programmes replace the stamp of pages listing every cohort."""

    def update(self, **kwargs):
        updated = super().update(**kwargs)
        cohort_rows_changed()
        return updated

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        cohort_rows_changed()
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, *args, **kwargs):
        updated = super().bulk_update(objs, *args, **kwargs)
        cohort_rows_changed()
        return updated

    bulk_update.alters_data = True


class CohortContentQuerySet(models.QuerySet):
    """Bulk writes replace the stamps of the cohorts they touch (update(): every cohort's)."""

    def update(self, **kwargs):
        updated = super().update(**kwargs)
        if not _rows_known.get():
            all_cohorts_changed()
        return updated

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        cohorts_changed(obj.cohort_id for obj in created)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        known = _rows_known.set(True)
        try:
            updated = super().bulk_update(objs, *args, **kwargs)
        finally:
            _rows_known.reset(known)
        cohorts_changed(obj.cohort_id for obj in objs)
        return updated

    bulk_update.alters_data = True


def _changed(sender, instance, **kwargs):
    cohorts_changed([instance.cohort_id])


def _m2m_changed(sender, instance, reverse, **kwargs):
    # From the other side (a tag's enrolments) the cohorts are not at hand.
    if reverse:
        all_cohorts_changed()
    else:
        cohorts_changed([instance.cohort_id])


def connect_rows(row_models) -> None:
    """Called once from ProgrammesConfig.ready() with Cohort and Programme."""
    for model in row_models:
        name = model.__name__
        post_save.connect(cohort_rows_changed, sender=model, dispatch_uid=f"cohort-rows-save-{name}")
        post_delete.connect(cohort_rows_changed, sender=model, dispatch_uid=f"cohort-rows-delete-{name}")


def connect(content_models) -> None:
    """Called once from the owning app's ready() with each model that has a `cohort` and whose rows
    a cohort's pages show; their many-to-many fields are followed too."""
    for model in content_models:
        name = model.__name__
        post_save.connect(_changed, sender=model, dispatch_uid=f"cohort-stamp-save-{name}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"cohort-stamp-delete-{name}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _m2m_changed, sender=through, dispatch_uid=f"cohort-stamp-m2m-{name}-{field.name}"
            )
