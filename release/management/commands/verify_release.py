"""``manage.py verify_release RELEASE_ID (--task TASK_ID | --key KEY | --all) [--json]``

``--task``/``--key``: recompute one record's SHA-256 from its stored line, build its Merkle
inclusion proof and check it against the root in the release's manifest (RFC 9162 verification,
so the printed proof can be checked by anyone). ``--all``: recompute every record and the whole
root. Exits non-zero on any mismatch.
"""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from release.models import Release, ReleaseRecord
from release.services.verify import record_check, release_check


class Command(BaseCommand):
    help = "Check a release record's Merkle proof (or every record) against the release manifest."

    def add_arguments(self, parser) -> None:
        parser.add_argument("release_id", type=int)
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--task", type=int, help="the record of this task id")
        which.add_argument("--key", help="the record with this import key")
        which.add_argument("--all", action="store_true", dest="all_records",
                           help="recompute every record and the whole root")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the result as one JSON object")

    def handle(self, *args, release_id: int, task: int | None, key: str | None, all_records: bool, as_json: bool,
               **options):
        release = Release.objects.select_related("project").filter(pk=release_id).first()
        if release is None:
            raise CommandError(f"no release with id {release_id}")
        if all_records:
            bar = tqdm(total=release.record_count, unit="record", file=self.stderr._out,
                       disable=release.record_count < 100000)
            check = release_check(release=release, on_progress=lambda n: bar.update(n - bar.n))
            bar.close()
            result = {"release": release.pk, "records": check.records, "root": check.root,
                      "manifest_root": release.manifest.get("merkle_root"), "ok": check.ok, "problems": check.problems}
        else:
            try:
                check = record_check(release=release, task_id=task, key=key)
            except ReleaseRecord.DoesNotExist:
                raise CommandError(f"release {release_id} has no record for "
                                   f"{'task ' + str(task) if task is not None else 'key ' + repr(key)}") from None
            result = {"release": release.pk, "seq": check.seq, "task": check.task_id, "key": check.key,
                      "sha256": check.line_sha256, "stored_sha256": check.stored_sha256,
                      "size": release.manifest.get("merkle", {}).get("size"), "proof": check.path,
                      "root": check.root, "ok": check.ok, "problems": check.problems}
        self._print(release, result, as_json=as_json)
        if not check.ok:
            raise CommandError(f"release {release.pk} failed verification: {check.problems[0]}")

    def _print(self, release: Release, result: dict, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"release {release.pk} ({release.project.name} v{release.version}), "
                          f"root {release.manifest.get('merkle_root')}")
        if "seq" in result:
            self.stdout.write(f"record seq {result['seq']} task {result['task']} key {result['key']}: "
                              f"sha256 {result['sha256']}")
            self.stdout.write(f"inclusion proof ({len(result['proof'])} hashes, tree size {result['size']}):")
            for step in result["proof"]:
                self.stdout.write(f"  {step}")
        else:
            self.stdout.write(f"{result['records']} records recomputed, root {result['root']}")
        for problem in result["problems"]:
            self.stdout.write(f"FAIL: {problem}")
        if result["ok"]:
            self.stdout.write("OK")
