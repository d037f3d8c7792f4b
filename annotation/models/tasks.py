from django.conf import settings
from django.db import models

from annotation.models.projects import Project


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"  # needs more annotations
    COMPLETED = "completed", "Completed"  # reached its overlap; checks decide what comes next
    IN_REVIEW = "in_review", "In review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Task(models.Model):
    # The unique (project, import_key) index already leads with project: no second index to feed.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks", db_index=False)
    data = models.JSONField()
    media = models.CharField(max_length=500, blank=True)  # path under MEDIA_ROOT
    media_width = models.PositiveIntegerField(null=True, blank=True)
    media_height = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    priority = models.IntegerField(default=0)
    # A fixed random key makes "random order" an index walk instead of sorting the table.
    random_key = models.FloatField(default=0.0)
    # Written by pre-labeling (entropy of the best prediction); read by "uncertainty" order.
    uncertainty = models.FloatField(null=True, blank=True)
    gold = models.JSONField(null=True, blank=True)
    # Personal data found at import: [{"field", "kind", "start", "end"}]; offsets in the original.
    pii = models.JSONField(default=list, blank=True)
    # The unmasked data when the project masks personal data; never sent to annotators.
    data_original = models.JSONField(null=True, blank=True)
    submitted_count = models.PositiveIntegerField(default=0)
    # Identifies the task's origin row (import job + row number, or a caller's id) so a retried
    # import batch never inserts the same task twice.
    import_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "import_key"], name="task_import_key_unique")]
        indexes = [
            models.Index(fields=["project", "status", "id"], name="task_seq_idx"),
            models.Index(fields=["project", "status", "-priority", "id"], name="task_priority_idx"),
            models.Index(fields=["project", "status", "random_key"], name="task_random_idx"),
            # On PostgreSQL migration 0002 adds a NULLS LAST twin of this index (SQLite sorts NULLs last
            # for DESC already and cannot declare it), so "uncertainty" order is an index walk on both.
            models.Index(fields=["project", "status", "-uncertainty", "id"], name="task_uncertainty_idx"),
        ]

    def __str__(self) -> str:
        return f"Task {self.pk}"


class Assignment(models.Model):
    """A user's claim on a task: a lease while working, then what became of it."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        DONE = "done", "Submitted"
        SKIPPED = "skipped", "Skipped"

    # The task's own index stays although assignment_unique leads with task: it is what the pick's
    # per-candidate count of live leases walks. Without it, and with statistics taken while the
    # table was nearly empty, PostgreSQL scanned assignment_user_state_idx for every candidate
    # (every live lease, per candidate: 200 annotators slowed to a crawl). The user's index is
    # covered by assignment_user_state_idx (a lease is written on every claim and every submit).
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments",
                             db_index=False)
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "user"], name="assignment_unique")]
        # The caller's own leases (own-lease check, the pick's hashed "not done or skipped by me").
        indexes = [models.Index(fields=["user", "state"], name="assignment_user_state_idx")]
