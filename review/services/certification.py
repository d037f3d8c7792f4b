"""Granting, revoking and reading certification levels.

A level is "active" while its row is not revoked and not past ``valid_until``. Expiry is read at
query time rather than by a periodic job that revokes rows, so a level stops counting the moment
it expires, on every host, without a scheduler having to run.
"""
from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import PermissionDenied, ValidationError

from annotation.access import role_in
from annotation.errors import Conflict
from annotation.models import Membership, Organization
from annotation.models.organizations import MANAGING_ROLES
from annotation.services.audit import audit_record
from review.models import Certification, ExamAttempt, Level

SUPERSEDED = "superseded"
# Level names for messages, in the caller's language (the model's labels stay English).
LEVEL_NAMES = {Level.TRAINEE: gettext_lazy("trainee"), Level.ANNOTATOR: gettext_lazy("annotator"),
               Level.SENIOR: gettext_lazy("senior"), Level.EXPERT: gettext_lazy("expert")}


def active_certifications(now: datetime | None = None) -> QuerySet[Certification]:
    now = now or timezone.now()
    return Certification.objects.filter(revoked_at__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now))


def certification_is_active(certification: Certification, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return certification.revoked_at is None and (
        certification.valid_until is None or certification.valid_until > now)


def certified_level(*, user_id: int, organization_id: int, domain: str) -> int:
    """The active, unexpired level of a user in one domain of one base; 0 when none."""
    level = (active_certifications().filter(organization_id=organization_id, user_id=user_id, domain=domain)
             .values_list("level", flat=True).first())
    return int(level or 0)


def _validate_grant(*, organization: Organization, user, domain: str, level: int,
                    valid_until: datetime | None, now: datetime) -> None:
    errors: dict[str, list[str]] = {}
    if not Membership.objects.filter(organization=organization, user=user).exists():
        errors["user"] = [_("This user is not a member of the organization.")]
    if not domain or not domain.strip() or len(domain) > 64:
        errors["domain"] = [_("A domain is 1 to 64 characters, like a project's domain.")]
    if level not in Level.values:
        errors["level"] = [_("Level must be one of 1 (trainee), 2 (annotator), 3 (senior), 4 (expert).")]
    if valid_until is not None and valid_until <= now:
        errors["valid_until"] = [_("The expiry must lie in the future.")]
    if errors:
        raise ValidationError(errors)


def certification_grant(*, organization: Organization, user, domain: str, level: int, granted_by,
                        granted_via: str = Certification.GrantedVia.MANUAL, reason: str = "",
                        valid_until: datetime | None = None,
                        exam_attempt: ExamAttempt | None = None) -> Certification:
    """Give ``user`` ``level`` in ``domain``; the previous active row, if any, is revoked as
    superseded in the same transaction so exactly one stays active."""
    now = timezone.now()
    _validate_grant(organization=organization, user=user, domain=domain, level=level,
                    valid_until=valid_until, now=now)
    with transaction.atomic():
        previous = list(Certification.objects.select_for_update().filter(
            organization=organization, user=user, domain=domain, revoked_at__isnull=True))
        for old in previous:
            old.revoked_at, old.revoked_by, old.revoke_reason = now, granted_by, SUPERSEDED
            old.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        try:
            with transaction.atomic():
                certification = Certification.objects.create(
                    organization=organization, user=user, domain=domain, level=level, granted_via=granted_via,
                    reason=reason, granted_by=granted_by, granted_at=now, valid_until=valid_until,
                    exam_attempt=exam_attempt)
        except IntegrityError:
            # A concurrent first grant for the same person and domain won the unique index.
            raise Conflict(_("Another grant for this user and domain happened at the same time; retry.")) from None
        # An exam pass has no granting manager: the candidate's own action is what is recorded.
        audit_record(organization_id=organization.pk, actor=granted_by or user, action="certification.grant",
                     obj=certification, data={
                         "user": user.username, "domain": domain, "level": level, "via": granted_via,
                         "reason": reason, "valid_until": valid_until, "exam_attempt": getattr(exam_attempt, "pk", None),
                         "superseded": [old.pk for old in previous]})
    return certification


def certification_revoke(*, certification: Certification, actor, reason: str) -> Certification:
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Say why the certification is revoked.")]})
    with transaction.atomic():
        certification = Certification.objects.select_for_update().get(pk=certification.pk)
        if certification.revoked_at is not None:
            raise Conflict(_("This certification is already revoked."))
        certification.revoked_at, certification.revoked_by = timezone.now(), actor
        certification.revoke_reason = reason
        certification.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(organization_id=certification.organization_id, actor=actor, action="certification.revoke",
                     obj=certification, data={"user": certification.user.username, "domain": certification.domain,
                                              "level": certification.level, "reason": reason})
    return certification


def required_annotator_level(review_policy) -> int:
    """``review_policy["min_annotator_level"]`` as a level 0..4 (0: anyone may label)."""
    value = review_policy.get("min_annotator_level", 0) if isinstance(review_policy, dict) else 0
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 4 else 0


def min_annotator_level_gate(*, user, project) -> None:
    """Work gate for next-task: an annotator below the project's minimum level in its domain is
    refused with a message naming the level and domain. Owners and managers are not gated: they
    set the bar and must be able to try their own projects."""
    required = required_annotator_level(project.review_policy)
    if not required or role_in(user, project.organization_id) in MANAGING_ROLES:
        return
    held = certified_level(user_id=user.pk, organization_id=project.organization_id, domain=project.domain)
    if held < required:
        raise PermissionDenied(_(
            "This project needs certification level {level} ({name}) in the domain “{domain}”; "
            "your level there is {held}. Pass a qualification exam or ask a manager."
        ).format(level=required, name=LEVEL_NAMES[required], domain=project.domain, held=held))
