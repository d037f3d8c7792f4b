"""The language switch, and a manager who creates a project and imports a file."""
from __future__ import annotations

import json

import pytest

from annotation.models import Project, Role, Task
from tests.e2e.conftest import PASSWORD, login, shot
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e


def test_language_switch_shows_chinese(page, live_server, base, annotator):
    page.goto(live_server.url + "/")
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("heading", name="登录").wait_for()
    page.get_by_label("用户名").fill("annotator")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="项目").wait_for()
    assert page.get_by_role("button", name="退出登录").is_visible()
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    shot(page, "language-chinese")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("heading", name="Projects").wait_for()


def test_wrong_password_is_reported(page, live_server, base, annotator):
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill("annotator")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").wait_for()
    shot(page, "login-error")


def test_manager_creates_a_project_and_imports_a_file(page, live_server, base, tmp_path, eager_jobs):
    manager = UserFactory(username="manager")
    MembershipFactory(user=manager, organization=base, role=Role.MANAGER)
    login(page, live_server, "manager")
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Name", exact=True).fill("Imported headlines")
    page.get_by_label("Domain").fill("news")
    page.get_by_label("Instructions").fill("Label the tone of each headline.")
    page.get_by_text("Schema is valid.").wait_for()
    page.get_by_role("region", name="Preview").get_by_role("button", name="pos").wait_for()
    shot(page, "manager-project-form")
    page.get_by_role("button", name="Create project").click()

    page.get_by_role("heading", name="Import tasks: Imported headlines").wait_for()
    rows = [{"text": f"第{i}条新闻 headline {i}"} for i in range(5)]
    upload = tmp_path / "headlines.jsonl"
    upload.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    page.get_by_label("File to import").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_text("Import finished").wait_for(timeout=30_000)
    bar = page.get_by_role("progressbar", name="Import progress")
    assert bar.get_attribute("value") == bar.get_attribute("max")
    shot(page, "manager-import-finished")

    project = Project.objects.get(name="Imported headlines")
    assert project.organization_id == base.id
    assert project.instructions == "Label the tone of each headline."
    assert Task.objects.filter(project=project).count() == 5
