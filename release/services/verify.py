"""Check a release against its own manifest: one record with its Merkle proof, or every record.

The manifest's ``merkle_root`` is what a buyer was given. A record's hash is recomputed from its
stored line, never read back from the ``sha256`` column, so an edited line fails even when its
column was edited to match; the proof's sibling hashes come from the other records' columns, and
a wrong one there makes the proof miss the root as well.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from annotation.models import AuditEvent
from release import merkle
from release.models import Release, ReleaseRecord
from release.selectors import record_rows, release_leaves
from release.services.records import line_sha256


@dataclass
class RecordCheck:
    seq: int
    task_id: int
    key: str
    stored_sha256: str
    line_sha256: str
    path: list[str]
    root: str
    proof_ok: bool
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ReleaseCheck:
    records: int
    root: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _release_problems(release: Release) -> list[str]:
    problems = []
    if release.state != Release.State.READY:
        problems.append(f"release is {release.state}, not ready")
    if release.merkle_root != release.manifest.get("merkle_root"):
        problems.append("the release's merkle_root differs from its manifest's")
    head = release.manifest.get("audit_head")
    if head:
        digest = AuditEvent.objects.filter(organization_id=release.project.organization_id,
                                           seq=head["seq"]).values_list("digest", flat=True).first()
        if digest != head["digest"] or digest != release.audit_head:
            problems.append(f"audit event {head['seq']} no longer has the digest recorded as the chain head")
    return problems


def record_check(*, release: Release, task_id: int | None = None, key: str | None = None) -> RecordCheck:
    """Recompute one record's hash and prove it against the manifest root. Raises
    ``ReleaseRecord.DoesNotExist`` when the release has no such record."""
    lookup = {"task_id": task_id} if task_id is not None else {"key": key}
    row = ReleaseRecord.objects.get(release=release, **lookup)
    size = release.manifest.get("merkle", {}).get("size", release.record_count)
    recomputed = line_sha256(row.line)
    builder = merkle.ProofBuilder(row.seq, size)
    seen = 0
    for _, sha256, _ in release_leaves(release):
        if seen < size:
            builder.add(bytes.fromhex(sha256))
        seen += 1
    root = release.manifest.get("merkle_root", "")
    problems = _release_problems(release)
    path: list[bytes] = []
    if seen != size:
        problems.append(f"the release has {seen} records, its manifest says {size}")
        proof_ok = False
    else:
        path = builder.path()
        proof_ok = merkle.verify(bytes.fromhex(recomputed), row.seq, size, path, bytes.fromhex(root))
    if recomputed != row.sha256:
        problems.append("the record's line does not match its stored sha256: the line was changed")
    if not proof_ok:
        problems.append("the Merkle proof does not lead to the manifest's root")
    return RecordCheck(seq=row.seq, task_id=row.task_id, key=row.key, stored_sha256=row.sha256,
                       line_sha256=recomputed, path=[p.hex() for p in path], root=root, proof_ok=proof_ok,
                       problems=problems)


def release_check(*, release: Release, on_progress: Callable[[int], None] | None = None) -> ReleaseCheck:
    """Recompute every record's hash from its line and the whole root; compare with the manifest."""
    tree = merkle.RootBuilder()
    problems = _release_problems(release)
    bad, expected_seq = [], 0
    for batch in record_rows(release.pk, ("sha256", "line"), 5000):
        for seq, stored, line in batch:
            recomputed = line_sha256(line)
            if seq != expected_seq:
                problems.append(f"record positions jump from {expected_seq} to {seq}: records were deleted")
            if recomputed != stored:
                bad.append(seq)
            tree.add(bytes.fromhex(recomputed))
            expected_seq = seq + 1
        if on_progress is not None:
            on_progress(tree.count)
    if bad:
        problems.append(f"{len(bad)} record line(s) do not match their sha256; first at seq {bad[0]}")
    root = tree.root().hex()
    if tree.count != release.record_count:
        problems.append(f"the release has {tree.count} records, it was sealed with {release.record_count}")
    if root != release.manifest.get("merkle_root"):
        problems.append("the recomputed Merkle root differs from the manifest's")
    return ReleaseCheck(records=tree.count, root=root, problems=problems)
