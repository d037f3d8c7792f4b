from django.contrib import admin

from review.models import ConsistencyReport


@admin.register(ConsistencyReport)
class ConsistencyReportAdmin(admin.ModelAdmin):
    list_display = ("task", "decision", "overall_agreement", "confidence", "updated_at")
    list_filter = ("decision",)
    raw_id_fields = ("task",)
    readonly_fields = ("agreement", "consensus", "reasons", "annotator_agreement", "created_at", "updated_at")
