"""Task import service: formats, bad rows, idempotent re-runs, images and hostile archives."""
from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.core.files.storage import default_storage
from hypothesis import given, settings as hyp_settings, strategies as st
from PIL import Image

from annotation.imports import media, parsers
from annotation.imports.errors import ImportFailed
from annotation.models import AuditEvent, Job, Task
from annotation.services.imports import import_source, task_import
from annotation.services.jobs import job_cancel, job_create
from annotation.tasks import import_run
from tests.factories import IMAGE_SCHEMA, ProjectFactory


def make_job(project, content: bytes, fmt: str, *, user=None, filename: str = "upload") -> Job:
    job = job_create(organization_id=project.organization_id, project_id=project.pk, kind="import",
                     created_by=user, params={"format": fmt, "filename": filename})
    path = import_source(job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return job


def run(project, content: bytes, fmt: str, **kwargs) -> dict:
    return task_import(job=make_job(project, content, fmt), **kwargs)


def jsonl(*rows) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows).encode()


def png(width: int = 4, height: int = 3, color=(200, 10, 10), fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, fmt)
    return out.getvalue()


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims a huge picture (the IHDR chunk rewritten, CRC fixed)."""
    data = bytearray(png(1, 1))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def zip_of(entries: dict[str, bytes], *, symlinks: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = (0o120777 << 16)
            archive.writestr(info, content)
    return out.getvalue()


@pytest.fixture
def image_project(base):
    return ProjectFactory(organization=base, name="Street scenes", schema=IMAGE_SCHEMA)


def texts(project) -> list[str]:
    return [data["text"] for data in Task.objects.filter(project=project).order_by("id").values_list("data", flat=True)]


# -- formats -------------------------------------------------------------------------------------

def test_jsonl_bare_and_wrapped_rows_become_tasks(project, owner):
    content = jsonl({"text": "Li Lei moved to Hefei."},
                    {"data": {"text": "Acme hires."}, "priority": 5, "gold": {"sentiment": "pos"}, "id": "a-1"})
    job = make_job(project, content, "jsonl", user=owner)
    result = task_import(job=job)
    assert result == {"created": 2, "skipped_duplicates": 0, "rows": 2, "errors": [], "error_count": 0}
    first, second = Task.objects.filter(project=project).order_by("id")
    assert first.data == {"text": "Li Lei moved to Hefei."} and first.import_key == f"{job.pk}:1"
    assert (second.priority, second.gold, second.import_key) == (5, {"sentiment": "pos"}, "id:a-1")
    assert 0 <= first.random_key < 1 and first.random_key != second.random_key
    events = AuditEvent.objects.filter(action="task.import")
    assert [(e.object_id, e.data["created"], e.actor_id) for e in events] == [(str(job.pk), 2, owner.pk)]


def test_json_list_is_imported(project):
    rows = [{"text": f"story {i}"} for i in range(7)] + [{"data": {"text": "last"}, "priority": -2}]
    assert run(project, json.dumps(rows).encode(), "json", batch_size=3)["created"] == 8
    assert texts(project) == [f"story {i}" for i in range(7)] + ["last"]


def test_csv_header_names_data_fields_and_priority_gold_id_columns_are_metadata(project):
    content = ('text,priority,gold,id\n"Hello, Hefei",3,"{""sentiment"": ""neu""}",x1\n'
               "Plain,,,\n").encode()
    assert run(project, content, "csv")["created"] == 2
    first, second = Task.objects.filter(project=project).order_by("id")
    assert (first.data, first.priority, first.gold, first.import_key) == (
        {"text": "Hello, Hefei"}, 3, {"sentiment": "neu"}, "id:x1")
    assert (second.data, second.priority, second.gold) == ({"text": "Plain"}, 0, None)


def test_csv_without_a_header_fails_the_job(project):
    with pytest.raises(ImportFailed, match="header"):
        run(project, b"", "csv")


def test_json_that_is_not_a_list_fails_the_job_and_stores_nothing(project):
    with pytest.raises(ImportFailed, match="list"):
        run(project, b'{"text": "one"}', "json")
    with pytest.raises(ImportFailed, match="not valid JSON"):
        run(project, b'[{"text": "one"}, {"text": ', "json")
    assert Task.objects.count() == 0


# -- bad rows ------------------------------------------------------------------------------------

def test_bad_rows_are_reported_with_row_and_path_and_good_rows_are_kept(project):
    content = jsonl({"text": "good 1"}, "{not json", {"title": "no text"}, {"data": {"text": "x"}, "priority": "high"},
                    {"data": {"text": "bad gold"}, "gold": {"sentiment": "meh"}}, [1, 2], {"text": "NaN"},
                    '{"text": NaN}', {"text": "good 2"})
    result = run(project, content, "jsonl", batch_size=2)
    assert texts(project) == ["good 1", "NaN", "good 2"]
    assert result["created"] == 3 and result["error_count"] == 6
    assert [(e["row"], e["path"]) for e in result["errors"]] == [
        (2, "row"), (3, "data.text"), (4, "priority"), (5, "gold.sentiment"), (6, "row"), (8, "row")]
    assert "must be one of" in result["errors"][3]["message"]


def test_a_number_past_a_float_is_a_row_error_not_a_failed_batch(project):
    content = jsonl({"text": "good 1"}, '{"data": {"text": "huge", "n": 1e400}}', '{"text": "x", "n": -1E+999}',
                    {"data": {"text": "good 2", "n": 1.5e300}})
    result = run(project, content, "jsonl", batch_size=4)
    assert texts(project) == ["good 1", "good 2"]
    assert [(e["row"], e["path"]) for e in result["errors"]] == [(2, "row"), (3, "row")]
    assert "out of range" in result["errors"][0]["message"]


def test_progress_reaches_the_total_after_the_last_batch(project):
    job = make_job(project, jsonl(*({"text": f"t{i}"} for i in range(11))), "jsonl")
    seen = []
    task_import(job=job, batch_size=4, on_progress=lambda done, total: seen.append((done, total)))
    job.refresh_from_db()
    assert seen == [(4, 11), (8, 11), (11, 11)]
    assert (job.progress_done, job.progress_total) == (11, 11)


def test_nul_characters_and_oversized_ids_are_row_errors(project):
    result = run(project, jsonl({"text": "a\u0000b"}, {"data": {"text": "x"}, "id": "i" * 500}, {"text": "ok"}),
                 "jsonl")
    assert [(e["row"], e["path"]) for e in result["errors"]] == [(1, "data"), (2, "id")]
    assert texts(project) == ["ok"]


def test_a_caller_id_with_a_nul_or_a_lone_surrogate_is_a_row_error(project):
    content = jsonl('{"data": {"text": "x"}, "id": "a\\u0000b"}', '{"data": {"text": "y"}, "id": "c\\ud800"}',
                    {"data": {"text": "ok"}, "id": "tab\there"})
    result = run(project, content, "jsonl")
    assert [(e["row"], e["path"], e["message"][:7]) for e in result["errors"]] == [(1, "id", "NUL cha"),
                                                                                   (2, "id", "invalid")]
    assert list(Task.objects.filter(project=project).values_list("import_key", flat=True)) == ["id:tab\there"]


# -- idempotency ---------------------------------------------------------------------------------

def test_running_the_same_job_again_never_duplicates_a_task(project):
    job = make_job(project, jsonl(*({"text": f"t{i}"} for i in range(9))), "jsonl")
    assert task_import(job=job, batch_size=4)["created"] == 9
    again = task_import(job=job, batch_size=4)
    assert (again["created"], again["skipped_duplicates"]) == (0, 9)
    assert Task.objects.filter(project=project).count() == 9
    assert AuditEvent.objects.filter(action="task.import").count() == 1


def test_caller_ids_make_separate_imports_idempotent(project):
    content = jsonl({"data": {"text": "a"}, "id": 1}, {"data": {"text": "b"}, "id": 2})
    run(project, content, "jsonl")
    assert run(project, content, "jsonl")["skipped_duplicates"] == 2
    assert Task.objects.filter(project=project).count() == 2


def test_the_job_task_runs_once_and_a_crashed_run_resumes_without_duplicates(project):
    job = make_job(project, jsonl(*({"text": f"t{i}"} for i in range(5))), "jsonl")
    task_import(job=job)  # a first run that wrote every batch, then "crashed" before finishing
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    import_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert (job.result["created"], job.result["skipped_duplicates"]) == (0, 5)
    assert not import_source(job.pk).exists()  # the upload is removed once the job is done
    import_run(job.pk)  # a redelivered message for a finished job does nothing
    job.refresh_from_db()
    assert job.result["skipped_duplicates"] == 5 and Task.objects.count() == 5


def test_a_file_that_cannot_be_read_fails_the_job_with_a_clear_error(project):
    job = make_job(project, b'[{"text": "a"}, {"text": ', "json")
    import_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "Task 2 of the JSON list is not valid JSON" in job.error


def test_a_cancelled_job_stops_between_batches(project, owner):
    job = make_job(project, jsonl(*({"text": f"t{i}"} for i in range(10))), "jsonl")
    calls = []

    def stop() -> bool:
        calls.append(1)
        job_cancel(job=job, actor=owner)
        return True

    result = task_import(job=job, batch_size=3, should_stop=stop)
    assert result["cancelled"] is True and result["created"] == 3 and len(calls) == 1


# -- images --------------------------------------------------------------------------------------

def test_a_single_image_stores_its_size_under_a_content_address(image_project):
    content = png(40, 30)
    run(image_project, content, "image")
    task = Task.objects.get(project=image_project)
    assert (task.media_width, task.media_height) == (40, 30)
    assert task.media.startswith(f"projects/{image_project.pk}/") and task.media.endswith(".png")
    assert default_storage.open(task.media).read() == content


def test_jpeg_and_webp_are_accepted(image_project):
    run(image_project, png(8, 6, fmt="JPEG"), "image")
    run(image_project, png(5, 9, fmt="WEBP"), "image")
    assert sorted(Task.objects.values_list("media_width", "media_height")) == [(5, 9), (8, 6)]


def test_a_decompression_bomb_is_refused(image_project):
    with pytest.raises(ImportFailed, match="decompression bomb|over the limit"):
        run(image_project, bomb_png(), "image")
    assert Task.objects.count() == 0


def test_a_file_that_only_claims_to_be_an_image_is_refused(image_project):
    with pytest.raises(ImportFailed, match="not a readable"):
        run(image_project, b"GIF89a not really", "image")
    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, "GIF")
    with pytest.raises(ImportFailed, match="GIF images are not accepted"):
        run(image_project, out.getvalue(), "image")


def test_images_need_a_project_with_an_image_field(project):
    with pytest.raises(ImportFailed, match="no image data field"):
        run(project, png(), "image")


# -- zip archives --------------------------------------------------------------------------------

def test_a_zip_of_images_gives_one_task_per_image_and_reports_a_broken_one(image_project):
    archive = zip_of({"a/one.png": png(3, 2), "two.jpg": png(6, 5, fmt="JPEG"), "bad.png": b"nope",
                      "__MACOSX/._one.png": b"junk", "readme.txt": b"hi"})
    result = run(image_project, archive, "zip")
    assert result["created"] == 2 and result["error_count"] == 1
    assert result["errors"][0]["file"] == "bad.png"
    assert sorted(Task.objects.values_list("data__image", "media_width")) == [("one.png", 3), ("two.jpg", 6)]


def test_a_zip_of_jsonl_resolves_images_by_relative_path(image_project):
    rows = jsonl({"image": "img/cat.png"}, {"data": {"image": "img/cat.png"}, "priority": 2},
                 {"image": "img/dog.png"}, {"image": "../etc/passwd"})
    archive = zip_of({"data/tasks.jsonl": rows, "img/cat.png": png(12, 7)})
    result = run(image_project, archive, "zip")
    assert result["created"] == 2
    assert [(e["row"], e["path"], e["file"]) for e in result["errors"]] == [
        (3, "data.image", "data/tasks.jsonl"), (4, "data.image", "data/tasks.jsonl")]
    media = set(Task.objects.values_list("media", "media_width", "media_height"))
    assert len(media) == 1 and next(iter(media))[1:] == (12, 7)


@pytest.mark.parametrize("name", ["../evil.png", "/etc/evil.png", "a/../../evil.png", "C:/evil.png",
                                  "..\\evil.png"])
def test_zip_slip_is_refused(image_project, name):
    with pytest.raises(ImportFailed, match="outside the archive"):
        run(image_project, zip_of({"ok.png": png(), name: png()}), "zip")
    assert Task.objects.count() == 0


def test_a_symlink_in_a_zip_is_refused(image_project):
    with pytest.raises(ImportFailed, match="symbolic link"):
        run(image_project, zip_of({"ok.png": png(), "link.png": b"/etc/passwd"}, symlinks=("link.png",)), "zip")


def test_a_zip_with_too_many_entries_is_refused(image_project, monkeypatch):
    monkeypatch.setattr(media, "ZIP_MAX_ENTRIES", 2)
    with pytest.raises(ImportFailed, match="entries"):
        run(image_project, zip_of({f"{i}.png": png() for i in range(3)}), "zip")


def test_a_zip_bomb_is_refused_by_its_declared_size(project, monkeypatch):
    monkeypatch.setattr(media, "ZIP_MAX_BYTES", 1000)
    with pytest.raises(ImportFailed, match="inflates"):
        run(project, zip_of({"tasks.jsonl": b" " * 5000}), "zip")


def test_a_zip_bomb_is_refused_by_the_bytes_it_really_inflates_to(project, monkeypatch):
    monkeypatch.setattr(media, "ZIP_RATIO_FLOOR", 64 * 1024)
    archive = zip_of({"tasks.jsonl": jsonl({"text": "x"}) + b"\n" * (4 * 1024 * 1024)})
    with pytest.raises(ImportFailed, match="zip bomb"):
        run(project, archive, "zip")


def test_a_zip_whose_headers_lie_about_the_size_is_refused(project):
    archive = bytearray(zip_of({"tasks.jsonl": jsonl(*({"text": f"t{i}"} for i in range(200)))}))
    # Shrink the declared size in the central directory: reading must not trust it.
    central = archive.rfind(b"PK\x01\x02")
    archive[central + 24:central + 28] = struct.pack("<I", 10)
    with pytest.raises(ImportFailed, match="corrupt|Bad|zip"):
        run(project, bytes(archive), "zip")


# -- the task table's indexes ---------------------------------------------------------------------

def test_each_database_keeps_one_uncertainty_index_its_pick_can_walk(db):
    with connection.cursor() as cursor:
        names = {index for index, info in connection.introspection.get_constraints(cursor, Task._meta.db_table).items()
                 if info["index"] and "uncertainty" in info["columns"]}
    # PostgreSQL sorts NULLs first in a DESC index, so only the NULLS LAST twin serves the pick there
    # (migration 0005 drops the model's index, one fewer to write on every import).
    assert names == ({"task_uncertainty_nl_idx"} if connection.vendor == "postgresql" else {"task_uncertainty_idx"})


# -- the management command ----------------------------------------------------------------------

def test_the_import_tasks_command_imports_a_file_in_process(project, owner, tmp_path):
    path = tmp_path / "tasks.jsonl"
    path.write_bytes(jsonl({"text": "one"}, {"text": "two"}, {"nope": 1}))
    out = io.StringIO()
    call_command("import_tasks", str(project.pk), str(path), "--user", "owner", stdout=out, verbosity=0)
    assert "2 created" in out.getvalue() and "row 3 data.text" in out.getvalue()
    job = Job.objects.get(kind="import")
    assert (job.state, job.created_by, job.progress_done, job.progress_total) == ("succeeded", owner, 3, 3)


# -- the streaming JSON list reader ---------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


@hyp_settings(max_examples=150, deadline=None)
@given(st.lists(json_values, max_size=8), st.integers(min_value=1, max_value=9), st.sampled_from(["", " ", "\n "]))
def test_the_json_list_reader_reads_any_list_across_chunk_boundaries(values, chunk, space):
    original = parsers.CHUNK
    parsers.CHUNK = chunk
    try:
        text = "[" + space + ("," + space).join(json.dumps(v) for v in values) + space + "]"
        got = [record.value for _, record in parsers.read_json_list(io.BytesIO(text.encode()))]
    finally:
        parsers.CHUNK = original
    assert got == values
