"""``GET /api/v1/projects/{id}/quality/`` and ``POST .../quality/recompute/``, and one run through a
real worker: the last submit of a task leads, via the signal and the worker, to its decision.

The test that needs the worker comes last: the module-scoped worker consumes anything queued
after it starts.
"""
from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotation.models import Annotation, Job, Role, Task, TaskStatus
from review.metrics import krippendorff_alpha
from review.models import ConsistencyReport
from review.services.consistency import consistency_check
from tests.factories import MembershipFactory, ProjectFactory, TaskFactory, UserFactory
from tests.worker import celery_worker, wait_for  # noqa: F401

# Four tasks × three annotators, sentiment only (the other labels left empty).
ANSWERS = {  # annotator -> one answer per task
    0: ["pos", "pos", "neg", "neu"],
    1: ["pos", "pos", "neg", "pos"],
    2: ["pos", "neg", "neg", "neu"],
}
LEAD_TIMES = {0: 5.0, 1: 10.0, 2: 15.0}


def labelers(base, n=3):
    users = []
    for i in range(n):
        user = UserFactory(username=f"labeler{i}")
        MembershipFactory(user=user, organization=base, role=Role.ANNOTATOR)
        users.append(user)
    return users


@pytest.fixture
def seeded(base):
    project = ProjectFactory(organization=base, overlap=3)
    users = labelers(base)
    tasks = [TaskFactory(project=project, status=TaskStatus.COMPLETED, submitted_count=3) for _ in range(4)]
    now = timezone.now()
    for i, user in enumerate(users):
        for task, answer in zip(tasks, ANSWERS[i]):
            Annotation.objects.create(task=task, annotator=user, result={"sentiment": answer},
                                      status=Annotation.Status.SUBMITTED, lead_time=LEAD_TIMES[i], submitted_at=now)
    TaskFactory(project=project)  # still open: no annotations, no report
    for task in tasks:
        consistency_check(task_id=task.pk)
    return project, users, tasks


def test_the_quality_view_returns_agreement_consensus_and_annotator_figures(seeded, manager, client_for):
    project, users, tasks = seeded

    response = client_for(manager).get(f"/api/v1/projects/{project.pk}/quality/")

    assert response.status_code == 200
    body = response.json()
    sentiment = body["labels"]["sentiment"]
    # Items: [pos pos pos], [pos pos neg], [neg neg neg], [neu pos neu]; by hand:
    # percent = mean(1, 1/3, 1, 1/3); Fleiss P_e = (4² + 2² + 6²)/12²; α = 1 − 11·4/88.
    assert sentiment["percent_agreement"] == pytest.approx(2 / 3, abs=1e-6)
    assert sentiment["fleiss_kappa"] == pytest.approx(5 / 11, abs=1e-6)
    assert sentiment["krippendorff_alpha"] == pytest.approx(0.5, abs=1e-6)
    assert sentiment["consensus"]["counts"] == {"neg": 1, "neu": 1, "pos": 2}
    assert sentiment["confusion"] == {"options": ["pos", "neg", "neu"],
                                      "matrix": [[8, 2, 2], [2, 6, 0], [2, 0, 2]]}
    assert body["labels"]["entities"]["krippendorff_alpha"] is None
    assert body["overall"]["krippendorff_alpha"] == pytest.approx(0.5, abs=1e-6)
    assert body["overall"]["mean_task_agreement"] == pytest.approx(2 / 3, abs=1e-6)
    assert body["decisions"] == {"auto_accepted": 2, "in_review": 2, "share_auto_accepted": 0.5,
                                 "share_in_review": 0.5}
    assert body["tasks"]["by_status"]["accepted"] == 2
    assert body["tasks"]["by_status"]["in_review"] == 2
    assert body["tasks"]["by_status"]["open"] == 1
    by_name = {a["username"]: a for a in body["annotators"]}
    assert by_name["labeler0"]["submitted"] == 4
    assert by_name["labeler0"]["agreement_with_consensus"] == 1.0
    # One of four tasks against the consensus on one of five labels: (1 + 1 + 1 + 4/5) / 4.
    assert by_name["labeler1"]["agreement_with_consensus"] == pytest.approx(0.95)
    assert by_name["labeler2"]["mean_lead_time"] == 15.0
    (day,) = body["over_time"]
    assert (day["tasks"], day["auto_accepted"]) == (4, 2)
    assert day["mean_agreement"] == pytest.approx(2 / 3, abs=1e-6)


def test_the_quality_view_costs_the_same_queries_whatever_the_number_of_tasks(seeded, owner, client_for):
    project, users, _ = seeded
    client = client_for(owner)
    url = f"/api/v1/projects/{project.pk}/quality/"
    client.get(url)  # warm the caller's role cache path alike for both measured calls
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(3):
        task = TaskFactory(project=project, status=TaskStatus.COMPLETED, submitted_count=3)
        for user in users:
            Annotation.objects.create(task=task, annotator=user, result={"sentiment": "pos"},
                                      status=Annotation.Status.SUBMITTED, lead_time=9.0)
        consistency_check(task_id=task.pk)
    with CaptureQueriesContext(connection) as after:
        body = client.get(url).json()

    assert body["tasks"]["checked"] == 7
    assert len(after.captured_queries) == len(before.captured_queries)


def test_fleiss_kappa_is_left_out_when_tasks_have_different_counts(seeded, owner, client_for):
    project, users, tasks = seeded
    Annotation.objects.filter(task=tasks[0], annotator=users[2]).delete()

    body = client_for(owner).get(f"/api/v1/projects/{project.pk}/quality/").json()

    assert body["labels"]["sentiment"]["fleiss_kappa"] is None
    assert body["labels"]["sentiment"]["krippendorff_alpha"] is not None


def test_a_rating_label_also_gets_interval_alpha(base, owner, client_for):
    project = ProjectFactory(organization=base, overlap=3)
    users = labelers(base)
    ratings = [[4, 4, 5], [1, 2, 1]]
    for row in ratings:
        task = TaskFactory(project=project, status=TaskStatus.COMPLETED, submitted_count=3)
        for user, value in zip(users, row):
            Annotation.objects.create(task=task, annotator=user, result={"sentiment": "pos", "quality": value},
                                      status=Annotation.Status.SUBMITTED, lead_time=9.0)

    quality = client_for(owner).get(f"/api/v1/projects/{project.pk}/quality/").json()["labels"]["quality"]

    expected = krippendorff_alpha(np.array(ratings, dtype=float), "interval")
    assert quality["krippendorff_alpha_interval"] == pytest.approx(expected, abs=1e-6)
    assert quality["percent_agreement"] == pytest.approx(1 / 3, abs=1e-6)


def test_an_empty_project_has_no_figures_yet(project, reviewer, client_for):
    body = client_for(reviewer).get(f"/api/v1/projects/{project.pk}/quality/").json()

    assert body["decisions"]["share_auto_accepted"] is None
    assert body["labels"]["sentiment"]["percent_agreement"] is None
    assert body["annotators"] == [] and body["over_time"] == []


def test_recompute_creates_a_consistency_job(project, owner, client_for, django_capture_on_commit_callbacks):
    TaskFactory(project=project, status=TaskStatus.COMPLETED)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(owner).post(f"/api/v1/projects/{project.pk}/quality/recompute/")

    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.kind, job.project_id, job.progress_total, job.state) == ("consistency", project.pk, 1, "queued")
    assert len(callbacks) == 1


def test_recompute_answers_503_and_fails_the_job_when_the_broker_is_down(transactional_db, project, owner,
                                                                          client_for, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("review.api.views.consistency_recompute_run.apply_async", refuse)
    response = client_for(owner).post(f"/api/v1/projects/{project.pk}/quality/recompute/")

    assert response.status_code == 503
    assert Job.objects.get(kind="consistency").state == Job.State.FAILED


@pytest.mark.worker
def test_the_last_submit_gets_the_task_accepted_through_the_signal_and_a_real_worker(
        transactional_db, base, client_for, celery_worker):  # noqa: F811
    project = ProjectFactory(organization=base, overlap=2)
    task = TaskFactory(project=project)
    first, second = labelers(base, 2)
    for user in (first, second):
        client = client_for(user)
        claimed = client.post(f"/api/v1/projects/{project.pk}/next-task/")
        assert claimed.status_code == 200 and claimed.json()["task"]["id"] == task.pk
        submitted = client.post(f"/api/v1/tasks/{task.pk}/annotations/",
                                {"result": {"sentiment": "neg"}, "status": "submitted", "lead_time": 7.5},
                                format="json")
        assert submitted.status_code == 201, submitted.content

    def decided():
        return Task.objects.filter(pk=task.pk).exclude(status=TaskStatus.COMPLETED).values_list(
            "status", flat=True).first()

    assert wait_for(decided, timeout=60, what="the worker to check the task") == TaskStatus.ACCEPTED
    report = ConsistencyReport.objects.get(task=task)
    assert report.decision == ConsistencyReport.Decision.ACCEPTED
    assert report.consensus["sentiment"]["value"] == "neg"
    assert report.annotation_count == 2
