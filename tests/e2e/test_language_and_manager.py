"""The language switch, and a manager who creates a project and imports a file."""
from __future__ import annotations

import json

import pytest

from annotation.models import Project, Role, Task
from tests.e2e.conftest import PASSWORD, login, shot
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e


def test_language_switch_shows_chinese(page, live_server, base, annotator):
    from tests.factories import TEXT_SCHEMA, ProjectFactory, TaskFactory

    project = ProjectFactory(organization=base, name="新闻情感 News", schema=TEXT_SCHEMA, instructions="按标题的语气选择情感。")
    TaskFactory(project=project, data={"text": "央行宣布下调存款准备金率"})
    page.goto(live_server.url + "/")
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("heading", name="登录").wait_for()
    page.get_by_label("用户名").fill("annotator")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="项目").wait_for()
    assert page.get_by_role("button", name="退出登录").is_visible()
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    page.get_by_role("link", name="开始标注: 新闻情感 News").click()
    page.get_by_role("button", name="提交").wait_for()
    page.get_by_role("button", name="标注说明").click()
    page.get_by_role("dialog", name="标注说明").get_by_text("按标题的语气选择情感。").wait_for()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    page.get_by_role("dialog", name="键盘快捷键").get_by_text("提交标注").wait_for()
    page.keyboard.press("Escape")
    shot(page, "language-chinese-workspace")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="Submit").wait_for()


def test_wrong_password_is_reported(page, live_server, base, annotator):
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill("annotator")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").wait_for()
    shot(page, "login-error")


def test_manager_creates_a_project_and_imports_a_file(page, live_server, base, tmp_path, celery_worker):
    # The import job runs in a real worker process, as in production.
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

    page.goto(f"{live_server.url}/projects/{project.id}/edit")
    page.get_by_role("heading", name="Edit project: Imported headlines").wait_for()
    page.get_by_label("Instructions").fill("Label the tone; ignore the source.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    project.refresh_from_db()
    assert project.instructions == "Label the tone; ignore the source."


def test_requests_carry_the_chosen_language(page, live_server, base, annotator):
    languages: list[str] = []
    page.on("request", lambda r: languages.append(r.headers.get("accept-language", "")) if "/api/v1/auth/login/" in r.url else None)
    page.goto(live_server.url + "/")
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_label("用户名").fill("annotator")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("alert").wait_for()
    assert languages == ["zh-hans"]


def test_manager_filters_tasks_sees_progress_and_manages_members(page, live_server, base, manager, annotator):
    from annotation.models import Membership
    from tests.factories import ProjectFactory, TaskFactory, UserFactory

    project = ProjectFactory(organization=base, name="Managed")
    for i in range(3):
        TaskFactory(project=project, data={"text": f"open task {i}"})
    TaskFactory(project=project, data={"text": "finished task"}, status="completed")
    UserFactory(username="newcomer")
    login(page, live_server, "manager")

    page.get_by_role("link", name="Tasks: Managed").click()
    page.get_by_text("Tasks found: 4").wait_for()
    page.get_by_label("Status").select_option("completed")
    page.get_by_text("Tasks found: 1").wait_for()
    page.get_by_text("finished task").wait_for()
    assert page.get_by_text("open task 0").count() == 0
    shot(page, "manager-task-list")

    page.goto(f"{live_server.url}/projects/{project.id}/progress")
    page.get_by_text("Total tasks: 4").wait_for()
    page.get_by_text("25% done").first.wait_for()
    shot(page, "manager-progress")

    page.goto(f"{live_server.url}/organizations/{base.id}/members")
    page.get_by_label("Role of annotator").wait_for()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_role("button", name="Add member").click()
    page.get_by_label("Role of newcomer").select_option("reviewer")
    page.get_by_role("button", name="Remove annotator").wait_for()
    shot(page, "manager-members")
    membership = Membership.objects.get(organization=base, user__username="newcomer")
    for _ in range(50):
        membership.refresh_from_db()
        if membership.role == Role.REVIEWER:
            break
        page.wait_for_timeout(100)
    assert membership.role == Role.REVIEWER
