from django.contrib import admin

from .models import ActionItem, CheckIn, Goal, GoalTemplate, MentoringSession, ScheduledSession


@admin.register(MentoringSession)
class MentoringSessionAdmin(admin.ModelAdmin):
    list_display = ["pk", "pairing", "held_on", "format", "duration_minutes", "rating"]
    list_filter = ["format"]
    raw_id_fields = ["pairing", "logged_by"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["specific", "pairing", "due_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["pairing", "created_by"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["pk", "pairing", "person", "satisfaction", "meeting_regularly", "created_at"]
    raw_id_fields = ["pairing", "person"]


@admin.register(ScheduledSession)
class ScheduledSessionAdmin(admin.ModelAdmin):
    list_display = ["pk", "pairing", "starts_at", "duration_minutes", "sequence", "cancelled_at"]
    raw_id_fields = ["pairing", "created_by"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["description", "pairing", "owner", "due_on", "done_at"]
    raw_id_fields = ["pairing", "session", "owner"]


@admin.register(GoalTemplate)
class GoalTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "metric", "unit", "is_active"]
    list_filter = ["is_active"]


# Private notes are deliberately not registered: nobody but their author may read them.
