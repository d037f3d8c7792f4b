"""Every review route against every persona (the core's route-coverage test reads ``MATRIX``).

Personas: owner, manager, annotator, reviewer of one base, and outsider (the owner of another
base), who gets 404 on every project of the first base.
"""
from __future__ import annotations

import pytest

from annotation.models import Job, TaskStatus
from review.models import InboxMessage, ReviewItem
from review.services.certification import certification_grant
from review.services.exams import exam_attempt_start, exam_create
from tests.factories import ProjectFactory, TaskFactory
from tests.permissions import PERSONAS, matrix_cases, matrix_request



def roles(owner: int, manager: int, annotator: int, reviewer: int) -> dict:
    return {"owner": owner, "manager": manager, "annotator": annotator, "reviewer": reviewer, "outsider": 404}


# route name -> list of (method, url kwargs builder, body, expected status per persona)
MATRIX: dict[str, list] = {
    "project-quality": [("get", lambda w: {"project_id": w.project.pk}, None, roles(200, 200, 403, 200))],
    "project-quality-recompute": [
        ("post", lambda w: {"project_id": w.project.pk}, None, roles(202, 202, 403, 403)),
    ],
}


# --- certifications and exams (helper "certs"). Builders create what a route needs on first use
# and keep it on the world, so kwargs and body of one case refer to the same objects.
def _once(w, name: str, make):
    if not hasattr(w, name):
        setattr(w, name, make())
    return getattr(w, name)


def _gold_task(w):
    return _once(w, "gold_task", lambda: TaskFactory(project=w.project, gold={"sentiment": "pos"}))


def _certification(w):
    return _once(w, "certification", lambda: certification_grant(
        organization=w.base, user=w.users["annotator"], domain="news", level=2, granted_by=w.users["owner"]))


def _exam(w):
    return _once(w, "exam", lambda: exam_create(
        project=w.project, name="Matrix exam", level_granted=2, pass_threshold=0.8, max_attempts=3,
        retry_after_hours=0, task_ids=[_gold_task(w).pk], created_by=w.users["owner"]))


def _attempt(w):
    return _once(w, "attempt", lambda: exam_attempt_start(exam=_exam(w), user=w.users["annotator"]))


EVERYONE_200 = {"owner": 200, "manager": 200, "annotator": 200, "reviewer": 200, "outsider": 200}
CANDIDATE_ONLY = {"owner": 403, "manager": 403, "annotator": 200, "reviewer": 404, "outsider": 404}
MATRIX.update({
    "certification-list": [
        ("get", lambda w: {}, None, EVERYONE_200),
        ("post", lambda w: {}, lambda w: {"organization": w.base.pk, "user": w.users["annotator"].pk,
                                          "domain": "news", "level": 2, "reason": "matrix"}, roles(201, 201, 403, 403)),
    ],
    "certification-revoke": [
        ("post", lambda w: {"certification_id": _certification(w).pk}, {"reason": "matrix"}, roles(200, 200, 403, 403)),
    ],
    "exam-list": [
        ("get", lambda w: {}, None, EVERYONE_200),
        ("post", lambda w: {}, lambda w: {"project": w.project.pk, "name": "Matrix", "level_granted": 2,
                                          "tasks": [_gold_task(w).pk]}, roles(201, 201, 403, 403)),
    ],
    "exam-detail": [("get", lambda w: {"exam_id": _exam(w).pk}, None, roles(200, 200, 200, 200))],
    "exam-attempt-start": [("post", lambda w: {"exam_id": _exam(w).pk}, None, roles(201, 201, 201, 201))],
    "exam-attempt-detail": [
        ("get", lambda w: {"attempt_id": _attempt(w).pk}, None,
         {"owner": 200, "manager": 200, "annotator": 200, "reviewer": 404, "outsider": 404}),
    ],
    "exam-attempt-answers": [
        ("post", lambda w: {"attempt_id": _attempt(w).pk},
         lambda w: {"task": _gold_task(w).pk, "result": {"sentiment": "pos"}}, CANDIDATE_ONLY),
    ],
    "exam-attempt-finish": [("post", lambda w: {"attempt_id": _attempt(w).pk}, None, CANDIDATE_ONLY)],
})



# --- review queue, decisions and inbox (helper "queue"). The reviewer holds level 3 in the
# project's domain; owner and manager hold none (their role does not stand in for a level).
def _review_item(w):
    def make():
        task = TaskFactory(project=w.project, status=TaskStatus.IN_REVIEW)
        certification_grant(organization=w.base, user=w.users["reviewer"], domain=w.project.domain, level=3,
                            granted_by=w.users["owner"])
        return ReviewItem.objects.create(task=task, project=w.project, min_level=3)
    return _once(w, "review_item", make)


def _message(w):
    return _once(w, "message", lambda: InboxMessage.objects.create(
        organization=w.base, recipient=w.users["annotator"], task=w.task, project=w.project, kind="rejected",
        text="matrix", from_user=w.users["reviewer"]))


RECIPIENT_ONLY = {"owner": 404, "manager": 404, "annotator": 200, "reviewer": 404, "outsider": 404}
MATRIX.update({
    "review-queue": [("get", lambda w: {}, None, EVERYONE_200)],
    "review-queue-next": [
        ("post", lambda w: {}, lambda w: {"project": _review_item(w).project_id}, roles(204, 204, 403, 200)),
    ],
    "review-item-detail": [("get", lambda w: {"item_id": _review_item(w).pk}, None, roles(200, 200, 403, 403))],
    "review-item-lease": [("post", lambda w: {"item_id": _review_item(w).pk}, None, roles(409, 409, 403, 409))],
    "review-create": [
        ("post", lambda w: {}, lambda w: {"item": _review_item(w).pk, "decision": "reject", "reason": "matrix"},
         roles(403, 403, 403, 201)),
    ],
    "inbox": [("get", lambda w: {}, None, EVERYONE_200)],
    "inbox-read": [("post", lambda w: {"message_id": _message(w).pk}, None, RECIPIENT_ONLY)],
})

class World:
    def __init__(self, base, personas):
        self.base = base
        self.users = personas
        self.project = ProjectFactory(organization=base, overlap=2)
        self.task = TaskFactory(project=self.project)


@pytest.fixture
def world(base, personas):
    return World(base, personas)


CASES = matrix_cases(MATRIX)


@pytest.mark.parametrize("route, index, persona", CASES)
def test_review_route_answers_each_persona_as_its_role_allows(route, index, persona, world, client_for,
                                                              django_capture_on_commit_callbacks):
    matrix_request(MATRIX, route, index, persona, world, client_for, django_capture_on_commit_callbacks)
    expected = MATRIX[route][index][3]
    if route == "project-quality-recompute":
        created = Job.objects.filter(kind="consistency", project=world.project).count()
        assert created == (1 if expected[persona] == 202 else 0)
