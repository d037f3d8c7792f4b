"""Certification levels: grant, supersede, revoke, expiry, and the certifications API."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from annotation.errors import Conflict
from annotation.models import AuditEvent
from annotation.services.audit import audit_verify
from review.models import Certification, Level
from review.services.certification import certification_grant, certification_revoke, certified_level

pytestmark = pytest.mark.django_db


def _level(user, base, domain="news") -> int:
    return certified_level(user_id=user.pk, organization_id=base.pk, domain=domain)


def test_no_certification_means_level_zero(base, annotator):
    assert _level(annotator, base) == 0


def test_a_manual_grant_sets_the_level_in_that_domain_only(base, manager, annotator):
    certification_grant(organization=base, user=annotator, domain="news", level=Level.SENIOR,
                        granted_by=manager, reason="years of newsroom work")
    assert _level(annotator, base) == 3
    assert _level(annotator, base, "medicine") == 0
    event = AuditEvent.objects.get(organization=base, action="certification.grant")
    assert event.data["user"] == "annotator" and event.data["level"] == 3 and event.actor == manager


def test_a_level_in_one_base_counts_nowhere_else(base, other_base, manager, annotator):
    certification_grant(organization=base, user=annotator, domain="news", level=2, granted_by=manager)
    assert certified_level(user_id=annotator.pk, organization_id=other_base.pk, domain="news") == 0


def test_a_new_grant_supersedes_the_old_one_and_keeps_history(base, manager, annotator):
    first = certification_grant(organization=base, user=annotator, domain="news", level=2, granted_by=manager)
    second = certification_grant(organization=base, user=annotator, domain="news", level=1, granted_by=manager,
                                 reason="downgraded after audit")
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoke_reason == "superseded"
    assert second.revoked_at is None
    assert _level(annotator, base) == 1
    assert Certification.objects.filter(user=annotator).count() == 2
    assert audit_verify(organization_id=base.pk) == []


def test_the_database_refuses_two_active_rows(base, manager, annotator):
    certification_grant(organization=base, user=annotator, domain="news", level=2, granted_by=manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certification.objects.create(organization=base, user=annotator, domain="news", level=3,
                                     granted_via="manual", granted_at=timezone.now())


def test_revocation_drops_the_level_and_is_audited(base, manager, annotator):
    cert = certification_grant(organization=base, user=annotator, domain="news", level=3, granted_by=manager)
    certification_revoke(certification=cert, actor=manager, reason="left the project")
    assert _level(annotator, base) == 0
    cert.refresh_from_db()
    assert cert.revoked_by == manager and cert.revoke_reason == "left the project"
    assert AuditEvent.objects.filter(action="certification.revoke", object_id=str(cert.pk)).count() == 1
    with pytest.raises(Conflict):
        certification_revoke(certification=cert, actor=manager, reason="again")


def test_revocation_needs_a_reason(base, manager, annotator):
    cert = certification_grant(organization=base, user=annotator, domain="news", level=3, granted_by=manager)
    with pytest.raises(ValidationError) as err:
        certification_revoke(certification=cert, actor=manager, reason="  ")
    assert "reason" in err.value.detail
    assert _level(annotator, base) == 3


def test_an_expired_certification_no_longer_counts(base, manager, annotator):
    cert = certification_grant(organization=base, user=annotator, domain="news", level=3, granted_by=manager,
                               valid_until=timezone.now() + timedelta(days=30))
    assert _level(annotator, base) == 3
    Certification.objects.filter(pk=cert.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    assert _level(annotator, base) == 0


def test_grant_refuses_bad_input_naming_the_fields(base, manager, outsider):
    with pytest.raises(ValidationError) as err:
        certification_grant(organization=base, user=outsider, domain="", level=7, granted_by=manager,
                            valid_until=timezone.now() - timedelta(days=1))
    assert set(err.value.detail) == {"user", "domain", "level", "valid_until"}
    assert not Certification.objects.exists()
