from django.contrib import admin

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "person", "period_key", "channel", "created_at", "message"]
    list_filter = ["kind", "channel"]
    raw_id_fields = ["pairing", "person", "message"]
