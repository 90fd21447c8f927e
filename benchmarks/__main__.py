"""Run the benchmarks and write benchmarks/RESULTS.md.

python -m benchmarks            # full sizes (make bench)
python -m benchmarks --quick    # tiny sizes: keeps the scripts working in CI
python -m benchmarks --only wire   # one part (server, app, startup, wire)
python -m benchmarks --runs 3   # three full runs: each figure from its median run
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from benchmarks import app, server, startup, wire
from benchmarks.common import Figure, Section, machine

RESULTS = Path(__file__).parent / "RESULTS.md"

#: The parts of a run, in the order RESULTS.md gives them.
PARTS: dict[str, Callable[[bool], list[Section]]] = {
    "server": lambda quick: [server.run(quick)],
    "app": app.run,
    "startup": lambda quick: [startup.run(quick)],
    "wire": lambda quick: [wire.run(quick)],
}


def _met(met: bool | None) -> str:
    return "" if met is None else "yes" if met else "**no**"


def median_run(runs: list[list[Section]]) -> list[Section]:
    """Each figure as its median run gave it (ranked by ``Figure.rank``), with what
    every run gave in its note: one noisy run moves no figure."""
    merged = []
    for sections in zip(*runs, strict=True):
        section = Section(sections[0].title)
        for figures in zip(*(s.figures for s in sections), strict=True):
            if len({f.name for f in figures}) > 1:
                raise ValueError(f"runs disagree on a figure: {[f.name for f in figures]}")
            ranked: list[Figure] = sorted(figures, key=Figure.rank)
            middle = ranked[(len(ranked) - 1) // 2]
            each = ", ".join(f.value if len(f.value) <= 24 else f"{f.rank():.4g}" for f in figures)
            note = f"median of {len(figures)} runs ({each})"
            section.figures.append(
                replace(middle, note=f"{middle.note}; {note}" if middle.note else note)
            )
        merged.append(section)
    return merged


def render(sections: list[Section], quick: bool, argv: list[str] | None = None) -> str:
    info = machine()
    how = " ".join(["python -m benchmarks", *(argv or [])])
    lines = [
        "# rf-tui benchmarks",
        "",
        f"Written by `{how}` (`make bench` runs it with `--runs 3`) from a real run; "
        "do not edit by hand."
        + (" **Quick run: tiny sizes, figures not meaningful.**" if quick else ""),
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in info.items()),
        "",
    ]
    for section in sections:
        lines += [f"## {section.title}", ""]
        lines += ["| figure | value | baseline (same run) | target | met | note |"]
        lines += ["|---|---|---|---|---|---|"]
        lines += [
            f"| {f.name} | {f.value} | {f.baseline} | {f.target} | {_met(f.met)} | {f.note} |"
            for f in section.figures
        ]
        lines += ["", "Command: " + ", ".join(sorted({f.command for f in section.figures})), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for CI")
    parser.add_argument(
        "--out",
        type=Path,
        help="write the results here too (default: a whole run, every part at full "
        "size, writes benchmarks/RESULTS.md; anything less is only printed)",
    )
    parser.add_argument(
        "--only", choices=sorted(PARTS), action="append", help="run these parts alone"
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="runs of it all, each figure from its median run"
    )
    args = parser.parse_args()
    whole = not args.quick and not args.only
    out = args.out or (RESULTS if whole else None)
    runs = [
        [s for name in args.only or PARTS for s in PARTS[name](args.quick)]
        for _ in range(max(1, args.runs))
    ]
    sections = runs[0] if len(runs) == 1 else median_run(runs)
    text = render(sections, args.quick, sys.argv[1:])
    if out is not None:
        out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
