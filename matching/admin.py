from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import MatchRun, MentorRequest, Pairing, PairRule


@admin.register(MatchRun)
class MatchRunAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "cohort", "status", "created_at", "published_at"]
    list_filter = ["status"]
    list_select_related = ["cohort__programme"]


@admin.register(Pairing)
class PairingAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "mentor", "mentee", "score", "status", "started_on"]
    list_filter = ["status", "cohort"]
    list_select_related = ["mentor__person", "mentee__person", "mentor__cohort", "mentee__cohort"]
    raw_id_fields = ["mentor", "mentee", "match_run"]


@admin.register(PairRule)
class PairRuleAdmin(admin.ModelAdmin):
    list_display = ["cohort", "mentor", "mentee", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["cohort", "mentor", "mentee"]


@admin.register(MentorRequest)
class MentorRequestAdmin(admin.ModelAdmin):
    list_display = ["cohort", "mentee", "mentor", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["cohort", "mentor", "mentee"]
