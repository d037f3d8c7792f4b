"""Worker processes share the cores instead of each starting one torch thread per core."""
from __future__ import annotations

import os
import subprocess
import sys

from prelabel.worker import torch_threads


def test_each_process_gets_an_equal_share_of_the_cores():
    assert torch_threads(16, 4) == 4
    assert torch_threads(2, 2) == 1
    assert torch_threads(2, None) == 1  # concurrency defaults to the CPU count
    assert torch_threads(2, 8) == 1  # never zero
    assert torch_threads(None, None) == 1


def test_the_setting_overrides_the_share():
    assert torch_threads(16, 4, override=3) == 3


def test_the_receiver_sets_torch_threads_in_a_process_that_already_imported_torch():
    # A fresh interpreter: the test process's own torch thread count must not leak in or out.
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup();"
        "import torch; from celery import current_app; current_app.conf.worker_concurrency = 1;"
        "from django.test import override_settings;"
        "from prelabel.worker import limit_torch_threads;"
        "\nwith override_settings(PRELABEL_TORCH_THREADS=1): n = limit_torch_threads()\n"
        "print(n, torch.get_num_threads())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ}, timeout=120).stdout.split()
    assert out == ["1", "1"]
