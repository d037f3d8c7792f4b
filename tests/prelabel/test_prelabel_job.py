"""Pre-label jobs with the built-in encoder: predictions, idempotence, retraining, acceptance, the API
and a real worker. The test that starts the worker comes last (it consumes whatever is queued)."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from annotation.models import Annotation, Job, Prediction, Task, TaskStatus
from annotation.schema import validate_result
from annotation.services.jobs import job_start
from config.celery import app as celery_app
from prelabel.models import BUILTIN_VERSION, ModelVersion
from prelabel.services import (
    model_retrain,
    model_version_stats,
    prelabel_job_create,
    prelabel_job_run,
    retrain_start,
)
from tests.factories import ProjectFactory, TaskFactory, UserFactory
from tests.worker import celery_worker, wait_for  # noqa: F401

TOY_SCHEMA = {"data": {"text": "text"},
              "labels": {"group": {"type": "choice", "options": ["alpha", "beta"]}}}
SPORTS = ["The striker scored twice in the final minute.", "The team won the league after a penalty shootout.",
          "Our goalkeeper saved three shots in the match.", "The marathon runner broke the course record.",
          "The tennis champion won in straight sets.", "The coach praised the defenders after the game.",
          "Fans cheered as the basketball team took the title.", "The cyclist won the mountain stage."]
COOKING = ["Simmer the onions in butter until golden.", "Knead the dough and let it rise for an hour.",
           "Add a pinch of salt to the boiling noodles.", "Roast the vegetables with garlic and olive oil.",
           "Whisk the eggs with sugar for the cake batter.", "Stir the soup and season it with pepper.",
           "Slice the tomatoes and toss them with basil.", "Bake the bread until the crust is brown."]


def run_prelabel(project, *, chunk_size: int = 2) -> tuple[Job, dict]:
    job = prelabel_job_create(project=project, actor=None)
    job_start(job_id=job.pk)
    result = prelabel_job_run(job_id=job.pk, chunk_size=chunk_size)
    job.refresh_from_db()
    return job, result


def test_prelabel_writes_one_valid_prediction_per_open_task_with_version_score_and_uncertainty(project, tasks):
    done = TaskFactory(project=project, status=TaskStatus.COMPLETED)
    job, result = run_prelabel(project)
    predictions = list(Prediction.objects.filter(task__project=project))
    assert sorted(p.task_id for p in predictions) == sorted(t.pk for t in tasks)
    for prediction in predictions:
        assert prediction.model_version == BUILTIN_VERSION
        assert 0.0 <= prediction.score <= 1.0
        assert prediction.result["sentiment"] in ("pos", "neg", "neu")
        validate_result(project.parsed_schema, prediction.result, data=prediction.task.data, require_complete=False)
    assert all(t.uncertainty is not None for t in Task.objects.filter(pk__in=[t.pk for t in tasks]))
    done.refresh_from_db()
    assert done.uncertainty is None and not done.predictions.exists()
    assert (job.progress_done, job.progress_total) == (5, 5)
    assert result["created"] == 5 and result["invalid"] == 0
    assert ModelVersion.objects.get(project=project, is_active=True).version == BUILTIN_VERSION


def test_a_rerun_writes_no_duplicates(project, tasks):
    run_prelabel(project)
    _, result = run_prelabel(project, chunk_size=3)
    assert (result["created"], result["skipped"]) == (0, 5)
    assert Prediction.objects.filter(task__project=project).count() == 5


def test_the_management_command_runs_the_same_job(project, tasks):
    call_command("prelabel", project.pk, verbosity=0)
    job = Job.objects.get(kind="prelabel")
    assert (job.state, job.progress_done) == (Job.State.SUCCEEDED, 5)
    assert Prediction.objects.filter(task__project=project, model_version=BUILTIN_VERSION).count() == 5


@pytest.fixture
def toy(base):
    """A separable toy set: sports texts are 'alpha', cooking texts 'beta' (names zero-shot can't guess)."""
    project = ProjectFactory(organization=base, schema=TOY_SCHEMA)
    annotator = UserFactory(username="labeller")
    for text, answer in [(t, "alpha") for t in SPORTS] + [(t, "beta") for t in COOKING]:
        task = TaskFactory(project=project, data={"text": text}, status=TaskStatus.COMPLETED)
        Annotation.objects.create(task=task, annotator=annotator, result={"group": answer},
                                  status=Annotation.Status.SUBMITTED)
    TaskFactory(project=project, data={"text": "The sprinter won gold in the relay."})
    TaskFactory(project=project, data={"text": "Fry the garlic gently in oil."})
    return project


def test_retrain_registers_a_better_head_only_when_it_is_better(toy, owner):
    first = model_retrain(job_id=retrain_start(project=toy, actor=owner).pk)
    assert first["registered"], first
    assert first["heldout_accuracy"] > first["baseline_accuracy"]
    new = ModelVersion.objects.get(project=toy, is_active=True)
    assert new.version == first["version"] != BUILTIN_VERSION
    assert new.kind == "embedding_head" and new.head and new.metrics["heldout_accuracy"] == 1.0
    assert ModelVersion.objects.filter(project=toy).count() == 2
    follow = Job.objects.get(pk=first["prelabel_job"])
    assert (follow.kind, follow.params["model_version"]) == ("prelabel", new.version)

    job_start(job_id=follow.pk)
    prelabel_job_run(job_id=follow.pk)
    guesses = dict(Prediction.objects.filter(model_version=new.version).values_list("task__data__text", "result"))
    assert guesses == {"The sprinter won gold in the relay.": {"group": "alpha"},
                       "Fry the garlic gently in oil.": {"group": "beta"}}

    second = model_retrain(job_id=retrain_start(project=toy, actor=owner).pk)
    assert not second["registered"] and second["base_version"] == new.version
    assert ModelVersion.objects.filter(project=toy).count() == 2


def test_retrain_with_too_few_labels_registers_nothing(project, tasks, owner, annotator):
    Annotation.objects.create(task=tasks[0], annotator=annotator, result={"sentiment": "pos"},
                              status=Annotation.Status.SUBMITTED)
    outcome = model_retrain(job_id=retrain_start(project=project, actor=owner).pk)
    assert not outcome["registered"] and "Too few" in outcome["reason"]
    assert list(ModelVersion.objects.filter(project=project).values_list("version", flat=True)) == [BUILTIN_VERSION]


def test_acceptance_rate_counts_suggestions_kept_unchanged(project, tasks, annotator, annotator2, client_for):
    run_prelabel(project)
    kept, changed = (Prediction.objects.get(task=tasks[i]) for i in (0, 1))
    Annotation.objects.create(task=tasks[0], annotator=annotator, prediction=kept, status=Annotation.Status.SUBMITTED,
                              result={**kept.result, "quality": 4})
    other = next(o for o in ("pos", "neg", "neu") if o != changed.result["sentiment"])
    Annotation.objects.create(task=tasks[1], annotator=annotator, prediction=changed,
                              status=Annotation.Status.SUBMITTED, result={**changed.result, "sentiment": other})
    Annotation.objects.create(task=tasks[2], annotator=annotator2, prediction=None,
                              status=Annotation.Status.DRAFT, result={"sentiment": "pos"})
    [stats] = model_version_stats(project)
    assert (stats["suggestions_used"], stats["acceptance_rate"]) == (2, 0.5)
    assert (stats["labels_compared"], stats["accuracy"]) == (2, 0.5)
    body = client_for(annotator).get(f"/api/v1/projects/{project.pk}/model-versions/").json()
    assert [(v["version"], v["acceptance_rate"], v["is_active"]) for v in body] == [(BUILTIN_VERSION, 0.5, True)]


def test_starting_prelabel_queues_a_job_for_the_open_tasks(project, tasks, manager, client_for,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(manager).post(f"/api/v1/projects/{project.pk}/prelabel/")
    assert response.status_code == 202, response.data
    job = Job.objects.get()
    assert (response.data["id"], response.data["kind"], response.data["state"]) == (job.pk, "prelabel", "queued")
    assert (job.progress_total, job.params["model_version"], job.created_by) == (5, BUILTIN_VERSION, manager)
    assert len(callbacks) == 1


def test_the_latest_prelabel_job_is_found_for_the_page(project, tasks, manager, client_for):
    url = f"/api/v1/projects/{project.pk}/prelabel/"
    assert client_for(manager).get(url).json() == {"job": None}
    older = prelabel_job_create(project=project, actor=manager)
    newer = prelabel_job_create(project=project, actor=manager)
    body = client_for(manager).get(url).json()
    assert (body["job"]["id"], body["job"]["state"], body["job"]["progress_total"]) == (newer.pk, "queued", 5)
    assert older.pk != newer.pk


def test_a_project_without_a_label_the_model_can_fill_gets_400(base, manager, client_for):
    project = ProjectFactory(organization=base, schema={"data": {"text": "text"}, "labels": {"note": {"type": "text"}}})
    response = client_for(manager).post(f"/api/v1/projects/{project.pk}/prelabel/")
    assert response.status_code == 400 and "prelabel" in response.data
    assert not Job.objects.exists()


@pytest.fixture
def broker_down():
    old = celery_app.conf.broker_url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield
    celery_app.conf.broker_url = old
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_a_broker_outage_is_a_503_and_a_failed_job(transactional_db, project, tasks, manager, client_for,
                                                   broker_down):
    response = client_for(manager).post(f"/api/v1/projects/{project.pk}/prelabel/")
    assert response.status_code == 503
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and "unavailable" in job.error
    assert not Prediction.objects.exists()


def test_a_real_worker_prelabels_the_project_through_the_api(transactional_db, celery_worker, project, tasks,
                                                             owner, client_for):
    response = client_for(owner).post(f"/api/v1/projects/{project.pk}/prelabel/")
    assert response.status_code == 202, response.data

    def finished():
        job = Job.objects.get(pk=response.data["id"])
        return job if job.state in Job.FINISHED else None

    job = wait_for(finished, timeout=120, what="the pre-label job to finish")
    assert job.state == Job.State.SUCCEEDED, job.error
    assert job.progress_done == job.progress_total == 5
    assert Prediction.objects.filter(task__project=project, model_version=BUILTIN_VERSION).count() == 5
    assert Task.objects.filter(project=project, uncertainty__isnull=False).count() == 5
    body = client_for(owner).get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["state"] == "succeeded" and body["result"]["created"] == 5
