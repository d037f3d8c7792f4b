"""Task text embeddings for the near-duplicate check: stored by the prelabel app after imports,
read by the review app through the core's table."""
from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse

from annotation.models import Job, Task, TaskEmbedding
from prelabel.services.embeddings import embeddings_store
from tests.factories import IMAGE_SCHEMA, TEXT_SCHEMA, ProjectFactory, TaskFactory
from tests.worker import celery_worker, wait_for  # noqa: F401

TEXTS = ["The central bank raised interest rates today.", "The central bank raised interest rates today!",
         "A football club won the league after a dramatic final."]


@pytest.mark.django_db
def test_unit_vectors_are_stored_once_per_task(base):
    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA)
    tasks = [TaskFactory(project=project, data={"text": t}) for t in TEXTS]
    TaskFactory(project=project, data={"text": "   "})  # nothing to embed
    assert embeddings_store(project_id=project.pk) == 3
    assert embeddings_store(project_id=project.pk) == 0  # a re-run or redelivery adds nothing
    vectors = {e.task_id: np.frombuffer(bytes(e.vector), dtype="<f4") for e in TaskEmbedding.objects.all()}
    assert set(vectors) == {t.pk for t in tasks}
    for v in vectors.values():
        assert abs(float(np.linalg.norm(v)) - 1.0) < 1e-4
    same, other = vectors[tasks[0].pk] @ vectors[tasks[1].pk], vectors[tasks[0].pk] @ vectors[tasks[2].pk]
    assert same > 0.85 and other < 0.5  # the encoder sees the near-duplicate, not the unrelated headline


@pytest.mark.django_db
def test_projects_without_text_are_left_alone(base):
    project = ProjectFactory(organization=base, schema=IMAGE_SCHEMA)
    TaskFactory(project=project, data={"image": "a.png"})
    assert embeddings_store(project_id=project.pk) == 0
    assert not TaskEmbedding.objects.exists()


@pytest.mark.worker
def test_an_import_leads_to_embeddings_written_by_the_worker(transactional_db, base, owner, client_for,
                                                             celery_worker):  # noqa: F811
    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA)
    response = client_for(owner).post(reverse("project-imports", kwargs={"project_id": project.pk}),
                                      [{"text": t} for t in TEXTS], format="json")
    assert response.status_code == 202, response.content
    wait_for(lambda: Job.objects.get(pk=response.json()["id"]).state in Job.FINISHED, timeout=60,
             what="the import")
    wait_for(lambda: TaskEmbedding.objects.filter(task__project=project).count() == 3, timeout=120,
             what="the embeddings")
    assert Task.objects.filter(project=project, embeddings__isnull=True).count() == 0
