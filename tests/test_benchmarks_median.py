"""`python -m benchmarks --runs N`: each figure comes from its median run."""

from __future__ import annotations

import pytest

from benchmarks.__main__ import median_run
from benchmarks.common import Figure, Section


def run(*values: tuple[str, float | None]) -> list[Section]:
    return [Section("S", [Figure(f"f{i}", v, score=s) for i, (v, s) in enumerate(values)])]


def test_each_figure_is_taken_whole_from_its_median_run() -> None:
    runs = [
        run(("30 ms", None), ("p99 9", 0.9)),
        run(("10 ms", None), ("p99 1", 0.1)),
        run(("20 ms", None), ("p99 5", 0.5)),
    ]
    [section] = median_run(runs)
    first, second = section.figures
    assert first.value == "20 ms"
    assert first.note == "median of 3 runs (30 ms, 10 ms, 20 ms)"
    assert second.value == "p99 5"  # ranked by its score, not the first number shown


def test_runs_that_disagree_on_a_figure_are_refused() -> None:
    other = [Section("S", [Figure("something else", "1 ms")])]
    with pytest.raises(ValueError, match="disagree"):
        median_run([run(("1 ms", None)), other])
