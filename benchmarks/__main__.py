"""Run the benchmarks and write benchmarks/RESULTS.md.

python -m benchmarks            # full sizes (make bench)
python -m benchmarks --quick    # tiny sizes: keeps the scripts working in CI
python -m benchmarks --only wire   # one part (server, app, startup, wire)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from benchmarks import app, server, startup, wire
from benchmarks.common import Section, machine

#: The parts of a run, in the order RESULTS.md gives them.
PARTS: dict[str, Callable[[bool], list[Section]]] = {
    "server": lambda quick: [server.run(quick)],
    "app": app.run,
    "startup": lambda quick: [startup.run(quick)],
    "wire": lambda quick: [wire.run(quick)],
}


def _met(met: bool | None) -> str:
    return "" if met is None else "yes" if met else "**no**"


def render(sections: list[Section], quick: bool) -> str:
    info = machine()
    lines = [
        "# rf-tui benchmarks",
        "",
        "Written by `make bench` from a real run; do not edit by hand."
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
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    parser.add_argument(
        "--only", choices=sorted(PARTS), action="append", help="run these parts alone"
    )
    args = parser.parse_args()
    sections = [s for name in args.only or PARTS for s in PARTS[name](args.quick)]
    text = render(sections, args.quick)
    args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
