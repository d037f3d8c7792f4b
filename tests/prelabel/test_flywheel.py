"""The flywheel trigger: ``Project.prelabel["retrain_every"]`` newly accepted tasks start one
retrain job. Tasks are accepted through the review app's ``outcome_write`` (the one place that
records an accepted task), whose ``task_accepted`` signal fires when the transaction commits."""
from __future__ import annotations

import pytest
from django.db import transaction

from annotation.models import Job, Task, TaskStatus
from review.services.outcome import outcome_write
from tests.factories import TaskFactory
from tests.prelabel.queue import empty_prelabel_queue  # noqa: F401

pytestmark = pytest.mark.usefixtures("empty_prelabel_queue")


@pytest.fixture
def open_tasks(project):
    return [TaskFactory(project=project, data={"text": f"Story number {i} about the league."}) for i in range(7)]


def accept(task: Task, capture) -> None:
    with capture(execute=True), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(status=TaskStatus.ACCEPTED)
        outcome_write(task=task, result={"sentiment": "pos"}, source="auto", annotators=[])


def retrain_jobs(project) -> list[Job]:
    return list(Job.objects.filter(project=project, kind="retrain").order_by("pk"))


def test_every_n_accepted_tasks_start_one_retrain_job_not_two(project, open_tasks, manager, client_for,
                                                              django_capture_on_commit_callbacks):
    response = client_for(manager).patch(f"/api/v1/projects/{project.pk}/", {"prelabel": {"retrain_every": 3}},
                                         format="json")
    assert response.status_code == 200 and response.data["prelabel"] == {"retrain_every": 3}
    for task in open_tasks[:2]:
        accept(task, django_capture_on_commit_callbacks)
    assert retrain_jobs(project) == []
    accept(open_tasks[2], django_capture_on_commit_callbacks)
    [job] = retrain_jobs(project)
    assert (job.params["accepted"], job.params["trigger"], job.params["label"]) == (3, "flywheel", "sentiment")
    assert job.created_by is None and job.state == Job.State.QUEUED
    for task in open_tasks[3:5]:
        accept(task, django_capture_on_commit_callbacks)
    assert len(retrain_jobs(project)) == 1  # 2 more since the last retrain: not yet
    accept(open_tasks[5], django_capture_on_commit_callbacks)
    assert [j.params["accepted"] for j in retrain_jobs(project)] == [3, 6]


def test_a_retrain_started_by_hand_restarts_the_count(project, open_tasks, owner, client_for,
                                                      django_capture_on_commit_callbacks):
    project.prelabel = {"retrain_every": 2}
    project.save()
    accept(open_tasks[0], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        assert client_for(owner).post(f"/api/v1/projects/{project.pk}/retrain/", {}, format="json").status_code == 202
    accept(open_tasks[1], django_capture_on_commit_callbacks)
    assert [(j.params["trigger"], j.params["accepted"]) for j in retrain_jobs(project)] == [("manual", 1)]
    accept(open_tasks[2], django_capture_on_commit_callbacks)
    assert [(j.params["trigger"], j.params["accepted"]) for j in retrain_jobs(project)] == [
        ("manual", 1), ("flywheel", 3)]


def test_without_the_setting_nothing_is_started(project, open_tasks, django_capture_on_commit_callbacks):
    for task in open_tasks:
        accept(task, django_capture_on_commit_callbacks)
    assert retrain_jobs(project) == []


@pytest.mark.parametrize("value, field", [
    ({"retrain_every": 0}, "prelabel.retrain_every"),
    ({"retrain_every": "10"}, "prelabel.retrain_every"),
    ({"retrain_every": True}, "prelabel.retrain_every"),
    ({"retrain_every": 10, "model": "x"}, "prelabel.model"),
])
def test_a_bad_setting_is_a_400_naming_it_and_nothing_is_stored(project, manager, client_for, value, field):
    response = client_for(manager).patch(f"/api/v1/projects/{project.pk}/", {"prelabel": value}, format="json")
    assert response.status_code == 400 and list(response.data) == [field], response.data
    project.refresh_from_db()
    assert project.prelabel == {}


def test_null_turns_the_trigger_off(project, manager, client_for):
    response = client_for(manager).patch(f"/api/v1/projects/{project.pk}/", {"prelabel": {"retrain_every": None}},
                                         format="json")
    assert response.status_code == 200 and response.data["prelabel"] == {"retrain_every": None}
