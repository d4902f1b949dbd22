from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "destination", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["to", "key", "subject"]
    # A chat webhook is a secret: its mask is in `destination`, the address itself nowhere.
    exclude = ["endpoint"]
    readonly_fields = ["destination", *(f.name for f in Message._meta.fields if f.name != "endpoint")]
