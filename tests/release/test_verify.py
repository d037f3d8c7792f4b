"""verify_release proves records against the manifest root; verify_audit walks the audit chain.
Both must fail after tampering with the rows directly in the database."""
from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from annotation.models import AuditEvent
from release import merkle
from tests.factories import TaskFactory
from tests.release.builders import accept, build_release


@pytest.fixture
def release(project, manager, annotator):
    for i in range(11):
        accept(TaskFactory(project=project, data={"text": f"story {i} \\ with a backslash"}),
               result={"sentiment": "pos" if i % 2 else "neg"}, annotators=[annotator])
    return build_release(project, manager)


def run(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def flip(line: str) -> str:
    """The line with its sentiment label turned around."""
    return line.replace('"pos"', '"tmp"').replace('"neg"', '"pos"').replace('"tmp"', '"neg"')


def tamper(sql: str, *params) -> None:
    """Change rows behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_record_proves_its_membership_and_the_printed_proof_verifies_independently(release):
    row = release.records.get(seq=6)
    out, error = run("verify_release", release.pk, "--task", row.task_id, "--json")
    assert error is None
    result = json.loads(out)
    assert result["ok"] and result["seq"] == 6 and result["sha256"] == row.sha256
    leaf = hashlib.sha256(row.line.encode()).digest()
    assert merkle.verify(leaf, 6, 11, [bytes.fromhex(p) for p in result["proof"]], bytes.fromhex(release.merkle_root))


def test_lookup_by_key_and_the_whole_release_pass(release):
    out, error = run("verify_release", release.pk, "--key", release.records.get(seq=0).key)
    assert error is None and out.strip().endswith("OK")
    out, error = run("verify_release", release.pk, "--all")
    assert error is None and "11 records recomputed" in out


def test_an_edited_line_fails_its_proof_and_the_whole_check(release):
    row = release.records.get(seq=3)
    tamper("UPDATE release_releaserecord SET line = %s WHERE id = %s", flip(row.line), row.pk)
    out, error = run("verify_release", release.pk, "--task", row.task_id)
    assert error is not None and "does not match its stored sha256" in out
    out, error = run("verify_release", release.pk, "--all")
    assert error is not None and "first at seq 3" in out and "root differs" in out
    # the untouched records still prove their membership
    assert run("verify_release", release.pk, "--task", release.records.get(seq=4).task_id)[1] is None


def test_a_line_edited_together_with_its_hash_still_fails_the_proof(release):
    row = release.records.get(seq=8)
    line = flip(row.line)
    tamper("UPDATE release_releaserecord SET line = %s, sha256 = %s WHERE id = %s", line,
           hashlib.sha256(line.encode()).hexdigest(), row.pk)
    out, error = run("verify_release", release.pk, "--task", row.task_id)
    assert error is not None and "Merkle proof does not lead to the manifest's root" in out


def test_a_deleted_record_fails_the_whole_check(release):
    tamper("DELETE FROM release_releaserecord WHERE release_id = %s AND seq = 5", release.pk)
    out, error = run("verify_release", release.pk, "--all")
    assert error is not None and "jump from 5 to 6" in out
    out, error = run("verify_release", release.pk, "--task", release.records.get(seq=0).task_id)
    assert error is not None and "manifest says 11" in out


def test_unknown_release_or_record_is_an_error(release):
    assert "no release" in str(run("verify_release", 999999, "--all")[1])
    assert "no record" in str(run("verify_release", release.pk, "--key", "nope")[1])


# -- verify_audit ---------------------------------------------------------------------------------

def test_an_untouched_chain_passes(release, base):
    out, error = run("verify_audit", "--organization", base.pk)
    assert error is None and out.startswith(f"OK organization {base.pk}")


def test_an_edited_event_is_named(release, base):
    event = AuditEvent.objects.get(organization=base, action="release.ready")
    tamper("UPDATE annotation_auditevent SET data = %s WHERE id = %s", json.dumps({"records": 12}), event.pk)
    out, error = run("verify_audit", "--organization", base.pk)
    assert error is not None and f"first bad event seq {event.seq}: content does not match its digest" in out


def test_a_deleted_event_is_found(release, base):
    event = AuditEvent.objects.get(organization=base, action="release.create")
    tamper("DELETE FROM annotation_auditevent WHERE id = %s", event.pk)
    out, error = run("verify_audit")
    assert error is not None and f"first bad event seq {event.seq + 1}" in out and "missing or inserted" in out


def test_an_inserted_event_is_found(release, base):
    last = AuditEvent.objects.filter(organization=base).order_by("-seq").first()
    tamper("UPDATE annotation_auditevent SET seq = seq + 1 WHERE organization_id = %s AND seq >= %s",
           base.pk, last.seq)
    forged = AuditEvent.objects.create(organization=base, seq=last.seq, actor_name="intruder", action="release.ready",
                                       object_type="Release", object_id="1", data={}, created_at=last.created_at,
                                       prev_digest=last.prev_digest, digest="f" * 64)
    out, error = run("verify_audit", "--organization", base.pk)
    assert error is not None and f"first bad event seq {forged.seq}" in out


def test_verify_release_notices_a_rewritten_chain_head(release, base):
    head = release.manifest["audit_head"]
    tamper("UPDATE annotation_auditevent SET digest = %s WHERE organization_id = %s AND seq = %s",
           "0" * 64, base.pk, head["seq"])
    out, error = run("verify_release", release.pk, "--all")
    assert error is not None and "chain head" in out
