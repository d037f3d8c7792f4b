"""Every route against every persona. A route with no entry here fails the suite.

Personas: owner, manager, annotator (holding a lease on the task), reviewer, and outsider (the
owner of another base), who must get 404 on every object of the first base.
"""
from __future__ import annotations

import importlib
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from annotation.models import Annotation, Assignment, Job, Membership, Role
from tests.factories import IMAGE_SCHEMA, MembershipFactory, ProjectFactory, TaskFactory, UserFactory
from tests.permissions import PERSONAS, matrix_cases, matrix_request

PUBLIC = {"auth-token", "auth-csrf", "auth-login"}
GOOD_RESULT = {"sentiment": "pos"}


def both(managing: int, others: int, annotator: int | None = None, reviewer: int | None = None) -> dict:
    return {"owner": managing, "manager": managing, "annotator": annotator if annotator is not None else others,
            "reviewer": reviewer if reviewer is not None else others, "outsider": 404}


# route name -> list of (method, url kwargs builder, body, expected status per persona)
MATRIX: dict[str, list] = {
    "auth-logout": [("post", lambda w: {}, None, {p: 204 for p in PERSONAS})],
    "me": [("get", lambda w: {}, None, {p: 200 for p in PERSONAS})],
    "organization-list": [("get", lambda w: {}, None, {p: 200 for p in PERSONAS})],
    "organization-detail": [
        ("get", lambda w: {"organization_id": w.base.pk}, None, both(200, 200)),
        ("patch", lambda w: {"organization_id": w.base.pk}, {"city": "Wuhu"},
         {"owner": 200, "manager": 403, "annotator": 403, "reviewer": 403, "outsider": 404}),
    ],
    "member-list": [
        ("get", lambda w: {"organization_id": w.base.pk}, None, both(200, 403)),
        ("post", lambda w: {"organization_id": w.base.pk}, {"username": "newcomer", "role": "annotator"},
         both(201, 403)),
    ],
    "member-detail": [
        ("patch", lambda w: {"organization_id": w.base.pk, "member_id": w.spare_membership.pk},
         {"role": "reviewer"}, both(200, 403)),
        ("delete", lambda w: {"organization_id": w.base.pk, "member_id": w.spare_membership.pk}, None,
         both(204, 403)),
    ],
    "schema-validate": [("post", lambda w: {}, {"schema": IMAGE_SCHEMA}, {p: 200 for p in PERSONAS})],
    "project-list": [
        ("get", lambda w: {}, None, {p: 200 for p in PERSONAS}),
    ],
    "project-detail": [
        ("get", lambda w: {"project_id": w.project.pk}, None, both(200, 200)),
        ("patch", lambda w: {"project_id": w.project.pk}, {"instructions": "Be careful."}, both(200, 403)),
    ],
    "project-progress": [("get", lambda w: {"project_id": w.project.pk}, None, both(200, 403))],
    "project-export": [("get", lambda w: {"project_id": w.project.pk}, None, both(200, 403))],
    "project-imports": [("post", lambda w: {"project_id": w.project.pk}, [{"text": "hello"}], both(202, 403))],
    "task-list": [("get", lambda w: {"project_id": w.project.pk}, None, both(200, 403))],
    "next-task": [("post", lambda w: {"project_id": w.project.pk}, None, both(200, 403, annotator=200))],
    "task-detail": [("get", lambda w: {"task_id": w.task.pk}, None, both(200, 404, annotator=200))],
    "task-skip": [("post", lambda w: {"task_id": w.task.pk}, None, both(204, 403, annotator=204))],
    "task-lease": [("post", lambda w: {"task_id": w.task.pk}, None, both(409, 403, annotator=200))],
    "task-media": [("get", lambda w: {"task_id": w.image_task.pk}, None, both(200, 200))],
    "task-annotations": [("post", lambda w: {"task_id": w.task.pk}, {"result": GOOD_RESULT, "status": "draft"},
                          both(201, 403, annotator=409))],
    "annotation-detail": [
        ("get", lambda w: {"annotation_id": w.annotation.pk}, None, both(200, 200)),
        ("patch", lambda w: {"annotation_id": w.annotation.pk}, {"result": {"sentiment": "neg"}, "version": 1},
         both(403, 403, annotator=200)),
    ],
    "job-detail": [("get", lambda w: {"job_id": w.job.pk}, None, both(200, 404))],
    "job-cancel": [("post", lambda w: {"job_id": w.job.pk}, None, both(200, 404))],
}


def api_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and (prefix + str(pattern.pattern)).startswith("api/v1/"):
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names


def all_matrices() -> dict:
    """This module's MATRIX plus those of the apps above (tests/<app>/test_permissions.py)."""
    matrices = dict(MATRIX)
    for app in ("prelabel", "review", "release"):
        try:
            module = importlib.import_module(f"tests.{app}.test_permissions")
        except ModuleNotFoundError:
            continue
        matrices.update(module.MATRIX)
    return matrices


def test_every_api_route_has_an_entry_in_the_matrix():
    missing = api_route_names() - set(all_matrices()) - PUBLIC
    assert not missing, f"routes without a permission entry: {sorted(missing)}"


class World:
    def __init__(self, base, other_base, personas):
        self.base = base
        self.users = personas
        self.project = ProjectFactory(organization=base, overlap=5)
        self.task = TaskFactory(project=self.project)
        annotator = personas["annotator"]
        Assignment.objects.create(task=self.task, user=annotator, expires_at=timezone.now() + timezone.timedelta(
            minutes=10))
        self.annotation = Annotation.objects.create(task=self.task, annotator=annotator, result=GOOD_RESULT)
        image_project = ProjectFactory(organization=base, schema=IMAGE_SCHEMA)
        self.image_task = TaskFactory(project=image_project, data={"image": "a.png"}, media="projects/a.png",
                                      media_width=4, media_height=4)
        self.job = Job.objects.create(organization=base, project=self.project, kind="import",
                                      created_by=personas["manager"])
        self.spare_membership = MembershipFactory(organization=base, role=Role.ANNOTATOR)
        UserFactory(username="newcomer")


@pytest.fixture
def world(base, other_base, owner, manager, annotator, reviewer, outsider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "projects").mkdir()
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    (tmp_path / "projects" / "a.png").write_bytes(buffer.getvalue())
    return World(base, other_base, {"owner": owner, "manager": manager, "annotator": annotator,
                                    "reviewer": reviewer, "outsider": outsider})


CASES = matrix_cases(MATRIX)


@pytest.mark.parametrize("route, index, persona", CASES)
def test_route_answers_each_persona_as_its_role_allows(route, index, persona, world, client_for,
                                                       django_capture_on_commit_callbacks):
    matrix_request(MATRIX, route, index, persona, world, client_for, django_capture_on_commit_callbacks)


def test_outsider_sees_nothing_of_the_first_base_in_lists(world, client_for):
    client = client_for(world.users["outsider"])
    projects = client.get("/api/v1/projects/").json()
    assert all(p["organization"] != world.base.pk for p in projects["results"])
    organizations = client.get("/api/v1/organizations/").json()
    assert world.base.pk not in {o["id"] for o in organizations}


def test_annotators_never_see_gold_answers(world, client_for):
    world.task.gold = {"sentiment": "neg"}
    world.task.save()
    body = client_for(world.users["annotator"]).get(f"/api/v1/tasks/{world.task.pk}/").json()
    assert "gold" not in body
    body = client_for(world.users["manager"]).get(f"/api/v1/tasks/{world.task.pk}/").json()
    assert body["gold"] == {"sentiment": "neg"}


def test_a_removed_member_loses_access(world, client_for):
    Membership.objects.filter(user=world.users["annotator"]).delete()
    response = client_for(world.users["annotator"]).get(f"/api/v1/projects/{world.project.pk}/")
    assert response.status_code == 404
