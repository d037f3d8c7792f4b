"""Task import: a file (JSON list, JSONL, CSV, an image, a zip) becomes tasks of a project.

Run by a job (``annotation.tasks.import_run``) or in-process (``manage.py import_tasks``). Rows
are validated one by one and written in batches of ``BATCH_SIZE``, each batch in its own
transaction together with the job's progress; on PostgreSQL ``WRITER_THREADS`` threads write the
batches while this one reads the next, and the batches commit in file order (``BatchPipeline``).
Every task carries an ``import_key`` — the job and row number, or ``id:<caller id>`` — unique per
project, so a retried or re-run import skips what is there and never duplicates a task. A bad row
is reported (row number, field path, message) and the good rows go on; a file that cannot be read
as what it claims fails the job. See docs/import.md.
"""
from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from annotation.imports import labelstudio
from annotation.imports.errors import ImportFailed, RowError
from annotation.imports.media import (DATA_SUFFIXES, IMAGE_SUFFIXES, BadImage, SafeZip, StoredImage, safe_name,
                                      store_image)
from annotation.imports.parsers import Record, read_csv, read_json_list, read_jsonl
from annotation.imports.pii import find_in_data, mask_data, may_hold_pii, pii_counts
from annotation.imports.writer import Batch, BatchPipeline, TaskWriter
from annotation.models import AuditEvent, Job, Project
from annotation.schema import SchemaError, validate_result, validate_task_data
from annotation.services.audit import audit_record
from annotation.services.jobs import job_progress
from annotation.signals import tasks_imported

BATCH_SIZE = 5_000
MAX_REPORTED_ERRORS = 100
MAX_ID_LENGTH = 190
FORMATS = ("json", "jsonl", "csv", "image", "zip", labelstudio.FORMAT)
WRAPPER_KEYS = frozenset({"data", "priority", "gold", "id"})
INT32 = 2**31 - 1
# Batches written side by side on PostgreSQL (each thread holds a connection while the job runs).
WRITER_THREADS = 2
ProgressFn = Callable[[int, int], None]


def import_dir(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "imports" / str(job_id)


def import_source(job_id: int) -> Path:
    """Where the uploaded file of a job waits for the worker (never named after the upload)."""
    return import_dir(job_id) / "upload"


def detect_format(filename: str, head: bytes) -> str | None:
    """The format from the file's first bytes, then its name's suffix; None when unknown."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff") or (
            head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix in DATA_SUFFIXES:
        return DATA_SUFFIXES[suffix]
    if suffix in IMAGE_SUFFIXES:
        return "image"  # claims to be an image; Pillow will judge
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        return "jsonl"
    return None


@dataclass(slots=True)
class _Item:
    """One record on its way in: parsed value or row error, and where it came from."""

    number: int
    value: Record | RowError
    file: str | None = None
    media: StoredImage | None = None
    resolve: Callable[[Any], StoredImage] | None = None


@dataclass
class ImportReport:
    created: int = 0
    skipped_duplicates: int = 0
    rows: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    cancelled: bool = False
    pii: dict = field(default_factory=lambda: {"rows": 0, "findings": {}, "refused": 0})
    pii_policy: str = ""
    annotations: int | None = None  # submitted annotations created (Label Studio imports)

    def found_pii(self, findings: list[dict], *, refused: bool) -> None:
        self.pii["rows"] += 1
        self.pii["refused"] += int(refused)
        for kind, count in pii_counts(findings).items():
            self.pii["findings"][kind] = self.pii["findings"].get(kind, 0) + count

    def error(self, item: _Item, path: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            entry = {"row": item.number, "path": path, "message": message}
            if item.file:
                entry["file"] = item.file
            self.errors.append(entry)

    def as_result(self) -> dict:
        result = {"created": self.created, "skipped_duplicates": self.skipped_duplicates, "rows": self.rows,
                  "errors": self.errors, "error_count": self.error_count}
        if self.cancelled:
            result["cancelled"] = True
        if self.pii["rows"]:
            result["pii"] = {"policy": self.pii_policy, **self.pii}
        if self.annotations is not None:
            result["annotations"] = self.annotations
        return result


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _storable(text: str, path: str, *, nul: str = "\\u0000") -> str:
    # PostgreSQL refuses NUL (escaped in JSON, as is in text) and lone surrogates; refuse them here,
    # row by row.
    if nul in text:
        raise RowError(path, "NUL characters are not allowed")
    try:
        text.encode()
    except UnicodeEncodeError as exc:
        raise RowError(path, f"invalid unicode: {exc.reason}") from exc
    return text


def _schema_error(exc: SchemaError, prefix: str | None = None) -> RowError:
    path, _ = exc.errors[0]
    if prefix:
        path = prefix + path.removeprefix("result")
    return RowError(path, "; ".join(f"{p}: {m}" if p != path else m for p, m in exc.errors)
                    if len(exc.errors) > 1 else exc.errors[0][1])


class _Importer:
    def __init__(self, *, job: Job, project: Project, batch_size: int, on_progress: ProgressFn | None,
                 should_stop: Callable[[], bool] | None):
        self.job, self.project, self.schema = job, project, project.parsed_schema
        self.job_pk = job.pk
        self.image_field = self.schema.image_field()
        self.batch_size, self.on_progress, self.should_stop = batch_size, on_progress, should_stop
        self.writer = TaskWriter(project_id=project.pk)
        self.report = ImportReport(pii_policy=project.pii_policy)
        # Set when the job imports a Label Studio export: its rows carry annotations.
        self.labelstudio: labelstudio.LabelStudioRows | None = None
        self.batch: list[tuple] = []
        self.batch_serial = False  # a row of the batch carries a caller's id
        self.batches = 0
        self.total = 0
        self.pipeline: BatchPipeline | None = None
        self._random = random.random

    # -- rows -------------------------------------------------------------------------------
    def prepare(self, key_number: int, item: _Item) -> tuple:
        record = item.value
        if isinstance(record, RowError):
            raise record
        value, text = record.value, record.text
        if not isinstance(value, dict):
            raise RowError("row", 'must be an object: the task\'s data, or {"data": {...}, "priority": ..., '
                                  '"gold": ..., "id": ...}')
        if isinstance(value.get("data"), dict) and value.keys() <= WRAPPER_KEYS:
            data, text, meta = value["data"], None, value
        else:
            data, meta = value, None
        media = item.media
        if media is None and item.resolve is not None and self.image_field and self.image_field in data:
            media = item.resolve(data[self.image_field])
        try:
            validate_task_data(self.schema, data, has_media=media is not None)
        except SchemaError as exc:
            raise _schema_error(exc) from exc
        priority, gold_text, key = 0, None, f"{self.job_pk}:{key_number}"
        if meta is not None:
            priority = meta.get("priority", 0)
            if not isinstance(priority, int) or isinstance(priority, bool) or not -INT32 <= priority <= INT32:
                raise RowError("priority", "must be a whole number (32 bits)")
            gold = meta.get("gold")
            if gold is not None:
                try:
                    validate_result(self.schema, gold, data=data, width=media and media.width,
                                    height=media and media.height, require_complete=False)
                except SchemaError as exc:
                    raise _schema_error(exc, "gold") from exc
                gold_text = _storable(_dumps(gold), "gold")
            caller_id = meta.get("id")
            if caller_id is not None:
                if isinstance(caller_id, bool) or not isinstance(caller_id, (str, int)) or str(caller_id) == "":
                    raise RowError("id", "must be a non-empty string or an integer")
                if len(str(caller_id)) > MAX_ID_LENGTH:
                    raise RowError("id", f"at most {MAX_ID_LENGTH} characters")
                key = _storable(f"id:{caller_id}", "id", nul="\x00")
                self.batch_serial = True
        # A bare row's text is scanned once for all its fields; most rows stop there.
        findings = find_in_data(data, skip=self.image_field) if text is None or may_hold_pii(text) else []
        if findings:
            self._check_pii(findings)
        if self.labelstudio is not None:
            self.labelstudio.prepare(record, key, data=data, width=media and media.width,
                                     height=media and media.height)
        pii_text, original_text = "[]", None
        if findings:
            pii_text = _dumps(findings)
            if self.project.pii_policy == "mask":
                # The masked data is what everyone works on; the original stays for unmasked exports.
                original_text = text if text is not None else _storable(_dumps(data), "data")
                data, text = mask_data(data, findings), None
                if self.labelstudio is not None:
                    self.labelstudio.mask(key, data)
        data_text = text if text is not None else _storable(_dumps(data), "data")
        return (data_text, media.media if media else "", media and media.width, media and media.height,
                priority, self._random(), gold_text, pii_text, original_text, key)

    def _check_pii(self, findings: list[dict]) -> None:
        refused = self.project.pii_policy == "refuse"
        self.report.found_pii(findings, refused=refused)
        if refused:
            first = findings[0]
            kinds = ", ".join(sorted({f["kind"] for f in findings}))
            raise RowError(f"data.{first['field']}", f"holds personal data ({kinds}, first at characters "
                                                     f"{first['start']}-{first['end']}); this project refuses "
                                                     "rows with personal data")

    def add(self, item: _Item) -> None:
        self.report.rows += 1
        try:
            self.batch.append(self.prepare(self.report.rows, item))
        except RowError as exc:
            self.report.error(item, exc.path, exc.message)
        except BadImage as exc:
            self.report.error(item, f"data.{self.image_field}" if item.resolve else "file", str(exc))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        self.batches += 1
        done = self.report.rows
        batch = Batch(self.batches, self.batch, done, max(self.total, done), serial=self.batch_serial)
        self.batch, self.batch_serial = [], False
        if self.pipeline is None:
            self.write(batch, _its_turn)
            if self.committed(batch):
                raise _Stop
            return
        if batch.rows and WRITER_THREADS > 1:
            batch.ids = self.writer.reserve_ids(len(batch.rows))
        if not self.pipeline.submit(batch):
            raise _Stop

    def write(self, batch: Batch, turn: Callable[[], None]) -> None:
        """One batch and the job's progress in one transaction (on a writer thread if pipelined)."""
        with transaction.atomic():
            batch.created = self.writer.write(batch.rows, batch.ids)
            if self.labelstudio is not None:
                self.labelstudio.write([row[-1] for row in batch.rows])
            turn()
            job_progress(job_id=self.job.pk, done=batch.done, total=batch.total)

    def committed(self, batch: Batch) -> bool:
        """Count a committed batch and report progress; True when the import is to stop."""
        self.report.created += batch.created
        self.report.skipped_duplicates += len(batch.rows) - batch.created
        if self.on_progress:
            self.on_progress(batch.done, batch.total)
        if self.should_stop and self.should_stop():
            self.report.cancelled = True
            return True
        return False

    # -- sources ----------------------------------------------------------------------------
    def items(self, path: Path, fmt: str) -> Iterator[_Item]:
        if fmt == labelstudio.FORMAT:
            self.labelstudio = labelstudio.LabelStudioRows.for_job(self.job, self.project)
            self.report.annotations = 0
            fmt = "zip" if _is_zip(path) else "json"
        if fmt == "image":
            yield from self._single_image(path)
        elif fmt == "zip":
            yield from self._zip(path)
        else:
            self.total = _count_rows(path, fmt)
            job_progress(job_id=self.job.pk, total=self.total)
            with open(path, "rb") as stream:
                for number, value in self._read(stream, fmt):
                    yield _Item(number, value)

    def _read(self, stream, fmt: str):
        if self.labelstudio is not None and fmt == "json":
            return self.labelstudio.read(stream)
        if fmt == "jsonl":
            return read_jsonl(stream)
        if fmt == "json":
            return read_json_list(stream)
        if fmt == "csv":
            return read_csv(stream, data_fields=set(self.schema.data))
        raise ImportFailed(f"Unknown import format {fmt!r}; use one of {', '.join(FORMATS)}.")

    def _image_row(self, name: str) -> Record:
        if not self.image_field:
            raise ImportFailed("This project's schema has no image data field, so it cannot import images.")
        return Record({"data": {self.image_field: PurePosixPath(name).name}})

    def _single_image(self, path: Path) -> Iterator[_Item]:
        record = self._image_row(self.job.params.get("filename") or "image")
        self.total = 1
        try:
            with open(path, "rb") as stream:
                media = store_image(stream, project_id=self.project.pk)
        except BadImage as exc:
            raise ImportFailed(f"The image is refused: {exc}.") from exc
        yield _Item(1, record, media=media)

    def _zip(self, path: Path) -> Iterator[_Item]:
        archive = SafeZip(path)
        try:
            data_files = archive.names(DATA_SUFFIXES)
            if data_files:
                yield from self._zip_data(archive, data_files)
            else:
                images = archive.names(IMAGE_SUFFIXES)
                if not images:
                    raise ImportFailed("The archive holds no data file (.jsonl, .json, .csv) and no image.")
                self.total = len(images)
                job_progress(job_id=self.job.pk, total=self.total)
                for number, name in enumerate(images, 1):
                    record = self._image_row(name)
                    try:
                        with archive.open(name) as stream:
                            media = store_image(stream, project_id=self.project.pk)
                    except BadImage as exc:
                        yield _Item(number, RowError("file", f"{name}: {exc}"), file=name)
                        continue
                    yield _Item(number, record, file=name, media=media)
        finally:
            archive.close()

    def _zip_data(self, archive: SafeZip, data_files: list[str]) -> Iterator[_Item]:
        cache: dict[str, StoredImage] = {}

        def resolver(base: str) -> Callable[[Any], StoredImage]:
            def resolve(reference: Any) -> StoredImage:
                path = f"data.{self.image_field}"
                if not isinstance(reference, str) or not reference:
                    raise RowError(path, "must be the path of an image in the archive")
                for candidate in (f"{base}/{reference}" if base else "", reference):
                    if not candidate:
                        continue
                    try:
                        name = safe_name(candidate)
                    except ImportFailed:
                        raise RowError(path, "must be a relative path inside the archive") from None
                    if name not in cache and name in archive.entries:
                        with archive.open(name) as stream:
                            cache[name] = store_image(stream, project_id=self.project.pk)
                    if name in cache:
                        return cache[name]
                raise RowError(path, f"no image {reference!r} in the archive")
            return resolve

        for name in data_files:
            with archive.open(name) as stream:
                self.total += sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
        job_progress(job_id=self.job.pk, total=self.total)
        for name in data_files:
            fmt = DATA_SUFFIXES[PurePosixPath(name).suffix.lower()]
            resolve = resolver(str(PurePosixPath(name).parent).strip("."))
            with archive.open(name) as stream:
                for number, value in self._read(stream, fmt):
                    yield _Item(number, value, file=name, resolve=resolve)

    # -- the whole file ---------------------------------------------------------------------
    def run(self, path: Path, fmt: str) -> ImportReport:
        # Batches are written on threads with connections of their own while this one reads, where
        # that is safe: PostgreSQL, outside any transaction of the caller's (the threads could not
        # see its rows), and not for Label Studio exports (their annotations go with each batch).
        if (connection.vendor == "postgresql" and not connection.in_atomic_block
                and fmt != labelstudio.FORMAT):
            self.pipeline = BatchPipeline(write=self.write, committed=self.committed, threads=WRITER_THREADS)
        try:
            try:
                for item in self.items(path, fmt):
                    self.add(item)
                self.flush()
            finally:
                if self.pipeline is not None:
                    self.pipeline.close()  # every batch queued is in (or given up); a writer's error
        except _Stop:
            pass
        except ImportFailed as exc:
            exc.report = self.report  # the batches already written are in the report
            raise
        finally:
            if self.labelstudio is not None:
                self.report.annotations = self.labelstudio.created
        return self.report


class _Stop(Exception):
    pass


def _its_turn() -> None:
    """Written inline, a batch's turn to commit has always come."""


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as stream:
        return detect_format("", stream.read(8)) == "zip"


def _count_rows(path: Path, fmt: str) -> int:
    """A fast estimate of the rows for progress: newlines (JSONL, CSV); 0 for a JSON list."""
    if fmt not in ("jsonl", "csv"):
        return 0
    with open(path, "rb") as stream:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return max(lines - (1 if fmt == "csv" else 0), 0)


def task_import(*, job: Job, path: Path | None = None, fmt: str | None = None, batch_size: int = BATCH_SIZE,
                on_progress: ProgressFn | None = None, should_stop: Callable[[], bool] | None = None) -> dict:
    """Import the job's file into its project; return the job result.

    Raises ImportFailed when the file as a whole cannot be imported; the exception's ``report``
    holds what earlier batches wrote. Safe to run again for the same job: rows already imported
    are counted in ``skipped_duplicates``.
    """
    project = Project.objects.select_related("organization").get(pk=job.project_id)
    path = Path(path) if path is not None else import_source(job.pk)
    fmt = fmt or job.params.get("format")
    if not path.exists():
        raise ImportFailed("The uploaded file is gone; upload it again.")
    importer = _Importer(job=job, project=project, batch_size=batch_size, on_progress=on_progress,
                         should_stop=should_stop)
    report = importer.run(path, fmt)
    with transaction.atomic():
        job_progress(job_id=job.pk, done=report.rows, total=report.rows)
        # One audit event per import job: a re-run after a crash does not record a second one.
        recorded = AuditEvent.objects.filter(organization_id=project.organization_id, action="task.import",
                                             object_type="Job", object_id=str(job.pk)).exists()
        if not recorded:
            audit_record(organization_id=project.organization_id, actor=job.created_by, action="task.import",
                         obj=job, data={"project": project.pk, "created": report.created,
                                        "errors": report.error_count, "format": fmt,
                                        **{k: v for k, v in report.as_result().items() if k in ("pii", "annotations")}})
        if report.created:
            transaction.on_commit(lambda: tasks_imported.send(sender=Project, project=project, job=job,
                                                              count=report.created))
    return report.as_result()


__all__ = ["BATCH_SIZE", "FORMATS", "ImportFailed", "ImportReport", "detect_format", "import_dir",
           "import_source", "task_import"]
