from django.conf import settings
from django.db import models

# Digest before the first audit event of a chain.
AUDIT_GENESIS = "0" * 64


class Organization(models.Model):
    """An annotation base: the unit every object is scoped to."""

    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Head of the audit chain, moved only by annotation.services.audit.audit_record: on PostgreSQL
    # the append is one statement that updates this row and inserts the event. Never save() a
    # loaded organization without update_fields: it would write back a stale head and rewind the
    # chain (the next append would then collide with an existing seq).
    audit_seq = models.BigIntegerField(default=0, editable=False)
    audit_digest = models.CharField(max_length=64, default=AUDIT_GENESIS, editable=False)
    audit_prev = models.CharField(max_length=64, default=AUDIT_GENESIS, editable=False)  # digest before the last append

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    REVIEWER = "reviewer", "Reviewer"
    ANNOTATOR = "annotator", "Annotator"


MANAGING_ROLES = (Role.OWNER, Role.MANAGER)
# Who takes tasks to label; reviewers review (and are certified for it), they do not take tasks.
LABELING_ROLES = (Role.OWNER, Role.MANAGER, Role.ANNOTATOR)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"
