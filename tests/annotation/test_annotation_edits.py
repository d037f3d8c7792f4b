"""What an annotator may still change after submitting: their result while the task waits for
others, but not once the checks or the reviewers have the task."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotation.models import Task, TaskStatus
from annotation.services.annotations import annotation_create
from tests.factories import TEXT_SCHEMA, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _patch(client, annotation, result):
    return client.patch(reverse("annotation-detail", kwargs={"annotation_id": annotation.pk}),
                        {"result": result, "version": annotation.version}, format="json")


def test_a_submitted_annotation_can_be_corrected_while_the_task_waits_for_others(base, annotator, client_for):
    task = TaskFactory(project=ProjectFactory(organization=base, schema=TEXT_SCHEMA, overlap=2))
    annotation = annotation_create(user=annotator, task=task, result={"sentiment": "pos"}, status="submitted",
                                   lead_time=4)
    response = _patch(client_for(annotator), annotation, {"sentiment": "neg"})
    assert response.status_code == 200, response.content
    assert response.json()["result"] == {"sentiment": "neg"}


@pytest.mark.parametrize("status", [TaskStatus.COMPLETED, TaskStatus.IN_REVIEW, TaskStatus.ACCEPTED])
def test_once_the_task_is_checked_or_reviewed_the_submitted_result_is_frozen(status, base, annotator, client_for):
    task = TaskFactory(project=ProjectFactory(organization=base, schema=TEXT_SCHEMA, overlap=2))
    annotation = annotation_create(user=annotator, task=task, result={"sentiment": "pos"}, status="submitted",
                                   lead_time=4)
    Task.objects.filter(pk=task.pk).update(status=status)
    response = _patch(client_for(annotator), annotation, {"sentiment": "neg"})
    assert response.status_code == 409
    assert response.json()["task_status"] == status
    annotation.refresh_from_db()
    assert annotation.result == {"sentiment": "pos"}
