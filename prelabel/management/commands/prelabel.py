"""``manage.py prelabel PROJECT_ID [--user USERNAME] [--chunk-size N]``

Runs the pre-label service in this process (no worker needed) as a pre-label job, with a progress
bar: the same chunks, the same idempotence, the same Job row as the Celery path.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotation.models import Project
from annotation.services.jobs import job_fail, job_finish, job_start
from prelabel.engine import EngineError
from prelabel.services import CHUNK_SIZE, PrelabelError, prelabel_job_create, prelabel_job_run


class Command(BaseCommand):
    help = "Pre-label the open tasks of a project with its active model version."

    def add_arguments(self, parser) -> None:
        parser.add_argument("project_id", type=int)
        parser.add_argument("--user", help="username recorded as the one who started it (audit log)")
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)

    def handle(self, *args, project_id: int, user: str | None, chunk_size: int, **options):
        project = Project.objects.filter(pk=project_id).first()
        if project is None:
            raise CommandError(f"No project {project_id}.")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user {user!r}.")
        try:
            job = prelabel_job_create(project=project, actor=actor)
        except (PrelabelError, EngineError) as exc:
            raise CommandError(str(exc)) from exc
        job_start(job_id=job.pk)
        with tqdm(unit="tasks", desc=f"prelabel job {job.pk}", disable=options["verbosity"] == 0) as bar:
            def on_progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                result = prelabel_job_run(job_id=job.pk, chunk_size=chunk_size, on_progress=on_progress)
            except (PrelabelError, EngineError) as exc:
                job_fail(job_id=job.pk, error=str(exc))
                raise CommandError(str(exc)) from exc
        job_finish(job_id=job.pk, result=result)
        self.stdout.write(f"job {job.pk} ({result['model_version']}): {result['created']} predictions written, "
                          f"{result['skipped']} already there, {result['invalid']} invalid")
