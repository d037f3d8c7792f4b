"""The test broker's ``prelabel`` queue, emptied and counted for real (no stand-in broker)."""
from __future__ import annotations

import pytest

from config.celery import app as celery_app


def purge_prelabel_queue() -> int:
    """Empty the ``prelabel`` queue of the test broker; how many messages it held."""
    with celery_app.connection_for_write() as connection:
        return connection.default_channel.queue_purge("prelabel") or 0


@pytest.fixture
def empty_prelabel_queue():
    """Tests that really send messages leave none behind for a later test's worker."""
    purge_prelabel_queue()
    yield
    purge_prelabel_queue()
