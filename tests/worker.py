"""A REAL Celery worker process for tests that queue jobs (pytest plugin: ``tests.worker``).

The worker runs ``celery -A config worker`` against the test database in use (the SQLite test file
or PostgreSQL's ``test_<name>``), the same DATA_DIR (so the same filesystem broker and media) and
the same REDIS_URL. Tests that use it need committed rows: ``transactional_db``.

    from tests.worker import celery_worker  # noqa: F401

    def test_job_runs(transactional_db, celery_worker): ...
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

READY_TIMEOUT_S = 90
ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the database this test process is really using (the test one)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"].endswith(("postgresql", "postgis")):
        auth = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = db.get("HOST") or "127.0.0.1"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{auth + '@' if auth else ''}{host}{port}/{db['NAME']}"
    raise RuntimeError(f"no worker URL for database engine {db['ENGINE']}")


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.2, what: str = "condition"):
    """Poll until ``predicate()`` is truthy; return its value or fail the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def start_worker(*, queues: str, name: str, settings_module: str = "config.settings") -> tuple[subprocess.Popen, Path]:
    """A real ``celery worker`` (solo pool) on ``queues``, started and ready; its Popen and log."""
    log_path = Path(settings.DATA_DIR) / f"test-worker-{name}-{os.getpid()}.log"
    env = {**os.environ, "DATABASE_URL": database_url(), "DATA_DIR": str(settings.DATA_DIR),
           "MEDIA_ROOT": str(settings.MEDIA_ROOT), "DJANGO_SETTINGS_MODULE": settings_module,
           "PYTHONUNBUFFERED": "1"}
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queues, "--pool=solo",
               "--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel=INFO",
               f"--hostname={name}-{os.getpid()}@%h"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def ready() -> bool:
        if process.poll() is not None:
            pytest.fail(f"worker {name} exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        return b" ready." in log_path.read_bytes()

    try:
        wait_for(ready, timeout=READY_TIMEOUT_S, what=f"worker {name} to be ready")
    except BaseException:
        stop_worker(process)
        raise
    return process, log_path


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker):
    """Start a worker on every queue (``settings.WORKER_QUEUES``); yield its Popen; stop it afterwards."""
    with django_db_blocker.unblock():
        celery_app.control.purge()  # messages a test queued with no worker must not run now
    process, _ = start_worker(queues=settings.WORKER_QUEUES, name="test")
    try:
        yield process
    finally:
        stop_worker(process)
