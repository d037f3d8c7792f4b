"""Every review route against every persona (the core's route-coverage test reads ``MATRIX``).

Personas: owner, manager, annotator, reviewer of one base, and outsider (the owner of another
base), who gets 404 on every project of the first base.
"""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotation.models import Job
from tests.factories import ProjectFactory, TaskFactory

PERSONAS = ["owner", "manager", "annotator", "reviewer", "outsider"]


def roles(owner: int, manager: int, annotator: int, reviewer: int) -> dict:
    return {"owner": owner, "manager": manager, "annotator": annotator, "reviewer": reviewer, "outsider": 404}


# route name -> list of (method, url kwargs builder, body, expected status per persona)
MATRIX: dict[str, list] = {
    "project-quality": [("get", lambda w: {"project_id": w.project.pk}, None, roles(200, 200, 403, 200))],
    "project-quality-recompute": [
        ("post", lambda w: {"project_id": w.project.pk}, None, roles(202, 202, 403, 403)),
    ],
}


class World:
    def __init__(self, base, personas):
        self.base = base
        self.users = personas
        self.project = ProjectFactory(organization=base, overlap=2)
        self.task = TaskFactory(project=self.project)


@pytest.fixture
def world(base, other_base, owner, manager, annotator, reviewer, outsider):
    return World(base, {"owner": owner, "manager": manager, "annotator": annotator, "reviewer": reviewer,
                        "outsider": outsider})


CASES = [(name, i, persona) for name, entries in MATRIX.items() for i in range(len(entries)) for persona in PERSONAS]


@pytest.mark.parametrize("route, index, persona", CASES)
def test_review_route_answers_each_persona_as_its_role_allows(route, index, persona, world, client_for,
                                                              django_capture_on_commit_callbacks):
    method, kwargs, body, expected = MATRIX[route][index]
    url = reverse(route, kwargs=kwargs(world))
    client = client_for(world.users[persona])
    # A recompute job must not really be sent anywhere from this test.
    with django_capture_on_commit_callbacks(execute=False):
        response = getattr(client, method)(url, body, format="json")
    assert response.status_code == expected[persona], (route, method, persona, response.content[:300])
    if route == "project-quality-recompute":
        created = Job.objects.filter(kind="consistency", project=world.project).count()
        assert created == (1 if expected[persona] == 202 else 0)
