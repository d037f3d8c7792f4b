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


def download(page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name, exact=True).click()
    return Path(info.value.path()).read_bytes()


def test_quality_dashboard_shows_agreement_and_reliability(page, live_server, seeded):
    project, _ = seeded
    login(page, live_server, "manager")
    page.get_by_role("link", name="Quality: Headlines").click()
    page.get_by_role("heading", name="Quality: Headlines").wait_for()

    reliability = page.get_by_role("table", name="Annotator reliability")
    rows = reliability.get_by_role("row")
    rows.filter(has_text="annotator2").wait_for()
    assert rows.count() == 3  # header + two annotators
    first = rows.filter(has=page.get_by_role("cell", name="annotator", exact=True))
    assert first.get_by_role("cell").nth(1).inner_text() == "4"
    assert first.get_by_role("cell").nth(2).inner_text() == "4"
    # 3 of 4 checked tasks were accepted automatically.
    page.get_by_role("img", name="Accepted automatically 75%, sent to review 25%").wait_for()
    page.get_by_role("img", name="Mean agreement per day:", exact=False).wait_for()
    confusion = page.get_by_role("table", name="Confusion between annotators: sentiment")
    # pos/neg disagreement once in each direction; the diagonal counts agreeing pairs twice.
    pos_row = confusion.get_by_role("row").filter(has=page.get_by_role("rowheader", name="pos"))
    assert [c.inner_text() for c in pos_row.get_by_role("cell").all()] == ["2", "1", "0"]
    shot(page, "release-quality-dashboard")

    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("heading", name="质量：Headlines").wait_for()
    page.get_by_role("table", name="标注员可靠性").wait_for()
    shot(page, "release-quality-dashboard-zh")
