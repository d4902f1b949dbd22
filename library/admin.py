"""The library in the Django admin, to read only: resources, shares and session guides are curated
on the product's pages through library.services (which keep the pairs' stamps and tell the mentee
of a share), so the admin neither adds, changes nor deletes here."""

from django.contrib import admin

from mentorship.readonly_admin import ReadOnlyAdmin

from .models import Resource, SessionGuide, SharedResource


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = ["title", "programme", "topic", "audience", "archived_at"]
    list_select_related = ["programme"]
    list_filter = ["programme", "topic", "audience"]
    search_fields = ["title", "note"]
    raw_id_fields = ["created_by"]


@admin.register(SharedResource)
class SharedResourceAdmin(ReadOnlyAdmin):
    list_display = ["resource", "pairing", "shared_by", "shared_at", "done_at"]
    list_select_related = ["resource", "shared_by", "pairing__mentor__person", "pairing__mentee__person"]
    raw_id_fields = ["resource", "pairing", "shared_by", "done_by"]


@admin.register(SessionGuide)
class SessionGuideAdmin(ReadOnlyAdmin):
    list_display = ["programme", "stage", "updated_at"]
    list_select_related = ["programme"]
    list_filter = ["programme", "stage"]
