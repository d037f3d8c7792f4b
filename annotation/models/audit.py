from django.conf import settings
from django.db import models

from annotation.models.organizations import Organization


class AuditEvent(models.Model):
    """Append-only record of every write. Each event's digest covers the previous event of the
    same organization, so an edited, inserted or deleted event breaks the chain."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="audit_events",
                                     db_index=False)  # audit_seq_unique leads with it
    seq = models.PositiveBigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "seq"], name="audit_seq_unique")]
