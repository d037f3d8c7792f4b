"""Compare two releases of one project record by record.

Both record lists are read in seq order, which the builder makes task-id order, and merged like
sorted files, so memory is two chunks whatever the sizes. Task ids name records exactly within a
project (each has one import key), and integers sort the same in every database and in Python,
which a merge needs and text keys under a locale collation would not give.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from release.models import Release
from release.selectors import record_rows

CHUNK = 5000
DEFAULT_LIMIT = 1000  # keys listed per kind; the counts are always complete


class DiffRefused(Exception):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name, self.message = field_name, message


@dataclass
class ReleaseDiff:
    limit: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=lambda: {"added": 0, "removed": 0, "changed": 0, "unchanged": 0})

    def note(self, kind: str, key: str) -> None:
        self.counts[kind] += 1
        if kind != "unchanged" and len(getattr(self, kind)) < self.limit:
            getattr(self, kind).append(key)

    def as_dict(self) -> dict:
        truncated = any(self.counts[k] > len(getattr(self, k)) for k in ("added", "removed", "changed"))
        return {"added": self.added, "removed": self.removed, "changed": self.changed, "counts": self.counts,
                "truncated": truncated}


def _by_task(release_id: int) -> Iterator[tuple[int, str, str]]:
    last = 0
    for batch in record_rows(release_id, ("task_id", "key", "sha256"), CHUNK):
        for _row, task_id, key, sha256 in batch:
            if task_id <= last:  # a merge on an unsorted list would report nonsense
                raise DiffRefused("id", _("release {id} is not in task order; run verify_release").format(
                    id=release_id))
            last = task_id
            yield task_id, key, sha256


def release_diff(*, release: Release, against: Release, limit: int = DEFAULT_LIMIT) -> ReleaseDiff:
    """What ``release`` adds, removes and changes relative to ``against`` (keys and counts)."""
    if against.project_id != release.project_id:
        raise DiffRefused("against", _("must be a release of the same project"))
    for name, other in (("id", release), ("against", against)):
        if other.state != Release.State.READY:
            raise DiffRefused(name, _("release {id} is {state}, not ready").format(id=other.pk, state=other.state))
    diff = ReleaseDiff(limit=limit)
    new, old = _by_task(release.pk), _by_task(against.pk)
    a, b = next(new, None), next(old, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            diff.note("added", a[1])
            a = next(new, None)
        elif a is None or b[0] < a[0]:
            diff.note("removed", b[1])
            b = next(old, None)
        else:
            diff.note("changed" if a[2] != b[2] else "unchanged", a[1])
            a, b = next(new, None), next(old, None)
    return diff
