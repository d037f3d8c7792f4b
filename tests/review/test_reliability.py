"""Annotator reliability beyond agreement: gold accuracy (honeypots) and review overturn rate."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotation.services.annotations import annotation_create
from review.models import ReviewDecision, ReviewItem
from review.services.reliability import annotator_reliability, result_score
from tests.factories import TEXT_SCHEMA, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _submit(user, task, result):
    return annotation_create(user=user, task=task, result=result, status="submitted", lead_time=5)


def _decide(task, reviewer, decision, result=None):
    item = ReviewItem.objects.create(task=task, project=task.project, min_level=3, status="done")
    return ReviewDecision.objects.create(item=item, task=task, reviewer=reviewer, level=3, decision=decision,
                                         result=result, reason="checked")


def test_result_score_is_the_mean_over_the_labels_the_reference_states(base):
    schema = ProjectFactory(organization=base, schema=TEXT_SCHEMA).parsed_schema
    assert result_score(schema, {"sentiment": "pos", "topics": ["finance"]},
                        {"sentiment": "pos", "topics": ["sports"], "note": "x"}) == 0.5
    assert result_score(schema, {}, {"sentiment": "pos"}) is None


def test_gold_accuracy_counts_each_annotators_honeypots(base, annotator, annotator2, client_for, manager):
    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA, overlap=1, gold_rate=1.0)
    golds = [TaskFactory(project=project, gold={"sentiment": "pos"}) for _ in range(2)]
    for task in golds:
        _submit(annotator, task, {"sentiment": "pos"})
    _submit(annotator2, golds[0], {"sentiment": "pos"})
    _submit(annotator2, golds[1], {"sentiment": "neg"})
    reliability = annotator_reliability(project)
    assert reliability[annotator.pk]["gold_accuracy"] == 1.0
    assert reliability[annotator2.pk]["gold_accuracy"] == 0.5
    assert reliability[annotator2.pk]["gold_seen"] == 2
    # The quality view carries them per annotator.
    rows = client_for(manager).get(reverse("project-quality", kwargs={"project_id": project.pk})).json()["annotators"]
    by_name = {r["username"]: r for r in rows}
    assert by_name[annotator2.username]["gold_accuracy"] == 0.5
    assert by_name[annotator.username]["overturn_rate"] is None


def test_a_fix_overturns_only_those_it_disagrees_with_and_a_reject_overturns_everyone(
        base, annotator, annotator2, reviewer):
    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA, overlap=2)
    fixed, rejected = TaskFactory(project=project), TaskFactory(project=project)
    for task in (fixed, rejected):
        _submit(annotator, task, {"sentiment": "pos"})
        _submit(annotator2, task, {"sentiment": "neg"})
    _decide(fixed, reviewer, ReviewDecision.Kind.FIX, {"sentiment": "pos"})
    _decide(rejected, reviewer, ReviewDecision.Kind.REJECT)
    reliability = annotator_reliability(project)
    assert reliability[annotator.pk]["reviewed"] == 2
    assert reliability[annotator.pk]["overturn_rate"] == 0.5  # the reject only
    assert reliability[annotator2.pk]["overturn_rate"] == 1.0  # the reject and the fix
    assert reviewer.pk not in reliability


def test_duplicate_tasks_and_a_confident_model_that_disagrees_send_a_task_to_review(base, annotator):
    from annotation.models import Prediction, TaskStatus
    from review.services.consistency import consistency_check

    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA, overlap=1,
                             review_policy={"single_annotation": "accept", "model_confidence": 0.8})
    clean, twin_a, twin_b, doubted = (TaskFactory(project=project, data={"text": t})
                                      for t in ("unique", "same words", "same words", "the model doubts"))
    Prediction.objects.create(task=doubted, model_version="m1", result={"sentiment": "neg"}, score=0.95)
    Prediction.objects.create(task=clean, model_version="m1", result={"sentiment": "pos"}, score=0.99)
    for task in (clean, twin_a, doubted):
        _submit(annotator, task, {"sentiment": "pos"})
        consistency_check(task_id=task.pk)
    codes = {t.pk: {r["code"] for r in t.consistency_report.reasons}
             for t in (clean, twin_a, doubted) for _ in [t.refresh_from_db()]}
    assert codes[clean.pk] == set()  # the model agrees, no twin
    assert "duplicate_task" in codes[twin_a.pk]
    assert "model_disagreement" in codes[doubted.pk]
    twin_a.refresh_from_db(), clean.refresh_from_db()
    assert clean.status == TaskStatus.ACCEPTED
    assert twin_a.status == TaskStatus.IN_REVIEW
    duplicate = next(r for r in twin_a.consistency_report.reasons if r["code"] == "duplicate_task")
    assert duplicate["tasks"] == [twin_b.pk]


def test_an_annotator_who_fails_the_honeypots_sends_their_work_to_review(base, annotator, annotator2):
    from annotation.models import TaskStatus
    from review.services.consistency import consistency_check

    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA, overlap=1, gold_rate=0.2,
                             review_policy={"single_annotation": "accept",
                                            "route": ["conflicts", "failed_checks", "unreliable"],
                                            "reliability_bar": 0.7})
    for i in range(3):
        gold = TaskFactory(project=project, gold={"sentiment": "pos"})
        _submit(annotator, gold, {"sentiment": "neg" if i < 2 else "pos"})  # 1 of 3 right
        _submit(annotator2, gold, {"sentiment": "pos"})  # 3 of 3
    mine, theirs = TaskFactory(project=project), TaskFactory(project=project)
    _submit(annotator, mine, {"sentiment": "pos"})
    _submit(annotator2, theirs, {"sentiment": "pos"})
    for task in (mine, theirs):
        consistency_check(task_id=task.pk)
        task.refresh_from_db()
    assert mine.status == TaskStatus.IN_REVIEW
    reason = next(r for r in mine.consistency_report.reasons + mine.review_items.get().reasons
                  if r["code"] == "unreliable")
    assert reason["annotator"] == annotator.pk and reason["measured"] == 3
    assert theirs.status == TaskStatus.ACCEPTED
