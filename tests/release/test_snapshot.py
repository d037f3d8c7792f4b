"""Building a release: what it snapshots, its records and manifest, resuming, and immutability."""
from __future__ import annotations

import hashlib
import json

import pytest

from annotation.models import AuditEvent, Job, TaskStatus
from release import merkle
from release.models import Release, ReleaseImmutable, ReleaseRecord
from release.services import snapshot
from release.tasks import release_build_run
from tests.factories import ProjectFactory, TaskFactory
from tests.release.builders import accept, build_release, review_entry
from tests.worker import celery_worker, wait_for  # noqa: F401


@pytest.fixture
def accepted(project, annotator, annotator2, reviewer):
    """Four tasks: auto-accepted (two annotators from a model's suggestion), fixed in review by a
    level-4 reviewer, accepted in review, and one still open that no release may contain."""
    tasks = [TaskFactory(project=project) for _ in range(4)]
    accept(tasks[0], result={"sentiment": "pos"}, annotators=[annotator, annotator2], suggestion="minilm-head@3",
           agreement=1.0)
    accept(tasks[1], result={"sentiment": "neg", "topics": ["finance"]}, annotators=[annotator], source="fix",
           reviews=[review_entry(reviewer, level=4, decision="fix")], decided_by=reviewer, level=4, agreement=0.5)
    accept(tasks[2], result={"sentiment": "neg"}, annotators=[annotator2], source="review",
           reviews=[review_entry(reviewer, level=3)], decided_by=reviewer, level=3)
    return tasks


def records_of(release: Release) -> list[ReleaseRecord]:
    return list(release.records.order_by("seq"))


def test_a_release_snapshots_accepted_tasks_in_id_order_with_hashed_canonical_lines(project, manager, accepted):
    release = build_release(project, manager, name="first", note="for the buyer")
    assert release.state == Release.State.READY and release.version == 1 and release.record_count == 3
    rows = records_of(release)
    assert [r.task_id for r in rows] == [t.pk for t in accepted[:3]]
    assert [r.seq for r in rows] == [0, 1, 2]
    for row in rows:
        record = json.loads(row.line)
        assert row.line == json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert row.sha256 == hashlib.sha256(row.line.encode()).hexdigest()
        assert row.key == record["key"] == accepted[[t.pk for t in accepted].index(row.task_id)].import_key
    leaves = [bytes.fromhex(r.sha256) for r in rows]
    assert release.merkle_root == merkle.root(leaves).hex() == release.manifest["merkle_root"]


def test_open_tasks_and_accepted_tasks_without_an_outcome_stay_out(project, manager, accepted):
    accepted[3].status = TaskStatus.ACCEPTED  # accepted but no outcome yet: not releasable
    accepted[3].save()
    release = build_release(project, manager)
    assert accepted[3].pk not in {r.task_id for r in records_of(release)}


def test_the_manifest_sums_up_the_release(project, manager, accepted, reviewer):
    project.instructions = "Label the overall sentiment."
    project.save()
    manifest = build_release(project, manager).manifest
    assert manifest["counts"] == {"records": 3, "by_source": {"auto": 1, "fix": 1, "review": 1}, "annotators": 2}
    assert manifest["label_distribution"]["sentiment"] == {"type": "choice", "records": 3,
                                                           "values": {"neg": 2, "pos": 1}}
    assert manifest["label_distribution"]["topics"]["values"] == {"finance": 1}
    assert manifest["schema"] == project.schema
    assert manifest["schema_sha256"] == hashlib.sha256(
        json.dumps(project.schema, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert manifest["guideline_sha256"] == hashlib.sha256(b"Label the overall sentiment.").hexdigest()
    assert manifest["model_versions"] == {"minilm-head@3": 1}
    assert manifest["reviewers"] == [{"id": reviewer.pk, "username": "reviewer", "levels": [3, 4], "level": 4,
                                      "decisions": {"fix": 1, "accept": 1}}]
    assert manifest["agreement"] == {"mean": 0.75, "min": 0.5, "records_with_agreement": 2}
    assert manifest["tokens"] is None
    assert manifest["merkle"]["size"] == 3


def test_release_creation_and_completion_are_audited_and_the_chain_head_is_recorded(project, manager, accepted):
    release = build_release(project, manager)
    events = list(AuditEvent.objects.filter(organization=project.organization).order_by("seq"))
    created = next(e for e in events if e.action == "release.create")
    ready = next(e for e in events if e.action == "release.ready")
    assert created.object_id == ready.object_id == str(release.pk)
    assert ready.data["merkle_root"] == release.merkle_root
    before_ready = [e for e in events if e.seq < ready.seq][-1]
    assert release.audit_head == before_ready.digest
    assert release.manifest["audit_head"] == {"seq": before_ready.seq, "digest": before_ready.digest}


def test_versions_count_up_per_project(project, manager, accepted, base):
    assert [build_release(project, manager).version for _ in range(2)] == [1, 2]
    other = ProjectFactory(organization=base)
    accept(TaskFactory(project=other), result={"sentiment": "pos"}, annotators=[manager])
    assert build_release(other, manager).version == 1


def test_filters_select_by_source_agreement_and_task_ids(project, manager, accepted):
    by_source = build_release(project, manager, filters={"sources": ["fix", "review"]})
    assert [r.task_id for r in records_of(by_source)] == [accepted[1].pk, accepted[2].pk]
    by_agreement = build_release(project, manager, filters={"min_agreement": 0.8})
    assert [r.task_id for r in records_of(by_agreement)] == [accepted[0].pk]
    by_id = build_release(project, manager, filters={"task_ids": [accepted[2].pk, accepted[3].pk]})
    assert [r.task_id for r in records_of(by_id)] == [accepted[2].pk]


def test_personal_data_is_masked_in_the_stored_line(project, manager):
    task = TaskFactory(project=project, data={"text": "Call 13812345678 now"},
                       pii=[{"field": "text", "kind": "mobile", "start": 5, "end": 16}])
    accept(task, result={"sentiment": "neu"}, annotators=[manager])
    line = json.loads(records_of(build_release(project, manager))[0].line)
    assert line["data"] == {"text": "Call *********** now"}


def test_an_interrupted_build_resumes_after_its_last_record(project, manager, annotator, monkeypatch):
    tasks = [TaskFactory(project=project) for _ in range(7)]
    for task in tasks:
        accept(task, result={"sentiment": "pos"}, annotators=[annotator])
    monkeypatch.setattr(snapshot, "CHUNK", 3)
    release = snapshot.release_create(project=project, actor=manager, send=lambda job: None)
    assert snapshot._write_chunk(release.pk, project.pk, {}) == 3  # then the worker dies
    release = snapshot.release_build(release=release, job_id=release.job_id)
    rows = records_of(release)
    assert [r.seq for r in rows] == list(range(7)) and [r.task_id for r in rows] == [t.pk for t in tasks]
    assert Job.objects.get(pk=release.job_id).progress_done == 7
    again = snapshot.release_build(release=release, job_id=release.job_id)  # a redelivered message
    assert again.record_count == 7 and release.records.count() == 7


def test_the_worker_task_builds_once_and_ignores_a_redelivery(project, manager, accepted):
    release = snapshot.release_create(project=project, actor=manager, send=lambda job: None)
    release_build_run(release.job_id)
    release_build_run(release.job_id)
    release.refresh_from_db()
    job = Job.objects.get(pk=release.job_id)
    assert release.state == "ready" and job.state == "succeeded"
    assert job.result == {"release": release.pk, "version": 1, "records": 3, "merkle_root": release.merkle_root}
    assert AuditEvent.objects.filter(action="release.ready").count() == 1


def test_a_release_with_nothing_to_release_fails_with_a_reason(project, manager):
    release = snapshot.release_create(project=project, actor=manager, send=lambda job: None)
    release_build_run(release.job_id)
    release.refresh_from_db()
    assert release.state == "failed" and "No accepted task" in release.error
    assert Job.objects.get(pk=release.job_id).state == "failed"
    assert AuditEvent.objects.filter(action="release.failed", object_id=str(release.pk)).exists()


# -- immutability ---------------------------------------------------------------------------------

def test_a_ready_release_refuses_every_change(project, manager, accepted):
    release = build_release(project, manager)
    release.note = "rewritten"
    with pytest.raises(ReleaseImmutable):
        release.save()
    with pytest.raises(ReleaseImmutable):
        Release.objects.filter(pk=release.pk).update(merkle_root="0" * 64)
    with pytest.raises(ReleaseImmutable):
        Release.objects.filter(pk=release.pk).update(state=Release.State.BUILDING)
    with pytest.raises(ReleaseImmutable):
        release.delete()
    release.refresh_from_db()
    assert release.note == "" and release.state == "ready"


def test_records_are_written_once(project, manager, accepted):
    record = records_of(build_release(project, manager))[0]
    record.line = "{}"
    with pytest.raises(ReleaseImmutable):
        record.save()
    with pytest.raises(ReleaseImmutable):
        ReleaseRecord.objects.filter(pk=record.pk).update(line="{}")
    assert json.loads(ReleaseRecord.objects.get(pk=record.pk).line)["id"] == record.task_id


def test_the_report_can_still_fill_its_fields_on_a_ready_release(project, manager, accepted):
    release = build_release(project, manager)
    release.quality_report = {"structural": {}}
    release.save(update_fields=["quality_report"])
    Release.objects.filter(pk=release.pk).update(value_statement={"value": "1.00"})
    release.refresh_from_db()
    assert release.quality_report == {"structural": {}} and release.value_statement == {"value": "1.00"}


def test_the_api_has_no_route_that_edits_or_deletes_a_release(project, manager, accepted, client_for):
    release = build_release(project, manager)
    client = client_for(manager)
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(f"/api/v1/releases/{release.pk}/", {"note": "x"}, format="json")
        assert response.status_code == 405
    release.refresh_from_db()
    assert release.note == "" and release.state == "ready"


def test_the_database_keeps_one_record_per_task_and_position(project, manager, accepted):
    from django.db import IntegrityError, transaction

    release = build_release(project, manager)
    row = records_of(release)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseRecord.objects.create(release=release, seq=99, task_id=row.task_id, key="k", sha256="0", line="{}")


# -- the create route -----------------------------------------------------------------------------

def test_creating_a_release_answers_202_with_the_release_and_its_queued_job(project, manager, accepted, client_for,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as sent:
        response = client_for(manager).post(f"/api/v1/projects/{project.pk}/releases/",
                                            {"name": "spring", "note": "first delivery",
                                             "filters": {"statuses": ["accepted"], "min_agreement": 0.4}},
                                            format="json")
    assert response.status_code == 202 and len(sent) == 1
    body = response.json()
    assert body["release"]["state"] == "building" and body["release"]["version"] == 1
    assert body["release"]["filters"] == {"statuses": ["accepted"], "min_agreement": 0.4}
    assert body["job"]["kind"] == "release" and body["job"]["state"] == "queued"
    assert body["job"]["progress_total"] == 2
    assert Release.objects.get(pk=body["release"]["id"]).job_id == body["job"]["id"]


@pytest.mark.parametrize("payload, field", [
    ({"filters": {"min_agreement": 2}}, "filters.min_agreement"),
    ({"filters": {"statuses": ["open"]}}, "filters.statuses.0"),
    ({"filters": {"sources": ["magic"]}}, "filters.sources.0"),
    ({"filters": {"task_ids": ["x"]}}, "filters.task_ids.0"),
    ({"filters": {"colour": "red"}}, "filters.colour"),
    ({"title": "x"}, "title"),
])
def test_bad_input_is_a_400_naming_the_field_and_creates_nothing(project, manager, client_for, payload, field):
    response = client_for(manager).post(f"/api/v1/projects/{project.pk}/releases/", payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Release.objects.exists() and not Job.objects.filter(kind="release").exists()


def test_detail_lists_the_formats_that_fit_the_schema(project, manager, accepted, client_for):
    release = build_release(project, manager)
    body = client_for(manager).get(f"/api/v1/releases/{release.pk}/").json()
    names = {f["name"] for f in body["formats"]}
    assert {"jsonl", "csv"} <= names
    assert body["merkle_root"] == release.merkle_root and body["record_count"] == 3
    assert body["created_by"] == {"id": manager.pk, "username": "manager"}
    listed = client_for(manager).get(f"/api/v1/projects/{project.pk}/releases/").json()
    assert [r["id"] for r in listed["results"]] == [release.pk]


@pytest.mark.worker
def test_a_real_worker_builds_the_release_created_through_the_api(
        transactional_db, base, manager, annotator, client_for, celery_worker):  # noqa: F811
    project = ProjectFactory(organization=base)
    for _ in range(3):
        accept(TaskFactory(project=project), result={"sentiment": "pos"}, annotators=[annotator])
    response = client_for(manager).post(f"/api/v1/projects/{project.pk}/releases/", {}, format="json")
    assert response.status_code == 202
    job_id = response.json()["job"]["id"]
    state = wait_for(lambda: Job.objects.filter(pk=job_id, state__in=Job.FINISHED).values_list("state", flat=True)
                     .first(), timeout=60, what="the worker to build the release")
    assert state == "succeeded"
    release = Release.objects.get(pk=response.json()["release"]["id"])
    assert release.state == "ready" and release.record_count == 3
    assert Job.objects.get(pk=job_id).progress_done == 3


def test_a_chunk_written_meanwhile_by_another_delivery_is_not_written_twice(project, manager, annotator,
                                                                           monkeypatch):
    tasks = [TaskFactory(project=project) for _ in range(4)]
    for task in tasks:
        accept(task, result={"sentiment": "pos"}, annotators=[annotator])
    monkeypatch.setattr(snapshot, "CHUNK", 2)
    release = snapshot.release_create(project=project, actor=manager, send=lambda job: None)
    real_build = snapshot.build_records

    def build_while_another_delivery_writes(rows):
        monkeypatch.setattr(snapshot, "build_records", real_build)
        snapshot._write_chunk(release.pk, project.pk, {})  # the other delivery, faster
        return real_build(rows)

    monkeypatch.setattr(snapshot, "build_records", build_while_another_delivery_writes)
    assert snapshot._write_chunk(release.pk, project.pk, {}) == 0  # lost the race: writes nothing
    release = snapshot.release_build(release=release, job_id=release.job_id)
    assert [r.task_id for r in records_of(release)] == [t.pk for t in tasks]
    assert [r.seq for r in records_of(release)] == [0, 1, 2, 3]


def test_a_cancelled_build_leaves_a_failed_release_and_no_ready_event(project, manager, accepted):
    from annotation.services.jobs import job_cancel

    release = snapshot.release_create(project=project, actor=manager, send=lambda job: None)
    job = Job.objects.get(pk=release.job_id)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)  # the worker had started it
    job_cancel(job=job, actor=manager)
    release_build_run(job.pk)
    release.refresh_from_db()
    assert release.state == "failed" and release.records.count() == 0
    assert not AuditEvent.objects.filter(action="release.ready").exists()


def test_a_build_cancelled_half_way_stops_after_its_chunk_and_fails_the_release(project, manager, annotator,
                                                                                monkeypatch):
    from annotation.services.jobs import job_cancel

    for _ in range(5):
        accept(TaskFactory(project=project), result={"sentiment": "pos"}, annotators=[annotator])
    monkeypatch.setattr(snapshot, "CHUNK", 2)
    release = snapshot.release_create(project=project, actor=manager, send=lambda job: None)
    real_build = snapshot.build_records

    def build_then_cancel(rows):
        job_cancel(job=Job.objects.get(pk=release.job_id), actor=manager)  # the manager cancels meanwhile
        return real_build(rows)

    monkeypatch.setattr(snapshot, "build_records", build_then_cancel)
    release_build_run(release.job_id)
    release.refresh_from_db()
    assert release.state == "failed" and release.error == "The build was cancelled."
    assert release.records.count() == 2
    assert Job.objects.get(pk=release.job_id).state == "cancelled"


def test_a_broker_outage_answers_503_and_fails_the_release_and_its_job(transactional_db, project, manager, accepted,
                                                                      client_for, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("release.api.views.release_build_run.apply_async", refuse)
    response = client_for(manager).post(f"/api/v1/projects/{project.pk}/releases/", {}, format="json")
    assert response.status_code == 503
    release = Release.objects.get(project=project)
    assert release.state == "failed" and Job.objects.get(pk=release.job_id).state == "failed"
