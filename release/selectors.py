"""Reads of releases: fetched through the caller's permissions, records streamed in constant memory.

Records are read by keyset pagination on ``(release, seq)`` (the unique index), a chunk at a
time, so memory is one chunk whatever the release's size and no cursor stays open between
chunks (safe behind a connection pooler and on SQLite).
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from django.db import connection
from django.db.models import Max, Min
from rest_framework.exceptions import NotFound

from annotation.access import ANY_ROLE, organization_ids, require_role
from annotation.models import Project, Task
from release.models import Release, ReleaseRecord

CHUNK = 2000
COPY_BATCH = 256 * 1024  # bytes gathered before a chunk of the COPY stream is handed on
COPY_RANGE = 50000  # records per COPY statement


def release_for_user(user, release_id: int, *, roles=ANY_ROLE) -> Release:
    try:
        release = Release.objects.select_related("project", "created_by").get(
            pk=release_id, project__organization_id__in=organization_ids(user))
    except (Release.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    require_role(user, release.project.organization_id, roles)
    return release


def project_releases(project: Project):
    return Release.objects.filter(project=project).select_related("project", "created_by").order_by("-version")


def record_rows(release_id: int, fields: tuple[str, ...], chunk: int) -> Iterator[list[tuple]]:
    """Chunks of ``(seq, *fields)`` tuples in seq order.

    Each query asks for a bounded seq range, not "after seq N, first 2000": right after a big
    release is written PostgreSQL's statistics are stale, and the planner may then sort every
    remaining record of the release for each chunk. Positions are contiguous in a sound release;
    a gap (deleted rows) is skipped over by asking where the next record is.
    """
    rows = ReleaseRecord.objects.filter(release_id=release_id)
    start = 0
    while True:
        batch = list(rows.filter(seq__gte=start, seq__lt=start + chunk).order_by("seq").values_list("seq", *fields))
        if batch:
            yield batch
            start = batch[-1][0] + 1
            continue
        following = rows.filter(seq__gte=start).aggregate(first=Min("seq"))["first"]
        if following is None:
            return
        start = following


def release_records(release: Release, unmasked: bool = False, chunk: int = CHUNK) -> Iterator[dict]:
    """The release's records in seq order, each the stored line parsed plus its ``sha256``.

    ``unmasked`` swaps in the task's original data read now (``data_original``, else ``data``);
    the stored masked line is not touched, so the record's hash stays that of the masked line.
    """
    for batch in record_rows(release.pk, ("task_id", "sha256", "line"), chunk):
        originals = {}
        if unmasked:
            tasks = Task.objects.filter(pk__in=[row[1] for row in batch]).values_list("pk", "data_original", "data")
            originals = {pk: original if original is not None else data for pk, original, data in tasks}
        for _, task_id, sha256, line in batch:
            record = json.loads(line)
            record["sha256"] = sha256
            if unmasked and task_id in originals:
                record["data"] = originals[task_id]
            yield record


def release_leaves(release: Release, chunk: int = 10000) -> Iterator[tuple[int, str, str]]:
    """``(seq, sha256, key)`` in seq order: the Merkle leaves and what they name."""
    for batch in record_rows(release.pk, ("sha256", "key"), chunk):
        yield from batch


def release_lines(release: Release) -> Iterator[bytes]:
    """The stored JSONL lines, newline-terminated, in seq order, as byte chunks."""
    if connection.vendor == "postgresql":
        yield from _copy_lines(release.pk)
        return
    for batch in record_rows(release.pk, ("line",), CHUNK):
        yield "".join(line + "\n" for _, line in batch).encode()


def _copy_lines(release_id: int) -> Iterator[bytes]:
    """PostgreSQL fast path: ``COPY ... TO STDOUT`` streams the lines without building a Python
    object per row, one bounded seq range per statement (see ``record_rows`` for why bounded).
    COPY's text format doubles every backslash and would escape control characters, but a
    canonical line has none of those (``json.dumps`` escapes them), so undoing the doubled
    backslashes restores the line exactly."""
    last = ReleaseRecord.objects.filter(release_id=release_id).aggregate(last=Max("seq"))["last"]
    if last is None:
        return
    query = ("COPY (SELECT line FROM release_releaserecord WHERE release_id = %s AND seq >= %s AND seq < %s "
             "ORDER BY seq) TO STDOUT")
    connection.ensure_connection()
    parts: list[bytes] = []
    size = 0
    with connection.connection.cursor() as cursor:
        for start in range(0, last + 1, COPY_RANGE):
            with cursor.copy(query, (release_id, start, start + COPY_RANGE)) as copy:
                for data in copy:
                    parts.append(bytes(data))
                    size += len(data)
                    if size >= COPY_BATCH:
                        yield b"".join(parts).replace(b"\\\\", b"\\")
                        parts, size = [], 0
    if parts:
        yield b"".join(parts).replace(b"\\\\", b"\\")
