"""The demo base: users, one project per label type, realistic tasks. Safe to run twice."""
from __future__ import annotations

import hashlib
import random
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from annotation.demo import content
from annotation.demo.images import skin_patch, street_scene
from annotation.models import Membership, Organization, Project, Role, Task
from annotation.services.audit import audit_record
from annotation.signals import demo_loaded

DEMO_PASSWORD = "zhibiao-demo"
BASE_NAME = "合肥数据标注基地 Hefei Data Annotation Base"
USERS = {
    "owner": Role.OWNER,
    "manager": Role.MANAGER,
    "annotator1": Role.ANNOTATOR,
    "annotator2": Role.ANNOTATOR,
    "annotator3": Role.ANNOTATOR,
    "reviewer": Role.REVIEWER,
    "expert": Role.REVIEWER,
}


def _users(organization: Organization) -> dict:
    users = {}
    for username, role in USERS.items():
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = username == "owner"
            user.save()
        Membership.objects.get_or_create(user=user, organization=organization, defaults={"role": role})
        users[username] = user
    return users


def _media(project: Project, name: str, payload: bytes) -> str:
    digest = hashlib.sha256(payload).hexdigest()
    relative = Path("projects") / str(project.pk) / digest[:2] / f"{digest[:16]}-{name}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(payload)
    return str(relative)


def _project(organization, owner, name: str, schema: dict, rows: list[dict], **fields) -> Project:
    project, created = Project.objects.get_or_create(
        organization=organization, name=name, defaults={"schema": schema, "created_by": owner, **fields})
    if created:
        audit_record(organization_id=organization.pk, actor=owner, action="project.create", obj=project,
                     data={"name": name, "demo": True})
    rng = random.Random(project.pk)
    existing = set(Task.objects.filter(project=project).values_list("import_key", flat=True))
    new = [Task(project=project, import_key=f"demo:{i}", random_key=rng.random(), **row)
           for i, row in enumerate(rows) if f"demo:{i}" not in existing]
    Task.objects.bulk_create(new)
    return project


def _image_rows(project_name: str, organization, owner, schema, draw, count: int, size: tuple[int, int], **fields):
    project = _project(organization, owner, project_name, schema, [], **fields)
    rows = []
    for i in range(count):
        rows.append({"data": {"image": f"scene-{i}.png"}, "media": _media(project, f"scene-{i}.png", draw(i)),
                     "media_width": size[0], "media_height": size[1]})
    return _project(organization, owner, project_name, schema, rows, **fields)


@transaction.atomic
def demo_load() -> dict:
    organization, _ = Organization.objects.get_or_create(name=BASE_NAME, defaults={"city": "合肥 Hefei"})
    users = _users(organization)
    owner = users["owner"]
    text_rows = [{"data": {"text": text}} for text, _topic in content.HEADLINES]
    projects = [
        _project(organization, owner, "新闻分类 News sentiment & topics", {
            "data": {"text": "text"},
            "labels": {
                "sentiment": {"type": "choice", "options": ["positive", "negative", "neutral"], "required": True,
                              "description": "The tone of the headline"},
                "topics": {"type": "multi_choice", "options": ["finance", "sports", "health", "technology"]},
            }}, text_rows, domain="news",
            instructions="Choose the tone of each headline and every topic it covers.\n选择标题的情感倾向及其涉及的全部主题。"),
        _project(organization, owner, "情感三人标注 Sentiment, three annotators", {
            "data": {"text": "text"},
            "labels": {"sentiment": {"type": "choice", "options": ["positive", "negative", "neutral"],
                                     "required": True}}}, text_rows, domain="news", overlap=3,
            instructions="Three people label each headline; agreement decides what goes to review."),
        _project(organization, owner, "命名实体 Named entities", {
            "data": {"text": "text"},
            "labels": {"entities": {"type": "spans", "on": "text", "options": ["PER", "ORG", "LOC"],
                                    "required": True}}},
            [{"data": {"text": t}} for t in content.ENTITY_SENTENCES], domain="general",
            instructions="Mark people (PER), organizations (ORG) and places (LOC).\n标注人名、机构名和地名。"),
        _project(organization, owner, "商品评价 Product reviews", {
            "data": {"text": "text"},
            "labels": {"quality": {"type": "rating", "min": 1, "max": 5, "required": True,
                                   "description": "How satisfied is the customer?"},
                       "note": {"type": "text", "max_length": 500}}},
            [{"data": {"text": t}} for t in content.REVIEWS], domain="ecommerce",
            instructions="Rate the customer's satisfaction from 1 to 5; note anything unusual."),
        _project(organization, owner, "回答偏好 Response preference", {
            "data": {"prompt": "text", "response_a": "text", "response_b": "text"},
            "labels": {"better": {"type": "preference", "between": ["response_a", "response_b"], "required": True}}},
            [{"data": {"prompt": q, "response_a": a, "response_b": b} if i % 2 == 0 else
              {"prompt": q, "response_a": b, "response_b": a}} for i, (q, a, b) in enumerate(content.PREFERENCE_PAIRS)],
            domain="medicine", instructions="Pick the response that is more helpful, correct and safe."),
        _project(organization, owner, "计算推理 Step-by-step reasoning", {
            "data": {"question": "text"},
            "labels": {"reasoning": {"type": "chain_of_thought", "on": "question", "required": True}}},
            [{"data": {"question": q}, "gold": ({"reasoning": {"steps": content.COT_EXAMPLE_STEPS[i][0],
                                                               "answer": content.COT_EXAMPLE_STEPS[i][1]}}
                                                if i in content.COT_EXAMPLE_STEPS else None)}
             for i, (q, _answer) in enumerate(content.COT_QUESTIONS)],
            domain="medicine",
            instructions="Write each reasoning step on its own line, then the final answer.\n逐步写出推理过程，最后给出答案。"),
    ]
    projects.append(_image_rows("街景目标 Street objects", organization, owner, {
        "data": {"image": "image"},
        "labels": {"objects": {"type": "boxes", "on": "image", "options": ["car", "person"], "required": True}}},
        street_scene, 24, (960, 640), domain="autonomous-driving",
        instructions="Draw a tight box around every car and person."))
    projects.append(_image_rows("皮肤病灶 Skin lesions", organization, owner, {
        "data": {"image": "image"},
        "labels": {"lesion": {"type": "polygons", "on": "image", "options": ["lesion"], "required": True}}},
        skin_patch, 20, (640, 480), domain="medicine", instructions="Outline each lesion with a polygon."))
    demo_loaded.send(sender=Organization, organization=organization, users=users,
                     projects={p.name: p for p in projects})
    return {"organization": organization.pk, "projects": [p.pk for p in projects], "users": list(users)}
