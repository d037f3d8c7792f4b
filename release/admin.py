"""Django admin for releases: read-only. A release is changed by nobody, records by nothing."""
from django.contrib import admin

from release.models import Release, ReleaseRecord
from review.admin import ReadOnlyAdmin  # no add, change or delete


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "project", "version", "name", "state", "record_count", "created_by", "created_at")
    list_filter = ("state",)
    search_fields = ("name", "project__name", "merkle_root")
    raw_id_fields = ("project", "job", "created_by")


@admin.register(ReleaseRecord)
class ReleaseRecordAdmin(ReadOnlyAdmin):
    list_display = ("release", "seq", "task_id", "key", "sha256")
    raw_id_fields = ("release",)
    search_fields = ("key", "sha256")
    list_select_related = ("release",)

    def get_queryset(self, request):
        # The admin changelist counts the whole table; defer the long lines it never shows.
        return super().get_queryset(request).defer("line")
