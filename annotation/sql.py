"""Rows of the request hot paths (next-task, submit, authentication) without the ORM's compiler.

The ORM builds every SQL string afresh on every call; on the next-task → submit round trip that
compilation cost more CPU than the database did (see docs/performance.md). Here a model's column
list, its converters and its INSERT statement are worked out once per model, and a row becomes an
instance through the same converters the ORM would apply (JSON decoding, SQLite's datetimes), so
callers get ordinary model instances. Raw SQL written with these stays portable: placeholders are
``%s`` and values go through the backend's own adapters.

On PostgreSQL these statements bind their parameters on the server, so psycopg prepares the ones
a connection runs again and again (after ``DB_PREPARE_THRESHOLD`` runs): the server then skips
parsing and planning them. The ORM keeps Django's client-side binding (it never prepares).
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model


class Rows:
    """Column list and loader of one model's rows, as selected by ``columns(alias)``."""

    def __init__(self, model: type[Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.width = len(self.fields)
        self._converters = []
        for i, field in enumerate(self.fields):
            column = field.get_col(model._meta.db_table)
            converters = [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]
            if converters:
                self._converters.append((i, column, converters))

    def columns(self, alias: str) -> str:
        return ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in self.fields)

    def load(self, row: Sequence[Any], start: int = 0) -> Model:
        """The instance held in ``row[start:start + width]``."""
        db = connections[DEFAULT_DB_ALIAS]  # one lookup through the thread-local proxy, not one per value
        values = list(row[start:start + self.width])
        for i, column, converters in self._converters:
            value = values[i]
            for convert in converters:
                value = convert(value, column, db)
            values[i] = value
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


@cache
def rows(model: type[Model]) -> Rows:
    return Rows(model)


@cache
def _server_binding_cursor():
    """psycopg's server-binding cursor class, when this database prepares statements."""
    if connection.vendor != "postgresql" or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        return None
    from django.db.backends.postgresql.base import ServerBindingCursor

    return ServerBindingCursor


def cursor():
    """Django's cursor (errors wrapped, queries counted in tests); on PostgreSQL with prepared
    statements on, one that binds parameters on the server so that psycopg can prepare them."""
    db = connections[DEFAULT_DB_ALIAS]
    factory = _server_binding_cursor()
    if factory is None:
        return db.cursor()
    db.ensure_connection()
    with db.wrap_database_errors:
        return db._prepare_cursor(factory(db.connection))


def fetch(sql: str, params: Sequence[Any]) -> tuple | None:
    with cursor() as c:
        c.execute(sql, params)
        return c.fetchone()


def fetch_all(sql: str, params: Sequence[Any]) -> list[tuple]:
    with cursor() as c:
        c.execute(sql, params)
        return c.fetchall()


def execute(sql: str, params: Sequence[Any]) -> int:
    """Run one statement; the number of rows it changed."""
    with cursor() as c:
        c.execute(sql, params)
        return c.rowcount


@cache
def _insert_sql(model: type[Model]) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    return sql, fields


def insert_statement(instance: Model) -> tuple[str, list]:
    """``INSERT … VALUES (…)`` of the instance and its values (``auto_now`` fields set and every
    value prepared as the ORM would), to run with a RETURNING clause or nest in a larger statement."""
    sql, fields = _insert_sql(type(instance))
    db = connections[DEFAULT_DB_ALIAS]
    return sql, [f.get_db_prep_save(f.pre_save(instance, add=True), db) for f in fields]


def inserted(instance: Model, pk: int) -> Model:
    instance.pk = pk
    instance._state.adding, instance._state.db = False, DEFAULT_DB_ALIAS
    return instance


def insert(instance: Model) -> Model:
    """``instance.save(force_insert=True)`` for a model without save() overrides or signal
    receivers."""
    sql, values = insert_statement(instance)
    pk = connection.ops.quote_name(instance._meta.pk.column)
    return inserted(instance, fetch(f"{sql} RETURNING {pk}", values)[0])


def for_update(of: str = "", *, skip_locked: bool = False) -> str:
    """The row-lock clause for a SELECT (``of``: the table alias to lock); nothing on SQLite,
    whose IMMEDIATE transactions already serialize writers."""
    if connection.vendor != "postgresql":
        return ""
    return f" FOR UPDATE{f' OF {of}' if of else ''}{' SKIP LOCKED' if skip_locked else ''}"


def is_row_id(value: int) -> bool:
    """Whether an integer from outside can be a primary key at all: beyond a bigint there is no
    such row, and asking the database would be an error rather than "not found"."""
    return 0 < value < 2**63


def db_time(value):
    """A datetime as the database wants it in raw SQL (SQLite stores naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)
