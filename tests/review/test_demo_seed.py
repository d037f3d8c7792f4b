"""The review side of the demo: real annotations, conflicts in review for experts only, accepted
tasks with outcomes, and the same counts when the demo is loaded again."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from PIL import Image

from annotation.demo.images import ROAD
from annotation.demo.load import demo_load
from annotation.models import Annotation, AnnotationRevision, Project, Task, TaskStatus
from annotation.schema import validate_result
from review.demo_seed import ENTITIES, NEWS, PREFERENCE, REASONING, STREET, TRIO
from review.models import ReviewDecision, ReviewItem, TaskOutcome
from review.services.review_queue import review_queue_items


def counts() -> dict:
    return {
        "annotations": Annotation.objects.count(), "revisions": AnnotationRevision.objects.count(),
        "outcomes": TaskOutcome.objects.count(), "items": ReviewItem.objects.count(),
        "decisions": ReviewDecision.objects.count(),
        "statuses": dict(Task.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")),
    }


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    return {p.name: p for p in Project.objects.all()}


def statuses(project) -> dict:
    return dict(Task.objects.filter(project=project).values_list("status").annotate(n=Count("id"))
                .values_list("status", "n"))


def test_loading_the_demo_twice_seeds_once(demo):
    first = counts()

    demo_load()

    assert counts() == first
    assert first["annotations"] == 45 + 15 + 8 + 8 + 6 + 8  # trio, news, entities, street, preference, CoT


def test_three_annotators_agree_on_ten_headlines_and_split_on_five_that_only_an_expert_reviews(demo):
    trio = demo[TRIO]

    assert statuses(trio) == {TaskStatus.ACCEPTED: 10, TaskStatus.IN_REVIEW: 5, TaskStatus.OPEN: 15}
    items = ReviewItem.objects.filter(project=trio)
    assert items.count() == 5
    assert set(items.values_list("min_level", flat=True)) == {4}
    assert {r["code"] for i in items for r in i.reasons} == {"low_agreement"}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["reviewer", "expert"])}
    assert not review_queue_items(user=users["reviewer"], project=trio).exists()
    assert review_queue_items(user=users["expert"], project=trio).count() == 5
    outcome = TaskOutcome.objects.filter(task__project=trio).first()
    assert (outcome.source, len(outcome.annotators)) == ("auto", 3)


def test_chains_of_thought_go_to_two_stage_review_and_three_carry_the_expert_s_approval(demo):
    reasoning = demo[REASONING]

    assert statuses(reasoning) == {TaskStatus.ACCEPTED: 3, TaskStatus.IN_REVIEW: 5, TaskStatus.OPEN: 16}
    open_items = ReviewItem.objects.filter(project=reasoning).exclude(status=ReviewItem.Status.DONE)
    assert sorted(open_items.values_list("stage", "min_level")) == [(0, 3)] * 4 + [(1, 4)]
    for outcome in TaskOutcome.objects.filter(task__project=reasoning):
        assert outcome.source == "review"
        assert (outcome.decided_by.username, outcome.decided_level) == ("expert", 4)
        assert [r["username"] for r in outcome.reviews] == ["reviewer", "expert"]
        steps = outcome.cot_verdicts["reasoning"]["steps"]
        assert steps and {s["verdict"] for s in steps} == {"correct"}


RELEASABLE = {NEWS: 15, ENTITIES: 8, STREET: 8, PREFERENCE: 6}


def test_projects_for_releases_have_valid_accepted_tasks_realistic_labels_and_half_left_open(demo, settings):
    for name, accepted in RELEASABLE.items():
        project = demo[name]
        assert statuses(project)[TaskStatus.ACCEPTED] == accepted, name
        assert statuses(project)[TaskStatus.OPEN] >= accepted, name
        outcomes = TaskOutcome.objects.filter(task__project=project).select_related("task")
        assert outcomes.count() == accepted
        for outcome in outcomes:
            task = outcome.task
            validate_result(project.parsed_schema, outcome.result, data=task.data, width=task.media_width,
                            height=task.media_height)
            assert outcome.source == "auto"

    # Entity spans cover the named text.
    entities = TaskOutcome.objects.get(task__project=demo[ENTITIES], task__import_key="demo:0")
    text = entities.task.data["text"]
    assert [(text[s["start"]:s["end"]], s["label"]) for s in entities.result["entities"]] == [
        ("张伟", "PER"), ("北京大学第一医院", "ORG")]

    # Street boxes sit on the drawn cars: the middle of a car's body is painted, not road.
    for outcome in TaskOutcome.objects.filter(task__project=demo[STREET]).select_related("task"):
        image = Image.open(Path(settings.MEDIA_ROOT) / outcome.task.media).convert("RGB")
        for box in outcome.result["objects"]:
            if box["label"] == "car":
                centre = (int(box["x"] + box["w"] / 2), int(box["y"] + box["h"] * 0.6))
                assert image.getpixel(centre) != ROAD, box
