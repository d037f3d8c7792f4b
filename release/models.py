"""What the release app stores (issue 7: Release and its records).

A release is an immutable, versioned snapshot of a project's accepted tasks. The builder
(``release.services.snapshot``) writes its records once and moves it from ``building`` to
``ready`` or ``failed``; after that nothing about it may change except the quality report and
value statement that the report service fills in later. Both models refuse the writes that would
break this, so an admin form, a shell session or a future service cannot edit a delivered dataset
by accident. (A hand-written SQL UPDATE can still change rows: ``verify_release`` catches that.)
"""
from __future__ import annotations

from django.conf import settings
from django.db import models

from annotation.models import Job, Project

# The only fields of a ready release that may still be written: "report" fills them after the build.
LATE_FIELDS = frozenset({"quality_report", "value_statement"})


class ReleaseImmutable(Exception):
    """A write tried to change a ready release or a written record."""


class ReleaseQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if set(kwargs) - LATE_FIELDS and self.filter(state=Release.State.READY).exists():
            raise ReleaseImmutable("A ready release cannot change.")
        return super().update(**kwargs)


class Release(models.Model):
    class State(models.TextChoices):
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="releases")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.BUILDING)
    # What the caller asked for: {"statuses", "sources", "min_agreement", "task_ids"}.
    filters = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    record_count = models.PositiveIntegerField(default=0)
    manifest = models.JSONField(default=dict, blank=True)
    merkle_root = models.CharField(max_length=64, blank=True)
    # Digest of the organization's latest audit event when the release became ready.
    audit_head = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    # Filled by the report service ("report") once the release is ready.
    quality_report = models.JSONField(null=True, blank=True)
    value_statement = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "version"], name="release_version_unique")]
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.project_id} v{self.version}"

    def save(self, *args, **kwargs):
        # The brief asks for a model-level guard: a ready release only takes its late fields.
        if self.pk is not None and not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or set(fields) - LATE_FIELDS:
                if Release.objects.filter(pk=self.pk, state=self.State.READY).exists():
                    raise ReleaseImmutable("A ready release cannot change; save(update_fields=[...]) "
                                           "may only write the quality report or value statement.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and Release.objects.filter(pk=self.pk, state=self.State.READY).exists():
            raise ReleaseImmutable("A ready release cannot be deleted.")
        return super().delete(*args, **kwargs)


class ReleaseRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ReleaseImmutable("Release records are written once and never updated.")


class ReleaseRecord(models.Model):
    """One task of a release. ``line`` is the canonical native JSONL line (masked data), ``sha256``
    its digest and the Merkle leaf at position ``seq``. ``task_id`` is a plain integer, not a
    foreign key: the record must outlive edits to the project, and it is only used to read the
    unmasked data at export time."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="records", db_index=False)
    seq = models.PositiveIntegerField()
    task_id = models.BigIntegerField()
    key = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    line = models.TextField()

    objects = ReleaseRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "seq"], name="release_record_seq_unique"),
            models.UniqueConstraint(fields=["release", "task_id"], name="release_record_task_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.release_id}#{self.seq}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ReleaseImmutable("Release records are written once and never updated.")
        super().save(*args, **kwargs)
