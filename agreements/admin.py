"""Agreements in the Django admin, to read only: signing, re-signing and the template's edits go
through agreements.services (they keep the signed versions, tell the other side and replace the
pair's stamp), so the admin neither adds, changes nor deletes here."""

from django.contrib import admin

from mentorship.readonly_admin import ReadOnlyAdmin

from .models import Agreement, Signature, TemplateSection


class SignatureInline(admin.TabularInline):
    model = Signature
    fields = ["version", "role", "person", "signed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["pairing", "version", "mentor_signed_at", "mentee_signed_at", "updated_at"]
    list_select_related = ["pairing__mentor__person", "pairing__mentee__person", "pairing__cohort"]
    list_filter = ["pairing__cohort__programme"]
    search_fields = ["pairing__mentor__person__full_name", "pairing__mentee__person__full_name"]
    raw_id_fields = ["pairing", "updated_by"]
    inlines = [SignatureInline]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "version", "role", "person", "signed_at"]
    list_select_related = [
        "person",
        "agreement__pairing__mentor__person",
        "agreement__pairing__mentee__person",
    ]
    list_filter = ["role"]
    raw_id_fields = ["agreement", "person"]


@admin.register(TemplateSection)
class TemplateSectionAdmin(ReadOnlyAdmin):
    list_display = ["programme", "key", "heading", "updated_at"]
    list_select_related = ["programme"]
    list_filter = ["programme"]
