"""The pre-labeling page and the workspace's fast path, in a real browser with a real worker.

A manager starts pre-labeling a small text project and watches the progress bar reach the end;
an annotator accepts a suggestion with one key; the manager then reads the built-in version's
acceptance rate in the versions table, retrains on submitted labels and sets the flywheel. An annotator opening a task that has no suggestion gets one
from the fast path, pre-filled, without doing anything."""
from __future__ import annotations

import pytest

from annotation.models import Annotation, Job, Prediction, TaskStatus
from prelabel.models import BUILTIN_VERSION, ModelVersion
from prelabel.services import prelabel_job_create
from tests.e2e.conftest import login, shot
from tests.factories import TEXT_SCHEMA, ProjectFactory, TaskFactory
from tests.prelabel.queue import empty_prelabel_queue  # noqa: F401
from tests.prelabel.test_prelabel_job import COOKING, SPORTS, TOY_SCHEMA
from tests.worker import celery_worker, wait_for  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.worker]

HEADLINES = ["The striker scored twice in the final.", "Stocks fell sharply after the report.",
             "A new clinic opens in the city centre.", "Fans cheered the champions at the parade."]


def test_manager_prelabels_then_sees_the_acceptance_rate(page, browser, live_server, base, manager, annotator,
                                                          celery_worker, empty_prelabel_queue):  # noqa: F811
    project = ProjectFactory(organization=base, name="Headlines", schema=TEXT_SCHEMA)
    for text in HEADLINES:
        TaskFactory(project=project, data={"text": text})

    login(page, live_server, "manager")
    page.get_by_role("link", name="Pre-labeling: Headlines").click()
    page.get_by_role("heading", name="Pre-labeling · Headlines").wait_for()
    page.get_by_role("button", name="Start pre-labeling").click()
    bar = page.get_by_role("progressbar", name="Pre-labeling progress")
    bar.wait_for()
    page.get_by_text("Suggestions written: 4 ").wait_for(timeout=120_000)
    assert bar.get_attribute("value") == bar.get_attribute("max")
    assert Job.objects.get(project=project, kind="prelabel").state == Job.State.SUCCEEDED
    assert Prediction.objects.filter(task__project=project, model_version=BUILTIN_VERSION).count() == 4
    row = page.locator(f'tr[data-version="{BUILTIN_VERSION}"]')
    assert row.locator('[data-col="acceptance"]').inner_text() == "—"
    shot(page, "prelabel-finished")

    work = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        annotator_page = work.new_page()
        login(annotator_page, live_server, "annotator")
        annotator_page.goto(f"{live_server.url}/projects/{project.id}/annotate")
        annotator_page.get_by_text("Model suggestion pre-filled").wait_for()
        annotator_page.keyboard.press("a")  # accept the suggestion as a whole and submit
        annotator_page.get_by_text("Submitted task #").wait_for()
    finally:
        work.close()
    accepted = Annotation.objects.get(annotator=annotator, status=Annotation.Status.SUBMITTED)
    assert accepted.prediction is not None and accepted.prediction.model_version == BUILTIN_VERSION
    assert accepted.result == accepted.prediction.result

    page.reload()
    row.wait_for()
    assert row.locator('[data-col="acceptance"]').inner_text() == "100% (1/1)"
    assert "Active" in row.inner_text()
    shot(page, "prelabel-acceptance-rate")


def test_a_task_without_a_suggestion_gets_one_from_the_fast_path(page, live_server, base, annotator,
                                                                 celery_worker, empty_prelabel_queue):  # noqa: F811
    project = ProjectFactory(organization=base, name="Fresh", schema=TEXT_SCHEMA)
    task = TaskFactory(project=project, data={"text": "The goalkeeper saved a penalty in the derby."})
    login(page, live_server, "annotator")
    page.goto(f"{live_server.url}/projects/{project.id}/annotate")
    page.get_by_text("The goalkeeper saved a penalty").first.wait_for()
    page.get_by_text("Model suggestion pre-filled").wait_for(timeout=20_000)
    [prediction] = Prediction.objects.filter(task=task)
    assert prediction.model_version == BUILTIN_VERSION
    option = prediction.result["sentiment"]
    assert page.get_by_role("button", name=option, exact=True).first.get_attribute("aria-pressed") == "true"
    shot(page, "workspace-fast-path")


def test_manager_retrains_and_sets_the_flywheel(page, live_server, base, manager, annotator, celery_worker,
                                                empty_prelabel_queue):  # noqa: F811
    project = ProjectFactory(organization=base, name="Sports or cooking", schema=TOY_SCHEMA)
    for text, answer in [(t, "alpha") for t in SPORTS] + [(t, "beta") for t in COOKING]:
        task = TaskFactory(project=project, data={"text": text}, status=TaskStatus.COMPLETED)
        Annotation.objects.create(task=task, annotator=annotator, result={"group": answer},
                                  status=Annotation.Status.SUBMITTED)
    TaskFactory(project=project, data={"text": "The sprinter won gold in the relay."})

    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/projects/{project.id}/prelabel")
    page.get_by_role("button", name="Retrain now").click()
    page.get_by_text("registered and active").wait_for(timeout=180_000)
    new = ModelVersion.objects.get(project=project, is_active=True)
    assert new.kind == "embedding_head" and new.version != BUILTIN_VERSION
    row = page.locator(f'tr[data-version="{new.version}"]')
    row.wait_for()
    assert "Active" in row.inner_text() and "group: 100%" in row.inner_text()
    # the retrain queued a pre-label job with the new version; the page follows it to the end
    page.get_by_text("Suggestions written: 1 ").wait_for(timeout=120_000)
    assert Prediction.objects.filter(model_version=new.version).count() == 1

    page.get_by_label("Retrain after every N newly accepted tasks").fill("0")
    page.get_by_role("button", name="Save setting").click()
    page.get_by_text("Enter a number from 1 to 1000000.").wait_for()
    page.get_by_label("Retrain after every N newly accepted tasks").fill("25")
    page.get_by_role("button", name="Save setting").click()
    page.get_by_text("Saved.").wait_for()
    project.refresh_from_db()
    assert project.prelabel == {"retrain_every": 25}
    shot(page, "prelabel-retrained")


def test_the_page_follows_a_job_started_elsewhere_and_cancels_it(page, live_server, base, manager):
    project = ProjectFactory(organization=base, name="Waiting", schema=TEXT_SCHEMA)
    TaskFactory(project=project, data={"text": "Nobody has pre-labeled me yet."})
    job = prelabel_job_create(project=project, actor=manager)  # created, never sent: it waits
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/projects/{project.id}/prelabel")
    page.get_by_text("Waiting for a worker…").wait_for()
    page.get_by_role("progressbar", name="Pre-labeling progress").wait_for()
    page.get_by_role("button", name="Cancel job").click()
    page.get_by_text("Cancelled.").wait_for()
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    assert page.get_by_role("button", name="Cancel job").count() == 0
