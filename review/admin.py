from django.contrib import admin

from review.models import (
    Certification,
    ConsistencyReport,
    Exam,
    ExamAttempt,
    InboxMessage,
    ReviewDecision,
    ReviewItem,
    TaskOutcome,
)


@admin.register(ConsistencyReport)
class ConsistencyReportAdmin(admin.ModelAdmin):
    list_display = ("task", "decision", "overall_agreement", "confidence", "updated_at")
    list_filter = ("decision",)
    raw_id_fields = ("task",)
    readonly_fields = ("agreement", "consensus", "reasons", "annotator_agreement", "created_at", "updated_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Levels, exams and review decisions change only through the services, which audit every
    change; the admin shows them for support and never writes."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "organization", "domain", "level", "granted_via", "granted_at", "valid_until",
                    "revoked_at")
    list_filter = ("level", "granted_via", "domain")
    search_fields = ("user__username", "domain")
    raw_id_fields = ("user", "organization", "granted_by", "revoked_by", "exam_attempt")


@admin.register(Exam)
class ExamAdmin(ReadOnlyAdmin):
    list_display = ("name", "project", "domain", "level_granted", "pass_threshold", "max_attempts")
    raw_id_fields = ("organization", "project", "created_by")


@admin.register(ExamAttempt)
class ExamAttemptAdmin(ReadOnlyAdmin):
    list_display = ("exam", "user", "status", "score", "started_at", "finished_at")
    list_filter = ("status",)
    raw_id_fields = ("exam", "user")


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyAdmin):
    list_display = ("task", "project", "round", "stage", "min_level", "status", "leased_by", "created_at")
    list_filter = ("status", "min_level")
    raw_id_fields = ("task", "project", "leased_by")


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ("task", "reviewer", "level", "decision", "created_at")
    list_filter = ("decision",)
    raw_id_fields = ("item", "task", "reviewer", "base_annotation", "revision")


@admin.register(TaskOutcome)
class TaskOutcomeAdmin(ReadOnlyAdmin):
    list_display = ("task", "source", "decided_by", "decided_level", "domain", "decided_at")
    list_filter = ("source", "domain")
    raw_id_fields = ("task", "decided_by")


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "kind", "task", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("organization", "recipient", "task", "project", "from_user")
