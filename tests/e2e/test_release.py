"""A manager releases a project in the browser: the release is built by a real worker, its manifest
shows the record count and Merkle root, the JSONL and CSV downloads carry the accepted results, and
the quality report and value statement open. The project's quality dashboard shows the agreement
figures and the annotator reliability table.

The project is seeded through the services a real run uses: two annotators submit, the consistency
check accepts the tasks they agree on (writing their TaskOutcome), and one disputed task is fixed by
an expert (its outcome written with outcome_write, as the review queue does).
"""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from annotation.models import Annotation, Role, TaskStatus
from review.models import TaskOutcome
from review.services.consistency import consistency_check
from review.services.outcome import outcome_write
from tests.e2e.conftest import login, shot
from tests.factories import MembershipFactory, ProjectFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.e2e

SCHEMA = {
    "data": {"text": "text"},
    "labels": {"sentiment": {"type": "choice", "options": ["pos", "neg", "neu"], "required": True}},
}
# task text -> (annotator's answer, annotator2's answer)
ANSWERS = {
    "央行宣布下调存款准备金率": ("pos", "pos"),
    "Stocks fell sharply on Monday": ("neg", "neg"),
    "会议将于明天召开": ("neu", "neu"),
    "=HYPERLINK(\"http://x\") a formula-looking headline": ("pos", "neg"),
}
FIXED = "neg"  # the expert's answer for the disputed task


@pytest.fixture
def seeded(base, manager, annotator, annotator2):
    project = ProjectFactory(organization=base, name="Headlines", domain="news", schema=SCHEMA, overlap=2,
                             price_per_token=Decimal("0.01"))
    expert = UserFactory(username="expert")
    MembershipFactory(user=expert, organization=base, role=Role.REVIEWER)
    now = timezone.now()
    tasks = {}
    for text, answers in ANSWERS.items():
        task = TaskFactory(project=project, data={"text": text}, status=TaskStatus.COMPLETED, submitted_count=2)
        for user, answer in zip((annotator, annotator2), answers):
            Annotation.objects.create(task=task, annotator=user, result={"sentiment": answer},
                                      status=Annotation.Status.SUBMITTED, lead_time=6.0, submitted_at=now)
        consistency_check(task_id=task.pk)
        task.refresh_from_db()
        tasks[text] = task
    disputed = tasks["=HYPERLINK(\"http://x\") a formula-looking headline"]
    assert disputed.status == TaskStatus.IN_REVIEW
    assert all(t.status == TaskStatus.ACCEPTED for t in tasks.values() if t is not disputed)
    # The expert's fix, as the last review stage writes it.
    type(disputed).objects.filter(pk=disputed.pk).update(status=TaskStatus.ACCEPTED)
    outcome_write(task=disputed, result={"sentiment": FIXED}, source=TaskOutcome.Source.FIX,
                  annotators=[annotator.pk, annotator2.pk], decided_by=expert, decided_level=4,
                  reviews=[{"stage": 0, "reviewer": expert.pk, "username": "expert", "level": 4,
                            "decision": "fix", "at": now.isoformat()}])
    return project, tasks


def add_agreed_tasks(project, annotators, n: int) -> None:
    """n more tasks both annotators labelled alike (half pos, half neg), accepted by the check:
    enough answered records (20+) for the quality report's linear probe and its learning curve."""
    now = timezone.now()
    for i in range(n):
        answer, text = ("pos", f"好消息 {i}: profits rise, markets rally") if i % 2 else ("neg", f"坏消息 {i}: losses mount, markets crash")
        task = TaskFactory(project=project, data={"text": text}, status=TaskStatus.COMPLETED, submitted_count=2)
        for user in annotators:
            Annotation.objects.create(task=task, annotator=user, result={"sentiment": answer},
                                      status=Annotation.Status.SUBMITTED, lead_time=6.0, submitted_at=now)
        consistency_check(task_id=task.pk)


def download(page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name, exact=True).click()
    return Path(info.value.path()).read_bytes()


def test_quality_dashboard_shows_agreement_and_reliability(page, live_server, seeded, annotator, annotator2,
                                                          celery_worker):
    project, _ = seeded
    # A task that completed while the broker was down: never checked until the manager recomputes.
    unchecked = TaskFactory(project=project, data={"text": "迟到的任务"}, status=TaskStatus.COMPLETED,
                            submitted_count=2)
    for user in (annotator, annotator2):
        Annotation.objects.create(task=unchecked, annotator=user, result={"sentiment": "pos"},
                                  status=Annotation.Status.SUBMITTED, lead_time=6.0, submitted_at=timezone.now())
    login(page, live_server, "manager")
    page.get_by_role("link", name="Quality: Headlines").click()
    page.get_by_role("heading", name="Quality: Headlines").wait_for()

    reliability = page.get_by_role("table", name="Annotator reliability")
    rows = reliability.get_by_role("row")
    rows.filter(has_text="annotator2").wait_for()
    assert rows.count() == 3  # header + two annotators
    first = rows.filter(has=page.get_by_role("cell", name="annotator", exact=True))
    assert first.get_by_role("cell").nth(1).inner_text() == "5"  # submitted
    assert first.get_by_role("cell").nth(2).inner_text() == "4"  # tasks checked
    # 3 of 4 checked tasks were accepted automatically.
    page.get_by_role("img", name="Accepted automatically 75%, sent to review 25%").wait_for()
    page.get_by_role("img", name="Mean agreement per day:", exact=False).wait_for()
    confusion = page.get_by_role("table", name="Confusion between annotators: sentiment")
    # Every submitted pair counts (the unchecked task too): two pos/pos tasks, each pair counted in
    # both orders, and the disputed task's pos/neg once in each direction.
    pos_row = confusion.get_by_role("row").filter(has=page.get_by_role("rowheader", name="pos"))
    assert [c.inner_text() for c in pos_row.get_by_role("cell").all()] == ["4", "1", "0"]
    shot(page, "release-quality-dashboard")

    # Recompute runs in the real worker; the dashboard reloads with the task it checked.
    page.get_by_role("button", name="Recompute").click()
    page.get_by_role("status").filter(has_text="Finished.").wait_for(timeout=60_000)
    page.get_by_text("1 checked: 1 accepted, 0 sent to review.").wait_for()
    page.get_by_role("img", name="Accepted automatically 80%, sent to review 20%").wait_for()
    bar = page.get_by_role("progressbar", name="Recompute progress")
    assert bar.get_attribute("value") == bar.get_attribute("max")
    unchecked.refresh_from_db()
    assert unchecked.status == TaskStatus.ACCEPTED
    first.get_by_role("cell").nth(2).filter(has_text="5").wait_for()

    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("heading", name="质量：Headlines").wait_for()
    page.get_by_role("table", name="标注员可靠性").wait_for()
    shot(page, "release-quality-dashboard-zh")


def test_manager_releases_downloads_compares_and_reads_the_report(page, live_server, seeded, annotator, annotator2,
                                                                  celery_worker):
    from release.models import Release, ReleaseRecord
    from release.services.value import value_response

    project, tasks = seeded
    add_agreed_tasks(project, (annotator, annotator2), 24)  # 28 records in all: 27 auto, 1 fixed
    login(page, live_server, "manager")
    page.get_by_role("link", name="Releases: Headlines").click()
    page.get_by_role("heading", name="Releases: Headlines").wait_for()
    page.get_by_text("No releases yet.").wait_for()

    # A minimum agreement outside [0, 1] is refused before anything is sent.
    page.get_by_label("Minimum agreement (0–1)").fill("80")
    page.get_by_role("button", name="Create release").click()
    page.get_by_role("alert").filter(has_text="between 0 and 1").wait_for()
    assert not Release.objects.filter(project=project).exists()

    page.get_by_label("Minimum agreement (0–1)").fill("")
    page.get_by_label("Release name").fill("first cut")
    page.get_by_role("button", name="Create release").click()
    page.get_by_role("progressbar", name="Release progress").wait_for()
    # The real worker builds it; the page then opens the release.
    page.get_by_role("heading", name="Release v1 · Headlines").wait_for(timeout=90_000)
    page.get_by_text("This release is ready. It can no longer change.").wait_for(timeout=30_000)
    v1 = Release.objects.get(project=project, version=1)
    assert (v1.state, v1.name, v1.record_count) == (Release.State.READY, "first cut", 28)
    assert page.get_by_test_id("record-count").inner_text() == "28"
    assert page.get_by_test_id("merkle-root").inner_text() == v1.merkle_root
    page.get_by_role("img", name="Records by how they were accepted: auto 27, fix 1").wait_for()
    page.get_by_role("img", name="Bar chart of “sentiment”:", exact=False).wait_for()
    shot(page, "release-page")

    # JSONL: the stored, hashed lines; the disputed task carries the expert's fix.
    jsonl = download(page, "Download jsonl")
    lines = jsonl.decode("utf-8").splitlines()
    stored = list(ReleaseRecord.objects.filter(release=v1).order_by("seq").values_list("line", flat=True))
    assert lines == stored
    records = {r["data"]["text"]: r for r in map(json.loads, lines)}
    assert len(records) == 28 and set(ANSWERS) <= set(records)
    for text, (a, b) in ANSWERS.items():
        expected = a if a == b else FIXED
        assert records[text]["result"] == {"sentiment": expected}
    disputed = records["=HYPERLINK(\"http://x\") a formula-looking headline"]["provenance"]
    assert disputed["source"] == "fix"
    assert disputed["approved_by"]["username"] == "expert" and disputed["approved_by"]["level"] == 4

    # CSV: one row per record, and the formula-looking headline is disarmed.
    rows = list(csv.DictReader(io.StringIO(download(page, "Download csv").decode("utf-8"))))
    assert len(rows) == 28
    by_key = {r["key"]: r for r in rows}
    formula = next(r for r in rows if "HYPERLINK" in r["text"])
    assert formula["text"].startswith("'=")
    assert formula["sentiment"] == FIXED
    assert {r["sentiment"] for r in rows} == {"pos", "neg", "neu"}
    assert {t.import_key for t in tasks.values()} <= set(by_key)

    # Managers may ask for unmasked data; the page says it is audited.
    page.get_by_label("Unmasked (personal data as imported)").check()
    page.get_by_role("note").filter(has_text="recorded in the audit log").wait_for()
    assert "unmasked=1" in page.get_by_role("link", name="Download jsonl unmasked").get_attribute("href")
    page.get_by_label("Unmasked (personal data as imported)").uncheck()

    # A second release that leaves out the disputed task (its agreement is 0), compared with v1.
    page.get_by_role("link", name="← Releases of Headlines").click()
    page.get_by_label("Minimum agreement (0–1)").fill("0.9")
    page.get_by_role("button", name="Create release").click()
    page.get_by_role("heading", name="Release v2 · Headlines").wait_for(timeout=90_000)
    page.get_by_role("button", name="Compare").click()
    page.get_by_role("status").filter(has_text="Against v1: 0 added, 1 removed, 0 changed.").wait_for()
    page.get_by_text("Removed (1)").click()
    page.get_by_role("region", name="Differences").get_by_text(tasks["=HYPERLINK(\"http://x\") a formula-looking headline"].import_key).wait_for()
    assert Release.objects.get(project=project, version=2).record_count == 27
    shot(page, "release-diff")

    # The quality report of v1: computed by a job on first request, then shown by criterion.
    page.goto(f"{live_server.url}/releases/{v1.pk}/quality")
    page.get_by_role("heading", name="Structural integrity").wait_for()
    page.get_by_role("paragraph").filter(has_text="28 of 28 accepted results are valid").wait_for(timeout=180_000)
    for heading in ("Content diversity", "Annotation accuracy", "Model adaptability"):
        page.get_by_role("heading", name=heading).wait_for()
    page.get_by_role("heading", name="Distribution of “sentiment”").wait_for()
    page.get_by_role("img", name="Bar chart of “sentiment”: neg 14, pos 13, neu 1").wait_for()
    # The linear probe ran (24+ answered records): its learning curve at 10, 25, 50 and 100%.
    page.get_by_role("heading", name="Learning curve of “sentiment”").wait_for()
    curve = page.get_by_role("img", name="Learning curve of “sentiment”:", exact=False)
    points = curve.locator("circle")
    assert points.count() == 4
    shot(page, "release-quality-report")

    page.get_by_role("link", name="Value statement").click()
    page.get_by_role("heading", name="Contribution ledger").wait_for()
    v1.refresh_from_db()
    statement = value_response(v1.value_statement, price=project.price_per_token, currency="CNY")
    assert statement["value"] is not None
    assert statement["value"] in page.get_by_test_id("release-value").inner_text()
    ledger = page.get_by_role("table", name="Contribution ledger")
    for name in ("annotator", "annotator2", "expert"):
        ledger.get_by_role("cell", name=name, exact=True).wait_for()
    shot(page, "release-value")

    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("heading", name="贡献台账").wait_for()
    page.get_by_role("link", name="质量报告").click()
    page.get_by_role("heading", name="结构完整性").wait_for()
    shot(page, "release-quality-report-zh")


def test_reviewer_reads_and_downloads_but_cannot_release_or_unmask(page, live_server, seeded, manager, reviewer):
    from release.services.snapshot import release_build, release_create

    project, _ = seeded
    release = release_build(release=release_create(project=project, actor=manager, name="for review",
                                                   send=lambda job: None))
    assert release.state == "ready"
    login(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/projects/{project.pk}/releases")
    page.get_by_role("link", name="v1").click()
    page.get_by_role("heading", name="Release v1 · Headlines").wait_for()
    assert page.get_by_role("heading", name="New release").count() == 0
    lines = download(page, "Download jsonl").decode("utf-8").splitlines()
    assert len(lines) == 4
    assert page.get_by_label("Unmasked (personal data as imported)").count() == 0
    assert page.get_by_role("link", name="Download jsonl unmasked").count() == 0


def test_annotator_is_refused_the_release_pages(page, live_server, seeded, manager):
    from release.services.snapshot import release_build, release_create

    project, _ = seeded
    release = release_build(release=release_create(project=project, actor=manager, send=lambda job: None))
    login(page, live_server, "annotator")
    assert page.get_by_role("link", name="Releases: Headlines").count() == 0
    page.goto(f"{live_server.url}/releases/{release.pk}")
    page.get_by_role("alert").wait_for()
    assert page.get_by_role("heading", name="Release v1 · Headlines").count() == 0
    page.goto(f"{live_server.url}/projects/{project.pk}/quality")
    page.get_by_role("alert").wait_for()
    assert page.get_by_role("table", name="Annotator reliability").count() == 0
