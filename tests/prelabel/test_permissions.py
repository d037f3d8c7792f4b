"""The prelabel routes against every persona (gathered by the route-coverage test in
tests/annotation/test_permissions.py). The outsider owns another base and must get 404."""
from __future__ import annotations

import pytest

from annotation.models import Job
from prelabel.models import ModelVersion
from tests.factories import ProjectFactory, TaskFactory
from tests.permissions import PERSONAS, matrix_cases, matrix_request



def both(managing: int, others: int, annotator: int | None = None, reviewer: int | None = None) -> dict:
    return {"owner": managing, "manager": managing, "annotator": annotator if annotator is not None else others,
            "reviewer": reviewer if reviewer is not None else others, "outsider": 404}


# route name -> list of (method, url kwargs builder, body, expected status per persona)
MATRIX: dict[str, list] = {
    "project-prelabel": [("post", lambda w: {"project_id": w.project.pk}, None, both(202, 403)),
                         ("get", lambda w: {"project_id": w.project.pk}, None, both(200, 403))],
    "project-model-versions": [
        ("get", lambda w: {"project_id": w.project.pk}, None, both(200, 200)),
        # an empty body: the role is checked first (403), then the body (400 naming the fields)
        ("post", lambda w: {"project_id": w.project.pk}, {}, both(400, 403)),
    ],
    "project-retrain": [("post", lambda w: {"project_id": w.project.pk}, {}, both(202, 403))],
    # the fast path: managers may ask for any task; an annotator or reviewer only for one they hold
    "task-prelabel": [("post", lambda w: {"task_id": w.tasks[0].pk}, None, both(202, 403))],
    # like the task itself: annotators and reviewers who were never given the task get 404
    "task-predictions": [("get", lambda w: {"task_id": w.tasks[0].pk}, None, both(200, 404))],
}


class World:
    def __init__(self, base, personas):
        self.users = personas
        self.project = ProjectFactory(organization=base)
        self.tasks = [TaskFactory(project=self.project) for _ in range(2)]


@pytest.fixture
def world(base, personas):
    return World(base, personas)


CASES = matrix_cases(MATRIX)


@pytest.mark.parametrize("route, index, persona", CASES)
def test_route_answers_each_persona_as_its_role_allows(route, index, persona, world, client_for,
                                                       django_capture_on_commit_callbacks):
    method, expected = MATRIX[route][index][0], MATRIX[route][index][3]
    matrix_request(MATRIX, route, index, persona, world, client_for, django_capture_on_commit_callbacks)
    if method == "post" and expected[persona] != 202:
        assert not Job.objects.exists()


def test_an_outsider_learns_nothing_of_the_versions(world, client_for):
    ModelVersion.objects.create(project=world.project, version="secret-v1", kind="zero_shot", is_active=True)
    response = client_for(world.users["outsider"]).get(f"/api/v1/projects/{world.project.pk}/model-versions/")
    assert response.status_code == 404
    assert b"secret-v1" not in response.content
