"""Release refusals follow the caller's language (Accept-Language), field paths stay as they are."""
from __future__ import annotations

import pytest

from release.formats import FORMATS
from release.services.snapshot import release_create
from tests.factories import TaskFactory
from tests.release.builders import accept, build_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(project, manager, annotator):
    accept(TaskFactory(project=project), result={"sentiment": "pos"}, annotators=[annotator])
    return build_release(project, manager)


def test_an_unknown_export_format_is_refused_in_chinese(release, manager, client_for):
    response = client_for(manager).get(f"/api/v1/releases/{release.pk}/export/", {"format": "parquet"},
                                       HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json() == {"format": [f"未知格式；可选：{', '.join(sorted(FORMATS))}"]}


def test_a_release_not_ready_is_a_409_in_chinese(project, release, manager, client_for):
    building = release_create(project=project, actor=manager, send=lambda job: None)
    client = client_for(manager)
    export = client.get(f"/api/v1/releases/{building.pk}/export/", {"format": "jsonl"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert export.status_code == 409 and export.json()["state"] == "building"
    assert export.json()["detail"] == "该发布版本的状态为 building；只有就绪的发布版本才能导出。"
    report = client.get(f"/api/v1/releases/{building.pk}/quality/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert report.status_code == 409
    assert report.json()["detail"] == "该发布版本尚未就绪；就绪后才会计算其报告。"
    diff = client.get(f"/api/v1/releases/{release.pk}/diff/", {"against": building.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert diff.status_code == 400
    assert diff.json() == {"against": [f"发布版本 {building.pk} 的状态为 building，尚未就绪"]}


def test_bad_diff_parameters_and_release_filters_are_refused_in_chinese(project, release, manager, client_for):
    client = client_for(manager)
    diff = client.get(f"/api/v1/releases/{release.pk}/diff/", {"against": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert diff.status_code == 400 and diff.json() == {"against": ["必须是整数"]}
    diff = client.get(f"/api/v1/releases/{release.pk}/diff/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert diff.json() == {"against": ["此参数为必填项。"]}
    created = client.post(f"/api/v1/projects/{project.pk}/releases/", {"filters": {"sources": ["bogus"]}},
                          format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert created.status_code == 400
    assert created.json() == {"filters.sources.0": ["“bogus” 不是合法选项。"]}
