"""Pre-label refusals follow the caller's language (Accept-Language), field paths stay as they are."""
from __future__ import annotations

import pytest

from prelabel.services.flywheel import MAX_RETRAIN_EVERY

pytestmark = pytest.mark.django_db


def test_a_bad_retrain_every_is_refused_in_chinese_and_english(project, manager, client_for):
    client = client_for(manager)
    url = f"/api/v1/projects/{project.pk}/"
    for language, message in (
        ("en", f"A whole number of accepted tasks from 1 to {MAX_RETRAIN_EVERY}, or null for never."),
        ("zh-hans", f"必须是 1 到 {MAX_RETRAIN_EVERY} 之间的已通过任务数（整数），或为 null 表示从不。"),
    ):
        response = client.patch(url, {"prelabel": {"retrain_every": 0}}, format="json",
                                HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        assert response.json() == {"prelabel.retrain_every": [message]}
    unknown = client.patch(url, {"prelabel": {"model": "x"}}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert unknown.json() == {"prelabel.model": ["未知设置；可用设置：retrain_every。"]}
    project.refresh_from_db()
    assert project.prelabel == {}


def test_registering_a_model_for_an_unknown_label_is_refused_in_chinese(project, manager, client_for):
    response = client_for(manager).post(f"/api/v1/projects/{project.pk}/model-versions/",
                                        {"label": "nothing", "kind": "text_classification", "path": "/tmp"},
                                        format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json() == {"label": ["标注方案中没有标签 'nothing'。"]}


def test_retraining_a_label_that_is_not_a_choice_is_refused_in_chinese(project, manager, client_for):
    response = client_for(manager).post(f"/api/v1/projects/{project.pk}/retrain/", {"label": "note", "x": 1},
                                        format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and response.json() == {"x": ["未知字段。"]}
    response = client_for(manager).post(f"/api/v1/projects/{project.pk}/retrain/", {"label": "note"},
                                        format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json() == {"retrain": ["'note' 不是本项目的单选或多选标签。"]}
