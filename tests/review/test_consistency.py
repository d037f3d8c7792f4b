"""The consistency check: agreement, consensus and rules decide accepted or in_review."""
from __future__ import annotations

import pytest
from django.utils import timezone

from annotation.models import Annotation, AuditEvent, Job, Role, Task, TaskStatus
from review.models import ConsistencyReport
from review.receivers import SWEEP_DELAY_S, enqueue_consistency_check
from review.services.checks import Policy
from review.services.consistency import consistency_check, consistency_recompute, consistency_sweep
from tests.factories import COT_SCHEMA, IMAGE_SCHEMA, MembershipFactory, ProjectFactory, TaskFactory, UserFactory


@pytest.fixture
def crowd(base):
    users = []
    for i in range(3):
        user = UserFactory(username=f"labeler{i}")
        MembershipFactory(user=user, organization=base, role=Role.ANNOTATOR)
        users.append(user)
    return users


def completed_task(project, crowd, results, *, lead_times=None, data=None, **task_fields) -> Task:
    task = TaskFactory(project=project, status=TaskStatus.COMPLETED, submitted_count=len(results),
                       **({"data": data} if data else {}), **task_fields)
    now = timezone.now()
    for i, result in enumerate(results):
        Annotation.objects.create(task=task, annotator=crowd[i], result=result, status=Annotation.Status.SUBMITTED,
                                  lead_time=(lead_times or [10.0] * len(results))[i], submitted_at=now)
    return task


def status_of(task) -> str:
    return Task.objects.values_list("status", flat=True).get(pk=task.pk)


@pytest.fixture
def trio(base):
    return ProjectFactory(organization=base, overlap=3)


def test_three_annotators_who_agree_get_the_task_accepted_with_a_report(trio, crowd):
    task = completed_task(trio, crowd, [{"sentiment": "pos", "quality": 4}] * 3)

    report = consistency_check(task_id=task.pk)

    assert status_of(task) == TaskStatus.ACCEPTED
    assert report.decision == ConsistencyReport.Decision.ACCEPTED
    assert report.agreement["sentiment"] == 1.0
    assert report.overall_agreement == 1.0
    assert report.consensus["sentiment"]["value"] == "pos"
    assert report.consensus["sentiment"]["confidence"] == 1.0
    assert report.consensus["quality"]["value"] == 4
    assert report.reasons == []
    assert report.annotator_agreement == {str(u.pk): 1.0 for u in crowd}
    assert AuditEvent.objects.filter(action="task.consistency.accepted", object_id=str(task.pk)).count() == 1


def test_conflicting_labels_go_to_review_with_the_reasons(trio, crowd):
    task = completed_task(trio, crowd, [{"sentiment": "pos"}, {"sentiment": "pos"}, {"sentiment": "neg"}])

    report = consistency_check(task_id=task.pk)

    assert status_of(task) == TaskStatus.IN_REVIEW
    assert report.decision == ConsistencyReport.Decision.REVIEW
    assert report.agreement["sentiment"] == pytest.approx(1 / 3)
    assert report.consensus["sentiment"]["value"] == "pos"
    assert report.consensus["sentiment"]["confidence"] == pytest.approx(2 / 3)
    assert report.consensus["sentiment"]["votes"] == {"neg": 1, "pos": 2}
    assert [(r["code"], r["label"]) for r in report.reasons] == [("low_agreement", "sentiment")]
    assert report.annotator_agreement[str(crowd[2].pk)] < report.annotator_agreement[str(crowd[0].pk)]


def test_a_too_short_lead_time_sends_an_agreeing_task_to_review(trio, crowd):
    task = completed_task(trio, crowd, [{"sentiment": "pos"}] * 3, lead_times=[12.0, 0.8, 30.0])

    report = consistency_check(task_id=task.pk)

    assert status_of(task) == TaskStatus.IN_REVIEW
    assert report.overall_agreement == 1.0
    assert report.reasons == [{"code": "lead_time_too_short", "annotation": report.task.annotations.get(
        annotator=crowd[1]).pk, "annotator": crowd[1].pk, "lead_time": 0.8, "min_lead_time": 2.0}]


def test_the_project_policy_sets_the_threshold_and_the_minimum_lead_time(base, crowd):
    project = ProjectFactory(organization=base, overlap=3,
                             review_policy={"agreement_threshold": 0.3, "min_lead_time": 0.5})
    task = completed_task(project, crowd, [{"sentiment": "pos"}, {"sentiment": "pos"}, {"sentiment": "neg"}],
                          lead_times=[1.0, 1.0, 1.0])

    consistency_check(task_id=task.pk)

    assert status_of(task) == TaskStatus.ACCEPTED


def test_a_missing_required_label_is_a_reason(trio, crowd):
    # The API refuses such a submit; the check still guards against results written otherwise.
    task = completed_task(trio, crowd, [{"sentiment": "pos"}, {"sentiment": "pos"}, {"note": "unsure"}])

    report = consistency_check(task_id=task.pk)

    codes = {(r["code"], r.get("annotator")) for r in report.reasons}
    assert ("required_missing", crowd[2].pk) in codes
    assert status_of(task) == TaskStatus.IN_REVIEW


def test_boxes_agree_when_they_overlap_and_their_consensus_is_the_mean_box(base, crowd):
    project = ProjectFactory(organization=base, overlap=3, schema=IMAGE_SCHEMA)
    boxes = [[{"x": 10, "y": 10, "w": 50, "h": 40, "label": "car"}],
             [{"x": 11, "y": 10, "w": 50, "h": 40, "label": "car"}],
             [{"x": 12, "y": 10, "w": 50, "h": 40, "label": "car"}]]
    task = completed_task(project, crowd, [{"objects": b} for b in boxes], data={"image": "a.png"},
                          media_width=100, media_height=100)

    report = consistency_check(task_id=task.pk)

    assert report.agreement["objects"] == 1.0
    (box,) = report.consensus["objects"]["value"]
    assert (box["x"], box["w"], box["label"], box["support"]) == (11.0, 50.0, "car", 3)
    assert status_of(task) == TaskStatus.ACCEPTED


def test_boxes_that_miss_each_other_go_to_review(base, crowd):
    project = ProjectFactory(organization=base, overlap=3, schema=IMAGE_SCHEMA)
    boxes = [[{"x": 0, "y": 0, "w": 20, "h": 20, "label": "car"}],
             [{"x": 0, "y": 0, "w": 20, "h": 20, "label": "car"}],
             [{"x": 60, "y": 60, "w": 20, "h": 20, "label": "person"}]]
    task = completed_task(project, crowd, [{"objects": b} for b in boxes], data={"image": "a.png"},
                          media_width=100, media_height=100)

    report = consistency_check(task_id=task.pk)

    assert report.agreement["objects"] == pytest.approx(1 / 3)
    assert len(report.consensus["objects"]["value"]) == 1
    assert status_of(task) == TaskStatus.IN_REVIEW


def test_spans_agreement_and_consensus_by_character_votes(trio, crowd):
    text = "Zhang San joined Acme in Hefei."
    same = [{"start": 0, "end": 9, "label": "PER"}, {"start": 17, "end": 21, "label": "ORG"}]
    results = [{"sentiment": "neu", "entities": same}, {"sentiment": "neu", "entities": same},
               {"sentiment": "neu", "entities": same[:1]}]
    task = completed_task(trio, crowd, results, data={"text": text})

    report = consistency_check(task_id=task.pk)

    # F1 pairs: 1, 2/3, 2/3 → mean 7/9, below the 0.8 default.
    assert report.agreement["entities"] == pytest.approx(7 / 9)
    assert [(s["start"], s["end"], s["label"]) for s in report.consensus["entities"]["value"]] == [
        (0, 9, "PER"), (17, 21, "ORG")]
    assert report.overall_agreement == pytest.approx(7 / 9)
    assert status_of(task) == TaskStatus.IN_REVIEW


def test_chain_of_thought_consensus_is_the_annotation_closest_to_the_others(base, crowd):
    project = ProjectFactory(organization=base, overlap=3, schema=COT_SCHEMA)
    data = {"question": "6 × 7?", "response_a": "42", "response_b": "41"}
    results = [{"reasoning": {"steps": ["6 × 7 = 42"], "answer": "42"}, "better": "response_a"},
               {"reasoning": {"steps": ["6 × 7 = 42"], "answer": "42.0"}, "better": "response_a"},
               {"reasoning": {"steps": ["six sevens"], "answer": "42"}, "better": "response_a"}]
    task = completed_task(project, crowd, results, data=data)

    report = consistency_check(task_id=task.pk)

    assert report.consensus["reasoning"]["value"] == results[0]["reasoning"]
    assert report.consensus["better"]["value"] == "response_a"
    assert report.agreement["better"] == 1.0


def test_a_chain_of_thought_without_an_answer_is_a_reason(base, crowd):
    project = ProjectFactory(organization=base, overlap=2, schema=COT_SCHEMA)
    results = [{"reasoning": {"steps": ["a"], "answer": "1"}}, {"reasoning": {"steps": ["a"], "answer": " "}}]
    task = completed_task(project, crowd, results, data={"question": "q", "response_a": "a", "response_b": "b"})

    report = consistency_check(task_id=task.pk)

    assert {"code": "cot_incomplete", "label": "reasoning", "annotation": task.annotations.get(
        annotator=crowd[1]).pk, "annotator": crowd[1].pk} in report.reasons


def test_a_single_annotation_is_accepted_by_default_and_reviewed_when_the_policy_says_so(base, crowd):
    accepting = ProjectFactory(organization=base, overlap=1)
    reviewing = ProjectFactory(organization=base, overlap=1, review_policy={"single_annotation": "review"})
    first = completed_task(accepting, crowd, [{"sentiment": "pos"}])
    second = completed_task(reviewing, crowd, [{"sentiment": "pos"}])

    assert consistency_check(task_id=first.pk).overall_agreement is None
    consistency_check(task_id=second.pk)

    assert status_of(first) == TaskStatus.ACCEPTED
    assert status_of(second) == TaskStatus.IN_REVIEW
    assert second.consistency_report.reasons == [{"code": "single_annotation"}]


def test_running_the_check_twice_changes_nothing(trio, crowd):
    task = completed_task(trio, crowd, [{"sentiment": "pos"}, {"sentiment": "neg"}, {"sentiment": "neg"}])
    first = consistency_check(task_id=task.pk)
    events = AuditEvent.objects.count()
    stamp = ConsistencyReport.objects.get(pk=first.pk).updated_at

    again = consistency_check(task_id=task.pk)

    assert again.pk == first.pk
    assert ConsistencyReport.objects.count() == 1
    assert ConsistencyReport.objects.get(pk=first.pk).updated_at == stamp
    assert AuditEvent.objects.count() == events
    assert status_of(task) == TaskStatus.IN_REVIEW


def test_a_task_that_is_still_open_is_left_alone(trio, crowd):
    task = TaskFactory(project=trio)

    assert consistency_check(task_id=task.pk) is None
    assert status_of(task) == TaskStatus.OPEN
    assert not ConsistencyReport.objects.exists()


def test_recompute_checks_every_completed_task_and_reports_progress(trio, crowd, owner):
    agreeing = [completed_task(trio, crowd, [{"sentiment": "pos"}] * 3) for _ in range(2)]
    conflicting = completed_task(trio, crowd, [{"sentiment": "pos"}, {"sentiment": "neg"}, {"sentiment": "neu"}])
    open_task = TaskFactory(project=trio)
    job = Job.objects.create(organization=trio.organization, project=trio, kind="consistency", created_by=owner)

    result = consistency_recompute(job=job)

    job.refresh_from_db()
    assert result == {"checked": 3, "accepted": 2, "review": 1}
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert [status_of(t) for t in agreeing] == [TaskStatus.ACCEPTED] * 2
    assert status_of(conflicting) == TaskStatus.IN_REVIEW
    assert status_of(open_task) == TaskStatus.OPEN


def test_the_receiver_logs_and_leaves_the_task_completed_when_the_broker_is_down(trio, crowd, monkeypatch, caplog):
    task = completed_task(trio, crowd, [{"sentiment": "pos"}] * 3)

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("review.receivers.consistency_sweep_task.apply_async", refuse)
    enqueue_consistency_check(sender=Task, task=task)

    assert status_of(task) == TaskStatus.COMPLETED
    assert "not queued" in caplog.text


def test_a_malformed_policy_falls_back_to_the_defaults():
    assert Policy.from_project({"agreement_threshold": "high", "min_lead_time": None,
                                "single_annotation": "maybe"}) == Policy()
    assert Policy.from_project(None) == Policy()


def test_a_burst_of_completions_queues_one_sweep_that_checks_them_all(trio, crowd, monkeypatch):
    sent = []
    monkeypatch.setattr("review.receivers.consistency_sweep_task.apply_async",
                        lambda args, countdown: sent.append((args, countdown)))
    agreeing = [completed_task(trio, crowd, [{"sentiment": "pos"}] * 3) for _ in range(3)]
    for task in agreeing:
        enqueue_consistency_check(sender=Task, task=task)
    assert sent == [((trio.pk,), SWEEP_DELAY_S)]  # one message, due after every one of them committed

    other = ProjectFactory(organization=trio.organization, overlap=1)
    enqueue_consistency_check(sender=Task, task=TaskFactory(project=other))
    assert sent[-1] == ((other.pk,), SWEEP_DELAY_S)  # each project has its own sweep

    assert consistency_sweep(project_id=trio.pk) == 3
    assert [status_of(t) for t in agreeing] == [TaskStatus.ACCEPTED] * 3
    assert consistency_sweep(project_id=trio.pk) == 0  # nothing left: a second sweep is harmless


def test_after_a_failed_publish_the_next_completion_queues_a_sweep(trio, crowd, monkeypatch):
    calls = []

    def flaky(args, countdown):
        calls.append(args)
        if len(calls) == 1:
            raise ConnectionError("broker down")

    monkeypatch.setattr("review.receivers.consistency_sweep_task.apply_async", flaky)
    first, second = (completed_task(trio, crowd, [{"sentiment": "pos"}] * 3) for _ in range(2))
    enqueue_consistency_check(sender=Task, task=first)
    enqueue_consistency_check(sender=Task, task=second)
    assert calls == [(trio.pk,), (trio.pk,)]  # the failure left no mark behind
    consistency_sweep(project_id=trio.pk)
    assert status_of(first) == status_of(second) == TaskStatus.ACCEPTED  # the sweep took the first one too


@pytest.mark.skipif("not __import__('django.conf').conf.settings.REDIS_URL", reason="the shared mark lives in Redis")
def test_a_sweep_another_process_queued_is_not_asked_for_again_until_it_starts(trio, crowd, monkeypatch):
    from review import receivers

    sent, asked = [], []
    monkeypatch.setattr("review.receivers.consistency_sweep_task.apply_async",
                        lambda args, countdown: sent.append(args))
    real = receivers._queued_elsewhere
    monkeypatch.setattr(receivers, "_queued_elsewhere", lambda project_id: asked.append(project_id) or real(project_id))
    # Another web process holds the mark: its sweep is due in 0.6 s.
    receivers._redis().set(f"{receivers.MARK_PREFIX}{trio.pk}", 1, px=600)
    clock = [100.0]
    monkeypatch.setattr(receivers.time, "monotonic", lambda: clock[0])
    tasks = [completed_task(trio, crowd, [{"sentiment": "pos"}] * 3) for _ in range(3)]
    for task in tasks:
        enqueue_consistency_check(sender=Task, task=task)
    assert sent == [] and asked == [trio.pk]  # Redis asked once; the other's sweep covers all three

    receivers._redis().delete(f"{receivers.MARK_PREFIX}{trio.pk}")  # that sweep has started
    clock[0] += 0.61
    enqueue_consistency_check(sender=Task, task=tasks[0])
    assert sent == [(trio.pk,)]  # now this process queues the next one
