"""The benchmarks still run (figures are printed, never asserted: tests do not judge wall-clock time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
GPU_VARIANTS = [
    "stock",
    "scheduler",
    "compile-graphs",
    "compile",
    "compile-bf16",
    "attention-flash",
    "attention-cudnn",
    "attention-efficient",
]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

# The sweep each test judges, by its options. The sweeps are independent processes, each mostly
# importing torch and diffusers: they all start together (those of the tests selected), rather than
# one after the other, and each test waits for its own.
SWEEPS: dict[str, tuple[str, ...]] = {
    "test_gpu_bench_sweeps_on_cpu_with_tiny": (
        "--requests",
        "4",
        "--baseline-requests",
        "1",
        "--lone-requests",
        "1",
    ),
    "test_gpu_bench_skips_what_the_budget_cannot_hold": ("--budget-s", "0"),
    # A batch limit the service's settings refuse makes the scheduler variant fail in its process.
    "test_gpu_bench_records_a_failed_variant_and_goes_on": ("--only", "scheduler", "--max-batch", "65"),
}


@dataclass
class Sweep:
    """The tiny sweep on the CPU (even where a GPU is present), running in a process of its own."""

    out: Path
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, out: Path, *options: str) -> Sweep:
        # Its output goes to files: a pipe nobody reads while another sweep is awaited could fill.
        with (out / "stdout").open("wb") as stdout, (out / "stderr").open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "bench/gpu_bench.py", "--tiny", "--steps", "2", "--out", str(out), *options],
                cwd=ROOT,
                env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
                stdout=stdout,
                stderr=stderr,
            )
        return cls(out, process)

    def result(self) -> tuple[str, dict[str, Any]]:
        """Its stdout, and the JSON it wrote, once it has exited successfully."""
        returncode = self.process.wait(timeout=280)
        stderr = (self.out / "stderr").read_text(errors="replace")
        assert returncode == 0, stderr[-2000:]
        stdout = (self.out / "stdout").read_text(errors="replace")
        return stdout, json.loads((self.out / "gpu_bench-tiny-cpu.json").read_text())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def sweeps(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Sweep]]:
    selected = {item.name for item in request.session.items if item.name in SWEEPS}
    started: dict[str, Sweep] = {}
    try:
        for name in sorted(selected):
            started[name] = Sweep.start(tmp_path_factory.mktemp("gpu-bench"), *SWEEPS[name])
        yield started
    finally:
        for sweep in started.values():
            sweep.stop()


def run_gpu_bench(sweeps: dict[str, Sweep], request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    """This test's sweep (see SWEEPS): its stdout and the JSON it wrote."""
    return sweeps[request.node.name].result()


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assert [variant["name"] for variant in report["variants"]] == GPU_VARIANTS
    return {variant["name"]: variant for variant in report["variants"]}


def test_gpu_bench_sweeps_on_cpu_with_tiny(sweeps: dict[str, Sweep], request: pytest.FixtureRequest) -> None:
    stdout, report = run_gpu_bench(sweeps, request)
    assert "img/s" in stdout
    assert report["tiny"] is True
    assert report["complete"] is True
    assert {"device", "torch", "diffusers", "dtype", "size", "steps", "targets"} <= report.keys()
    variants = by_name(report)

    stock = variants["stock"]
    assert stock["status"] == "ok"
    assert stock["one_at_a_time"]["requests"] == 1
    assert stock["lone"]["requests"] == 1
    assert set(stock["meets"]) == {"burst_images_per_s", "burst_p95_s", "lone_s"}
    assert stock["meets"]["burst_p95_s"] is None  # stock has no burst to judge

    scheduler = variants["scheduler"]
    assert scheduler["status"] == "ok"
    assert scheduler["burst"]["requests"] == 4
    assert scheduler["lone"]["requests"] == scheduler["lone_engine"]["requests"] == 1
    assert {"load_s", "warmup_s", "peak_allocated_gib", "applied", "vs_stock"} <= scheduler.keys()
    assert all(isinstance(verdict, bool) for verdict in scheduler["meets"].values())

    # Compiling on the CPU waits for --cpu-compile; the rest needs CUDA.
    assert variants["compile"]["status"] == "skipped"
    assert "--cpu-compile" in variants["compile"]["reason"]
    for name in (
        "compile-graphs",
        "compile-bf16",
        "attention-flash",
        "attention-cudnn",
        "attention-efficient",
    ):
        assert variants[name]["status"] == "skipped"
        assert "no CUDA" in variants[name]["reason"]


def test_gpu_bench_skips_what_the_budget_cannot_hold(
    sweeps: dict[str, Sweep], request: pytest.FixtureRequest
) -> None:
    _, report = run_gpu_bench(sweeps, request)
    variants = by_name(report)
    assert report["complete"] is True
    assert all(variant["status"] == "skipped" and variant["reason"] for variant in variants.values())
    assert "over budget" in variants["stock"]["reason"]
    assert "over budget" in variants["scheduler"]["reason"]


def test_gpu_bench_records_a_failed_variant_and_goes_on(
    sweeps: dict[str, Sweep], request: pytest.FixtureRequest
) -> None:
    _, report = run_gpu_bench(sweeps, request)
    variants = by_name(report)
    assert variants["scheduler"]["status"] == "failed"
    assert "max_batch" in variants["scheduler"]["error"]
    assert report["complete"] is True
    assert variants["attention-efficient"]["status"] == "skipped"
