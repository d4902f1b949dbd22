from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Person, Tag, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "employee_id", "team", "manager", "hire_date", "leave_date"]
    list_filter = ["team"]
    list_select_related = ["team", "manager"]
    search_fields = ["full_name", "email", "employee_id"]
    autocomplete_fields = ["user", "team", "manager"]
    filter_horizontal = ["interests", "skills"]
