"""Review decisions through ``POST /api/v1/reviews/``: accept through stages, reject back to the
annotators, fix as a reviewer's revision, chain-of-thought verdicts, blind review, audit."""
from __future__ import annotations

import pytest

from annotation.models import Annotation, AnnotationRevision, Assignment, AuditEvent, Role, Task, TaskStatus
from annotation.services.annotations import annotation_update
from annotation.services.distribution import task_next
from review.models import InboxMessage, ReviewDecision, ReviewItem, TaskOutcome
from review.services.consistency import consistency_check
from tests.factories import ProjectFactory
from tests.review.queue_helpers import certify, member, reviewed_task

COT_ONLY = {"data": {"question": "text"}, "labels": {"reasoning": {"type": "chain_of_thought", "on": "question"}}}
CONFLICT = [{"sentiment": "pos"}, {"sentiment": "pos"}, {"sentiment": "neg"}]


@pytest.fixture
def crowd(base):
    return [member(base, f"labeler{i}", Role.ANNOTATOR) for i in range(3)]


@pytest.fixture
def senior(base, owner):
    user = member(base, "senior")
    certify(user, base, 3, by=owner)
    return user


@pytest.fixture
def expert(base, owner):
    user = member(base, "expert")
    certify(user, base, 4, by=owner)
    return user


@pytest.fixture
def two_stage(base):
    return ProjectFactory(organization=base, overlap=3,
                          review_policy={"stages": [{"min_level": 3}, {"min_level": 4}]})


def decide(client, item, decision, **body):
    return client.post("/api/v1/reviews/", {"item": item.pk, "decision": decision, **body}, format="json")


def test_accept_through_two_stages_accepts_the_task_with_the_consensus_and_both_reviews(
        two_stage, crowd, senior, expert, client_for):
    task, item = reviewed_task(two_stage, crowd, CONFLICT)
    assert (task.status, item.stage, item.stage_count, item.min_level) == (TaskStatus.IN_REVIEW, 0, 2, 3)

    first = decide(client_for(senior), item, "accept")

    assert first.status_code == 201, first.content
    assert first.json()["task_status"] == TaskStatus.IN_REVIEW
    second_item = ReviewItem.objects.get(task=task, stage=1)
    assert (second_item.min_level, second_item.status, second_item.round) == (4, ReviewItem.Status.PENDING, 1)
    assert not TaskOutcome.objects.filter(task=task).exists()

    second = decide(client_for(expert), second_item, "accept")

    assert second.status_code == 201, second.content
    assert second.json() == {"id": second.json()["id"], "item": second_item.pk, "decision": "accept", "stage": 1,
                             "task_status": TaskStatus.ACCEPTED}
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED
    outcome = TaskOutcome.objects.get(task=task)
    assert outcome.source == TaskOutcome.Source.REVIEW
    # List labels nobody filled in are in the consensus as empty lists.
    assert outcome.result == {"sentiment": "pos", "topics": [], "entities": []}
    assert (outcome.decided_by, outcome.decided_level, outcome.domain) == (expert, 4, "general")
    assert sorted(outcome.annotators) == sorted(u.pk for u in crowd)
    assert [(r["stage"], r["username"], r["level"], r["decision"]) for r in outcome.reviews] == [
        (0, "senior", 3, "accept"), (1, "expert", 4, "accept")]
    assert not ReviewItem.objects.filter(task=task).exclude(status=ReviewItem.Status.DONE).exists()


def test_accepting_a_chosen_annotation_keeps_that_annotation_s_result(base, crowd, senior, client_for):
    project = ProjectFactory(organization=base, overlap=3)
    task, item = reviewed_task(project, crowd, CONFLICT)
    minority = Annotation.objects.get(task=task, annotator=crowd[2])

    response = decide(client_for(senior), item, "accept", base_annotation=minority.pk)

    assert response.status_code == 201, response.content
    assert TaskOutcome.objects.get(task=task).result == {"sentiment": "neg"}  # as that annotator submitted it


def test_reject_sends_the_task_back_to_its_annotators_with_the_reason_in_their_inbox(
        base, crowd, senior, client_for):
    project = ProjectFactory(organization=base, overlap=3)
    task, item = reviewed_task(project, crowd, CONFLICT)

    response = decide(client_for(senior), item, "reject", reason="Sarcasm: the headline is negative.")

    assert response.status_code == 201, response.content
    assert response.json()["task_status"] == TaskStatus.OPEN
    task.refresh_from_db()
    assert (task.status, task.submitted_count) == (TaskStatus.OPEN, 0)
    annotations = Annotation.objects.filter(task=task)
    assert set(annotations.values_list("status", flat=True)) == {Annotation.Status.DRAFT}
    assert set(annotations.values_list("version", flat=True)) == {2}
    revisions = AnnotationRevision.objects.filter(annotation__task=task, version=2, status="draft", author=senior)
    assert revisions.count() == 3
    inbox = InboxMessage.objects.filter(task=task)
    assert sorted(inbox.values_list("recipient_id", flat=True)) == sorted(u.pk for u in crowd)
    assert set(inbox.values_list("text", "kind", "from_user")) == {
        ("Sarcasm: the headline is negative.", "rejected", senior.pk)}
    assert not TaskOutcome.objects.filter(task=task).exists()
    item.refresh_from_db()
    assert (item.status, item.outcome) == (ReviewItem.Status.DONE, "reject")

    # next-task gives it back to its annotator, with their draft, and they can submit it again.
    claim = task_next(user=crowd[0], project=project)
    assert claim.task.pk == task.pk
    assert claim.annotation.result == {"sentiment": "pos"}
    assert Assignment.objects.get(task=task, user=crowd[2]).state == Assignment.State.ACTIVE
    for user, answer in zip(crowd, ["neg", "neg", "neu"]):
        draft = Annotation.objects.get(task=task, annotator=user)
        annotation_update(user=user, annotation=draft, version=draft.version, result={"sentiment": answer},
                          status=Annotation.Status.SUBMITTED, lead_time=12.0)
    task.refresh_from_db()
    assert (task.status, task.submitted_count) == (TaskStatus.COMPLETED, 3)
    # Still split: the check opens round 2 at stage 0; round 1 stays as history.
    consistency_check(task_id=task.pk)
    rounds = list(ReviewItem.objects.filter(task=task).order_by("round").values_list("round", "stage", "status"))
    assert rounds == [(1, 0, "done"), (2, 0, "pending")]


def test_fix_writes_a_revision_by_the_reviewer_and_keeps_the_original(base, annotator, senior, client_for):
    project = ProjectFactory(organization=base, overlap=1, review_policy={"single_annotation": "review"})
    task, item = reviewed_task(project, [annotator], [{"sentiment": "pos", "topics": ["finance"]}])

    response = decide(client_for(senior), item, "fix", reason="It is about sports.",
                      result={"sentiment": "neg", "topics": ["sports"]})

    assert response.status_code == 201, response.content
    annotation = Annotation.objects.get(task=task)
    assert annotation.annotator == annotator
    assert annotation.result == {"sentiment": "neg", "topics": ["sports"]}
    history = list(annotation.revisions.order_by("version").values_list("version", "author", "result"))
    assert history == [(1, annotator.pk, {"sentiment": "pos", "topics": ["finance"]}),
                       (2, senior.pk, {"sentiment": "neg", "topics": ["sports"]})]
    outcome = TaskOutcome.objects.get(task=task)
    assert (outcome.source, outcome.result) == ("fix", {"sentiment": "neg", "topics": ["sports"]})
    decision = ReviewDecision.objects.get(item=item)
    assert decision.revision.author == senior and decision.base_annotation == annotation
    assert InboxMessage.objects.get(recipient=annotator).kind == "fixed"


def test_a_fix_with_an_invalid_result_is_a_400_naming_the_field_and_writes_nothing(
        base, annotator, senior, client_for):
    project = ProjectFactory(organization=base, overlap=1, review_policy={"single_annotation": "review"})
    task, item = reviewed_task(project, [annotator], [{"sentiment": "pos"}])

    response = decide(client_for(senior), item, "fix", result={"sentiment": "great", "colour": "red"})

    assert response.status_code == 400
    assert set(response.json()) == {"result.sentiment", "result.colour"}
    assert not ReviewDecision.objects.exists()
    assert Annotation.objects.get(task=task).version == 1
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.PENDING


@pytest.mark.parametrize("body, field", [
    ({"decision": "reject"}, "reason"),
    ({"decision": "reject", "reason": "   "}, "reason"),
    ({"decision": "approve"}, "decision"),
    ({"decision": "fix"}, "result"),
    ({"decision": "accept", "result": {"sentiment": "neg"}}, "result"),
    ({"decision": "accept", "colour": "red"}, "colour"),
    ({"decision": "accept", "base_annotation": 999999}, "base_annotation"),
])
def test_bad_decisions_are_400s_naming_the_field(base, annotator, senior, client_for, body, field):
    project = ProjectFactory(organization=base, overlap=1, review_policy={"single_annotation": "review"})
    task, item = reviewed_task(project, [annotator], [{"sentiment": "pos"}])

    response = client_for(senior).post("/api/v1/reviews/", {"item": item.pk, **body}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not ReviewDecision.objects.exists()


def test_a_decided_item_is_a_409_and_an_item_leased_by_another_reviewer_too(base, crowd, senior, expert, client_for):
    project = ProjectFactory(organization=base, overlap=3)
    _, item = reviewed_task(project, crowd, CONFLICT)
    other = ProjectFactory(organization=base, overlap=3)
    _, leased = reviewed_task(other, crowd, CONFLICT)
    assert client_for(expert).post(f"/api/v1/review/queue/next/?project={other.pk}").status_code == 200

    assert decide(client_for(senior), item, "accept").status_code == 201
    assert decide(client_for(expert), item, "accept").status_code == 409
    assert decide(client_for(senior), leased, "accept").status_code == 409


def test_a_reviewer_who_annotated_the_task_cannot_decide_it(base, crowd, owner, client_for):
    certify(owner, base, 4, by=owner)
    project = ProjectFactory(organization=base, overlap=3)
    _, item = reviewed_task(project, [crowd[0], crowd[1], owner], CONFLICT)

    response = decide(client_for(owner), item, "accept")

    assert response.status_code == 403
    assert not ReviewDecision.objects.exists()


def test_the_same_reviewer_cannot_decide_two_stages(two_stage, crowd, owner, client_for):
    certify(owner, owner.memberships.get().organization, 4, by=owner)
    _, item = reviewed_task(two_stage, crowd, CONFLICT)
    assert decide(client_for(owner), item, "accept").status_code == 201

    response = decide(client_for(owner), ReviewItem.objects.get(task=item.task, stage=1), "accept")

    assert response.status_code == 403


def test_every_decision_is_an_audit_event(base, crowd, senior, client_for):
    project = ProjectFactory(organization=base, overlap=3)
    tasks = [reviewed_task(project, crowd, CONFLICT) for _ in range(3)]
    client = client_for(senior)

    decide(client, tasks[0][1], "accept")
    decide(client, tasks[1][1], "reject", reason="unclear")
    decide(client, tasks[2][1], "fix", result={"sentiment": "neu"}, base_annotation=tasks[2][0].annotations.first().pk)

    events = AuditEvent.objects.filter(action__startswith="review.").order_by("seq")
    assert [(e.action, e.actor_id, e.data["task"]) for e in events] == [
        ("review.accept", senior.pk, tasks[0][0].pk), ("review.reject", senior.pk, tasks[1][0].pk),
        ("review.fix", senior.pk, tasks[2][0].pk)]
    assert events[1].data["reason"] == "unclear"
    assert events[2].data["revision"] == ReviewDecision.objects.get(decision="fix").revision_id


@pytest.mark.parametrize("blind", [True, False])
def test_blind_review_hides_who_annotated(base, crowd, senior, client_for, blind):
    project = ProjectFactory(organization=base, overlap=3, review_policy={"blind": blind})
    reviewed_task(project, crowd, CONFLICT, lead_time=0.5)  # lead-time reasons name annotators
    client = client_for(senior)

    detail = client.post(f"/api/v1/review/queue/next/?project={project.pk}").json()

    annotators = [a["annotator"] for a in detail["annotations"]]
    reason_keys = {k for r in detail["item"]["reasons"] + detail["consistency"]["reasons"] for k in r}
    if blind:
        assert annotators == [None, None, None]
        assert "annotator" not in reason_keys
    else:
        assert sorted(a["username"] for a in annotators) == ["labeler0", "labeler1", "labeler2"]
        assert "annotator" in reason_keys
    assert len(detail["annotations"]) == 3
    assert detail["reviewed"]["result"]["sentiment"] == "pos"


# Chain of thought ------------------------------------------------------------------------------

STEPS = {"reasoning": {"steps": ["70 × 15 = 1050 mg a day", "1050 ÷ 3 = 350 mg a dose"], "answer": "350"}}


@pytest.fixture
def cot_item(base, annotator):
    project = ProjectFactory(organization=base, overlap=1, schema=COT_ONLY, review_policy={"route": ["all"]})
    return reviewed_task(project, [annotator], [STEPS], data={"question": "70 kg at 15 mg/kg in 3 doses?"})


def verdicts(*steps, answer="correct"):
    return {"reasoning": {"steps": [dict(s) for s in steps], "answer": {"verdict": answer}}}


def test_cot_verdicts_are_stored_on_the_decision_and_the_outcome(cot_item, senior, client_for):
    task, item = cot_item
    cot = verdicts({"verdict": "correct"}, {"verdict": "neutral", "comment": "state the unit"})

    response = decide(client_for(senior), item, "accept", cot=cot)

    assert response.status_code == 201, response.content
    assert ReviewDecision.objects.get(item=item).cot == cot
    outcome = TaskOutcome.objects.get(task=task)
    assert outcome.cot_verdicts == cot and outcome.source == "review"


@pytest.mark.parametrize("cot, field", [
    (None, "cot"),
    (verdicts({"verdict": "correct"}), "cot.reasoning.steps"),
    (verdicts({"verdict": "correct"}, {"verdict": "maybe"}), "cot.reasoning.steps[1].verdict"),
    (verdicts({"verdict": "correct"}, {"verdict": "correct", "mood": "x"}), "cot.reasoning.steps[1].mood"),
    (verdicts({"verdict": "correct"}, {"verdict": "correct"}, answer="sure"), "cot.reasoning.answer.verdict"),
    ({"reasoning": {"steps": [{"verdict": "correct"}] * 2}}, "cot.reasoning.answer"),
    ({**verdicts({"verdict": "correct"}, {"verdict": "correct"}), "other": {}}, "cot.other"),
])
def test_cot_verdicts_need_one_allowed_verdict_per_step_and_the_answer(cot_item, senior, client_for, cot, field):
    _, item = cot_item

    response = decide(client_for(senior), item, "accept", **({"cot": cot} if cot is not None else {}))

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not ReviewDecision.objects.exists()


def test_a_rewritten_step_turns_the_accept_into_a_fix(cot_item, annotator, senior, client_for):
    task, item = cot_item
    cot = verdicts({"verdict": "correct"},
                   {"verdict": "incorrect", "rewrite": "1050 mg ÷ 3 doses = 350 mg per dose"})

    response = decide(client_for(senior), item, "accept", cot=cot)

    assert response.status_code == 201, response.content
    assert response.json()["decision"] == "fix"
    fixed = {"reasoning": {"steps": ["70 × 15 = 1050 mg a day", "1050 mg ÷ 3 doses = 350 mg per dose"],
                           "answer": "350"}}
    outcome = TaskOutcome.objects.get(task=task)
    assert (outcome.source, outcome.result) == ("fix", fixed)
    assert outcome.cot_verdicts["reasoning"]["steps"][1]["rewrite"] == "1050 mg ÷ 3 doses = 350 mg per dose"
    assert Annotation.objects.get(task=task).revisions.order_by("-version").first().author == senior


def test_rejecting_a_cot_needs_no_verdicts(cot_item, senior, client_for):
    task, item = cot_item

    response = decide(client_for(senior), item, "reject", reason="The dose is per kg per day; recompute.")

    assert response.status_code == 201
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN
