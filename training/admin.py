from django.contrib import admin

from .models import Completion, TrainingModule


@admin.register(TrainingModule)
class TrainingModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "audience", "requirement", "position"]
    list_filter = ["programme", "audience", "requirement"]
    search_fields = ["title"]


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ["module", "person", "completed_at"]
    raw_id_fields = ["module", "person"]
