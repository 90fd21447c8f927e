"""The baseline for an arrival's bytes: a bare Textual DataTable of N rows that puts a
new row at the top on each ``a`` pressed (added, then sorted newest first)."""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable


class BareArrival(App[None]):
    BINDINGS = [("a", "arrive", "a row arrives")]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.order: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in ("priority", "problem", "from", "notes", "age"):
            table.add_column(column, key=column)
        for i in range(self.rows):
            self._add(f"Backlog item {i}", f"backlog {i}", "1m", -i)
        self._sort()

    def _add(self, problem: str, notes: str, age: str, rank: int) -> None:
        self.order[problem] = rank
        self.query_one(DataTable).add_row("normal", problem, "Sam", notes, age, key=problem)

    def _sort(self) -> None:
        self.query_one(DataTable).sort("problem", key=self.order.__getitem__, reverse=True)

    def action_arrive(self) -> None:
        n = len(self.order) - self.rows
        self._add(f"Arrival {n}", f"arrived{n:04d}x", "now", n + 1)
        self._sort()


if __name__ == "__main__":
    BareArrival(int(sys.argv[1])).run()
