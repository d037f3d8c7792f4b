"""``POST /api/v1/projects/{id}/imports/``: who may import, what is queued, and a real worker run.

The test that needs the worker comes last: the module-scoped worker consumes anything queued
after it starts.
"""
from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotation.models import Job, Task
from annotation.services.imports import import_source
from config.celery import app as celery_app
from tests.worker import celery_worker, wait_for  # noqa: F401


def url(project) -> str:
    return f"/api/v1/projects/{project.pk}/imports/"


def upload(name: str, content: bytes) -> dict:
    return {"file": SimpleUploadedFile(name, content)}


def jsonl(n: int) -> bytes:
    return "".join(json.dumps({"text": f"Story {i} from Hefei."}) + "\n" for i in range(n)).encode()


def _reset_broker_connections() -> None:
    # kombu keeps one pool per broker URL; forgetting the app's makes it look the URL up again.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Point the producer at a Redis port where nothing listens."""
    old = celery_app.conf.broker_url
    _reset_broker_connections()
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield
    celery_app.conf.broker_url = old
    _reset_broker_connections()


@pytest.mark.parametrize("persona", ["annotator", "reviewer"])
def test_annotators_and_reviewers_may_not_import(request, project, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).post(url(project), [{"text": "x"}], format="json")
    assert response.status_code == 403
    assert not Job.objects.exists() and not Task.objects.exists()


def test_an_outsider_does_not_learn_the_project_exists(project, outsider, client_for):
    response = client_for(outsider).post(url(project), [{"text": "x"}], format="json")
    assert response.status_code == 404
    assert not Job.objects.exists()


def test_a_json_list_body_queues_an_import_job(transactional_db, project, manager, client_for):
    response = client_for(manager).post(url(project), [{"text": "a"}, {"data": {"text": "b"}}], format="json")
    assert response.status_code == 202, response.data
    job = Job.objects.get()
    assert response.data["id"] == job.pk and response.data["kind"] == "import"
    assert response.data["state"] == "queued"
    assert set(response.data) >= {"progress_done", "progress_total", "error", "result", "created_at", "finished_at"}
    assert (job.created_by, job.project, job.params["format"]) == (manager, project, "json")
    assert json.loads(import_source(job.pk).read_text()) == [{"text": "a"}, {"data": {"text": "b"}}]


def test_an_uploaded_file_is_saved_for_the_worker_under_the_job_not_its_name(transactional_db, project, owner,
                                                                              client_for):
    response = client_for(owner).post(url(project), upload("../../evil.jsonl", jsonl(3)), format="multipart")
    assert response.status_code == 202, response.data
    job = Job.objects.get()
    assert (job.params["format"], job.params["filename"]) == ("jsonl", "evil.jsonl")
    assert import_source(job.pk).read_bytes() == jsonl(3)


def test_an_import_over_the_size_limit_is_refused(transactional_db, project, owner, client_for, settings):
    settings.IMPORT_MAX_BYTES = 10
    response = client_for(owner).post(url(project), upload("t.jsonl", jsonl(5)), format="multipart")
    assert response.status_code == 413
    assert not Job.objects.exists()


def test_an_unknown_file_type_is_refused(transactional_db, project, owner, client_for):
    response = client_for(owner).post(url(project), upload("notes.txt", b"hello"), format="multipart")
    assert response.status_code == 400 and "file" in response.data
    assert not Job.objects.exists()


def test_an_empty_list_is_refused(transactional_db, project, owner, client_for):
    assert client_for(owner).post(url(project), [], format="json").status_code == 400


def test_a_broker_that_is_down_answers_503_and_fails_the_job(transactional_db, project, owner, client_for,
                                                             broker_down):
    response = client_for(owner).post(url(project), [{"text": "a"}], format="json")
    assert response.status_code == 503
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and "queue is unavailable" in job.error
    assert not Task.objects.exists() and not import_source(job.pk).exists()


@pytest.mark.worker
def test_an_import_is_processed_end_to_end_by_a_real_worker(transactional_db, project, owner, client_for,
                                                            celery_worker):  # noqa: F811
    content = jsonl(12) + b'{"title": "no text"}\n'
    response = client_for(owner).post(url(project), upload("news.jsonl", content), format="multipart")
    assert response.status_code == 202, response.data

    def finished():
        job = Job.objects.get(pk=response.data["id"])
        return job if job.state in Job.FINISHED else None

    job = wait_for(finished, timeout=60, what="the import job to finish")
    assert job.state == Job.State.SUCCEEDED, job.error
    assert job.progress_done == job.progress_total == 13
    assert (job.result["created"], job.result["error_count"]) == (12, 1)
    assert job.result["errors"][0] == {"row": 13, "path": "data.text", "message": "is required and must be a string"}
    assert Task.objects.filter(project=project).count() == 12
    detail = client_for(owner).get(f"/api/v1/jobs/{job.pk}/")
    assert detail.data["state"] == "succeeded" and detail.data["progress_done"] == 13
