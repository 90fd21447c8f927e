"""How many stopwatch runs a baseline needs: quoted by ``rf-tui baseline --help``,
which must not load the savings arithmetic (statistics, fractions, decimal)."""

from __future__ import annotations

MIN_RUNS = 5
