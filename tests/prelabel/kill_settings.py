"""Settings of the workers in ``test_worker_kill.py``: the project's, with Redis handing a killed
worker's unacknowledged message to another worker after seconds instead of an hour."""
from config.settings import *  # noqa: F403
from config.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "visibility_timeout": 10,
                                   "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
