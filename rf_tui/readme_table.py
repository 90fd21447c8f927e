"""A table kept in README.md between two comment markers, made from the code.

The key table (rf_tui/ui/actions.py) and the exit-code table (rf_tui/exit_codes.py)
are each written by ``python -m <module> --write README.md`` and checked by a test,
so the README cannot drift from what the program does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ReadmeTable:
    start: str  # the opening marker, a Markdown comment
    end: str
    make: Callable[[], str]  # the table, as Markdown

    def between(self, readme: str) -> str:
        """The table as the README has it now."""
        start, end = readme.index(self.start), readme.index(self.end)
        return readme[start + len(self.start) : end].strip("\n") + "\n"

    def written_into(self, readme: str) -> str:
        """``readme`` with the text between the markers replaced by the table."""
        start, end = readme.find(self.start), readme.find(self.end)
        if start < 0 or end < start:
            raise ValueError(f"no {self.start!r} … {self.end!r} in the README")
        head = readme[: start + len(self.start)]
        # Blank lines around it: Markdown would otherwise run the comments into the table.
        return f"{head}\n\n{self.make()}\n{readme[end:]}"

    def main(self, prog: str, what: str, argv: Iterable[str] | None = None) -> int:
        parser = argparse.ArgumentParser(prog=prog, description=f"Print the README's {what}.")
        parser.add_argument(
            "--write", metavar="README", type=Path, help="put the table between its markers there"
        )
        args = parser.parse_args(None if argv is None else list(argv))
        if args.write is None:
            sys.stdout.write(self.make())
            return 0
        path: Path = args.write
        path.write_text(self.written_into(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
