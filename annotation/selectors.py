"""Read queries that matter: progress and listings, each a fixed number of queries."""
from __future__ import annotations

from django.db.models import Count, Q

from annotation.models import Annotation, Assignment, Project, Task


def project_progress(project: Project) -> dict:
    by_status = dict(Task.objects.filter(project=project).values_list("status").annotate(n=Count("id")))
    per_user = (
        Annotation.objects.filter(task__project=project)
        .values("annotator_id", "annotator__username")
        .annotate(submitted=Count("id", filter=Q(status=Annotation.Status.SUBMITTED)),
                  drafts=Count("id", filter=Q(status=Annotation.Status.DRAFT)))
    )
    skips = dict(
        Assignment.objects.filter(task__project=project, state=Assignment.State.SKIPPED)
        .values_list("user_id").annotate(n=Count("id"))
    )
    annotators = [
        {"user_id": row["annotator_id"], "username": row["annotator__username"], "submitted": row["submitted"],
         "drafts": row["drafts"], "skipped": skips.get(row["annotator_id"], 0)}
        for row in per_user.order_by("annotator__username")
    ]
    return {"total": sum(by_status.values()), "tasks_by_status": by_status, "annotators": annotators}
