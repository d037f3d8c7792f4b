"""Serve the web app and a Celery worker together; Ctrl-C stops both."""
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from annotation.demo.load import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Run the development server and a real Celery worker on the configured broker."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host: str, port: str, **options):
        python = sys.executable
        worker = subprocess.Popen([python, "-m", "celery", "-A", "config", "worker", "-Q", settings.WORKER_QUEUES,
                                   "--concurrency", "1", "--loglevel", "INFO"])
        web = subprocess.Popen([python, "manage.py", "runserver", "--noreload", f"{host}:{port}"])
        broker = "Redis" if settings.REDIS_URL else "the embedded filesystem broker"
        self.stdout.write(self.style.SUCCESS(
            f"\nZhibiao is running at http://{host}:{port}/  (API docs: /api/docs/)\n"
            f"Log in as owner, manager, annotator1-3, reviewer or expert; password: {DEMO_PASSWORD}\n"
            f"A Celery worker consumes {broker}. Press Ctrl-C to stop both.\n"))
        children = [web, worker]
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
