from django.contrib import admin

from .models import CheckIn, Goal, MentoringSession


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
