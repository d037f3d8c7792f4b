"""The review side of the demo (receiver of ``annotation.signals.demo_loaded``).

Annotators 1-3 label part of the demo projects through the core services (a lease from
``task_next``, then ``annotation_create``), the consistency check runs on each completed task,
and a few reviews are decided, so that the demo opens with:

- "情感三人标注" (overlap 3): ten headlines all three agree on (accepted) and five they split on
  (in review; the policy asks for an expert, so ``reviewer`` (level 3) cannot take them and
  ``expert`` (level 4) can);
- "计算推理" (chain of thought): every submission goes to review in two stages (senior, then
  expert); three approved by both (the export names the expert), one waiting for the expert, four
  waiting for a senior;
- accepted tasks to release in the news, named entity, street object and preference projects.

At most half of each project is answered, so annotators have work to try. Safe to run twice: a
project that already has annotations is left alone.
"""
from __future__ import annotations

import logging
import random

from annotation.demo import content
from annotation.demo.images import CAR_COLOURS
from annotation.models import Annotation, Project, Task
from annotation.services.annotations import annotation_create
from annotation.services.distribution import task_next
from annotation.services.projects import project_update
from review import demo_content as answers
from review.models import Level, ReviewItem
from review.services.certification import certification_grant, certified_level
from review.services.consistency import consistency_check
from review.services.decisions import review_decide, reviewed_result

log = logging.getLogger(__name__)

NEWS = "新闻分类 News sentiment & topics"
TRIO = "情感三人标注 Sentiment, three annotators"
ENTITIES = "命名实体 Named entities"
PREFERENCE = "回答偏好 Response preference"
REASONING = "计算推理 Step-by-step reasoning"
STREET = "街景目标 Street objects"
ANNOTATORS = ("annotator1", "annotator2", "annotator3")

POLICIES = {
    TRIO: {"stages": [{"min_level": Level.EXPERT}]},
    REASONING: {"route": ["all"], "stages": [{"min_level": Level.SENIOR}, {"min_level": Level.EXPERT}]},
    NEWS: {"single_annotation": "accept"},
    ENTITIES: {"single_annotation": "accept"},
    PREFERENCE: {"single_annotation": "accept"},
    STREET: {"single_annotation": "accept"},
}


def position(task: Task) -> int:
    return int(task.import_key.split(":", 1)[1])


# What the annotators answer -----------------------------------------------------------------------

def news_result(n: int, _who: int) -> dict:
    topics = [content.HEADLINES[n][1], *answers.EXTRA_TOPICS.get(n, [])]
    return {"sentiment": answers.SENTIMENTS[n], "topics": topics}


def trio_result(n: int, who: int) -> dict:
    split = answers.TRIO_SPLITS.get(n)
    return {"sentiment": split[who] if split else answers.SENTIMENTS[n]}


def entities_result(n: int, _who: int) -> dict:
    sentence = content.ENTITY_SENTENCES[n]
    spans = []
    for text, label in answers.ENTITIES[n]:
        start = sentence.index(text)
        spans.append({"start": start, "end": start + len(text), "label": label})
    return {"entities": spans}


def preference_result(n: int, _who: int) -> dict:
    # The loader swaps the responses on odd rows, so the helpful answer alternates sides.
    return {"better": "response_a" if n % 2 == 0 else "response_b"}


def reasoning_result(n: int, _who: int) -> dict:
    steps, answer = answers.COT_ANSWERS[n]
    return {"reasoning": {"steps": list(steps), "answer": answer}}


def street_boxes(seed: int, width: int = 960, height: int = 640) -> list[dict]:
    """The cars and people ``annotation.demo.images.street_scene(seed)`` draws: the same random
    draws in the same order, turned into boxes (a car's box takes in its roof and wheels)."""
    rng = random.Random(seed)
    horizon = int(height * 0.45)
    for _ in range(rng.randint(1, 3)):  # buildings: three draws each
        rng.randint(0, width - 200), rng.randint(80, horizon - 20), rng.randint(100, 200)
    boxes = []
    for _ in range(rng.randint(1, 4)):
        w, h = rng.randint(140, 220), rng.randint(60, 90)
        x, y = rng.randint(0, width - w), rng.randint(horizon + 10, height - h - 20)
        rng.choice(CAR_COLOURS)
        top = y - h * 0.35
        boxes.append({"x": float(x), "y": round(top, 1), "w": float(w), "h": round(y + h + 14 - top, 1),
                      "label": "car"})
    for _ in range(rng.randint(0, 3)):
        x, y = rng.randint(20, width - 40), rng.randint(horizon - 60, height - 120)
        rng.choice([0, 1])  # the shirt colour
        boxes.append({"x": float(x), "y": float(y), "w": 22.0, "h": 80.0, "label": "person"})
    return boxes


def street_result(n: int, _who: int) -> dict:
    return {"objects": street_boxes(n)}


# Labeling through the core ------------------------------------------------------------------------

def _lead_time(n: int, who: int) -> float:
    return float(8 + (n * 7 + who * 13) % 40)


def _label(project: Project, user, who: int, answer) -> Task | None:
    """One task through next-task and submit, as the workspace does it."""
    claim = task_next(user=user, project=project)
    if claim is None:
        return None
    n = position(claim.task)
    annotation_create(user=user, task=claim.task, result=answer(n, who), status=Annotation.Status.SUBMITTED,
                      lead_time=_lead_time(n, who))
    return claim.task


def _check(task: Task) -> None:
    task.refresh_from_db()
    consistency_check(task_id=task.pk)


def label_single(project: Project, annotators: list, count: int, answer) -> None:
    """Overlap 1: the annotators take turns."""
    for k in range(count):
        task = _label(project, annotators[k % len(annotators)], k % len(annotators), answer)
        if task is not None:
            _check(task)


def label_trio(project: Project, annotators: list, count: int) -> None:
    """Overlap 3: each annotator takes the first ``count`` tasks in order."""
    done = []
    for who, user in enumerate(annotators):
        for _ in range(count):
            task = _label(project, user, who, trio_result)
            if task is not None and who == len(annotators) - 1:
                done.append(task)
    for task in done:
        _check(task)


# Reviews --------------------------------------------------------------------------------------------

def _ensure_level(organization, user, domain: str, level: int, granted_by) -> None:
    """The "certs" receiver grants the demo's levels too; whichever runs first grants them."""
    if certified_level(user_id=user.pk, organization_id=organization.pk, domain=domain) != level:
        certification_grant(organization=organization, user=user, domain=domain, level=level, granted_by=granted_by,
                            reason="Demo data")


def _approve(item: ReviewItem, reviewer) -> None:
    reviewed = reviewed_result(item).result
    cot = {"reasoning": {"steps": [{"verdict": "correct"} for _ in reviewed["reasoning"]["steps"]],
                         "answer": {"verdict": "correct"}}}
    review_decide(user=reviewer, item=item, decision="accept", cot=cot)


def review_reasoning(project: Project, organization, users: dict) -> None:
    senior, expert = users["reviewer"], users["expert"]
    _ensure_level(organization, senior, project.domain, Level.SENIOR, users["owner"])
    _ensure_level(organization, expert, project.domain, Level.EXPERT, users["owner"])
    open_items = {position(i.task): i for i in ReviewItem.objects.filter(project=project, stage=0,
                                                                         status=ReviewItem.Status.PENDING)
                  .select_related("task__project")}
    for n in (*answers.COT_ACCEPTED, *answers.COT_AT_EXPERT):
        if n in open_items:
            _approve(open_items[n], senior)
    for n in answers.COT_ACCEPTED:
        item = ReviewItem.objects.filter(task__project=project, task__import_key=f"demo:{n}", stage=1,
                                         status=ReviewItem.Status.PENDING).select_related("task__project").first()
        if item is not None:
            _approve(item, expert)


# The receiver -----------------------------------------------------------------------------------------

def _set_policy(project: Project, actor) -> None:
    project.refresh_from_db()  # another receiver may have changed the policy already
    wanted = {**project.review_policy, **POLICIES[project.name]}
    if wanted != project.review_policy:
        project_update(project=project, actor=actor, review_policy=wanted)


def demo_seed(sender, *, organization, users: dict, projects: dict, **kwargs) -> None:
    annotators = [users[name] for name in ANNOTATORS if name in users]
    if len(annotators) < 3 or not {"owner", "reviewer", "expert"} <= set(users):
        log.warning("demo seed skipped: the demo users are missing")
        return
    plan = [
        (TRIO, lambda p: label_trio(p, annotators, 15)),
        (NEWS, lambda p: label_single(p, annotators, answers.COUNTS["news"], news_result)),
        (ENTITIES, lambda p: label_single(p, annotators, answers.COUNTS["entities"], entities_result)),
        (STREET, lambda p: label_single(p, annotators, answers.COUNTS["street"], street_result)),
        (PREFERENCE, lambda p: label_single(p, annotators, answers.COUNTS["preference"], preference_result)),
        # annotator3 is a trainee in medicine; the reasoning project asks for level 2.
        (REASONING, lambda p: label_single(p, annotators[:2], len(answers.COT_ANSWERS), reasoning_result)),
    ]
    for name, label in plan:
        project = projects.get(name)
        if project is None or Annotation.objects.filter(task__project=project).exists():
            continue  # not in this demo, or seeded already
        _set_policy(project, users["owner"])
        label(project)
        if name == REASONING:
            review_reasoning(project, organization, users)
