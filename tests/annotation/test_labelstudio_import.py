"""Label Studio JSON exports as an import: tasks with their annotations as submitted annotations,
users mapped by e-mail/username, percent boxes to pixels, and a 400 naming what does not fit."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from annotation.models import Annotation, AnnotationRevision, Job, Task, TaskStatus
from annotation.services.imports import import_source, task_import
from annotation.services.jobs import job_create
from tests.factories import IMAGE_SCHEMA, ProjectFactory, UserFactory
from tests.worker import celery_worker, wait_for  # noqa: F401


def ls_task(task_id, text, result, **annotation) -> dict:
    """A task as Label Studio exports it (ids, dates and extra keys included)."""
    return {"id": task_id, "data": {"text": text}, "meta": {}, "created_at": "2024-05-01T10:00:00Z",
            "annotations": [{"id": 1000 + task_id, "completed_by": 3, "result": result, "was_cancelled": False,
                             "ground_truth": False, "lead_time": 12.5, "created_at": "2024-05-01T10:01:00Z",
                             **annotation}],
            "predictions": [], "project": 9}


def choice(value, name="sentiment"):
    return {"id": "a1", "from_name": name, "to_name": "text", "type": "choices", "value": {"choices": [value]},
            "origin": "manual"}


def span(start, end, label, text):
    return {"id": f"s{start}", "from_name": "entities", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


EXPORT = [
    ls_task(1, "Zhang San joined Acme.", [
        choice("pos"), span(0, 9, "PER", "Zhang San"), span(17, 21, "ORG", "Acme"),
        {"id": "r", "from_name": "quality", "to_name": "text", "type": "rating", "value": {"rating": 4}},
        {"id": "t", "from_name": "note", "to_name": "text", "type": "textarea",
         "value": {"text": ["first line", "second"]}},
        {"id": "m", "from_name": "topics", "to_name": "text", "type": "choices",
         "value": {"choices": ["finance", "sports"]}}]),
    ls_task(2, "No annotation yet.", []),
]
EXPORT[1]["annotations"] = []


def run(project, content, *, user=None, fmt="label-studio") -> dict:
    job = job_create(organization_id=project.organization_id, project_id=project.pk, kind="import",
                     created_by=user, params={"format": fmt, "filename": "export.json"})
    path = import_source(job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content, ensure_ascii=False).encode())
    return task_import(job=job)


def test_tasks_and_annotations_become_submitted_annotations_by_the_importer(project, manager):
    result = run(project, EXPORT, user=manager)
    assert (result["created"], result["annotations"], result["error_count"]) == (2, 1, 0)
    done, empty = Task.objects.filter(project=project).order_by("id")
    assert done.import_key == "id:ls-1" and done.data == {"text": "Zhang San joined Acme."}
    annotation = Annotation.objects.get(task=done)
    assert annotation.annotator == manager and annotation.status == Annotation.Status.SUBMITTED
    assert annotation.result == {
        "sentiment": "pos", "topics": ["finance", "sports"], "quality": 4, "note": "first line\nsecond",
        "entities": [{"start": 0, "end": 9, "label": "PER", "text": "Zhang San"},
                     {"start": 17, "end": 21, "label": "ORG", "text": "Acme"}]}
    assert annotation.lead_time == 12.5 and annotation.submitted_at is not None
    assert AnnotationRevision.objects.filter(annotation=annotation, version=1).exists()
    assert (done.status, done.submitted_count) == (TaskStatus.COMPLETED, 1)
    assert (empty.status, empty.submitted_count) == (TaskStatus.OPEN, 0)


def test_importing_the_same_export_again_adds_nothing(project, manager):
    run(project, EXPORT, user=manager)
    again = run(project, EXPORT, user=manager)
    assert (again["created"], again["skipped_duplicates"], again["annotations"]) == (0, 2, 0)
    assert Annotation.objects.count() == 1 and Task.objects.get(import_key="id:ls-1").submitted_count == 1


def test_completed_by_maps_to_members_by_email_or_username(base, project, manager, annotator, annotator2):
    annotator.email = "li.si@example.org"
    annotator.save()
    outsider = UserFactory(username="stranger", email="stranger@example.org")
    project.overlap = 3
    project.save()
    task = ls_task(5, "Zhang San.", [choice("neg")], completed_by={"id": 7, "email": "LI.SI@example.org"})
    task["annotations"] += [
        {"id": 2, "completed_by": {"id": 8, "username": "annotator2"}, "result": [choice("pos")]},
        {"id": 3, "completed_by": {"id": 9, "email": outsider.email}, "result": [choice("neu")]},
        {"id": 4, "completed_by": 1, "result": [choice("neu")], "was_cancelled": True}]
    result = run(project, [task], user=manager)
    assert result["annotations"] == 3
    by_user = dict(Annotation.objects.values_list("annotator__username", "result__sentiment"))
    # a user of another base is not credited: the importer is
    assert by_user == {"annotator": "neg", "annotator2": "pos", "manager": "neu"}
    assert Task.objects.get().status == TaskStatus.COMPLETED


def test_two_annotations_for_the_same_user_refuse_the_row(project, manager):
    task = ls_task(6, "Text.", [choice("pos")])
    task["annotations"].append({"id": 2, "completed_by": 4, "result": [choice("neg")]})
    result = run(project, [task, ls_task(7, "Other.", [choice("neu")])], user=manager)
    assert result["created"] == 1 and result["error_count"] == 1
    assert result["errors"][0]["path"] == "annotations[1].completed_by"
    assert "same user as annotations[0]" in result["errors"][0]["message"]
    assert Task.objects.get().import_key == "id:ls-7"  # nothing of the refused row was written


@pytest.mark.parametrize(("result", "path", "message"), [
    ([choice("great")], "annotations[0].result.sentiment", "must be one of pos, neg, neu"),
    ([choice("pos", name="mood")], "annotations[0].result[0].from_name", "no label named 'mood'"),
    ([{**choice("pos"), "type": "labels"}], "annotations[0].result[0].type", "takes 'choices' results"),
    ([choice("pos"), span(0, 4, "PER", "Nope")], "annotations[0].result.entities[0].text", "does not match"),
    ([{"from_name": "note", "type": "textarea", "value": {"text": [3]}}], "annotations[0].result[0].value.text",
     "list of strings"),
])
def test_a_result_that_does_not_fit_the_schema_is_a_row_error_naming_its_path(project, manager, result, path,
                                                                              message):
    report = run(project, [ls_task(1, "Zhang San.", result)], user=manager)
    assert report["created"] == 0 and report["errors"][0]["path"] == path
    assert message in report["errors"][0]["message"]
    assert not Annotation.objects.exists()


def png(width, height) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_zip_of_the_export_and_its_images_converts_percent_to_pixels(base, manager):
    project = ProjectFactory(organization=base, schema=IMAGE_SCHEMA)
    task = {"id": 3, "data": {"image": "images/street.png"}, "annotations": [{"completed_by": 1, "result": [
        {"from_name": "objects", "to_name": "image", "type": "rectanglelabels", "original_width": 200,
         "original_height": 100, "image_rotation": 0,
         "value": {"x": 10, "y": 20, "width": 25, "height": 50, "rotation": 0, "rectanglelabels": ["car"]}},
        {"from_name": "shape", "to_name": "image", "type": "polygonlabels",
         "value": {"points": [[0, 0], [50, 0], [50, 100]], "polygonlabels": ["lesion"]}}]}]}
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("export.json", json.dumps([task]))
        out.writestr("images/street.png", png(200, 100))
    result = run(project, archive.getvalue(), user=manager)
    assert (result["created"], result["annotations"]) == (1, 1), result
    stored = Task.objects.get()
    assert (stored.media_width, stored.media_height) == (200, 100)
    assert Annotation.objects.get().result == {
        "objects": [{"x": 20, "y": 20, "w": 50, "h": 50, "label": "car"}],
        "shape": [{"points": [[0, 0], [100, 0], [100, 100]], "label": "lesion"}]}


def test_rotated_boxes_are_refused(base, manager):
    project = ProjectFactory(organization=base, schema=IMAGE_SCHEMA)
    task = {"id": 1, "data": {"image": "a.png"}, "annotations": [{"result": [
        {"from_name": "objects", "type": "rectanglelabels", "original_width": 10, "original_height": 10,
         "value": {"x": 1, "y": 1, "width": 2, "height": 2, "rotation": 30, "rectanglelabels": ["car"]}}]}]}
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("export.json", json.dumps([task]))
        out.writestr("a.png", png(10, 10))
    result = run(project, archive.getvalue(), user=manager)
    assert result["errors"][0]["path"] == "annotations[0].result[0].value.rotation"


def test_masked_projects_mask_span_texts_copied_into_annotations(base, manager):
    project = ProjectFactory(organization=base, pii_policy="mask")
    text = "Call 13812345678 now"
    run(project, [ls_task(1, text, [choice("neu"), span(5, 16, "PER", "13812345678")])], user=manager)
    result = Annotation.objects.get().result
    assert result["entities"][0]["text"] == "*" * 11
    assert "13812345678" not in json.dumps(result) and Task.objects.get().data_original == {"text": text}


# -- the API ---------------------------------------------------------------------------------------

def url(project) -> str:
    return f"/api/v1/projects/{project.pk}/imports/"


def test_the_api_answers_400_naming_each_path_that_does_not_fit(transactional_db, project, manager, client_for):
    bad = [ls_task(1, "ok", [choice("pos")]), ls_task(2, "x", [choice("maybe")]),
           ls_task(3, "y", [{"from_name": "quality", "type": "rating", "value": {"rating": 9}}])]
    response = client_for(manager).post(url(project) + "?format=label-studio", bad, format="json")
    assert response.status_code == 400
    assert set(response.data) == {"tasks[1].annotations[0].result.sentiment",  # every field of every task
                                  "tasks[2].annotations[0].result.sentiment",
                                  "tasks[2].annotations[0].result.quality"}
    assert "required" in str(response.data["tasks[2].annotations[0].result.sentiment"][0])
    assert "from 1 to 5" in str(response.data["tasks[2].annotations[0].result.quality"][0])
    assert not Job.objects.exists() and not Task.objects.exists()


def test_a_file_too_large_to_check_in_the_request_is_left_to_the_job(transactional_db, project, manager,
                                                                     client_for, monkeypatch):
    from annotation.imports import labelstudio

    monkeypatch.setattr(labelstudio, "CHECK_MAX_BYTES", 10)
    response = client_for(manager).post(url(project), [ls_task(1, "x", [choice("maybe")])], format="json")
    assert response.status_code == 202 and Job.objects.get().params["format"] == "label-studio"


def test_an_image_export_without_its_images_is_a_400(transactional_db, base, manager, client_for):
    project = ProjectFactory(organization=base, schema=IMAGE_SCHEMA)
    body = [{"id": 1, "data": {"image": "http://ls.example/data/1.png"}, "annotations": []}]
    response = client_for(manager).post(url(project), body, format="json")
    assert response.status_code == 400 and "tasks[0].data.image" in response.data


def test_a_label_studio_shaped_upload_is_detected_and_queued(transactional_db, project, manager, client_for):
    upload = SimpleUploadedFile("project-9-at-2024.json", json.dumps(EXPORT).encode())
    response = client_for(manager).post(url(project), {"file": upload}, format="multipart")
    assert response.status_code == 202, response.data
    assert Job.objects.get().params["format"] == "label-studio"


def test_an_unknown_format_lists_label_studio(transactional_db, project, manager, client_for):
    response = client_for(manager).post(url(project) + "?format=labelbox", EXPORT, format="json")
    assert response.status_code == 400 and "label-studio" in str(response.data["format"])


@pytest.mark.worker
def test_a_label_studio_import_runs_in_a_real_worker(transactional_db, project, manager, client_for,
                                                     celery_worker):  # noqa: F811
    response = client_for(manager).post(url(project), EXPORT, format="json")
    assert response.status_code == 202, response.data

    def finished():
        job = Job.objects.get(pk=response.data["id"])
        return job if job.state in Job.FINISHED else None

    job = wait_for(finished, timeout=60, what="the Label Studio import")
    assert job.state == Job.State.SUCCEEDED, job.error
    assert (job.result["created"], job.result["annotations"]) == (2, 1)
    assert Annotation.objects.get().annotator == manager
    # The worker's consistency check then decides the imported, completed task.
    task = Annotation.objects.get().task
    wait_for(lambda: Task.objects.get(pk=task.pk).status in (TaskStatus.ACCEPTED, TaskStatus.IN_REVIEW),
             timeout=60, what="the consistency check of the imported task")


def test_imported_tasks_that_fill_their_overlap_go_to_the_consistency_check(project, manager,
                                                                            django_capture_on_commit_callbacks):
    from annotation.signals import task_completed

    completed = []

    def record(sender, task, **kwargs):
        completed.append(task.pk)

    task_completed.connect(record, dispatch_uid="test.ls.completed")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run(project, EXPORT, user=manager)
    finally:
        task_completed.disconnect(dispatch_uid="test.ls.completed")
    done = Task.objects.get(project=project, import_key="id:ls-1")
    assert completed == [done.pk]  # the one annotated task; the task without annotations stays open
