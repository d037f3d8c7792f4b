"""Gold tasks as honeypots: mixed into next-task at the project's rate, met once by every
annotator, indistinguishable from other tasks, never completed."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotation.models import TaskStatus
from tests.factories import TEXT_SCHEMA, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db
GOLD = {"sentiment": "pos"}


def _next(client, project):
    response = client.post(reverse("next-task", kwargs={"project_id": project.pk}))
    return response.json() if response.status_code == 200 else None


def _submit(client, claim, value="pos"):
    response = client.post(reverse("task-annotations", kwargs={"task_id": claim["task"]["id"]}),
                           {"result": {"sentiment": value}, "status": "submitted", "lead_time": 5}, format="json")
    assert response.status_code == 201, response.content


@pytest.fixture
def project(base):
    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA, overlap=1, gold_rate=1.0)
    project.gold_task = TaskFactory(project=project, gold=GOLD)
    project.plain = [TaskFactory(project=project) for _ in range(2)]
    return project


def test_every_annotator_meets_the_honeypot_once_beyond_the_overlap(project, client_for, annotator, annotator2):
    for user in (annotator, annotator2):
        client = client_for(user)
        claim = _next(client, project)
        assert claim["task"]["id"] == project.gold_task.pk
        assert "gold" not in claim["task"]  # indistinguishable: the answer never travels
        _submit(client, claim)
        # Then only ordinary tasks: the honeypot is not served twice to the same person.
        following = _next(client, project)
        assert following["task"]["id"] in {t.pk for t in project.plain}
        client.post(reverse("task-skip", kwargs={"task_id": following["task"]["id"]}))
    project.gold_task.refresh_from_db()
    assert project.gold_task.status == TaskStatus.OPEN  # never completed, so never decided or released
    assert project.gold_task.submitted_count == 2


def test_without_a_gold_rate_gold_tasks_are_ordinary_tasks(project, client_for, annotator, annotator2):
    project.gold_rate = 0.0
    project.save()
    client = client_for(annotator)
    claim = _next(client, project)
    assert claim["task"]["id"] == project.gold_task.pk  # first in sequential order
    _submit(client, claim)
    project.gold_task.refresh_from_db()
    assert project.gold_task.status == TaskStatus.COMPLETED
    assert _next(client_for(annotator2), project)["task"]["id"] != project.gold_task.pk


def test_the_regular_order_never_serves_a_honeypot(project, client_for, annotator):
    client = client_for(annotator)
    claim = _next(client, project)
    client.post(reverse("task-skip", kwargs={"task_id": claim["task"]["id"]}))  # gives the honeypot back
    served = set()
    while (claim := _next(client, project)) is not None:
        served.add(claim["task"]["id"])
        _submit(client, claim)
    assert served == {t.pk for t in project.plain}


def test_gold_rate_is_validated(client_for, owner, base):
    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA)
    response = client_for(owner).patch(reverse("project-detail", kwargs={"project_id": project.pk}),
                                       {"gold_rate": 1.5}, format="json")
    assert response.status_code == 400
    assert "gold_rate" in response.json()
