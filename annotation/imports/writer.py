"""Insert prepared task rows in one statement per batch, skipping keys already present.

Rows are plain tuples in ``ROW_FIELDS`` order (JSON already serialized), so a million rows never
become a million model instances. PostgreSQL gets a ``COPY`` into a temporary table and one ``INSERT …
SELECT … ON CONFLICT DO NOTHING``; SQLite one ``INSERT OR IGNORE`` through ``executemany``; any other backend
``bulk_create(ignore_conflicts=True)``. Every other column takes its model default, read from the
model, so a field added later needs no change here.
"""
from __future__ import annotations

import json

from django.db import connection as default_connection
from django.utils import timezone

from annotation.models import Task

# import_key stays last: the ORM path reads it as row[-1].
ROW_FIELDS = ("data", "media", "media_width", "media_height", "priority", "random_key", "gold", "pii",
              "data_original", "import_key")
PG_STAGE = "zhibiao_import_rows"
PG_STAGE_TYPES = {"data": "text", "media": "text", "media_width": "integer", "media_height": "integer",
                  "priority": "integer", "random_key": "float8", "gold": "text", "pii": "text",
                  "data_original": "text", "import_key": "text"}
SQLITE_CACHE_KIB = 128 * 1024
PG_CASTS = {"data": "::jsonb", "gold": "::jsonb", "pii": "::jsonb", "data_original": "::jsonb"}
JSON_FIELDS = ("data", "gold", "pii", "data_original")


class TaskWriter:
    def __init__(self, *, project_id: int, connection=default_connection):
        self.project_id = project_id
        self.connection = connection
        self.vendor = connection.vendor
        meta = Task._meta
        self._row_columns = [meta.get_field(name).column for name in ROW_FIELDS]
        self._constant_fields = [f for f in meta.concrete_fields if not f.primary_key and f.name not in ROW_FIELDS]
        self._table = connection.ops.quote_name(meta.db_table)

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

    def write(self, rows: list[tuple]) -> int:
        """Insert the rows; return how many were new (the rest had a key already imported)."""
        if not rows:
            return 0
        if self.vendor == "postgresql":
            return self._write_postgresql(rows)
        if self.vendor == "sqlite":
            return self._write_sqlite(rows)
        return self._write_orm(rows)

    def _write_postgresql(self, rows: list[tuple]) -> int:
        # COPY is the cheapest way in for the client (rows are encoded in C); the temporary table
        # then lets one INSERT … ON CONFLICT skip the keys already imported.
        quote = self.connection.ops.quote_name
        const_columns, const_values = self._constants()
        staged = ", ".join(f"{quote(c)} {PG_STAGE_TYPES[n]}" for n, c in zip(ROW_FIELDS, self._row_columns))
        names = ", ".join(quote(c) for c in self._row_columns)
        columns = ", ".join(quote(c) for c in const_columns + self._row_columns)
        select = ", ".join(["%s"] * len(const_columns)
                           + [f"{quote(c)}{PG_CASTS.get(n, '')}" for n, c in zip(ROW_FIELDS, self._row_columns)])
        with self.connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {PG_STAGE} ({staged}) ON COMMIT DROP")
            with cursor.cursor.copy(f"COPY {PG_STAGE} ({names}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
            cursor.execute(f"INSERT INTO {self._table} ({columns}) SELECT {select} FROM {PG_STAGE} "
                           f"ON CONFLICT ({quote('project_id')}, {quote('import_key')}) DO NOTHING", const_values)
            created = cursor.rowcount
            cursor.execute(f"DROP TABLE {PG_STAGE}")
            return created

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
