"""Server error messages follow the caller's language (Accept-Language), field paths stay as they are."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import TEXT_SCHEMA, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _bad_project(client, base, language: str):
    schema = {"data": {"text": "text"}, "labels": {"x": {"type": "choice", "options": []}}}
    return client.post(reverse("project-list"), {"organization": base.pk, "name": "p", "schema": schema},
                       format="json", HTTP_ACCEPT_LANGUAGE=language)


def test_schema_errors_are_translated_into_simplified_chinese(client_for, owner, base):
    english = _bad_project(client_for(owner), base, "en").json()
    chinese = _bad_project(client_for(owner), base, "zh-CN").json()
    assert english == {"schema.labels.x.options": ["must be a non-empty list of strings"]}
    assert chinese == {"schema.labels.x.options": ["必须是非空的字符串列表"]}


def test_result_errors_keep_their_placeholders_filled_in_chinese(client_for, annotator, base):
    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA)
    TaskFactory(project=project)
    client = client_for(annotator)
    claim = client.post(reverse("next-task", kwargs={"project_id": project.pk})).json()
    response = client.post(reverse("task-annotations", kwargs={"task_id": claim["task"]["id"]}),
                           {"result": {"sentiment": "maybe"}, "status": "submitted", "lead_time": 3},
                           format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    options = ", ".join(TEXT_SCHEMA["labels"]["sentiment"]["options"])
    assert response.json() == {"result.sentiment": [f"必须是以下之一：{options}"]}


def test_conflicts_and_role_refusals_are_translated(client_for, annotator, base):
    project = ProjectFactory(organization=base, schema=TEXT_SCHEMA)
    response = client_for(annotator).patch(reverse("project-detail", kwargs={"project_id": project.pk}),
                                           {"name": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert response.json()["detail"] == "你在该机构中的角色不允许此操作。"
