"""A fresh clone to a painted queue: `git clone`, then `make demo` in an 80×24 pty.

    python -m benchmarks.fresh_clone [REPO] [--branch NAME] [--runs N]

Per run: seconds from the start of `git clone` to the first "awaiting pickup" on the
terminal, then how many packages (`pip list`, counting pip, setuptools and rf-tui)
and megabytes (`du -sm`) the clone's .venv holds. Each run clones into a new
temporary folder and deletes it afterwards. pip's own cache is left as it is, so a
first run may download what later runs find cached.

Not part of `make bench`: every run installs a virtualenv from the package index.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.terminal import Terminal


def one_run(repo: str, branch: str | None) -> str:
    work = Path(tempfile.mkdtemp(prefix="rf-fresh-"))
    clone = work / "rf-tui"
    env = dict(
        os.environ,
        TERM="xterm-256color",
        XDG_STATE_HOME=str(work / "state"),
        XDG_CONFIG_HOME=str(work / "config"),
    )
    try:
        start = time.monotonic()
        branch_args = ["-b", branch] if branch else []
        subprocess.run(["git", "clone", "-q", *branch_args, repo, str(clone)], check=True)
        term = Terminal(["make", "-C", str(clone), "demo"], env, (80, 24))
        try:
            term.wait_for(b"awaiting pickup", 600)
            painted = time.monotonic() - start
            term.send(b"q")
            code = term.close()
        finally:
            if term.proc.poll() is None:
                term.proc.kill()
        listed = subprocess.run(
            [str(clone / ".venv/bin/python"), "-m", "pip", "list", "--format=freeze"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        du = subprocess.run(
            ["du", "-sm", str(clone / ".venv")], capture_output=True, text=True, check=True
        )
        megabytes = int(du.stdout.split()[0])
        load = os.getloadavg()[0]
        return (
            f"painted after {painted:.1f} s (make demo exited {code}); .venv: "
            f"{len(listed)} packages, {megabytes} MB; load average {load:.1f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", nargs="?", default=str(Path(__file__).parent.parent))
    parser.add_argument("--branch", help="the branch to clone (default: the repo's HEAD)")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    for run in range(1, args.runs + 1):
        print(f"run {run}: {one_run(args.repo, args.branch)}", flush=True)


if __name__ == "__main__":
    main()
