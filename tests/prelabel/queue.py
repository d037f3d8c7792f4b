"""The test broker's pre-labeling queues, emptied and counted for real (no stand-in broker)."""
from __future__ import annotations

import pytest

from config.celery import app as celery_app


def purge_prelabel_queue(queues: tuple[str, ...] = ("prelabel_fast", "prelabel")) -> int:
    """Empty the pre-labeling queues of the test broker (jobs' and the fast path's); how many
    messages they held."""
    with celery_app.connection_for_write() as connection:
        return sum(connection.default_channel.queue_purge(queue) or 0 for queue in queues)


@pytest.fixture
def empty_prelabel_queue():
    """Tests that really send messages leave none behind for a later test's worker."""
    purge_prelabel_queue()
    yield
    purge_prelabel_queue()
