"""A Django admin page to read only, for models whose writes must go through their app's services
(stamps, notifications, history): staff look rows up, and change them in the product."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
