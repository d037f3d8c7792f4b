"""Django admin for every core model. Audit events are read-only: the chain is append-only."""
from django.contrib import admin

from annotation.models import (
    Annotation,
    AnnotationRevision,
    Assignment,
    AuditEvent,
    Job,
    Membership,
    Organization,
    Prediction,
    Project,
    Task,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "city", "created_at"]
    search_fields = ["name", "city"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        # The audit head (audit_seq, ...) moves with every append; a full save would write back
        # the head read when the form was posted and rewind the chain if an append came in between.
        obj.save(update_fields=form.changed_data if change else None)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "organization", "role"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organization"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "organization", "domain", "overlap", "task_order", "created_at"]
    list_filter = ["domain", "task_order"]
    search_fields = ["name"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "status", "priority", "submitted_count", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["project"]
    show_full_result_count = False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "user", "state", "expires_at"]
    list_filter = ["state"]
    raw_id_fields = ["task", "user"]


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "model_version", "score", "created_at"]
    raw_id_fields = ["task"]


class RevisionInline(admin.TabularInline):
    model = AnnotationRevision
    extra = 0
    can_delete = False
    readonly_fields = ["version", "status", "result", "author", "created_at"]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "annotator", "status", "version", "lead_time", "updated_at"]
    list_filter = ["status"]
    raw_id_fields = ["task", "annotator", "prediction"]
    inlines = [RevisionInline]


@admin.register(AnnotationRevision)
class AnnotationRevisionAdmin(admin.ModelAdmin):
    list_display = ["id", "annotation", "version", "status", "author", "created_at"]
    raw_id_fields = ["annotation", "author"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "state", "project", "progress_done", "progress_total", "created_at"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["project", "organization", "created_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["organization", "seq", "actor_name", "action", "object_type", "object_id", "created_at"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
