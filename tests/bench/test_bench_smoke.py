"""The benchmarks still run (figures are printed, never asserted: tests do not judge wall-clock time)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_gpu_bench_smoke_runs_on_cpu_with_tiny(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "bench/gpu_bench.py",
            "--tiny",
            "--requests",
            "4",
            "--baseline-requests",
            "1",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "img/s" in result.stdout
    figures = json.loads((tmp_path / "gpu_bench-tiny-cpu.json").read_text())
    assert figures["tiny"] is True
    assert figures["scheduler_burst"]["images"] == 4
    assert figures["stock_one_at_a_time"]["images"] == 1
