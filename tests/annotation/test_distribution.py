"""Next-task, leases, skip and submit through the API, as an annotator sees them."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from annotation.models import (
    Annotation, AnnotationRevision, Assignment, AuditEvent, Prediction, Role, Task, TaskOrder, TaskStatus,
)
from tests.factories import MembershipFactory, TaskFactory, UserFactory

RESULT = {"sentiment": "pos"}


def next_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/next-task/"


def claim(client, project):
    response = client.post(next_url(project))
    assert response.status_code in (200, 204), response.content
    return response.json() if response.status_code == 200 else None


def submit(client, task_id: int, result=RESULT, **extra):
    return client.post(f"/api/v1/tasks/{task_id}/annotations/", {"result": result, **extra}, format="json")


def lease_of(user, task_id: int) -> Assignment:
    return Assignment.objects.get(user=user, task_id=task_id)


@pytest.fixture
def annotator3(base):
    user = UserFactory(username="annotator3")
    MembershipFactory(user=user, organization=base, role=Role.ANNOTATOR)
    return user


# --- what next-task returns ---------------------------------------------------------------------

def test_next_task_returns_the_first_open_task_with_its_predictions_and_a_lease(client_for, annotator, project,
                                                                                 tasks):
    older = Prediction.objects.create(task=tasks[0], model_version="minilm-1", result={"sentiment": "neg"},
                                      score=0.4)
    newer = Prediction.objects.create(task=tasks[0], model_version="minilm-2", result={"sentiment": "pos"},
                                      score=0.9)
    Prediction.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=1))

    body = claim(client_for(annotator), project)

    assert body["task"]["id"] == tasks[0].pk
    assert body["task"]["data"] == tasks[0].data
    assert "gold" not in body["task"]
    assert [p["id"] for p in body["predictions"]] == [newer.pk, older.pk]
    assert body["predictions"][0]["result"] == {"sentiment": "pos"}
    assert body["annotation"] is None
    lease = lease_of(annotator, tasks[0].pk)
    assert lease.state == Assignment.State.ACTIVE
    assert lease.expires_at > timezone.now() + timedelta(minutes=10)
    assert abs(datetime.fromisoformat(body["lease_expires_at"]) - lease.expires_at) < timedelta(seconds=1)


def test_next_task_returns_the_callers_draft_after_a_reload(client_for, annotator, project, tasks):
    client = client_for(annotator)
    task_id = claim(client, project)["task"]["id"]
    draft = submit(client, task_id, result={"sentiment": "neu"}, status="draft", lead_time=3.5)
    assert draft.status_code == 201, draft.content

    body = claim(client, project)

    assert body["task"]["id"] == task_id
    assert body["annotation"]["id"] == draft.json()["id"]
    assert body["annotation"]["status"] == "draft"
    assert body["annotation"]["result"] == {"sentiment": "neu"}
    assert body["annotation"]["version"] == 1
    assert Task.objects.get(pk=task_id).submitted_count == 0  # a draft takes no place of the overlap


def test_the_callers_draft_comes_back_with_the_task_after_the_lease_expired(client_for, annotator, project,
                                                                             tasks):
    client = client_for(annotator)
    task_id = claim(client, project)["task"]["id"]
    draft = submit(client, task_id, result={"sentiment": "neg"}, status="draft").json()
    Assignment.objects.filter(user=annotator).update(expires_at=timezone.now() - timedelta(seconds=1))

    body = claim(client, project)

    assert body["task"]["id"] == task_id
    assert (body["annotation"]["id"], body["annotation"]["result"]) == (draft["id"], {"sentiment": "neg"})
    assert lease_of(annotator, task_id).expires_at > timezone.now()


def test_next_task_is_204_for_a_project_without_open_tasks(client_for, annotator, project, tasks):
    Task.objects.filter(project=project).update(status=TaskStatus.COMPLETED)

    response = client_for(annotator).post(next_url(project))

    assert response.status_code == 204
    assert not Assignment.objects.exists()


def test_next_task_is_204_once_the_caller_has_done_every_task(client_for, annotator, project, tasks):
    client = client_for(annotator)
    done = []
    while (body := claim(client, project)) is not None:
        assert submit(client, body["task"]["id"]).status_code == 201
        done.append(body["task"]["id"])
        assert len(done) <= len(tasks)

    assert done == [t.pk for t in tasks]
    assert set(Task.objects.filter(project=project).values_list("status", flat=True)) == {TaskStatus.COMPLETED}


def test_next_task_never_returns_a_task_the_caller_submitted_or_skipped(client_for, annotator, project, tasks):
    project.overlap = 2
    project.save()
    client = client_for(annotator)
    first = claim(client, project)["task"]["id"]
    assert submit(client, first).status_code == 201
    second = claim(client, project)["task"]["id"]
    assert client.post(f"/api/v1/tasks/{second}/skip/").status_code == 204

    offered = []
    while (body := claim(client, project)) is not None:
        offered.append(body["task"]["id"])
        assert submit(client, body["task"]["id"]).status_code == 201

    assert Task.objects.get(pk=first).status == TaskStatus.OPEN  # still wants a second annotator
    assert first not in offered and second not in offered
    assert offered == [t.pk for t in tasks[2:]]


# --- overlap and leases ---------------------------------------------------------------------------

def test_overlap_n_gives_one_task_to_n_annotators_and_not_to_the_next(client_for, annotator, annotator2,
                                                                      annotator3, project):
    project.overlap = 2
    project.save()
    only = TaskFactory(project=project)

    first = claim(client_for(annotator), project)
    second = claim(client_for(annotator2), project)
    third = client_for(annotator3).post(next_url(project))

    assert first["task"]["id"] == second["task"]["id"] == only.pk
    assert third.status_code == 204
    assert sorted(Assignment.objects.filter(task=only, state=Assignment.State.ACTIVE)
                  .values_list("user__username", flat=True)) == ["annotator", "annotator2"]
    assert not Assignment.objects.filter(user=annotator3).exists()


def test_overlap_one_gives_each_annotator_a_different_task(client_for, annotator, annotator2, annotator3, project,
                                                           tasks):
    ids = [claim(client_for(user), project)["task"]["id"] for user in (annotator, annotator2, annotator3)]

    assert ids == [t.pk for t in tasks[:3]]
    assert Assignment.objects.filter(state=Assignment.State.ACTIVE).count() == 3


def test_an_expired_lease_frees_the_task(client_for, annotator, annotator2, project):
    only = TaskFactory(project=project)
    assert claim(client_for(annotator), project)["task"]["id"] == only.pk
    assert client_for(annotator2).post(next_url(project)).status_code == 204

    Assignment.objects.filter(user=annotator).update(expires_at=timezone.now() - timedelta(seconds=1))
    body = claim(client_for(annotator2), project)

    assert body["task"]["id"] == only.pk
    assert lease_of(annotator2, only.pk).expires_at > timezone.now()
    # The first annotator lost the lease and now finds the task full.
    assert client_for(annotator).post(next_url(project)).status_code == 204


def test_the_callers_own_live_lease_comes_back_first(client_for, annotator, project, tasks):
    client = client_for(annotator)
    first = claim(client, project)
    Assignment.objects.filter(user=annotator).update(expires_at=timezone.now() + timedelta(seconds=30))

    again = claim(client, project)

    assert again["task"]["id"] == first["task"]["id"] == tasks[0].pk
    assert Assignment.objects.filter(user=annotator).count() == 1
    assert lease_of(annotator, tasks[0].pk).expires_at > timezone.now() + timedelta(minutes=10)  # renewed


def test_renewing_a_lease_pushes_its_expiry(client_for, annotator, project, tasks):
    client = client_for(annotator)
    task_id = claim(client, project)["task"]["id"]
    soon = timezone.now() + timedelta(seconds=5)
    Assignment.objects.filter(user=annotator).update(expires_at=soon)

    response = client.post(f"/api/v1/tasks/{task_id}/lease/")

    assert response.status_code == 200
    assert lease_of(annotator, task_id).expires_at > soon + timedelta(minutes=10)
    assert "lease_expires_at" in response.json()


def test_an_expired_lease_is_not_revived_by_renewing_it(client_for, annotator, annotator2, project):
    only = TaskFactory(project=project)
    claim(client_for(annotator), project)
    Assignment.objects.filter(user=annotator).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert claim(client_for(annotator2), project)["task"]["id"] == only.pk

    response = client_for(annotator).post(f"/api/v1/tasks/{only.pk}/lease/")

    assert response.status_code == 409
    assert lease_of(annotator, only.pk).expires_at < timezone.now()
    assert submit(client_for(annotator2), only.pk).status_code == 201  # the new holder is not blocked


def test_renewing_without_a_lease_is_409(client_for, annotator, project, tasks):
    response = client_for(annotator).post(f"/api/v1/tasks/{tasks[0].pk}/lease/")

    assert response.status_code == 409
    assert "no lease" in response.json()["detail"]
    assert not Assignment.objects.exists()


def test_skip_gives_the_task_back_to_others_and_is_audited(client_for, annotator, annotator2, project, tasks):
    client = client_for(annotator)
    task_id = claim(client, project)["task"]["id"]

    response = client.post(f"/api/v1/tasks/{task_id}/skip/")

    assert response.status_code == 204
    assert lease_of(annotator, task_id).state == Assignment.State.SKIPPED
    assert AuditEvent.objects.filter(action="task.skip", object_id=str(task_id), actor=annotator).count() == 1
    assert claim(client, project)["task"]["id"] == tasks[1].pk
    assert claim(client_for(annotator2), project)["task"]["id"] == task_id


def test_skipping_a_submitted_task_is_409(client_for, annotator, project, tasks):
    client = client_for(annotator)
    task_id = claim(client, project)["task"]["id"]
    assert submit(client, task_id).status_code == 201

    response = client.post(f"/api/v1/tasks/{task_id}/skip/")

    assert response.status_code == 409
    assert lease_of(annotator, task_id).state == Assignment.State.DONE
    assert not AuditEvent.objects.filter(action="task.skip").exists()


# --- task order ---------------------------------------------------------------------------------

def _order_served(client, project) -> list[int]:
    served = []
    while (body := claim(client, project)) is not None:
        served.append(body["task"]["id"])
        assert submit(client, body["task"]["id"]).status_code == 201
        assert len(served) <= 20
    return served


@pytest.mark.parametrize("order, fields, expected", [
    (TaskOrder.SEQUENTIAL, [{}, {}, {}, {}], [0, 1, 2, 3]),
    (TaskOrder.PRIORITY, [{"priority": 1}, {"priority": 5}, {"priority": 1}, {"priority": 9}], [3, 1, 0, 2]),
    (TaskOrder.RANDOM, [{"random_key": 0.7}, {"random_key": 0.1}, {"random_key": 0.9}, {"random_key": 0.3}],
     [1, 3, 0, 2]),
    (TaskOrder.UNCERTAINTY, [{"uncertainty": None}, {"uncertainty": 0.2}, {"uncertainty": 0.8},
                             {"uncertainty": 0.2}], [2, 1, 3, 0]),
])
def test_tasks_come_in_the_projects_order(client_for, annotator, project, order, fields, expected):
    project.task_order = order
    project.save()
    created = [TaskFactory(project=project, **f) for f in fields]

    assert _order_served(client_for(annotator), project) == [created[i].pk for i in expected]


# --- submit -------------------------------------------------------------------------------------

def test_the_overlapth_submission_completes_the_task(client_for, annotator, annotator2, project):
    project.overlap = 2
    project.save()
    only = TaskFactory(project=project)
    for user in (annotator, annotator2):
        assert claim(client_for(user), project)["task"]["id"] == only.pk

    first = submit(client_for(annotator), only.pk, result={"sentiment": "pos"})
    only.refresh_from_db()
    assert first.status_code == 201
    assert (only.status, only.submitted_count) == (TaskStatus.OPEN, 1)

    second = submit(client_for(annotator2), only.pk, result={"sentiment": "neg"})
    only.refresh_from_db()
    assert second.status_code == 201
    assert second.json()["status"] == "submitted" and second.json()["submitted_at"]
    assert (only.status, only.submitted_count) == (TaskStatus.COMPLETED, 2)
    assert set(Assignment.objects.filter(task=only).values_list("state", flat=True)) == {Assignment.State.DONE}
    assert Annotation.objects.filter(task=only, status=Annotation.Status.SUBMITTED).count() == 2


def test_submitting_to_a_task_held_by_others_is_409_and_stores_nothing(client_for, annotator, annotator2,
                                                                      project):
    only = TaskFactory(project=project)
    claim(client_for(annotator), project)  # overlap 1: the one place is leased
    events_before = AuditEvent.objects.count()

    response = submit(client_for(annotator2), only.pk)

    assert response.status_code == 409
    assert "all the annotations it needs" in response.json()["detail"]
    assert not Annotation.objects.filter(annotator=annotator2).exists()
    assert not AnnotationRevision.objects.exists()
    assert AuditEvent.objects.count() == events_before
    only.refresh_from_db()
    assert (only.status, only.submitted_count) == (TaskStatus.OPEN, 0)


def test_submitting_to_a_completed_task_is_409_and_stores_nothing(client_for, annotator, annotator2, project):
    only = TaskFactory(project=project)
    assert submit(client_for(annotator), only.pk).status_code == 201

    response = submit(client_for(annotator2), only.pk)

    assert response.status_code == 409
    assert response.json()["task_status"] == TaskStatus.COMPLETED
    assert Annotation.objects.filter(task=only).count() == 1
    only.refresh_from_db()
    assert only.submitted_count == 1


def test_a_second_annotation_by_the_same_annotator_is_409(client_for, annotator, project, tasks):
    client = client_for(annotator)
    first = submit(client, tasks[0].pk, status="draft")

    response = submit(client, tasks[0].pk)

    assert response.status_code == 409
    assert response.json()["annotation_id"] == first.json()["id"]
    assert Annotation.objects.get(task=tasks[0]).status == Annotation.Status.DRAFT


def test_a_stale_version_is_409_and_overwrites_nothing(client_for, annotator, project, tasks):
    client = client_for(annotator)
    created = submit(client, tasks[0].pk, result={"sentiment": "neu"}, status="draft").json()
    url = f"/api/v1/annotations/{created['id']}/"
    fresh = client.patch(url, {"result": {"sentiment": "pos"}, "version": 1}, format="json")
    assert fresh.status_code == 200 and fresh.json()["version"] == 2

    stale = client.patch(url, {"result": {"sentiment": "neg"}, "version": 1}, format="json")

    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    annotation = Annotation.objects.get(pk=created["id"])
    assert (annotation.result, annotation.version) == ({"sentiment": "pos"}, 2)


def test_every_saved_state_is_kept_as_a_revision(client_for, annotator, project, tasks):
    client = client_for(annotator)
    created = submit(client, tasks[0].pk, result={"sentiment": "neu"}, status="draft").json()
    url = f"/api/v1/annotations/{created['id']}/"
    assert client.patch(url, {"result": {"sentiment": "neg"}, "version": 1}, format="json").status_code == 200
    assert client.patch(url, {"result": {"sentiment": "pos"}, "status": "submitted", "version": 2},
                        format="json").status_code == 200

    revisions = list(AnnotationRevision.objects.filter(annotation_id=created["id"]).order_by("version")
                     .values_list("version", "status", "result", "author__username"))

    assert revisions == [
        (1, "draft", {"sentiment": "neu"}, "annotator"),
        (2, "draft", {"sentiment": "neg"}, "annotator"),
        (3, "submitted", {"sentiment": "pos"}, "annotator"),
    ]
    tasks[0].refresh_from_db()
    assert (tasks[0].status, tasks[0].submitted_count) == (TaskStatus.COMPLETED, 1)


def test_lead_time_is_stored_and_updated(client_for, annotator, project, tasks):
    client = client_for(annotator)
    created = submit(client, tasks[0].pk, status="draft", lead_time=12.5).json()
    assert Annotation.objects.get(pk=created["id"]).lead_time == 12.5

    patched = client.patch(f"/api/v1/annotations/{created['id']}/", {"lead_time": 40.25, "version": 1},
                           format="json")

    assert patched.status_code == 200 and patched.json()["lead_time"] == 40.25
    assert Annotation.objects.get(pk=created["id"]).lead_time == 40.25


def test_a_negative_lead_time_is_400_and_stores_nothing(client_for, annotator, project, tasks):
    response = submit(client_for(annotator), tasks[0].pk, lead_time=-1)

    assert response.status_code == 400
    assert "lead_time" in response.json()
    assert not Annotation.objects.exists()


def test_a_submit_audits_the_annotation(client_for, annotator, project, tasks):
    created = submit(client_for(annotator), tasks[0].pk).json()

    event = AuditEvent.objects.get(action="annotation.submitted")

    assert (event.object_id, event.actor_id, event.data) == (str(created["id"]), annotator.pk,
                                                             {"task": tasks[0].pk, "version": 1})


# --- permissions --------------------------------------------------------------------------------

def test_an_outsider_gets_404_everywhere_and_changes_nothing(client_for, annotator, outsider, project, tasks):
    mine = submit(client_for(annotator), tasks[0].pk, status="draft").json()
    client = client_for(outsider)
    task_id = tasks[1].pk

    responses = [
        client.post(next_url(project)),
        client.post(f"/api/v1/tasks/{task_id}/skip/"),
        client.post(f"/api/v1/tasks/{task_id}/lease/"),
        submit(client, task_id),
        client.patch(f"/api/v1/annotations/{mine['id']}/", {"result": {"sentiment": "neg"}, "version": 1},
                     format="json"),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    assert not Assignment.objects.filter(user=outsider).exists()
    assert not Annotation.objects.filter(annotator=outsider).exists()
    assert Annotation.objects.get(pk=mine["id"]).result == RESULT


def test_an_anonymous_caller_cannot_ask_for_a_task(project, tasks):
    response = APIClient().post(next_url(project))

    assert response.status_code in (401, 403)
    assert not Assignment.objects.exists()


def test_fetching_ahead_with_exclude_gives_a_second_task_and_keeps_the_first_lease(project, tasks, annotator,
                                                                                    client_for):
    client = client_for(annotator)
    first = client.post(f"/api/v1/projects/{project.pk}/next-task/").json()["task"]["id"]
    ahead = client.post(f"/api/v1/projects/{project.pk}/next-task/?exclude={first}").json()["task"]["id"]
    assert ahead != first
    assert client.post(f"/api/v1/projects/{project.pk}/next-task/").json()["task"]["id"] == first
    from annotation.models import Assignment

    assert set(Assignment.objects.filter(user=annotator, state="active").values_list("task_id", flat=True)) == {
        first, ahead}
    assert client.post(f"/api/v1/projects/{project.pk}/next-task/?exclude=abc").status_code == 400
