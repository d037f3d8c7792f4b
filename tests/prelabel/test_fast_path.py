"""The single-task fast path: ``POST /api/v1/tasks/{id}/prelabel/`` and the predictions read.

The messages are really sent (to the test broker) and counted by purging the queue; the last test
starts a real worker and waits for the suggestion to arrive through the API."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from annotation.models import Assignment, Prediction
from prelabel.models import BUILTIN_VERSION
from prelabel.services import model_version_active
from tests.factories import ProjectFactory, TaskFactory
from tests.prelabel.queue import empty_prelabel_queue, purge_prelabel_queue  # noqa: F401
from tests.prelabel.test_prelabel_job import broker_down  # noqa: F401
from tests.worker import celery_worker, wait_for  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh(db, empty_prelabel_queue):
    cache.clear()  # the in-flight marks of earlier tests (ids repeat across rolled-back tests)


def lease(task, user, minutes: int = 10) -> Assignment:
    return Assignment.objects.create(task=task, user=user, expires_at=timezone.now() + timedelta(minutes=minutes))


def url(task) -> str:
    return f"/api/v1/tasks/{task.pk}/prelabel/"


def test_the_annotator_holding_a_task_queues_one_message_however_often_they_ask(
        tasks, annotator, client_for, django_capture_on_commit_callbacks):
    task = tasks[0]
    lease(task, annotator)
    with django_capture_on_commit_callbacks(execute=True):
        first = client_for(annotator).post(url(task))
        second = client_for(annotator).post(url(task))
    assert (first.status_code, first.data) == (202, {"queued": True, "predictions": []})
    assert (second.status_code, second.data) == (202, {"queued": True, "predictions": []})
    assert purge_prelabel_queue(("prelabel",)) == 0  # not behind the jobs' chunks ...
    assert purge_prelabel_queue(("prelabel_fast",)) == 1  # ... but on its own queue: one message, not two
    assert not Prediction.objects.exists()  # nothing ran in the request


def test_a_task_with_a_prediction_of_the_active_version_gets_it_back_at_once(project, tasks, manager, client_for):
    model = model_version_active(project)
    Prediction.objects.create(task=tasks[0], model_version="an-old-version", result={"sentiment": "neg"}, score=0.4)
    current = Prediction.objects.create(task=tasks[0], model_version=model.version, result={"sentiment": "pos"},
                                        score=0.9)
    response = client_for(manager).post(url(tasks[0]))
    assert response.status_code == 200
    assert response.data["queued"] is False
    assert [(p["id"], p["model_version"], p["result"]) for p in response.data["predictions"]] == [
        (current.pk, BUILTIN_VERSION, {"sentiment": "pos"})]
    assert purge_prelabel_queue() == 0


def test_an_annotator_without_a_live_lease_is_refused(tasks, annotator, annotator2, client_for):
    lease(tasks[0], annotator2)
    lease(tasks[1], annotator, minutes=-1)  # expired
    assert client_for(annotator).post(url(tasks[0])).status_code == 403
    assert client_for(annotator).post(url(tasks[1])).status_code == 403
    Assignment.objects.filter(task=tasks[1], user=annotator).update(state=Assignment.State.DONE,
                                                                    expires_at=timezone.now() + timedelta(minutes=5))
    assert client_for(annotator).post(url(tasks[1])).status_code == 403
    assert purge_prelabel_queue() == 0


def test_another_base_learns_nothing(tasks, outsider, client_for):
    assert client_for(outsider).post(url(tasks[0])).status_code == 404
    assert client_for(outsider).get(f"/api/v1/tasks/{tasks[0].pk}/predictions/").status_code == 404


def test_a_project_the_model_cannot_fill_is_a_400_naming_prelabel(base, manager, client_for):
    project = ProjectFactory(organization=base, schema={"data": {"text": "text"}, "labels": {"note": {"type": "text"}}})
    response = client_for(manager).post(url(TaskFactory(project=project)))
    assert response.status_code == 400 and "prelabel" in response.data


def test_a_broker_outage_is_a_503_and_a_later_call_sends_again(transactional_db, tasks, manager, client_for,
                                                               broker_down):  # noqa: F811
    assert client_for(manager).post(url(tasks[0])).status_code == 503
    assert cache.get(f"prelabel:fast:{tasks[0].pk}:{model_version_active(tasks[0].project).pk}") is None


def test_the_predictions_read_follows_the_task_read_rules(tasks, annotator, annotator2, manager, client_for):
    Prediction.objects.create(task=tasks[0], model_version="v1", result={"sentiment": "neg"}, score=0.4)
    newer = Prediction.objects.create(task=tasks[0], model_version="v2", result={"sentiment": "pos"}, score=0.8)
    lease(tasks[0], annotator)
    body = client_for(annotator).get(f"/api/v1/tasks/{tasks[0].pk}/predictions/").json()
    assert [p["id"] for p in body][0] == newer.pk and len(body) == 2
    assert client_for(manager).get(f"/api/v1/tasks/{tasks[0].pk}/predictions/").status_code == 200
    assert client_for(annotator2).get(f"/api/v1/tasks/{tasks[0].pk}/predictions/").status_code == 404


@pytest.mark.worker
def test_a_real_worker_answers_the_fast_path(transactional_db, celery_worker, project, tasks, annotator,
                                             client_for):
    task = tasks[2]
    lease(task, annotator)
    assert client_for(annotator).post(url(task)).status_code == 202

    def arrived():
        return client_for(annotator).get(f"/api/v1/tasks/{task.pk}/predictions/").json()

    [prediction] = wait_for(arrived, timeout=120, what="the fast-path prediction")
    assert prediction["model_version"] == BUILTIN_VERSION
    assert prediction["result"]["sentiment"] in ("pos", "neg", "neu")
    assert Prediction.objects.filter(task__project=project).count() == 1  # that task only
    again = client_for(annotator).post(url(task))
    assert again.status_code == 200 and [p["id"] for p in again.data["predictions"]] == [prediction["id"]]


def test_workers_read_the_fast_path_queue_first_in_priority_order(settings):
    from config.celery import app

    assert app.amqp.router.route({}, "prelabel.tasks.prelabel_one")["queue"].name == "prelabel_fast"
    assert app.amqp.router.route({}, "prelabel.tasks.prelabel_run")["queue"].name == "prelabel"
    assert settings.WORKER_QUEUES.split(",")[0] == "prelabel_fast"
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["queue_order_strategy"] == "priority"
