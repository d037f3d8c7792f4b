"""``manage.py import_tasks PROJECT_ID FILE [--user USERNAME] [--format FMT]``

Runs the import service in this process (no worker needed) as an import job, with a progress bar.
"""
from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotation.imports.errors import ImportFailed
from annotation.models import Project
from annotation.services.imports import FORMATS, detect_format, task_import
from annotation.services.jobs import job_create, job_fail, job_finish, job_start


class Command(BaseCommand):
    help = "Import tasks from a JSON list, JSONL, CSV, image or zip file into a project."

    def add_arguments(self, parser) -> None:
        parser.add_argument("project_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="username recorded as the importer (audit log)")
        parser.add_argument("--format", choices=FORMATS, help="override the format found from the file")

    def handle(self, *args, project_id: int, file: Path, user: str | None, format: str | None, **options):
        project = Project.objects.filter(pk=project_id).first()
        if project is None:
            raise CommandError(f"No project {project_id}.")
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user {user!r}.")
        with open(file, "rb") as stream:
            fmt = format or detect_format(file.name, stream.read(64))
        if fmt is None:
            raise CommandError(f"Cannot tell the format of {file.name}; pass --format ({', '.join(FORMATS)}).")
        job = job_create(organization_id=project.organization_id, project_id=project.pk, kind="import",
                         created_by=actor, params={"format": fmt, "filename": file.name, "path": str(file)})
        job_start(job_id=job.pk)
        with tqdm(unit="rows", desc=f"import job {job.pk}", disable=options["verbosity"] == 0) as bar:
            def on_progress(done: int, total: int) -> None:
                bar.total = total or None
                bar.update(done - bar.n)

            try:
                result = task_import(job=job, path=file, fmt=fmt, on_progress=on_progress)
            except ImportFailed as exc:
                report = getattr(exc, "report", None)
                job_fail(job_id=job.pk, error=str(exc), result=report.as_result() if report else None)
                raise CommandError(str(exc)) from exc
        job_finish(job_id=job.pk, result=result)
        self.stdout.write(f"job {job.pk}: {result['created']} created, {result['skipped_duplicates']} already "
                          f"there, {result['error_count']} bad rows")
        for error in result["errors"][:20]:
            where = f"{error['file']} " if "file" in error else ""
            self.stdout.write(f"  {where}row {error['row']} {error['path']}: {error['message']}")
