"""Run the benchmarks and write benchmarks/RESULTS.md.

python -m benchmarks            # full sizes (make bench)
python -m benchmarks --quick    # tiny sizes: keeps the scripts working in CI
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks import app, server, wire
from benchmarks.common import Section, machine


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
        lines += [f"## {section.title}", "", "| figure | value | target | note |"]
        lines += ["|---|---|---|---|"]
        lines += [f"| {f.name} | {f.value} | {f.target} | {f.note} |" for f in section.figures]
        lines += ["", "Command: " + ", ".join(sorted({f.command for f in section.figures})), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for CI")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    args = parser.parse_args()
    sections = [server.run(args.quick), *app.run(args.quick), wire.run(args.quick)]
    text = render(sections, args.quick)
    args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
