"""Certification levels: grant, supersede, revoke, expiry, the certifications API and the level gate
on next-task."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from annotation.errors import Conflict
from annotation.models import Assignment, AuditEvent
from annotation.services.audit import audit_verify
from review.models import Certification, Level
from review.services.certification import certification_grant, certification_revoke, certified_level
from tests.factories import ProjectFactory, TaskFactory

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


# --- the certifications API -------------------------------------------------------------------

def _grant_body(base, user, **extra):
    return {"organization": base.pk, "user": user.pk, "domain": "news", "level": 3, "reason": "newsroom editor",
            **extra}


def test_a_manager_grants_a_level_over_http(client_for, manager, annotator, base):
    response = client_for(manager).post(reverse("certification-list"), _grant_body(base, annotator), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"] == {"id": annotator.pk, "username": "annotator"}
    assert body["granted_by"] == {"id": manager.pk, "username": "manager"}
    assert (body["level"], body["level_name"], body["granted_via"], body["active"]) == (3, "Senior", "manual", True)
    assert _level(annotator, base) == 3


def test_a_bad_grant_is_a_400_naming_each_field(client_for, manager, annotator, outsider, base):
    client = client_for(manager)
    response = client.post(reverse("certification-list"), _grant_body(base, annotator, colour="red"), format="json")
    assert response.status_code == 400 and set(response.json()) == {"colour"}
    response = client.post(reverse("certification-list"), _grant_body(base, annotator, level=9, domain=""),
                           format="json")
    assert response.status_code == 400 and set(response.json()) == {"level", "domain"}
    response = client.post(reverse("certification-list"), _grant_body(base, outsider), format="json")
    assert response.status_code == 400 and set(response.json()) == {"user"}
    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = client.post(reverse("certification-list"), _grant_body(base, annotator, valid_until=past),
                           format="json")
    assert response.status_code == 400 and set(response.json()) == {"valid_until"}
    assert not Certification.objects.exists()


def test_annotators_cannot_grant_and_other_bases_are_not_found(client_for, annotator, outsider, base, other_base):
    response = client_for(annotator).post(reverse("certification-list"), _grant_body(base, annotator), format="json")
    assert response.status_code == 403
    response = client_for(outsider).post(reverse("certification-list"), _grant_body(base, annotator), format="json")
    assert response.status_code == 404
    assert client_for(outsider).get(reverse("certification-list"), {"organization": base.pk}).status_code == 404
    assert not Certification.objects.exists()


def test_managers_list_their_base_and_others_only_themselves(client_for, manager, annotator, annotator2, outsider,
                                                             base, other_base):
    certification_grant(organization=base, user=annotator, domain="news", level=2, granted_by=manager)
    certification_grant(organization=base, user=annotator2, domain="news", level=2, granted_by=manager)
    certification_grant(organization=other_base, user=outsider, domain="news", level=4, granted_by=outsider)
    listed = client_for(manager).get(reverse("certification-list")).json()
    assert listed["count"] == 2 and {c["user"]["username"] for c in listed["results"]} == {"annotator", "annotator2"}
    own = client_for(annotator).get(reverse("certification-list")).json()
    assert [c["user"]["username"] for c in own["results"]] == ["annotator"]
    assert client_for(annotator).get(reverse("certification-list"), {"user": annotator2.pk}).json()["count"] == 0
    assert client_for(outsider).get(reverse("certification-list")).json()["count"] == 1


def test_the_list_filters_by_user_domain_and_active(client_for, manager, annotator, annotator2, base):
    old = certification_grant(organization=base, user=annotator, domain="news", level=1, granted_by=manager)
    certification_grant(organization=base, user=annotator, domain="news", level=2, granted_by=manager)
    certification_grant(organization=base, user=annotator, domain="medicine", level=2, granted_by=manager)
    certification_grant(organization=base, user=annotator2, domain="news", level=2, granted_by=manager)
    client = client_for(manager)
    rows = client.get(reverse("certification-list"), {"user": annotator.pk, "domain": "news"}).json()["results"]
    assert {(r["level"], r["active"], r["revoke_reason"]) for r in rows} == {(2, True, ""), (1, False, "superseded")}
    active = client.get(reverse("certification-list"), {"user": annotator.pk, "active": 1}).json()["results"]
    assert old.pk not in {r["id"] for r in active} and len(active) == 2
    assert client.get(reverse("certification-list"), {"user": "me"}).status_code == 400


def test_a_manager_revokes_over_http(client_for, manager, annotator, base):
    cert = certification_grant(organization=base, user=annotator, domain="news", level=3, granted_by=manager)
    url = reverse("certification-revoke", kwargs={"certification_id": cert.pk})
    assert client_for(manager).post(url, {}, format="json").json() == {"reason": ["This field is required."]}
    assert client_for(annotator).post(url, {"reason": "self"}, format="json").status_code == 403
    response = client_for(manager).post(url, {"reason": "left"}, format="json")
    assert response.status_code == 200
    assert response.json()["active"] is False and response.json()["revoke_reason"] == "left"
    assert _level(annotator, base) == 0
    assert client_for(manager).post(url, {"reason": "again"}, format="json").status_code == 409


# --- the work gate --------------------------------------------------------------------------------

@pytest.fixture
def gated_project(base):
    project = ProjectFactory(organization=base, name="Clinical notes", domain="medicine",
                             review_policy={"min_annotator_level": 2})
    TaskFactory(project=project)
    return project


def _next_task(client, project):
    return client.post(reverse("next-task", kwargs={"project_id": project.pk}))


def test_an_annotator_below_the_projects_level_gets_403_naming_level_and_domain(client_for, manager, annotator,
                                                                               base, gated_project):
    certification_grant(organization=base, user=annotator, domain="medicine", level=1, granted_by=manager)
    response = _next_task(client_for(annotator), gated_project)
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "level 2" in detail and "medicine" in detail and "is 1" in detail
    assert not Assignment.objects.filter(user=annotator).exists()


def test_a_level_in_another_domain_does_not_open_the_gate(client_for, manager, annotator, base, gated_project):
    certification_grant(organization=base, user=annotator, domain="news", level=4, granted_by=manager)
    assert _next_task(client_for(annotator), gated_project).status_code == 403


def test_an_annotator_at_the_level_gets_work_and_managers_are_not_gated(client_for, manager, owner, annotator, base,
                                                                        gated_project):
    certification_grant(organization=base, user=annotator, domain="medicine", level=2, granted_by=manager)
    assert _next_task(client_for(annotator), gated_project).status_code == 200
    assert _next_task(client_for(owner), gated_project).status_code in (200, 204)
    assert _level(owner, base, "medicine") == 0


def test_no_minimum_level_means_no_gate(client_for, annotator, project, tasks):
    project.review_policy = {"min_annotator_level": 0}
    project.save()
    assert _next_task(client_for(annotator), project).status_code == 200


def test_the_gate_answers_in_the_callers_language(client_for, annotator, gated_project):
    response = client_for(annotator).post(reverse("next-task", kwargs={"project_id": gated_project.pk}),
                                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert response.json()["detail"] == ("该项目要求在“medicine”领域达到认证等级 2（标注员）；你在该领域的等级为 0。"
                                         "请通过资格考试或联系管理员。")


def test_the_list_pages_by_50_and_a_client_may_ask_for_up_to_500(client_for, manager, annotator, base):
    for i in range(3):
        certification_grant(organization=base, user=annotator, domain=f"domain-{i}", level=2, granted_by=manager)
    client = client_for(manager)
    page = client.get(reverse("certification-list"), {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"] is not None
    assert len(client.get(reverse("certification-list"), {"page_size": 10_000}).json()["results"]) == 3
