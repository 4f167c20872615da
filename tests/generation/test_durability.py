"""SIGKILL with jobs queued and running; start again: every job finishes and is posted once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JOBS = 8

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def statuses(db: Path) -> list[str]:
    try:
        with sqlite3.connect(db) as connection:
            return [row[0] for row in connection.execute("SELECT status FROM job ORDER BY id")]
    except sqlite3.OperationalError:
        return []


def wait_for_a_crash_window(process: subprocess.Popen[bytes], db: Path) -> None:
    """Return once jobs are done, running and queued at the same time (the moment to kill)."""
    deadline = time.monotonic() + 180
    seen: list[str] = []
    while time.monotonic() < deadline:
        seen = statuses(db)
        if len(seen) == JOBS and "done" in seen and "running" in seen and "queued" in seen:
            return
        if process.poll() is not None:
            pytest.fail(f"the worker exited early with {process.returncode}")
        time.sleep(0.05)
    pytest.fail(f"never saw done, running and queued jobs together: {seen}")


def test_sigkill_then_restart_finishes_and_posts_each_job_once(demo_model: Path, tmp_path: Path) -> None:
    db = tmp_path / "imagine.db"
    url = f"sqlite+aiosqlite:///{db}"
    args = [str(demo_model), str(tmp_path), url, str(JOBS)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = [sys.executable, "-m", "tests.generation.durability_worker"]

    # The worker's output goes to a file: a full pipe would stall it.
    with (tmp_path / "worker.log").open("wb") as output:
        first = subprocess.Popen(
            [*worker, "submit", *args], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_for_a_crash_window(first, db)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
    before = statuses(db)
    assert "running" in before and "queued" in before

    second = subprocess.run(
        [*worker, "resume", *args], cwd=ROOT, env=env, capture_output=True, timeout=240, check=False
    )
    assert second.returncode == 0, second.stderr.decode()[-2000:]
    assert statuses(db) == ["done"] * JOBS
    posted = (tmp_path / "posted.log").read_text().split()
    assert sorted(posted, key=int) == [str(job_id) for job_id in range(1, JOBS + 1)]
    assert len(set(posted)) == len(posted)  # no job posted twice
