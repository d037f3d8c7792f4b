from django.contrib import admin

from prelabel.models import ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "project", "kind", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["project", "version", "kind", "spec", "metrics", "created_at"]
    exclude = ["head"]
