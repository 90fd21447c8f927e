"""The baseline for idle cost: a bare Textual app showing an N-row DataTable."""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable


class Bare(App[None]):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("priority", "problem", "from", "notes", "age")
        for i in range(self.rows):
            table.add_row("normal", f"Backlog item {i}", "Sam", f"backlog {i}", "1m")


if __name__ == "__main__":
    Bare(int(sys.argv[1])).run()
