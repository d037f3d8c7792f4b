"""The review policy: validated before it is stored, read leniently, and routing by its triggers
after the consistency check (stage-0 review item, or TaskOutcome when accepted)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotation.models import Prediction, Project, Role, TaskStatus
from review.models import ConsistencyReport, ReviewItem, TaskOutcome
from review.services.consistency import consistency_check
from review.services.policy import DEFAULT_ROUTE, ReviewPolicy, review_policy_validate
from review.services.routing import sampled
from tests.factories import ProjectFactory, TaskFactory
from tests.review.queue_helpers import member, reviewed_task

AGREE = [{"sentiment": "pos"}] * 3
SPLIT = [{"sentiment": "pos"}, {"sentiment": "pos"}, {"sentiment": "neg"}]


@pytest.fixture
def crowd(base):
    return [member(base, f"labeler{i}", Role.ANNOTATOR) for i in range(3)]


# Validation -------------------------------------------------------------------------------------

@pytest.mark.parametrize("policy, field", [
    ({"stages": [{"min_level": 5}]}, "review_policy.stages[0].min_level"),
    ({"stages": [{"min_level": 3}, {"min_level": "4"}]}, "review_policy.stages[1].min_level"),
    ({"stages": [{"min_level": 3, "who": "x"}]}, "review_policy.stages[0].who"),
    ({"stages": []}, "review_policy.stages"),
    ({"route": ["conflicts", "everything"]}, "review_policy.route[1]"),
    ({"route": "all"}, "review_policy.route"),
    ({"sample_rate": 1.5}, "review_policy.sample_rate"),
    ({"low_confidence_below": -0.1}, "review_policy.low_confidence_below"),
    ({"reliability_bar": True}, "review_policy.reliability_bar"),
    ({"blind": "yes"}, "review_policy.blind"),
    ({"min_annotator_level": 5}, "review_policy.min_annotator_level"),
    ({"agreement_threshold": 2}, "review_policy.agreement_threshold"),
    ({"single_annotation": "maybe"}, "review_policy.single_annotation"),
    ({"colour": "red"}, "review_policy.colour"),
])
def test_a_bad_policy_is_a_400_naming_the_key_and_is_not_stored(project, manager, client_for, policy, field):
    response = client_for(manager).patch(f"/api/v1/projects/{project.pk}/", {"review_policy": policy},
                                         format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Project.objects.get(pk=project.pk).review_policy == {}


def test_a_good_policy_is_stored(project, manager, client_for):
    policy = {"route": ["conflicts", "sample"], "sample_rate": 0.2, "stages": [{"min_level": 3}, {"min_level": 4}],
              "blind": False, "agreement_threshold": 0.7, "min_annotator_level": 2}

    response = client_for(manager).patch(f"/api/v1/projects/{project.pk}/", {"review_policy": policy},
                                         format="json")

    assert response.status_code == 200, response.content
    assert Project.objects.get(pk=project.pk).review_policy == policy


def test_every_error_is_named_at_once():
    with pytest.raises(Exception) as caught:
        review_policy_validate({"stages": [{"min_level": 0}], "blind": 1, "colour": "red"})

    assert set(caught.value.detail) == {"review_policy.stages[0].min_level", "review_policy.blind",
                                        "review_policy.colour"}


def test_a_stored_policy_is_read_leniently():
    assert ReviewPolicy.parse(None) == ReviewPolicy()
    policy = ReviewPolicy.parse({"route": ["bogus"], "stages": [{"min_level": 9}], "sample_rate": "x",
                                 "blind": False, "reliability_bar": 0.4})
    assert (policy.route, policy.stages, policy.sample_rate, policy.blind, policy.reliability_bar) == (
        DEFAULT_ROUTE, (3,), 0.1, False, 0.4)


@given(st.integers(min_value=1, max_value=10**9), st.floats(min_value=0, max_value=1))
def test_sampling_is_deterministic_and_monotonic_in_the_rate(task_id, rate):
    assert sampled(task_id, rate) == sampled(task_id, rate)
    assert not sampled(task_id, 0.0)
    assert sampled(task_id, 1.0)
    if sampled(task_id, rate):
        assert sampled(task_id, min(1.0, rate + 0.1))


def test_sampling_draws_about_the_share_asked_for():
    share = sum(sampled(i, 0.2) for i in range(1, 5001)) / 5000
    assert 0.17 < share < 0.23


# Routing after the consistency check ---------------------------------------------------------------

def test_an_agreeing_task_is_accepted_with_an_auto_outcome_of_the_consensus(base, crowd):
    project = ProjectFactory(organization=base, overlap=3, domain="news")
    task, item = reviewed_task(project, crowd, [{"sentiment": "pos", "topics": ["finance"]}] * 3)

    assert (task.status, item) == (TaskStatus.ACCEPTED, None)
    outcome = TaskOutcome.objects.get(task=task)
    assert outcome.result == {"sentiment": "pos", "topics": ["finance"], "entities": []}
    assert (outcome.source, outcome.domain, outcome.decided_by, outcome.reviews) == ("auto", "news", None, [])
    assert sorted(outcome.annotators) == sorted(u.pk for u in crowd)


def test_a_single_annotation_is_accepted_as_submitted(base, crowd):
    project = ProjectFactory(organization=base, overlap=1)
    result = {"sentiment": "neu", "entities": [{"start": 0, "end": 9, "label": "PER"}]}
    task, _ = reviewed_task(project, crowd[:1], [result])

    assert TaskOutcome.objects.get(task=task).result == result


def test_a_conflict_opens_a_stage_0_item_with_the_policy_s_first_level(base, crowd):
    project = ProjectFactory(organization=base, overlap=3, review_policy={"stages": [{"min_level": 4},
                                                                                      {"min_level": 3}]})
    task, item = reviewed_task(project, crowd, SPLIT)

    assert task.status == TaskStatus.IN_REVIEW
    assert (item.stage, item.stage_count, item.min_level, item.round) == (0, 2, 4, 1)
    assert [r["code"] for r in item.reasons] == ["low_agreement"]
    assert not TaskOutcome.objects.filter(task=task).exists()


def test_without_the_conflicts_trigger_a_conflict_is_accepted_on_the_majority(base, crowd):
    project = ProjectFactory(organization=base, overlap=3, review_policy={"route": ["failed_checks"]})
    task, item = reviewed_task(project, crowd, SPLIT)

    assert (task.status, item) == (TaskStatus.ACCEPTED, None)
    assert TaskOutcome.objects.get(task=task).result["sentiment"] == "pos"
    report = ConsistencyReport.objects.get(task=task)
    assert report.decision == "accepted" and [r["code"] for r in report.reasons] == ["low_agreement"]


def test_failed_checks_route_only_with_their_trigger(base, crowd):
    strict = ProjectFactory(organization=base, overlap=3)
    lax = ProjectFactory(organization=base, overlap=3, review_policy={"route": ["conflicts"]})

    _, item = reviewed_task(strict, crowd, AGREE, lead_time=0.5)
    task, none = reviewed_task(lax, crowd, AGREE, lead_time=0.5)

    assert {r["code"] for r in item.reasons} == {"lead_time_too_short"}
    assert (task.status, none) == (TaskStatus.ACCEPTED, None)


def test_route_all_sends_even_agreeing_tasks_to_review(base, crowd):
    project = ProjectFactory(organization=base, overlap=3, review_policy={"route": ["all"]})
    task, item = reviewed_task(project, crowd, AGREE)

    assert task.status == TaskStatus.IN_REVIEW
    assert item.reasons == [{"code": "all"}]


def test_sample_routes_the_drawn_share_of_accepted_tasks(base, crowd):
    project = ProjectFactory(organization=base, overlap=3, review_policy={"route": ["sample"], "sample_rate": 0.5})
    results = [reviewed_task(project, crowd, AGREE) for _ in range(12)]

    for task, item in results:
        if sampled(task.pk, 0.5):
            assert item.reasons == [{"code": "sample", "rate": 0.5}]
        else:
            assert (task.status, item) == (TaskStatus.ACCEPTED, None)
    assert 0 < sum(item is not None for _, item in results) < 12


def test_low_confidence_routes_a_task_whose_best_prediction_is_unsure(base, crowd):
    project = ProjectFactory(organization=base, overlap=3,
                             review_policy={"route": ["low_confidence"], "low_confidence_below": 0.6})
    unsure, sure = TaskFactory(project=project), TaskFactory(project=project)
    Prediction.objects.create(task=unsure, model_version="m1", result={"sentiment": "pos"}, score=0.4)
    Prediction.objects.create(task=unsure, model_version="m2", result={"sentiment": "pos"}, score=0.55)
    Prediction.objects.create(task=sure, model_version="m1", result={"sentiment": "pos"}, score=0.9)

    routed = reviewed_task(project, crowd, AGREE, task=unsure)
    accepted = reviewed_task(project, crowd, AGREE, task=sure)

    assert routed[1].reasons == [{"code": "low_confidence", "score": 0.55, "threshold": 0.6}]
    assert accepted[1] is None


def test_unreliable_routes_the_tasks_of_an_annotator_who_keeps_missing_the_consensus(base, crowd):
    project = ProjectFactory(organization=base, overlap=3,
                             review_policy={"route": ["unreliable"], "reliability_bar": 0.9})
    first, second, third = (reviewed_task(project, crowd, SPLIT) for _ in range(3))
    # crowd[2] misses the sentiment (0 of 1) and matches the four empty labels: 0.8 per task.
    assert (first[1], second[1]) == (None, None)  # two tasks are too few to judge anyone

    assert third[0].status == TaskStatus.IN_REVIEW
    assert third[1].reasons == [{"code": "unreliable", "annotator": crowd[2].pk, "agreement": 0.8, "measured": 3,
                                 "threshold": 0.9}]

    # Their record follows them onto a task where everybody agrees (within this project only).
    agreeing, item = reviewed_task(project, crowd, AGREE)
    assert item.reasons[0]["annotator"] == crowd[2].pk and item.reasons[0]["agreement"] == pytest.approx(0.85)
    single = ProjectFactory(organization=base, overlap=1, review_policy={"route": ["unreliable"]})
    _, alone = reviewed_task(single, crowd[2:], [{"sentiment": "neg"}])
    assert alone is None  # reliability is per project: no record in this one


def test_a_second_check_does_not_open_a_second_item(base, crowd):
    project = ProjectFactory(organization=base, overlap=3)
    task, _ = reviewed_task(project, crowd, SPLIT)
    consistency_check(task_id=task.pk)

    assert ReviewItem.objects.filter(task=task).count() == 1
