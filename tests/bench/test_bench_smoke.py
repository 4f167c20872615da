"""The benchmarks still run (figures are printed, never asserted: tests do not judge wall-clock time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


def run_gpu_bench(out: Path, *options: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """The tiny sweep on the CPU (even where a GPU is present), and the JSON it wrote."""
    result = subprocess.run(
        [sys.executable, "bench/gpu_bench.py", "--tiny", "--steps", "2", "--out", str(out), *options],
        cwd=ROOT,
        env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result, json.loads((out / "gpu_bench-tiny-cpu.json").read_text())


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assert [variant["name"] for variant in report["variants"]] == GPU_VARIANTS
    return {variant["name"]: variant for variant in report["variants"]}


def test_gpu_bench_sweeps_on_cpu_with_tiny(tmp_path: Path) -> None:
    result, report = run_gpu_bench(
        tmp_path, "--requests", "4", "--baseline-requests", "1", "--lone-requests", "1"
    )
    assert "img/s" in result.stdout
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


def test_gpu_bench_skips_what_the_budget_cannot_hold(tmp_path: Path) -> None:
    _, report = run_gpu_bench(tmp_path, "--budget-s", "0")
    variants = by_name(report)
    assert report["complete"] is True
    assert all(variant["status"] == "skipped" and variant["reason"] for variant in variants.values())
    assert "over budget" in variants["stock"]["reason"]
    assert "over budget" in variants["scheduler"]["reason"]


def test_gpu_bench_records_a_failed_variant_and_goes_on(tmp_path: Path) -> None:
    # A batch limit the service's settings refuse makes the scheduler variant fail in its process.
    _, report = run_gpu_bench(tmp_path, "--only", "scheduler", "--max-batch", "65")
    variants = by_name(report)
    assert variants["scheduler"]["status"] == "failed"
    assert "max_batch" in variants["scheduler"]["error"]
    assert report["complete"] is True
    assert variants["attention-efficient"]["status"] == "skipped"
