"""``manage.py verify_audit [--organization ID ...]``

Walks the hash-chained audit log of each organization (all of them by default) and exits non-zero
naming the first bad event when an event was edited, inserted or deleted. Large chains print
their progress on stderr.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotation.models import AuditEvent, Organization
from annotation.services.audit import audit_verify

PROGRESS_EVERY = 10000


class Command(BaseCommand):
    help = "Verify the audit hash chain of every organization (or those named); non-zero exit when broken."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organization", type=int, action="append", dest="organizations",
                            help="organization id (repeatable); default: every organization")

    def handle(self, *args, organizations: list[int] | None, **options):
        queryset = Organization.objects.order_by("pk")
        if organizations:
            queryset = queryset.filter(pk__in=organizations)
            missing = sorted(set(organizations) - set(queryset.values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"no organization with id {', '.join(map(str, missing))}")
        broken = []
        for organization in queryset:
            total = AuditEvent.objects.filter(organization=organization).count()
            bar = tqdm(total=total, unit="event", desc=f"org {organization.pk}", disable=total < PROGRESS_EVERY,
                       file=self.stderr._out)
            done = 0

            def advance(checked: int, bar=bar) -> None:
                nonlocal done
                bar.update(checked - done)
                done = checked

            problems = audit_verify(organization_id=organization.pk, on_progress=advance, every=PROGRESS_EVERY)
            bar.close()
            if problems:
                first = problems[0]
                broken.append(organization.pk)
                self.stdout.write(f"BROKEN organization {organization.pk} ({organization.name}): "
                                  f"first bad event seq {first.seq}: {first.problem} "
                                  f"({len(problems)} problem(s) in {total} events)")
                for problem in problems[1:10]:
                    self.stdout.write(f"  seq {problem.seq}: {problem.problem}")
            else:
                self.stdout.write(f"OK organization {organization.pk} ({organization.name}): {total} events chained")
        if broken:
            raise CommandError(f"audit chain broken in organization(s) {', '.join(map(str, broken))}")
