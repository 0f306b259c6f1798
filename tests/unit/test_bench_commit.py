"""The intake bench's durable commit phase times real SQLite commits and feeds the floor figure."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

INTAKE = Path(__file__).resolve().parents[2] / "bench" / "intake.py"


@pytest.fixture(scope="module")
def intake():
    """Load bench/intake.py from its path: bench/ is a folder of scripts, not a package."""
    spec = importlib.util.spec_from_file_location("bench_intake", INTAKE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def _flight(intake, latencies_ms: list[float]):
    flight = intake.Flight(1, None)
    flight.latencies_ms = latencies_ms
    flight.sent = len(latencies_ms)
    return flight


def test_commit_phase_times_every_commit_and_leaves_no_scratch_files(intake, tmp_path):
    timings = intake.measure_commits(tmp_path, 20, 0, intake.order_size())

    assert len(timings) == 20
    assert all(ms > 0 for ms in timings)
    assert list(tmp_path.iterdir()) == []


def test_floor_is_two_broker_hops_and_one_commit_over_one_hop(intake):
    figures = intake.summary(_flight(intake, [5.0]), _flight(intake, [0.5]), 100, [0.75])

    assert figures["commit_p50_ms"] == 0.75
    assert figures["commit_p99_ms"] == 0.75
    assert figures["floor_overhead_p50"] == 3.5
    assert figures["overhead_p50"] == 10.0
    assert list(figures)[-3:] == ["commit_p50_ms", "commit_p99_ms", "floor_overhead_p50"]


def test_floor_is_missing_without_a_broker_median(intake):
    figures = intake.summary(_flight(intake, [5.0]), _flight(intake, []), 100, [0.75])

    assert figures["broker_p50_ms"] is None
    assert figures["commit_p50_ms"] == 0.75
    assert figures["floor_overhead_p50"] is None


def test_floor_is_missing_without_commits(intake):
    figures = intake.summary(_flight(intake, [5.0]), _flight(intake, [0.5]), 100, [])

    assert figures["commit_p50_ms"] is None
    assert figures["commit_p99_ms"] is None
    assert figures["floor_overhead_p50"] is None
