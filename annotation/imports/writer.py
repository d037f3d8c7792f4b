"""Insert prepared task rows in one statement per batch, skipping keys already present.

Rows are plain tuples in ``ROW_FIELDS`` order (JSON already serialized), so a million rows never
become a million model instances. PostgreSQL gets one ``COPY`` straight into the task table: the
unique ``(project, import_key)`` index refuses the whole batch if any key is already there (a
re-run, a caller id given twice), and the batch is then written again through a temporary table and
one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` that skips those keys. SQLite gets one
``INSERT OR IGNORE`` through ``executemany``; any other backend ``bulk_create(ignore_conflicts=True)``.
Every other column takes its model default, read from the model, so a field added later needs no
change here.

``BatchPipeline`` runs the writing on threads of their own (PostgreSQL): see its docstring.
"""
from __future__ import annotations

import datetime
import json
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from itertools import repeat

import psycopg
from django.db import IntegrityError, connection as default_connection, transaction
from django.utils import timezone

from annotation.models import Task

# import_key stays last: the ORM path reads it as row[-1].
ROW_FIELDS = ("data", "media", "media_width", "media_height", "priority", "random_key", "gold", "pii",
              "data_original", "import_key")
PG_STAGE = "zhibiao_import_rows"
SQLITE_CACHE_KIB = 128 * 1024
JSON_FIELDS = ("data", "gold", "pii", "data_original")
# COPY's text format: a tab between columns, \N for NULL, and these four characters escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _copy_text(value: str | None) -> str:
    if value is None:
        return _NULL
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


def _copy_int(value: int | None) -> str:
    return _NULL if value is None else str(value)


def _copy_value(value) -> str:
    """One value in COPY's text format (the per-batch constants; rows take copy_lines' fast path)."""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return _copy_text(value if value is None else str(value))


def copy_lines(rows: list[tuple], tail: str, ids: Iterable[int] | None = None) -> str:
    """The rows (``ROW_FIELDS`` order) as COPY text, each line ending with ``tail`` (the constant
    columns, already encoded, each after a tab); with ``ids``, each line starts with its id."""
    text, number = _copy_text, _copy_int
    heads = repeat("") if ids is None else (f"{task_id}\t" for task_id in ids)
    return "".join([f"{head}{text(data)}\t{text(media)}\t{number(width)}\t{number(height)}\t{priority}\t"
                    f"{random_key!r}\t{text(gold)}\t{text(pii)}\t{text(original)}\t{text(key)}{tail}\n"
                    for head, (data, media, width, height, priority, random_key, gold, pii, original, key)
                    in zip(heads, rows)])


class TaskWriter:
    def __init__(self, *, project_id: int, connection=default_connection):
        self.project_id = project_id
        self.connection = connection
        self.vendor = connection.vendor
        meta = Task._meta
        self._row_columns = [meta.get_field(name).column for name in ROW_FIELDS]
        self._constant_fields = [f for f in meta.concrete_fields if not f.primary_key and f.name not in ROW_FIELDS]
        self._table = connection.ops.quote_name(meta.db_table)
        self._pk_column = meta.pk.column
        # COPY straight into the table until a batch meets a key already there (see _write_postgresql).
        self._direct = True
        self._sequence: str | None = None  # the primary key's sequence (PostgreSQL), once looked up

    def _constants(self) -> tuple[list[str], list]:
        columns, values = [], []
        now = timezone.now()
        for field in self._constant_fields:
            if field.name == "project":
                value = self.project_id
            elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                value = now
            else:
                value = field.get_default()
            columns.append(field.column)
            values.append(field.get_db_prep_save(value, self.connection))
        return columns, values

    def write(self, rows: list[tuple], ids: list[int] | None = None) -> int:
        """Insert the rows; return how many were new (the rest had a key already imported).

        ``ids`` (PostgreSQL, from ``reserve_ids``) are the new tasks' primary keys, one a row.
        """
        if not rows:
            return 0
        if ids is not None and len(ids) != len(rows):
            raise ValueError(f"{len(ids)} ids for {len(rows)} rows")
        if self.vendor == "postgresql":
            return self._write_postgresql(rows, ids)
        if ids is not None:
            raise ValueError("Reserved ids are for PostgreSQL.")
        if self.vendor == "sqlite":
            return self._write_sqlite(rows)
        return self._write_orm(rows)

    def reserve_ids(self, count: int) -> list[int]:
        """``count`` increasing primary keys from the task sequence (PostgreSQL), so that batches
        written side by side still number their tasks in file order."""
        with self.connection.cursor() as cursor:
            if self._sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [Task._meta.db_table, self._pk_column])
                self._sequence = cursor.fetchone()[0]
            cursor.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                           [self._sequence, count])
            return sorted(cursor.fetchone()[0])

    def _write_postgresql(self, rows: list[tuple], ids: list[int] | None) -> int:
        # COPY is the cheapest way in: the rows go as one text stream and the server parses them in
        # C. A key already there makes the unique index refuse the COPY; the savepoint undoes it and
        # the batch goes through a temporary table and INSERT … ON CONFLICT DO NOTHING instead,
        # which skips those keys. A retried job meets its earlier batches that way, one refused
        # COPY each (refused at its first row), then is back to the straight COPY.
        quote = self.connection.ops.quote_name
        const_columns, const_values = self._constants()
        columns = ([self._pk_column] if ids is not None else []) + self._row_columns + const_columns
        names = ", ".join(quote(c) for c in columns)
        text = copy_lines(rows, "".join("\t" + _copy_value(v) for v in const_values), ids)
        if self._direct:
            try:
                with transaction.atomic(using=self.connection.alias):
                    self._copy(f"COPY {self._table} ({names}) FROM STDIN", text)
                return len(rows)
            except IntegrityError as exc:
                if not isinstance(exc.__cause__, psycopg.errors.UniqueViolation):
                    raise
        with self.connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {PG_STAGE} ON COMMIT DROP AS SELECT {names} FROM {self._table} "
                           "WITH NO DATA")
            self._copy(f"COPY {PG_STAGE} ({names}) FROM STDIN", text)
            cursor.execute(f"INSERT INTO {self._table} ({names}) SELECT {names} FROM {PG_STAGE} "
                           f"ON CONFLICT ({quote('project_id')}, {quote('import_key')}) DO NOTHING")
            created = cursor.rowcount
            cursor.execute(f"DROP TABLE {PG_STAGE}")
        self._direct = created == len(rows)
        return created

    def _copy(self, sql: str, text: str) -> None:
        # Through Django's error wrapper, like any query: a lost connection is an OperationalError
        # (the job retries), a key already there an IntegrityError.
        with self.connection.wrap_database_errors, self.connection.cursor() as cursor:
            with cursor.cursor.copy(sql) as copy:
                copy.write(text)

    def _write_sqlite(self, rows: list[tuple]) -> int:
        quote = self.connection.ops.quote_name
        const_columns, const_values = self._constants()
        columns = ", ".join(quote(c) for c in self._row_columns + const_columns)
        marks = ", ".join(["%s"] * (len(self._row_columns) + len(const_columns)))
        sql = f"INSERT OR IGNORE INTO {self._table} ({columns}) VALUES ({marks})"
        tail = tuple(const_values)
        with self.connection.cursor() as cursor:
            # A bigger page cache keeps the task indexes in memory while a batch goes in (the
            # default of 2 MB makes every random-key insert a page miss).
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            cursor.executemany(sql, [row + tail for row in rows])
            return cursor.rowcount

    def _write_orm(self, rows: list[tuple]) -> int:
        keys = [row[-1] for row in rows]
        before = Task.objects.filter(project_id=self.project_id, import_key__in=keys).count()
        tasks = []
        for row in rows:
            values = dict(zip(ROW_FIELDS, row, strict=True))
            for name in JSON_FIELDS:
                values[name] = None if values[name] is None else json.loads(values[name])
            tasks.append(Task(project_id=self.project_id, **values))
        Task.objects.bulk_create(tasks, ignore_conflicts=True)
        after = Task.objects.filter(project_id=self.project_id, import_key__in=keys).count()
        return after - before


@dataclass(slots=True)
class Batch:
    """Rows cut from the file, with the progress the job reaches once they are committed."""

    number: int  # 1, 2, … in file order
    rows: list[tuple]
    done: int
    total: int
    ids: list[int] | None = None
    # Some rows carry a caller's id, which an earlier batch of the same file may hold too: such a
    # batch starts only once every earlier one has committed (see BatchPipeline).
    serial: bool = False
    created: int = 0


class Halted(Exception):
    """The batch is given up: an earlier one failed, or the import was stopped after it."""


WriteFn = Callable[[Batch, Callable[[], None]], None]


class BatchPipeline:
    """Write batches on ``threads`` threads, each with its own database connection, while the
    caller reads and prepares the next ones.

    ``write(batch, turn)`` writes one batch in a transaction of its own and calls ``turn()`` before
    it updates the job's progress: ``turn`` returns once every earlier batch has committed, so
    the inserts of two batches run side by side but the batches commit in file order, each with
    its progress. ``committed(batch)`` then runs, still in order, and returns True to stop: the
    batches behind it roll back, as do those behind a batch that failed (its error is raised by
    ``close``). A batch waits for its turn holding the locks of its new keys; keys of the form
    ``<job>:<row>`` belong to this job alone, but a caller's id may come again later in the file,
    so a ``serial`` batch waits for its turn before it inserts anything (two batches waiting on
    each other would otherwise deadlock where the database cannot see it). The queue holds one
    batch: memory stays a few batches whatever the file.
    """

    def __init__(self, *, write: WriteFn, committed: Callable[[Batch], bool], threads: int):
        self._write, self._committed = write, committed
        self._queue: queue.Queue[Batch | None] = queue.Queue(maxsize=1)
        self._changed = threading.Condition()
        self._next = 1  # the batch whose turn it is to commit
        self._halted = False
        self.stopped = False
        self._error: BaseException | None = None
        self._threads = [threading.Thread(target=self._run, name=f"import-writer-{n}", daemon=True)
                         for n in range(threads)]
        for thread in self._threads:
            thread.start()

    def submit(self, batch: Batch) -> bool:
        """Queue a batch (waiting while the queue is full); False once the pipeline has halted."""
        self._queue.put(batch)
        return not self._halted

    def close(self) -> None:
        """Wait until every queued batch is committed or given up; raise a writer's error."""
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        if self._error is not None:
            raise self._error

    def _turn(self, number: int) -> None:
        with self._changed:
            while self._next != number and not self._halted:
                self._changed.wait()
            if self._halted:
                raise Halted

    def _run(self) -> None:
        try:
            while (batch := self._queue.get()) is not None:
                if self._halted:
                    continue  # drain, so that submit never blocks for good
                try:
                    if batch.serial:
                        self._turn(batch.number)
                    self._write(batch, partial(self._turn, batch.number))
                    stop = self._committed(batch)
                except Halted:
                    continue
                except BaseException as exc:  # raised again by close(), in the caller's thread
                    with self._changed:
                        self._error = self._error or exc
                        self._halted = True
                        self._changed.notify_all()
                    continue
                with self._changed:
                    self._next = batch.number + 1
                    if stop:
                        self.stopped = self._halted = True
                    self._changed.notify_all()
        finally:
            default_connection.close()
