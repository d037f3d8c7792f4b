"""Start and stop a real gunicorn server on 127.0.0.1 for the benchmarks."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GunicornServer:
    """``with GunicornServer(...) as server:`` serves ``config.wsgi`` until the block ends.

    The server runs in its own process group, so stopping it also stops every worker, even when
    the benchmark fails half way.
    """

    def __init__(self, *, workers: int, threads: int, port: int | None = None, env: dict | None = None,
                 ready_path: str = "/api/v1/auth/csrf/", log_path: Path | None = None):
        self.workers, self.threads = workers, threads
        self.port = port or free_port()
        self.env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "ERROR", **(env or {})}
        self.ready_path = ready_path
        self.log_path = log_path or Path(self.env.get("DATA_DIR", "/tmp")) / "bench-gunicorn.log"
        self.process: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", str(self.workers), "-k", "gthread",
                "--threads", str(self.threads), "-b", f"127.0.0.1:{self.port}", "--keep-alive", "60",
                "--backlog", "2048", "--log-level", "warning"]

    def __enter__(self) -> GunicornServer:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self._wait_ready(timeout=60)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", self.ready_path)
                if conn.getresponse().status < 500:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f}s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        try:
            return [p.pid for p in psutil.Process(self.process.pid).children(recursive=True)]
        except psutil.Error:
            return []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def __exit__(self, *exc) -> None:
        self.stop()
