"""Qualification exams: grading per label type, attempts, hiding the gold, certifying on a pass."""
from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotation.demo.load import BASE_NAME, demo_load
from annotation.errors import Conflict
from annotation.models import AuditEvent, Organization, Project, Role, Task
from annotation.schema import parse_schema
from review.demo_certs import DOMAINS, REASONING_PROJECT
from review.models import Certification, Exam, ExamAnswer, ExamAttempt
from review.services.certification import certification_grant, certified_level
from review.services.exams import exam_attempt_start, exam_create
from review.services.grading import grade_result
from tests.factories import MembershipFactory, OrganizationFactory, ProjectFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "Zhang San joined Acme in Hefei."
EVERY_TYPE_SCHEMA = {
    "data": {"text": "text", "image": "image", "question": "text", "response_a": "text", "response_b": "text"},
    "labels": {
        "sentiment": {"type": "choice", "options": ["pos", "neg", "neu"]},
        "topics": {"type": "multi_choice", "options": ["finance", "sports", "health"]},
        "entities": {"type": "spans", "on": "text", "options": ["PER", "ORG", "LOC"]},
        "objects": {"type": "boxes", "on": "image", "options": ["car", "person"]},
        "shape": {"type": "polygons", "on": "image", "options": ["lesion"]},
        "quality": {"type": "rating", "min": 1, "max": 5},
        "note": {"type": "text"},
        "better": {"type": "preference", "between": ["response_a", "response_b"]},
        "reasoning": {"type": "chain_of_thought", "on": "question"},
    },
}
GOLD = {
    "sentiment": "pos",
    "topics": ["finance", "sports"],
    "entities": [{"start": 0, "end": 9, "label": "PER"}, {"start": 17, "end": 21, "label": "ORG"}],
    "objects": [{"x": 10, "y": 10, "w": 40, "h": 40, "label": "car"},
                {"x": 60, "y": 60, "w": 30, "h": 30, "label": "person"}],
    "shape": [{"points": [[0, 0], [40, 0], [40, 40], [0, 40]], "label": "lesion"}],
    "quality": 4,
    "note": "blurry photo",
    "better": "response_a",
    "reasoning": {"steps": ["Two boxes of twenty pills each", "2 x 20 = 40"], "answer": "40"},
}
SCHEMA = parse_schema(EVERY_TYPE_SCHEMA)


def _score(label: str, value) -> float:
    return grade_result(SCHEMA, {label: GOLD[label]}, {label: value}).score


@pytest.mark.parametrize("label, given, expected", [
    ("sentiment", "pos", 1.0),
    ("sentiment", "neg", 0.0),
    ("topics", ["finance"], 0.5),                                  # Jaccard 1/2
    ("topics", ["sports", "finance"], 1.0),                        # order does not matter
    ("entities", [{"start": 0, "end": 9, "label": "PER"}], 2 / 3),  # F1: 1 match of 2 gold, 1 given
    ("entities", [{"start": 0, "end": 5, "label": "PER"}, {"start": 17, "end": 21, "label": "ORG"}], 0.5),
    ("objects", [{"x": 11, "y": 10, "w": 40, "h": 40, "label": "car"}], 2 / 3),  # IoU 0.95 matches
    ("objects", [{"x": 10, "y": 10, "w": 40, "h": 40, "label": "person"},
                 {"x": 60, "y": 60, "w": 30, "h": 30, "label": "person"}], 0.5),  # a wrong label never matches
    ("shape", [{"points": [[0, 0], [40, 0], [40, 40], [0, 40]], "label": "lesion"}], 1.0),
    ("shape", [{"points": [[0, 0], [40, 0], [40, 10], [0, 10]], "label": "lesion"}], 0.0),  # IoU 0.25 < 0.5
    ("quality", 3, 0.75),                                          # one star off on 1..5
    ("quality", 1, 0.25),
    ("note", "blurry photos", 1 - 1 / 13),                         # edit similarity
    ("better", "response_b", 0.0),
    ("better", "response_a", 1.0),
    ("reasoning", {"steps": GOLD["reasoning"]["steps"], "answer": "４０。"}, 1.0),  # normalised answer
    ("reasoning", {"steps": GOLD["reasoning"]["steps"], "answer": "41"}, 0.5),     # steps right, answer wrong
    ("reasoning", {"steps": ["2 x 20 = 40"], "answer": "40"}, 0.75),  # one of two steps, right answer
])
def test_each_label_type_is_graded_with_the_consistency_comparison(label, given, expected):
    assert _score(label, given) == pytest.approx(expected, abs=1e-6)


def test_an_item_score_is_the_mean_over_the_gold_labels():
    answer = {**GOLD, "sentiment": "neg", "quality": 3}
    graded = grade_result(SCHEMA, GOLD, answer)
    assert graded.labels["sentiment"] == 0.0 and graded.labels["quality"] == 0.75
    assert graded.score == pytest.approx((7 + 0 + 0.75) / 9)


def test_labels_the_gold_leaves_out_are_not_graded_and_empty_lists_agree():
    gold = {"sentiment": "pos", "entities": []}
    graded = grade_result(SCHEMA, gold, {"sentiment": "pos", "note": "anything"})
    assert set(graded.labels) == {"sentiment", "entities"} and graded.score == 1.0


def test_an_unanswered_item_scores_zero():
    assert grade_result(SCHEMA, GOLD, None).score == 0.0


# --- the exam flow over HTTP -------------------------------------------------------------------

@pytest.fixture
def exam_project(base):
    return ProjectFactory(organization=base, name="Pharmacy QA", domain="medicine", schema=EVERY_TYPE_SCHEMA)


def _task(project, gold=GOLD, n=0):
    return TaskFactory(project=project, gold=gold, media=f"exam/{n}.png", media_width=100, media_height=100,
                       data={"text": TEXT, "question": f"How many pills? ({n})", "response_a": "40",
                             "response_b": "20"})


@pytest.fixture
def gold_tasks(exam_project):
    return [_task(exam_project, n=i) for i in range(2)]


def _create(client, project, tasks, **extra):
    body = {"project": project.pk, "name": "Pharmacy qualification", "level_granted": 2,
            "pass_threshold": 0.8, "max_attempts": 2, "retry_after_hours": 1, "tasks": [t.pk for t in tasks],
            **extra}
    return client.post(reverse("exam-list"), body, format="json")


@pytest.fixture
def exam(client_for, manager, exam_project, gold_tasks):
    response = _create(client_for(manager), exam_project, gold_tasks)
    assert response.status_code == 201, response.content
    return response.json()


def _start(client, exam_id):
    return client.post(reverse("exam-attempt-start", kwargs={"exam_id": exam_id}))


def _answer(client, attempt_id, task_id, result):
    return client.post(reverse("exam-attempt-answers", kwargs={"attempt_id": attempt_id}),
                       {"task": task_id, "result": result}, format="json")


def _finish(client, attempt_id):
    return client.post(reverse("exam-attempt-finish", kwargs={"attempt_id": attempt_id}))


def test_a_manager_builds_an_exam_in_the_projects_domain(exam, manager, exam_project, gold_tasks):
    assert exam["domain"] == "medicine" and exam["item_count"] == 2 and exam["project_name"] == "Pharmacy QA"
    assert exam["level_granted"] == 2 and exam["can_start"] is True and exam["my_attempts"] == []
    event = AuditEvent.objects.get(action="exam.create")
    assert event.actor == manager and event.data["tasks"] == [t.pk for t in gold_tasks]


def test_an_exam_refuses_tasks_without_gold_or_from_elsewhere_naming_each(client_for, manager, base,
                                                                          exam_project, gold_tasks):
    no_gold = _task(exam_project, gold=None, n=9)
    elsewhere = TaskFactory(project=ProjectFactory(organization=base), gold={"sentiment": "pos"})
    response = _create(client_for(manager), exam_project, [gold_tasks[0], no_gold, elsewhere, gold_tasks[0]],
                       pass_threshold=1.5)
    assert response.status_code == 400
    assert set(response.json()) == {"pass_threshold"}  # the input serializer answers first
    response = _create(client_for(manager), exam_project, [gold_tasks[0], no_gold, elsewhere, gold_tasks[0]])
    assert response.status_code == 400
    assert set(response.json()) == {"tasks[1]", "tasks[2]", "tasks[3]"}
    response = _create(client_for(manager), exam_project, [], colour="red")
    assert set(response.json()) == {"colour"}
    response = _create(client_for(manager), exam_project, [])
    assert set(response.json()) == {"tasks"}


def test_items_are_shown_without_gold_until_the_attempt_is_finished(client_for, annotator, exam, gold_tasks):
    client = client_for(annotator)
    response = _start(client, exam["id"])
    assert response.status_code == 201
    attempt = response.json()
    assert attempt["status"] == "in_progress" and attempt["score"] is None
    assert [i["task"]["id"] for i in attempt["items"]] == [t.pk for t in gold_tasks]
    assert all(i["expected"] is None and i["score"] is None and i["correct"] is None for i in attempt["items"])
    answered = _answer(client, attempt["id"], gold_tasks[0].pk,
                       {**GOLD, "sentiment": "neg", "reasoning": {"steps": ["my own"], "answer": "3"}})
    detail = client.get(reverse("exam-attempt-detail", kwargs={"attempt_id": attempt["id"]}))
    for body in (response.content, answered.content, detail.content):
        text = body.decode()
        assert "Two boxes of twenty pills each" not in text and '"gold"' not in text
    assert answered.json()["items"][0]["answered"] is True
    assert answered.json()["items"][0]["given"]["sentiment"] == "neg"
    # The task itself is not readable as an ordinary task by a candidate without a lease either.
    assert client.get(reverse("task-detail", kwargs={"task_id": gold_tasks[0].pk})).status_code == 404


def test_answers_are_validated_against_the_project_schema(client_for, annotator, exam, gold_tasks, base):
    client = client_for(annotator)
    attempt = _start(client, exam["id"]).json()
    response = _answer(client, attempt["id"], gold_tasks[0].pk,
                       {"sentiment": "maybe", "objects": [{"x": 90, "y": 90, "w": 40, "h": 40, "label": "car"}]})
    assert response.status_code == 400
    assert set(response.json()) == {"result.sentiment", "result.objects[0]"}
    other = TaskFactory(project=ProjectFactory(organization=base), gold={"sentiment": "pos"})
    response = _answer(client, attempt["id"], other.pk, {"sentiment": "pos"})
    assert response.status_code == 400 and set(response.json()) == {"task"}
    response = client.post(reverse("exam-attempt-answers", kwargs={"attempt_id": attempt["id"]}),
                           {"result": {}}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"task"}
    assert not ExamAnswer.objects.exists()


def test_a_pass_grants_the_exams_level_with_an_audit_event(client_for, annotator, exam, gold_tasks, base):
    client = client_for(annotator)
    attempt = _start(client, exam["id"]).json()
    for task in gold_tasks:
        assert _answer(client, attempt["id"], task.pk, GOLD).status_code == 200
    response = _finish(client, attempt["id"])
    assert response.status_code == 200
    graded = response.json()
    assert graded["status"] == "passed" and graded["score"] == pytest.approx(1.0)
    assert all(i["correct"] is True and i["expected"] == GOLD for i in graded["items"])
    assert graded["certification"]["level"] == 2 and graded["certification"]["granted_via"] == "exam"
    assert certified_level(user_id=annotator.pk, organization_id=base.pk, domain="medicine") == 2
    cert = Certification.objects.get(user=annotator, revoked_at__isnull=True)
    assert cert.exam_attempt_id == attempt["id"] and cert.granted_by is None
    grant = AuditEvent.objects.get(action="certification.grant")
    assert grant.actor == annotator and grant.data["via"] == "exam" and grant.data["exam_attempt"] == attempt["id"]
    assert AuditEvent.objects.filter(action="exam.attempt.finish", object_id=str(attempt["id"])).exists()
    # Holding the level now, the candidate cannot take the exam again.
    detail = client.get(reverse("exam-detail", kwargs={"exam_id": exam["id"]})).json()
    assert detail["can_start"] is False and detail["my_attempts"][0]["status"] == "passed"


def test_a_failed_attempt_shows_the_wrong_items_and_the_expected_answers(client_for, annotator, exam, gold_tasks,
                                                                         base):
    client = client_for(annotator)
    attempt = _start(client, exam["id"]).json()
    _answer(client, attempt["id"], gold_tasks[0].pk, GOLD)
    wrong = {**GOLD, "sentiment": "neg", "better": "response_b", "topics": ["health"],
             "reasoning": {"steps": ["guess"], "answer": "12"}}
    _answer(client, attempt["id"], gold_tasks[1].pk, wrong)
    graded = _finish(client, attempt["id"]).json()
    assert graded["status"] == "failed" and graded["certification"] is None
    first, second = graded["items"]
    assert first["correct"] is True and first["score"] == pytest.approx(1.0)
    assert second["correct"] is False and second["score"] < 0.8
    assert second["expected"] == GOLD and second["given"] == wrong
    assert second["label_scores"]["sentiment"] == 0.0 and second["label_scores"]["quality"] == 1.0
    assert graded["score"] == pytest.approx((1.0 + second["score"]) / 2)
    assert certified_level(user_id=annotator.pk, organization_id=base.pk, domain="medicine") == 0
    assert _answer(client, attempt["id"], gold_tasks[0].pk, GOLD).status_code == 409
    assert _finish(client, attempt["id"]).status_code == 409


def test_unanswered_items_count_as_wrong(client_for, annotator, exam, gold_tasks):
    client = client_for(annotator)
    attempt = _start(client, exam["id"]).json()
    _answer(client, attempt["id"], gold_tasks[0].pk, GOLD)
    graded = _finish(client, attempt["id"]).json()
    assert graded["score"] == pytest.approx(0.5) and graded["status"] == "failed"
    assert graded["items"][1] | {"task": None} == {
        "task": None, "position": 1, "answered": False, "given": None, "correct": False, "score": 0.0,
        "label_scores": {}, "expected": GOLD}


def test_attempts_are_spaced_and_limited(client_for, annotator, exam):
    client = client_for(annotator)
    first = _start(client, exam["id"]).json()
    again = _start(client, exam["id"])
    assert again.status_code == 409 and again.json()["attempt"] == first["id"]  # one open attempt at a time
    _finish(client, first["id"])
    response = _start(client, exam["id"])
    assert response.status_code == 409
    finished_at = ExamAttempt.objects.get(pk=first["id"]).finished_at
    next_at = response.json()["next_attempt_at"]
    assert next_at.startswith((finished_at + timedelta(hours=1)).isoformat()[:19])
    listed = client.get(reverse("exam-list")).json()["results"][0]
    assert listed["can_start"] is False and listed["next_attempt_at"] is not None
    ExamAttempt.objects.filter(pk=first["id"]).update(finished_at=timezone.now() - timedelta(hours=1, seconds=1))
    second = _start(client, exam["id"])
    assert second.status_code == 201
    _finish(client, second.json()["id"])
    ExamAttempt.objects.filter(exam_id=exam["id"]).update(finished_at=timezone.now() - timedelta(days=2))
    third = _start(client, exam["id"])
    assert third.status_code == 409 and "2 attempts" in third.json()["detail"]
    assert ExamAttempt.objects.filter(user=annotator).count() == 2


def test_a_pass_never_lowers_a_higher_level_and_supersedes_a_lower_one(client_for, manager, annotator,
                                                                       annotator2, exam, gold_tasks, base):
    certification_grant(organization=base, user=annotator, domain="medicine", level=3, granted_by=manager)
    response = _start(client_for(annotator), exam["id"])
    assert response.status_code == 409 and "already hold level 3" in response.json()["detail"]
    trainee = certification_grant(organization=base, user=annotator2, domain="medicine", level=1, granted_by=manager)
    client = client_for(annotator2)
    attempt = _start(client, exam["id"]).json()
    for task in gold_tasks:
        _answer(client, attempt["id"], task.pk, GOLD)
    assert _finish(client, attempt["id"]).json()["status"] == "passed"
    trainee.refresh_from_db()
    assert trainee.revoke_reason == "superseded"
    assert certified_level(user_id=annotator2.pk, organization_id=base.pk, domain="medicine") == 2


def test_only_the_candidate_writes_an_attempt_and_managers_may_read_it(client_for, annotator, reviewer, manager,
                                                                       outsider, exam, gold_tasks):
    attempt = _start(client_for(annotator), exam["id"]).json()
    detail = reverse("exam-attempt-detail", kwargs={"attempt_id": attempt["id"]})
    assert client_for(manager).get(detail).status_code == 200
    assert client_for(reviewer).get(detail).status_code == 404
    assert client_for(outsider).get(detail).status_code == 404
    assert _answer(client_for(manager), attempt["id"], gold_tasks[0].pk, GOLD).status_code == 403
    assert _finish(client_for(reviewer), attempt["id"]).status_code == 404
    assert _finish(client_for(outsider), attempt["id"]).status_code == 404
    assert ExamAttempt.objects.get(pk=attempt["id"]).status == "in_progress"


def test_exams_of_another_base_are_not_found(client_for, outsider, exam):
    client = client_for(outsider)
    assert client.get(reverse("exam-detail", kwargs={"exam_id": exam["id"]})).status_code == 404
    assert _start(client, exam["id"]).status_code == 404
    assert client.get(reverse("exam-list")).json()["count"] == 0
    assert client.get(reverse("exam-list"), {"project": exam["project"]}).status_code == 404
    assert not ExamAttempt.objects.exists()


def test_the_exam_list_shows_each_caller_only_their_own_attempts(client_for, annotator, annotator2, exam):
    attempt = _start(client_for(annotator), exam["id"]).json()
    mine = client_for(annotator).get(reverse("exam-list"), {"project": exam["project"]}).json()["results"][0]
    theirs = client_for(annotator2).get(reverse("exam-list")).json()["results"][0]
    assert [a["id"] for a in mine["my_attempts"]] == [attempt["id"]] and mine["can_start"] is False
    assert theirs["my_attempts"] == [] and theirs["can_start"] is True
    assert json.dumps(theirs).find('"expected"') == -1


# --- the demo ----------------------------------------------------------------------------------

def test_the_demo_certifies_its_people_and_annotator3_can_pass_the_medical_exam(settings, tmp_path, client_for):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    demo_load()  # idempotent: no second exam, no regranted levels
    base = Organization.objects.get(name=BASE_NAME)
    users = {u.username: u for u in get_user_model().objects.filter(memberships__organization=base)}

    def level(username: str, domain: str) -> int:
        return certified_level(user_id=users[username].pk, organization_id=base.pk, domain=domain)

    for domain in DOMAINS:
        assert (level("expert", domain), level("reviewer", domain), level("annotator1", domain),
                level("annotator2", domain)) == (4, 3, 2, 2)
    assert level("annotator3", "medicine") == 1 and level("annotator3", "news") == 0
    assert Certification.objects.filter(organization=base).count() == 4 * len(DOMAINS) + 1
    reasoning = Project.objects.get(organization=base, name=REASONING_PROJECT)
    assert reasoning.review_policy["min_annotator_level"] == 2
    candidate = client_for(users["annotator3"])
    assert candidate.post(reverse("next-task", kwargs={"project_id": reasoning.pk})).status_code == 403

    exam = Exam.objects.get(organization=base)
    assert (exam.name, exam.domain, exam.level_granted, exam.max_attempts, exam.retry_after_hours) == (
        "Medical reasoning qualification", "medicine", 2, 3, 1)
    attempt = _start(candidate, exam.pk).json()
    for item in attempt["items"]:
        answer = Task.objects.get(pk=item["task"]["id"]).gold["reasoning"]["answer"]
        _answer(candidate, attempt["id"], item["task"]["id"],
                {"reasoning": {"steps": ["I worked it out on paper."], "answer": answer}})
    graded = _finish(candidate, attempt["id"]).json()
    # Right answers with unrelated steps score a little over one half: below the 0.7 bar.
    assert 0.5 <= graded["score"] < 0.7 and graded["status"] == "failed"
    assert _start(candidate, exam.pk).status_code == 409  # one hour between attempts
    ExamAttempt.objects.filter(pk=attempt["id"]).update(finished_at=timezone.now() - timedelta(hours=1))

    attempt = _start(candidate, exam.pk).json()
    for item in attempt["items"]:
        # The answers docs/review.md gives for the demo: the final answer and the gold's steps.
        task = Task.objects.get(pk=item["task"]["id"])
        assert _answer(candidate, attempt["id"], task.pk, task.gold).status_code == 200
    graded = _finish(candidate, attempt["id"]).json()
    assert graded["status"] == "passed" and len(graded["items"]) == 5
    assert level("annotator3", "medicine") == 2
    assert candidate.post(reverse("next-task", kwargs={"project_id": reasoning.pk})).status_code == 200



def test_the_gold_graded_against_itself_scores_one_on_every_label_type():
    graded = grade_result(SCHEMA, GOLD, GOLD)
    assert set(graded.labels) == set(EVERY_TYPE_SCHEMA["labels"]) and graded.score == pytest.approx(1.0)
    assert all(score == pytest.approx(1.0) for score in graded.labels.values())


def test_the_database_refuses_a_second_open_attempt(annotator, exam):
    ExamAttempt.objects.create(exam_id=exam["id"], user=annotator, started_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamAttempt.objects.create(exam_id=exam["id"], user=annotator, started_at=timezone.now())


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_exam_and_certification_lists_cost_the_same_queries_whatever_their_length(
        client_for, manager, annotator, annotator2, exam_project, gold_tasks, base, exam):
    client = client_for(annotator)
    _start(client, exam["id"])
    certification_grant(organization=base, user=annotator, domain="medicine", level=1, granted_by=manager)
    exams_before = _list_queries(client, reverse("exam-list"))
    certs_before = _list_queries(client_for(manager), reverse("certification-list"))
    for i in range(3):
        other = _create(client_for(manager), exam_project, gold_tasks, name=f"Exam {i}").json()
        _start(client, other["id"])
        certification_grant(organization=base, user=annotator2, domain=f"domain-{i}", level=2, granted_by=manager)
    assert _list_queries(client, reverse("exam-list")) == exams_before
    assert _list_queries(client_for(manager), reverse("certification-list")) == certs_before


def _start_in_thread(exam_id: int, user_id: int, start: threading.Barrier, outcomes: list[str]) -> None:
    try:
        exam = Exam.objects.get(pk=exam_id)
        user = get_user_model().objects.get(pk=user_id)
        start.wait(timeout=60)
        try:
            exam_attempt_start(exam=exam, user=user)
            outcomes.append("started")
        except Conflict:
            outcomes.append("conflict")
    except Exception as exc:  # noqa: BLE001 - any other failure in a thread fails the test below
        outcomes.append(repr(exc))
    finally:
        connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_open_one_attempt():
    base = OrganizationFactory()
    manager, candidate = UserFactory(), UserFactory()
    MembershipFactory(organization=base, user=manager, role=Role.MANAGER)
    MembershipFactory(organization=base, user=candidate, role=Role.ANNOTATOR)
    project = ProjectFactory(organization=base, domain="medicine")
    task = TaskFactory(project=project, gold={"sentiment": "pos"})
    exam = exam_create(project=project, name="Race", level_granted=2, pass_threshold=0.8, max_attempts=1,
                       retry_after_hours=0, task_ids=[task.pk], created_by=manager)
    outcomes: list[str] = []
    start = threading.Barrier(6)
    threads = [threading.Thread(target=_start_in_thread, args=(exam.pk, candidate.pk, start, outcomes))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["conflict"] * 5 + ["started"]
    assert ExamAttempt.objects.filter(exam=exam).count() == 1
    assert AuditEvent.objects.filter(action="exam.attempt.start").count() == 1
