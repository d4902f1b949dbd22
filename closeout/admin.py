from django.contrib import admin

from .models import Reflection, SurveyResponse


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ["person", "pairing", "created_at"]
    raw_id_fields = ["pairing", "person"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["person", "cohort", "role", "satisfaction", "recommend", "created_at"]
    list_filter = ["cohort", "role"]
    raw_id_fields = ["person", "cohort"]
