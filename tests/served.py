"""The real service in a subprocess: `courtjourney init`, `demo`, then `serve`, as `make run` does.

For tests that need what only a real server shows: several worker processes, the access log,
a kill -9. Each Served instance has its own database and key file under a temporary folder.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "courtjourney.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service_env(tmp: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a service under `tmp`: this run's COURTJOURNEY_* settings only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURTJOURNEY_")}
    env.update({
        "COURTJOURNEY_DATABASE_URL": database_url or f"sqlite+aiosqlite:///{tmp / 'cj.db'}",
        "COURTJOURNEY_KEY_FILE": str(tmp / "secret.key"),
        "COURTJOURNEY_SECURE_COOKIES": "false",
    })
    env.update(extra)
    return env


def cli(env: dict[str, str], *args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(CLI + list(args), env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"courtjourney {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@dataclass
class Served:
    """One `courtjourney serve` process group, its address and its log."""

    env: dict[str, str]
    log_path: Path
    workers: int = 1
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        """Start `courtjourney serve` in a process group of its own, without waiting for it to answer."""
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            CLI + ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()

    def start(self, wait: float = 60) -> Served:
        """Launch, then wait until /health answers ok."""
        self.launch()
        assert self.proc is not None
        deadline = time.monotonic() + wait
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/health", timeout=1) as answer:
                    if answer.read().strip() == b"ok":
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start:\n{self.log()[-3000:]}")
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """kill -9 the whole process group: the master and every worker, with no chance to tidy up."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def prepared(tmp: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """A service environment with its database migrated and the demo loaded."""
    env = service_env(tmp, database_url, **extra)
    cli(env, "init")
    cli(env, "demo")
    return env


@contextmanager
def serving(env: dict[str, str], log: Path, workers: int = 1) -> Iterator[str]:
    """`courtjourney serve` with `env` until the block ends; yields its base address. Its output goes to `log`."""
    server = Served(env, log, workers=workers).start()
    try:
        yield server.base
    finally:
        server.stop()


def fetch(url: str, token: str | None = None, body: dict[str, Any] | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """A request to a served app over real HTTP: its status, headers (names in lower case) and body."""
    request = urllib.request.Request(url, method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, {k.lower(): v for k, v in refused.headers.items()}, refused.read()
