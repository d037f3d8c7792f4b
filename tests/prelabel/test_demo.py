"""The pre-labeling side of the demo: the text projects the built-in model can serve get a
pre-label job once the load commits (the worker ``make demo`` starts runs it) and the flywheel on;
the tasks the review side accepts while loading start one retrain; loading again starts nothing more."""
from __future__ import annotations

import pytest

from annotation.demo.load import demo_load
from annotation.models import Job, Project
from config.celery import app as celery_app
from prelabel.demo import DEMO_RETRAIN_EVERY
from prelabel.engine import default_specs
from tests.prelabel.queue import empty_prelabel_queue  # noqa: F401


@pytest.fixture
def no_default_messages():
    yield
    celery_app.control.purge()  # what the review side queued on commit


def test_the_demo_queues_one_prelabel_job_per_text_project_the_model_serves(
        db, settings, tmp_path, django_capture_on_commit_callbacks, empty_prelabel_queue,  # noqa: F811
        no_default_messages):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()
    served = {p.pk for p in Project.objects.all() if default_specs(p.parsed_schema)}
    assert served, "the demo has text projects with choice labels"
    jobs = Job.objects.filter(kind="prelabel")
    assert sorted(jobs.values_list("project_id", flat=True)) == sorted(served)
    assert {job.state for job in jobs} == {Job.State.QUEUED}
    for project in Project.objects.filter(pk__in=served):
        assert project.prelabel == {"retrain_every": DEMO_RETRAIN_EVERY}
        job = jobs.get(project=project)
        assert job.progress_total > 0  # its open tasks
    # the review side accepts tasks while loading (through the real consistency check and
    # outcome_write): a project with at least ten accepted gets one retrain from the flywheel
    retrains = list(Job.objects.filter(kind="retrain"))
    assert retrains, "the demo accepts enough headlines to turn the flywheel"
    assert len({j.project_id for j in retrains}) == len(retrains) and {j.project_id for j in retrains} <= served
    assert all(j.params["trigger"] == "flywheel" and j.params["accepted"] >= DEMO_RETRAIN_EVERY for j in retrains)

    with django_capture_on_commit_callbacks(execute=True):
        demo_load()
    assert Job.objects.filter(kind="prelabel").count() == len(served)
    assert Job.objects.filter(kind="retrain").count() == len(retrains)
