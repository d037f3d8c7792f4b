"""Expert review and qualification in the browser.

Two annotators disagree on an overlap-2 choice task; a real worker runs the consistency check and
routes the task to an expert stage; a senior reviewer does not see it; the expert fixes it in the
review workspace; the task is accepted and the release export carries the expert's result and
level. Separately, an annotator takes an exam in the browser, passes and sees the new level.
"""
from __future__ import annotations

import json
import re

import pytest

from annotation.models import Role, Task, TaskStatus
from release.models import Release
from review.models import Certification, ReviewItem, TaskOutcome
from review.services.certification import certification_grant
from review.services.exams import exam_create
from tests.e2e.conftest import login, shot
from tests.factories import TEXT_SCHEMA, MembershipFactory, ProjectFactory, TaskFactory, UserFactory
from tests.worker import celery_worker, wait_for  # noqa: F401

pytestmark = pytest.mark.e2e

DOMAIN = "medicine"
TEXT = "患者自述头痛三天，服药后缓解。"


def person(base, username: str, role: str, *, level: int | None = None, by=None):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=base, role=role)
    if level is not None:
        certification_grant(organization=base, user=user, domain=DOMAIN, level=level, granted_by=by,
                            reason="e2e set-up")
    return user


def logout(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").wait_for()


def submit(client, project, task, sentiment: str) -> None:
    claimed = client.post(f"/api/v1/projects/{project.pk}/next-task/")
    assert claimed.status_code == 200 and claimed.json()["task"]["id"] == task.pk, claimed.content
    sent = client.post(f"/api/v1/tasks/{task.pk}/annotations/",
                       {"result": {"sentiment": sentiment}, "status": "submitted", "lead_time": 12.0}, format="json")
    assert sent.status_code == 201, sent.content


def export_records(client, release_id: int) -> list[dict]:
    response = client.get(f"/api/v1/releases/{release_id}/export/?format=jsonl")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [json.loads(line) for line in body.decode().splitlines() if line.strip()]


def take_exam(page, gold, answers: list[str]) -> None:
    """Start the exam from its card, answer each item in the workspace editor and finish."""
    page.get_by_role("button", name="Start Clinical sentiment").click()
    page.get_by_text("Answered 0 of 2").first.wait_for()
    for n, answer in enumerate(answers, start=1):
        page.get_by_text(f"Item {n}", exact=True).wait_for()
        page.get_by_text(gold[n - 1].data["text"]).wait_for()  # the task, never its answer
        page.get_by_role("group", name="sentiment").get_by_role("button", name=answer).click()
        page.get_by_role("button", name="Save answer and go on" if n < len(answers) else "Save answer").click()
        page.get_by_text(f"Answered {n} of 2").first.wait_for()
    shot(page, "exam-answered")
    page.get_by_role("button", name="Finish the exam").click()


@pytest.mark.worker
def test_an_expert_fixes_a_conflict_and_the_release_carries_the_expert_result_and_level(
        page, live_server, base, owner, annotator, annotator2, client_for, celery_worker):  # noqa: F811
    project = ProjectFactory(organization=base, name="Clinical notes", domain=DOMAIN, schema=TEXT_SCHEMA, overlap=2,
                             review_policy={"route": ["conflicts"], "stages": [{"min_level": 4}], "blind": True})
    task = TaskFactory(project=project, data={"text": TEXT})
    expert = person(base, "expert", Role.REVIEWER, level=4, by=owner)
    person(base, "senior", Role.REVIEWER, level=3, by=owner)

    # The annotators disagree; the worker checks the task and routes it to the expert stage.
    submit(client_for(annotator), project, task, "pos")
    submit(client_for(annotator2), project, task, "neg")
    item = wait_for(lambda: ReviewItem.objects.filter(task=task).first(), timeout=90,
                    what="the worker to route the task to review")
    assert item.min_level == 4
    assert Task.objects.get(pk=task.pk).status == TaskStatus.IN_REVIEW

    # A senior (level 3) reviewer does not see the expert stage.
    login(page, live_server, "senior")
    page.get_by_role("link", name="Review queue").click()
    page.get_by_text("Nothing is waiting for your level.").wait_for()
    shot(page, "review-senior-empty-queue")
    logout(page)

    # The expert takes it, sees the difference and fixes the result in the workspace editor.
    login(page, live_server, "expert")
    page.get_by_role("link", name="Review queue").click()
    queue = page.get_by_role("table", name="Review queue")
    queue.get_by_role("cell", name="Clinical notes · medicine").wait_for()
    assert "Level 4 · Expert" in queue.inner_text()
    page.get_by_role("button", name="Start reviewing").click()
    page.get_by_role("heading", name=f"Review task {task.pk}").wait_for()
    page.get_by_text(TEXT).first.wait_for()
    results = page.get_by_role("region", name="Annotations side by side")
    assert results.locator('[data-label="sentiment"][data-differs="true"]').count() == 2
    assert results.get_by_text("annotator", exact=True).count() == 0  # blind: no names
    assert page.get_by_role("region", name="Annotator 1").locator(".diff-only").inner_text().startswith("pos")
    shot(page, "review-expert-differences")

    page.keyboard.press("f")  # the F shortcut opens the fix
    fix = page.get_by_role("region", name="Fix the result")
    fix.get_by_label("Start from").select_option(label="Annotation 1")
    sentiment = fix.get_by_role("group", name="sentiment")
    assert sentiment.get_by_role("button", name="pos").get_attribute("aria-pressed") == "true"
    sentiment.get_by_role("button", name="neu").click()
    assert sentiment.get_by_role("button", name="neu").get_attribute("aria-pressed") == "true"
    fix.get_by_role("button", name="Submit the fixed result").click()
    page.get_by_text("Decision saved: fixed. The task is now Accepted.").wait_for()
    shot(page, "review-expert-fixed")

    outcome = TaskOutcome.objects.get(task=task)
    assert outcome.result["sentiment"] == "neu"
    assert outcome.source == "fix"
    assert (outcome.decided_by_id, outcome.decided_level, outcome.domain) == (expert.pk, 4, DOMAIN)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ACCEPTED

    # The release, built by the worker, exports the expert's result and level.
    manager_client = client_for(owner)
    created = manager_client.post(f"/api/v1/projects/{project.pk}/releases/", {"name": "v1"}, format="json")
    assert created.status_code == 202, created.content
    release_id = created.json()["release"]["id"]
    wait_for(lambda: Release.objects.filter(pk=release_id).exclude(state="building").exists(), timeout=90,
             what="the worker to build the release")
    assert Release.objects.get(pk=release_id).state == "ready"
    record = next(r for r in export_records(manager_client, release_id) if r["id"] == task.pk)
    assert record["result"]["sentiment"] == "neu"
    provenance = record["provenance"]
    assert provenance["source"] == "fix"
    assert provenance["approved_by"] == {"username": "expert", "level": 4, "domain": DOMAIN}
    assert [(r["username"], r["level"], r["decision"]) for r in provenance["reviews"]] == [("expert", 4, "fix")]
    assert sorted(a["username"] for a in provenance["annotators"]) == ["annotator", "annotator2"]


def test_an_annotator_passes_an_exam_in_the_browser_and_sees_the_new_level(page, live_server, base, manager):
    project = ProjectFactory(organization=base, name="Clinical notes", domain=DOMAIN, schema=TEXT_SCHEMA)
    gold = [TaskFactory(project=project, data={"text": text}, gold={"sentiment": answer})
            for text, answer in (("服药后明显好转。", "pos"), ("症状加重，需复诊。", "neg"))]
    exam = exam_create(project=project, name="Clinical sentiment", level_granted=2, pass_threshold=0.8,
                       max_attempts=2, retry_after_hours=0, task_ids=[t.pk for t in gold], created_by=manager)
    candidate = person(base, "annotator3", Role.ANNOTATOR)

    login(page, live_server, "annotator3")
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="Review queue").count() == 0  # annotators review nothing
    nav.get_by_role("link", name="Exams").click()
    # First attempt: the second item answered wrong, so it fails and shows the expected answer.
    take_exam(page, gold, ["pos", "pos"])
    page.get_by_text("Not passed", exact=True).wait_for()
    page.get_by_text("Score 50% (pass mark 80%)").wait_for()
    wrong = page.get_by_role("region", name="Items answered wrong")
    wrong.get_by_role("heading", name="Item 2 · Item score: 0%").wait_for()
    assert wrong.get_by_text(gold[1].data["text"]).count() == 1
    assert wrong.get_by_text("Item 1").count() == 0
    assert wrong.get_by_role("region", name="Your answer").inner_text().endswith("pos")
    assert wrong.get_by_role("region", name="Expected answer").inner_text().endswith("neg")
    shot(page, "exam-failed")
    page.get_by_role("link", name="Back to the exams").click()
    card = page.get_by_role("listitem", name="Clinical sentiment")
    card.get_by_text("1 of 2").wait_for()

    # Second attempt: both right.
    take_exam(page, gold, ["pos", "neg"])
    page.get_by_text("Passed", exact=True).wait_for()
    page.get_by_text("Every item was right.").wait_for()
    page.get_by_text("New certification: Level 2 · Annotator in medicine.").wait_for()
    shot(page, "exam-passed")

    page.get_by_role("link", name="See my certifications").click()
    row = page.get_by_role("table", name="My certifications").locator(f'tr[data-domain="{DOMAIN}"]')
    row.wait_for()
    assert "Level 2 · Annotator" in row.inner_text()
    assert "Exam" in row.inner_text()
    cert = Certification.objects.get(user=candidate, domain=DOMAIN, revoked_at__isnull=True)
    assert (cert.level, cert.granted_via, cert.exam_attempt.exam_id) == (2, "exam", exam.pk)


def test_an_expert_judges_reasoning_step_by_step_and_a_rejection_reaches_the_annotators_inbox(
        page, live_server, base, owner, annotator, annotator2):
    from tests.factories import COT_SCHEMA
    from tests.review.queue_helpers import reviewed_task

    project = ProjectFactory(organization=base, name="Maths reasoning", domain=DOMAIN, schema=COT_SCHEMA, overlap=2,
                             review_policy={"route": ["conflicts"], "stages": [{"min_level": 4}], "blind": True})
    data = {"question": "2 + 2 × 3 = ?", "response_a": "8", "response_b": "12"}
    first = {"reasoning": {"steps": ["2 × 3 = 6", "2 + 6 = 8"], "answer": "8"}, "better": "response_a"}
    second = {"reasoning": {"steps": ["2 + 2 = 4", "4 × 3 = 12"], "answer": "12"}, "better": "response_b"}
    cot_task, cot_item = reviewed_task(project, [annotator, annotator2], [first, second], data=data)
    other_task, other_item = reviewed_task(project, [annotator, annotator2], [first, second], data=data)
    assert cot_item is not None and other_item is not None
    person(base, "expert", Role.REVIEWER, level=4, by=owner)

    login(page, live_server, "expert")
    page.get_by_role("link", name="Review queue").click()
    page.get_by_role("button", name="Start reviewing").click()
    page.get_by_role("heading", name=f"Review task {cot_task.pk}").wait_for()

    # The reviewer judges the first annotator's reasoning, step by step and its answer.
    page.get_by_role("radiogroup", name="Result under review").get_by_role("radio", name="Annotator 1").check()
    cot = page.get_by_role("region", name="Step-by-step review: reasoning")
    cot.get_by_text("2 × 3 = 6").wait_for()
    cot.get_by_role("radiogroup", name="Verdict on step 1 of reasoning").get_by_role("radio", name="Correct", exact=True).check()
    page.get_by_role("button", name="Accept").click()  # one step and the answer are still unjudged
    page.get_by_role("alert").get_by_text("Give a verdict on every step and on the answer of: reasoning").wait_for()
    cot.get_by_role("radiogroup", name="Verdict on step 2 of reasoning").get_by_role("radio", name="Neutral").check()
    cot.get_by_role("textbox", name="Comment on step 2 of reasoning").fill("正确，但应说明运算顺序")
    cot.get_by_role("radiogroup", name="Verdict on the answer of reasoning").get_by_role("radio", name="Correct", exact=True).check()
    cot.get_by_text("2 correct · 0 incorrect · 1 neutral · 0 to judge").wait_for()
    shot(page, "review-cot-verdicts")
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("Decision saved: accepted. The task is now Accepted.").wait_for()

    outcome = TaskOutcome.objects.get(task=cot_task)
    assert outcome.result == first
    assert outcome.decided_level == 4
    assert outcome.cot_verdicts == {"reasoning": {
        "steps": [{"verdict": "correct"}, {"verdict": "neutral", "comment": "正确，但应说明运算顺序"}],
        "answer": {"verdict": "correct"}}}

    # The next item is rejected with a reason (R); the annotators read it in their inbox.
    page.get_by_role("button", name="Review the next item").click()
    page.get_by_role("heading", name=f"Review task {other_task.pk}").wait_for()
    page.keyboard.press("r")
    page.get_by_label("Reason for the annotators").fill("步骤顺序错误：先乘后加。")
    page.get_by_role("button", name="Reject with this reason").click()
    page.get_by_text("Decision saved: rejected. The task is now Open.").wait_for()
    assert Task.objects.get(pk=other_task.pk).status == TaskStatus.OPEN
    logout(page)

    login(page, live_server, "annotator")
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name="Inbox (1 unread)").click()
    message = page.get_by_role("listitem", name="Task rejected")
    message.get_by_text("步骤顺序错误：先乘后加。").wait_for()
    assert "From expert" in message.inner_text()
    assert message.get_by_role("link", name="Open Maths reasoning in the workspace").get_attribute("href") == \
        f"/projects/{project.pk}/annotate"
    message.get_by_role("button", name="Mark as read").click()
    message.get_by_text(re.compile(r"^Read \d")).wait_for()
    nav.get_by_role("link", name="Inbox", exact=True).wait_for()
    shot(page, "inbox-read")


def test_a_manager_grants_and_revokes_a_level_with_reasons(page, live_server, base, manager, reviewer):
    ProjectFactory(organization=base, name="Clinical notes", domain=DOMAIN)
    login(page, live_server, "manager")
    page.get_by_role("link", name="Base certifications").click()
    matrix = page.get_by_role("table", name="Levels by member and domain")
    matrix.get_by_role("columnheader", name=DOMAIN).wait_for()
    matrix.get_by_role("row", name="reviewer").get_by_role("cell", name="—", exact=True).wait_for()

    form = page.get_by_role("form", name="Grant a level")
    form.get_by_label("Member").select_option(label="reviewer")
    form.get_by_label("Domain").fill(DOMAIN)
    form.get_by_label("Level").select_option(label="Level 3 · Senior")
    form.get_by_label("Reason").fill("十年临床经验")
    form.get_by_role("button", name="Grant").click()
    page.get_by_text("reviewer now holds Level 3 · Senior in medicine.").wait_for()
    matrix.get_by_role("row", name="reviewer").get_by_text("Level 3 · Senior").wait_for()
    cert = Certification.objects.get(user=reviewer, domain=DOMAIN, revoked_at__isnull=True)
    assert (cert.level, cert.reason, cert.granted_by_id, cert.granted_via) == (3, "十年临床经验", manager.pk, "manual")

    page.get_by_role("button", name="Revoke Level 3 · Senior of reviewer in medicine").click()
    page.get_by_label("Reason for revoking reviewer in medicine").fill("left the project")
    page.get_by_role("button", name="Confirm revoking").click()
    page.get_by_text("Revoked reviewer in medicine.").wait_for()
    matrix.get_by_role("row", name="reviewer").get_by_role("cell", name="—", exact=True).wait_for()
    cert.refresh_from_db()
    assert cert.revoked_at is not None and cert.revoke_reason == "left the project"
    shot(page, "manager-certifications")

    history = page.get_by_role("table", name="History")
    history.get_by_role("cell", name="Revoked: left the project").wait_for()
    assert "十年临床经验" in history.inner_text() and "manager" in history.inner_text()

    # The same page in Chinese.
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("heading", name="各成员在各领域的级别").wait_for()
    page.get_by_role("table", name="历史记录").get_by_role("cell", name="已撤销：left the project").wait_for()
    page.get_by_role("link", name="我的认证").wait_for()
    page.get_by_role("button", name="授予").wait_for()
    shot(page, "manager-certifications-zh")


def test_an_expert_sees_box_differences_on_the_image_and_accepts_one_annotation_by_keyboard(
        page, live_server, base, owner, annotator, annotator2, media_root):
    from tests.e2e.helpers import png_bytes
    from tests.factories import IMAGE_SCHEMA
    from tests.review.queue_helpers import reviewed_task

    project = ProjectFactory(organization=base, name="Street scenes", domain=DOMAIN, schema=IMAGE_SCHEMA, overlap=2,
                             review_policy={"route": ["conflicts"], "stages": [{"min_level": 4}], "blind": True})
    (media_root / "street.png").write_bytes(png_bytes(400, 300))
    car = {"x": 60, "y": 60, "w": 100, "h": 70, "label": "car"}
    person_box = {"x": 220, "y": 140, "w": 100, "h": 100, "label": "person"}
    first = {"objects": [car]}
    second = {"objects": [{**car, "x": 62, "w": 99}, person_box]}  # the same car, and a person the first missed
    task, _item = reviewed_task(project, [annotator, annotator2], [first, second], data={"image": "street.png"},
                                media="street.png", media_width=400, media_height=300)
    assert _item is not None
    person(base, "expert", Role.REVIEWER, level=4, by=owner)

    login(page, live_server, "expert")
    page.goto(f"{live_server.url}/review")
    page.get_by_role("button", name="Start reviewing").click()
    page.get_by_role("heading", name=f"Review task {task.pk}").wait_for()
    second_drawing = page.get_by_role("img", name="objects of Annotator 2 on the image")
    second_drawing.wait_for()
    assert second_drawing.locator("rect").count() == 2
    assert second_drawing.locator("rect[style*='stroke-dasharray']").count() == 1  # only the person differs
    assert page.get_by_role("img", name="objects of Annotator 1 on the image").locator("rect").count() == 1
    shot(page, "review-boxes")

    page.keyboard.press("j")  # proposed result -> annotation 1
    page.keyboard.press("j")  # -> annotation 2
    radios = page.get_by_role("radiogroup", name="Result under review")
    assert radios.get_by_role("radio", name="Annotator 2").is_checked()
    page.keyboard.press("a")
    page.get_by_text("Decision saved: accepted. The task is now Accepted.").wait_for()
    outcome = TaskOutcome.objects.get(task=task)
    assert outcome.result == second and outcome.source == "review" and outcome.decided_level == 4
