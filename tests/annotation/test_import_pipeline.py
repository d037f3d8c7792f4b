"""Import batches written beside the reader (PostgreSQL): file order, progress, re-runs, caller ids
given twice, cancel, a writer's error, and the COPY text that carries the rows."""
from __future__ import annotations

import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import DataError, OperationalError, connection, transaction

from annotation.imports import writer as writer_module
from annotation.imports.writer import TaskWriter, copy_lines
from annotation.models import Job, Task
from annotation.services.imports import import_source, task_import
from annotation.services.jobs import job_create
from annotation.tasks import import_run
from tests.factories import ProjectFactory

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")


def pipelined(test):
    """Batches go to writer threads on PostgreSQL only, outside a transaction: a transactional test."""
    return pytest.mark.postgres(on_postgres(test))


# Text that COPY's text format must escape (backslash, tab, newline, carriage return), JSON escapes
# that make the row be serialized again, and text beyond ASCII.
AWKWARD = ["back\\slash", "tab\there", "two\nlines", "cr\rhere", "引号\"和中文", "emoji 🙂", "plain"]


def make_job(project, rows: list) -> Job:
    job = job_create(organization_id=project.organization_id, project_id=project.pk, kind="import",
                     created_by=None, params={"format": "jsonl", "filename": "rows.jsonl"})
    path = import_source(job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows))
    return job


def stored(project) -> list[tuple[str, str]]:
    return list(Task.objects.filter(project=project).order_by("id").values_list("import_key", "data__text"))


def finishes(work, seconds: float = 60):
    """Run ``work`` on a thread and return its result; fail (instead of hanging) if it never ends."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the import never finished"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def project(transactional_db, base):
    return ProjectFactory(organization=base, name="News sentiment")


# -- COPY text ------------------------------------------------------------------------------------

def test_copy_lines_escape_what_the_copy_text_format_reserves_and_write_nulls():
    rows = [('{"text":"a\\\\b\tc"}', "", None, 3, -2, 0.25, None, "[]", None, "id:x\ty\\z\r\n")]
    assert copy_lines(rows, "\topen\t\\N", ids=[7]) == (
        '7\t{"text":"a\\\\\\\\b\\tc"}\t\t\\N\t3\t-2\t0.25\t\\N\t[]\t\\N\tid:x\\ty\\\\z\\r\\n\topen\t\\N\n')


def test_copy_lines_keep_every_random_key_exactly():
    keys = [0.1, 1 / 3, 5e-324, 0.9999999999999999]
    lines = copy_lines([("{}", "", None, None, 0, key, None, "[]", None, f"k{i}") for i, key in enumerate(keys)], "")
    assert [float(line.split("\t")[5]) for line in lines.splitlines()] == keys


@pytest.mark.postgres
@on_postgres
def test_a_copy_refused_by_the_server_raises_djangos_error_so_the_job_knows_it(base):
    project = ProjectFactory(organization=base)
    row = ("{not json", "", None, None, 0, 0.5, None, "[]", None, "k1")
    with pytest.raises(DataError), transaction.atomic():
        TaskWriter(project_id=project.pk).write([row])


# -- the pipeline ---------------------------------------------------------------------------------

@pipelined
def test_batches_written_beside_the_reader_keep_file_order_data_and_progress(project):
    rows = [{"text": f"{i} {AWKWARD[i % len(AWKWARD)]}"} for i in range(19)]
    rows[5] = {"data": {"text": "wrapped \\ \t"}, "priority": 4, "gold": {"sentiment": "pos"}}
    rows[9] = '{"text":\t"json whitespace \\u00e9"}'  # a tab between tokens; an escape
    job = make_job(project, rows)
    seen: list[tuple[int, int, str]] = []
    result = task_import(job=job, batch_size=4,
                         on_progress=lambda done, total: seen.append((done, total, threading.current_thread().name)))
    assert (result["created"], result["rows"], result["error_count"]) == (19, 19, 0)
    assert [(done, total) for done, total, _ in seen] == [(4, 19), (8, 19), (12, 19), (16, 19), (19, 19)]
    assert all(name.startswith("import-writer") for _, _, name in seen)
    expected = [r["text"] if "text" in r else r["data"]["text"] for r in rows[:9]] + ["json whitespace é"] + [
        r["text"] for r in rows[10:]]
    assert stored(project) == [(f"{job.pk}:{i + 1}", text) for i, text in enumerate(expected)]
    wrapped = Task.objects.get(project=project, import_key=f"{job.pk}:6")
    assert (wrapped.priority, wrapped.gold, wrapped.pii, wrapped.status) == (4, {"sentiment": "pos"}, [], "open")
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (19, 19)


@pipelined
def test_a_rerun_after_a_crash_writes_only_the_missing_rows_in_file_order(project):
    job = make_job(project, [{"text": f"t{i}"} for i in range(20)])
    task_import(job=job, batch_size=4)
    # As if the first run had crashed before these batches committed: the 2nd batch, then a row.
    Task.objects.filter(project=project, import_key__in=[f"{job.pk}:{n}" for n in (5, 6, 7, 8, 14)]).delete()
    again = task_import(job=job, batch_size=4)
    assert (again["created"], again["skipped_duplicates"]) == (5, 15)
    assert sorted(stored(project)) == sorted((f"{job.pk}:{i + 1}", f"t{i}") for i in range(20))
    assert Task.objects.filter(project=project).count() == 20
    third = task_import(job=job, batch_size=4)
    assert (third["created"], third["skipped_duplicates"]) == (0, 20)


@pipelined
def test_a_caller_id_given_again_later_in_the_file_is_one_task_and_never_blocks(project):
    # "x" ends the first batch and starts the second: inserted side by side, the second batch would
    # hold "x" while waiting for the first to commit, and the first would wait for the second's "x".
    size = 400
    ids = [f"u{i}" for i in range(size - 1)] + ["x", "x"] + [f"v{i}" for i in range(size - 1)] + ["y", "a", "y"]
    rows = [{"data": {"text": f"r{i}"}, "id": caller_id} for i, caller_id in enumerate(ids)]
    job = make_job(project, rows)
    first: dict[str, str] = {}
    for row in rows:
        first.setdefault(f"id:{row['id']}", row["data"]["text"])
    result = finishes(lambda: task_import(job=job, batch_size=size))
    assert (result["created"], result["skipped_duplicates"]) == (len(first), len(rows) - len(first))
    assert stored(project) == list(first.items())


@pipelined
def test_a_cancelled_pipelined_import_stops_after_the_batch_in_progress(project):
    job = make_job(project, [{"text": f"t{i}"} for i in range(30)])
    calls = []

    def stop() -> bool:
        calls.append(1)
        return True

    result = task_import(job=job, batch_size=3, should_stop=stop)
    assert result["cancelled"] is True and result["created"] == 3 and len(calls) == 1
    assert stored(project) == [(f"{job.pk}:{i + 1}", f"t{i}") for i in range(3)]


@pipelined
def test_a_writer_error_fails_the_import_and_keeps_only_whole_earlier_batches(project, monkeypatch):
    job = make_job(project, [{"text": f"t{i}"} for i in range(30)])
    write = writer_module.TaskWriter.write

    def failing(self, rows, ids=None):
        if rows[0][-1] == f"{job.pk}:7":
            raise OperationalError("server closed the connection unexpectedly")
        return write(self, rows, ids)

    monkeypatch.setattr(writer_module.TaskWriter, "write", failing)
    with pytest.raises(OperationalError, match="server closed"):
        task_import(job=job, batch_size=3)
    kept = stored(project)
    assert len(kept) in (3, 6) and kept == [(f"{job.pk}:{i + 1}", f"t{i}") for i in range(len(kept))]
    assert not [t for t in threading.enumerate() if t.name.startswith("import-writer")]


def test_inside_a_transaction_batches_are_written_inline(base):
    project = ProjectFactory(organization=base)
    job = make_job(project, [{"text": f"t{i}"} for i in range(5)])
    names = []
    with transaction.atomic():
        result = task_import(job=job, batch_size=2, on_progress=lambda *_: names.append(threading.current_thread().name))
    assert result["created"] == 5 and names == [threading.current_thread().name] * 3


@pipelined
def test_masked_rows_keep_their_original_through_the_pipeline(transactional_db, base):
    project = ProjectFactory(organization=base, pii_policy="mask")
    job = make_job(project, [{"text": "call 13812345678\tnow"}, {"text": "nothing here"}] * 3)
    assert task_import(job=job, batch_size=2)["created"] == 6
    first = Task.objects.filter(project=project).order_by("id").first()
    assert first.data == {"text": "call " + "*" * 11 + "\tnow"}
    assert first.data_original == {"text": "call 13812345678\tnow"}
    assert first.pii == [{"field": "text", "kind": "mobile", "start": 5, "end": 16}]


@pipelined
def test_an_internal_error_on_a_writer_thread_fails_the_job(project, monkeypatch):
    job = make_job(project, [{"text": f"t{i}"} for i in range(12)])

    def broken(self, rows, ids=None):
        raise RuntimeError("a bug in the writer")

    monkeypatch.setattr(writer_module.TaskWriter, "write", broken)
    import_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "internal error" in job.error
    assert not Task.objects.filter(project=project).exists()


@pipelined
def test_the_import_command_shows_progress_from_the_writer_threads(project, owner, tmp_path):
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps({"text": f"t{i}"}) + "\n" for i in range(7)) + '{"nope": 1}\n')
    out = io.StringIO()
    call_command("import_tasks", str(project.pk), str(path), "--user", "owner", stdout=out, verbosity=0)
    assert "7 created" in out.getvalue() and "row 8 data.text" in out.getvalue()
    job = Job.objects.get(kind="import")
    assert (job.state, job.progress_done, job.progress_total) == ("succeeded", 8, 8)
    assert [text for _, text in stored(project)] == [f"t{i}" for i in range(7)]
