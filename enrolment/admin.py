from django.contrib import admin

from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "cohort", "role", "sent_at", "accepted_at"]
    list_filter = ["role", "cohort"]
    search_fields = ["email"]
    raw_id_fields = ["person", "cohort"]
