"""The Celery app. One worker for everything: ``celery -A config worker -Q prelabel_fast,default,prelabel``
(``settings.WORKER_QUEUES``); pre-labeling workers: ``-Q prelabel_fast,prelabel``."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zhibiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
