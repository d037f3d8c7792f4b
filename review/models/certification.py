"""Certification levels and qualification exams (issue 5).

A certification says "this person may work at level N in this domain of this base". Rows are
never edited after the fact except to revoke them: a new grant revokes the previous active row
(reason "superseded"), so the history of who was certified when, and by whom, stays readable.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from annotation.models import Organization, Project, Task


class Level(models.IntegerChoices):
    TRAINEE = 1, "Trainee"
    ANNOTATOR = 2, "Annotator"
    SENIOR = 3, "Senior"
    EXPERT = 4, "Expert"


class Certification(models.Model):
    class GrantedVia(models.TextChoices):
        EXAM = "exam", "Passed an exam"
        MANUAL = "manual", "Granted by a manager"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="certifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certifications")
    domain = models.CharField(max_length=64)  # same values as Project.domain
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    granted_via = models.CharField(max_length=8, choices=GrantedVia.choices)
    reason = models.TextField(blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)  # null: no expiry
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    exam_attempt = models.ForeignKey(
        "review.ExamAttempt", null=True, blank=True, on_delete=models.SET_NULL, related_name="certifications"
    )

    class Meta:
        constraints = [
            # The database, not the service, guarantees one live level per person and domain.
            models.UniqueConstraint(
                fields=["organization", "user", "domain"], condition=Q(revoked_at__isnull=True),
                name="certification_one_active",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="certification_level_range"),
        ]
        indexes = [models.Index(fields=["organization", "domain", "level"], name="certification_domain_idx")]

    def __str__(self) -> str:
        return f"{self.user} L{self.level} in {self.domain} @ {self.organization_id}"


class Exam(models.Model):
    """A qualification exam built from gold tasks of one project; passing grants `level_granted`
    in the project's domain (copied here so a later domain change of the project does not move
    certifications already granted)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="exams")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="exams")
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=64)
    level_granted = models.PositiveSmallIntegerField(choices=Level.choices)
    pass_threshold = models.FloatField(default=0.8)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    retry_after_hours = models.FloatField(default=24.0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(pass_threshold__gte=0, pass_threshold__lte=1),
                                   name="exam_pass_threshold_range"),
            models.CheckConstraint(condition=Q(level_granted__gte=1, level_granted__lte=4),
                                   name="exam_level_range"),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="exam_max_attempts_min"),
            models.CheckConstraint(condition=Q(retry_after_hours__gte=0), name="exam_retry_after_min"),
        ]

    def __str__(self) -> str:
        return self.name


class ExamItem(models.Model):
    """One gold task of an exam. The expected answer is copied at creation: editing the task's
    gold later must not change how attempts already taken were graded."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="items")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    expected = models.JSONField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "task"], name="exam_item_task_unique"),
            models.UniqueConstraint(fields=["exam", "position"], name="exam_item_position_unique"),
        ]


class ExamAttempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    score = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One open attempt per candidate and exam; a second start is refused by the database too.
            models.UniqueConstraint(fields=["exam", "user"], condition=Q(status="in_progress"),
                                    name="exam_attempt_one_open"),
        ]
        indexes = [models.Index(fields=["exam", "user", "started_at"], name="exam_attempt_user_idx")]


class ExamAnswer(models.Model):
    """A candidate's answer to one item; `score` and `correct` are written when the attempt ends."""

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ExamItem, on_delete=models.CASCADE, related_name="answers")
    result = models.JSONField()
    score = models.FloatField(null=True, blank=True)
    # {label: score} per label, kept so the candidate sees which part of an item was wrong.
    detail = models.JSONField(default=dict, blank=True)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "item"], name="exam_answer_unique")]
