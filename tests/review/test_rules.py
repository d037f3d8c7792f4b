"""Optional span rule: spans start and end between tokens (CJK characters are tokens)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotation.schema import parse_schema
from review.services.checks import Policy, Submitted, evaluate, on_token_boundary
from tests.factories import TEXT_SCHEMA, ProjectFactory


@pytest.mark.parametrize("text, offset, expected", [
    ("Zhang San joined Acme", 5, True),   # before a space
    ("Zhang San joined Acme", 3, False),  # inside "Zhang"
    ("Zhang San joined Acme", 0, True),
    ("Zhang San joined Acme", 21, True),
    ("张三加入了合肥的公司", 2, True),     # every ideograph is a token
    ("Acme在合肥", 4, True),             # Latin word then CJK
    ("Acme在合肥", 2, False),
    ("(Acme)", 1, True),                 # after punctuation
])
def test_token_boundaries(text, offset, expected):
    assert on_token_boundary(text, offset) is expected


def _reasons(policy: dict, spans: list[dict]) -> list[dict]:
    schema = parse_schema(TEXT_SCHEMA)
    data = {"text": "Zhang San joined Acme in 合肥."}
    annotation = Submitted(1, 7, {"sentiment": "pos", "entities": spans}, 5.0)
    return [r for r in evaluate(schema, data, [annotation], Policy.from_project(policy)).reasons
            if r["code"] == "span_off_token_boundary"]


def test_spans_cut_through_a_word_are_flagged_only_when_the_policy_asks():
    spans = [{"start": 0, "end": 9, "label": "PER"}, {"start": 17, "end": 19, "label": "ORG"},
             {"start": 25, "end": 26, "label": "LOC"}]
    assert _reasons({}, spans) == []
    flagged = _reasons({"span_token_boundaries": True}, spans)
    assert [(r["label"], r["span"]) for r in flagged] == [("entities", 1)]  # "Ac" of "Acme"; "合" is a token


@pytest.mark.django_db
def test_the_policy_accepts_the_rule_keys_and_names_a_bad_value(client_for, owner, base):
    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA)
    url = reverse("project-detail", kwargs={"project_id": project.pk})
    ok = client_for(owner).patch(url, {"review_policy": {"span_token_boundaries": True, "model_confidence": 0.95}},
                                 format="json")
    assert ok.status_code == 200, ok.content
    bad = client_for(owner).patch(url, {"review_policy": {"model_confidence": 2}}, format="json")
    assert bad.status_code == 400
    assert "review_policy.model_confidence" in bad.json()


def _embedding(task, vector, model="builtin-test"):
    import numpy as np

    from annotation.models import TaskEmbedding

    v = np.asarray(vector, dtype="<f4")
    TaskEmbedding.objects.create(task=task, model=model, vector=(v / np.linalg.norm(v)).tobytes())


@pytest.mark.django_db
def test_near_duplicates_by_stored_embeddings_send_a_task_to_review(base, annotator):
    from annotation.models import TaskStatus
    from annotation.services.annotations import annotation_create
    from review.services.consistency import consistency_check
    from tests.factories import TaskFactory

    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA, overlap=1,
                             review_policy={"single_annotation": "accept", "near_duplicate_similarity": 0.9})
    near, twin, far, unembedded = (TaskFactory(project=project, data={"text": t}) for t in ("a", "b", "c", "d"))
    _embedding(near, [1.0, 0.02, 0.0])
    _embedding(twin, [1.0, 0.0, 0.01])
    _embedding(far, [0.0, 1.0, 0.0])
    _embedding(far, [1.0, 0.0, 0.0], model="another-encoder")  # other models are not compared
    for task in (near, far, unembedded):
        annotation_create(user=annotator, task=task, result={"sentiment": "pos"}, status="submitted", lead_time=5)
        consistency_check(task_id=task.pk)
        task.refresh_from_db()
    reasons = [r for r in near.consistency_report.reasons if r["code"] == "near_duplicate_task"]
    assert reasons and reasons[0]["tasks"] == [twin.pk] and reasons[0]["similarity"] > 0.99
    assert near.status == TaskStatus.IN_REVIEW
    assert far.status == TaskStatus.ACCEPTED and unembedded.status == TaskStatus.ACCEPTED


@pytest.mark.django_db
def test_a_sweep_reads_the_project_embeddings_once_and_finds_the_same_duplicates(base, annotator, monkeypatch):
    from annotation.models import TaskStatus
    from annotation.services.annotations import annotation_create
    from review.services import task_rules
    from review.services.consistency import consistency_sweep
    from tests.factories import TaskFactory

    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA, overlap=1,
                             review_policy={"single_annotation": "accept", "near_duplicate_similarity": 0.9})
    first, second, third, other = (TaskFactory(project=project, data={"text": t}) for t in "abcd")
    for task, vector in ((first, [1.0, 0.0, 0.0]), (second, [1.0, 0.01, 0.0]), (third, [0.0, 0.0, 1.0]),
                         (other, [0.0, 1.0, 0.0])):
        _embedding(task, vector)
    for task in (first, second, third):
        annotation_create(user=annotator, task=task, result={"sentiment": "pos"}, status="submitted", lead_time=5)

    reads = []
    original = task_rules.TaskEmbedding.objects.filter

    def counting_filter(*args, **kwargs):
        if "task__project_id" in kwargs:
            reads.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(task_rules.TaskEmbedding.objects, "filter", counting_filter)
    assert consistency_sweep(project_id=project.pk) == 3
    assert len(reads) == 1  # one scan of the project for the three checks

    statuses = {t.pk: t.status for t in (first, second, third) if not t.refresh_from_db()}
    assert statuses == {first.pk: TaskStatus.IN_REVIEW, second.pk: TaskStatus.IN_REVIEW, third.pk: TaskStatus.ACCEPTED}
    reasons = [r for r in first.consistency_report.reasons if r["code"] == "near_duplicate_task"]
    assert reasons[0]["tasks"] == [second.pk]  # never itself
