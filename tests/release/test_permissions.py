"""Every release route against every persona (the core's route-coverage test reads ``MATRIX``).

Personas: owner, manager, annotator, reviewer of one base, and outsider (the owner of another
base), who gets 404 on every project and release of the first base.
"""
from __future__ import annotations

import pytest

from annotation.models import Job
from tests.factories import ProjectFactory, TaskFactory
from tests.permissions import PERSONAS, matrix_cases, matrix_request
from tests.release.builders import accept, build_release



def roles(owner: int, manager: int, annotator: int, reviewer: int) -> dict:
    return {"owner": owner, "manager": manager, "annotator": annotator, "reviewer": reviewer, "outsider": 404}


READ = roles(200, 200, 403, 200)

# route name -> list of (method, url kwargs builder, body or query, expected status per persona)
MATRIX: dict[str, list] = {
    "project-releases": [
        ("get", lambda w: {"project_id": w.project.pk}, None, READ),
        ("post", lambda w: {"project_id": w.project.pk}, {"name": "spring", "filters": {"sources": ["auto"]}},
         roles(202, 202, 403, 403)),
    ],
    "release-detail": [("get", lambda w: {"release_id": w.release.pk}, None, READ)],
    "release-export": [
        ("get", lambda w: {"release_id": w.release.pk}, {"format": "jsonl"}, READ),
        ("get", lambda w: {"release_id": w.release.pk}, {"format": "csv", "unmasked": "1"}, roles(200, 200, 403, 403)),
    ],
    "release-diff": [("get", lambda w: {"release_id": w.release.pk}, lambda w: {"against": w.release.pk}, READ)],
    # Not computed yet: readers get 202 and the report job (owner "report"; 200 once it is stored).
    "release-quality": [("get", lambda w: {"release_id": w.release.pk}, None, roles(202, 202, 403, 202))],
    "release-value": [("get", lambda w: {"release_id": w.release.pk}, None, roles(202, 202, 403, 202))],
}


class World:
    def __init__(self, base, personas):
        self.base = base
        self.users = personas
        self.project = ProjectFactory(organization=base)
        accept(TaskFactory(project=self.project), result={"sentiment": "pos"}, annotators=[personas["annotator"]])
        self.release = build_release(self.project, personas["manager"])


@pytest.fixture
def world(base, personas):
    return World(base, personas)


CASES = matrix_cases(MATRIX)


@pytest.mark.parametrize("route, index, persona", CASES)
def test_release_route_answers_each_persona_as_its_role_allows(route, index, persona, world, client_for,
                                                               django_capture_on_commit_callbacks):
    method, expected = MATRIX[route][index][0], MATRIX[route][index][3]
    jobs_before = Job.objects.filter(kind="release").count()
    matrix_request(MATRIX, route, index, persona, world, client_for, django_capture_on_commit_callbacks)
    if route == "project-releases" and method == "post":
        created = Job.objects.filter(kind="release").count() - jobs_before
        assert created == (1 if expected[persona] == 202 else 0)
