"""The repository stands alone: nothing in it points at a file that is not in it.

Docs, help texts and comments once cited a contract and a page of Textual notes
kept beside the repository. Someone with a clone, a wheel or ``--help`` cannot
follow such a pointer, so every tracked text file is checked for one.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
#: This file holds the patterns and examples of what they catch, so it is not scanned.
THIS = "tests/test_repo_stands_alone.py"

OUTSIDE = re.compile(r"\.\./shared|(?<![\w.-])shared/|textual-notes\.md")
URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
MARKDOWN = re.compile(r"(?<![\w./-])(?:\.{1,2}/)*[\w.-]+(?:/[\w.-]+)*\.md(?![\w-])")


def tracked() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [name for name in listed.split("\0") if name]


def text_of(name: str) -> str | None:
    data = (ROOT / name).read_bytes()
    if b"\0" in data:
        return None  # images and other binaries
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def resolves(reference: str, where: str, names: set[str]) -> bool:
    """A path resolves from the repository's root or from the file that names it.

    A bare file name (no ``/``) is a name, not a path: it is fine when some
    tracked file has that name, as ``RESULTS.md`` names ``benchmarks/RESULTS.md``.
    """
    if "/" not in reference and any(PurePosixPath(n).name == reference for n in names):
        return True
    for base in (PurePosixPath(), PurePosixPath(where).parent):
        parts: list[str] = []
        for part in (base / reference).parts:
            if part == "..":
                if not parts:
                    break  # above the root
                parts.pop()
            elif part != ".":
                parts.append(part)
        else:
            if "/".join(parts) in names:
                return True
    return False


def problems(name: str, text: str, names: set[str]) -> list[str]:
    def at(index: int) -> str:
        return f"{name}:{text.count(chr(10), 0, index) + 1}"

    found = [f"{at(m.start())}: points outside: {m.group()}" for m in OUTSIDE.finditer(text)]
    without_urls = URL.sub(lambda m: " " * len(m.group()), text)
    found += [
        f"{at(m.start())}: no such file: {m.group()}"
        for m in MARKDOWN.finditer(without_urls)
        if not resolves(m.group(), name, names)
    ]
    return found


def test_no_tracked_file_points_outside_the_repository() -> None:
    names = set(tracked())
    assert {"README.md", "rf_tui/cli/__init__.py"} <= names  # it looked where it should
    found = []
    for name in sorted(names - {THIS}):
        text = text_of(name)
        if text is not None:
            found += problems(name, text, names)
    assert found == []


def test_the_check_catches_what_it_is_meant_to() -> None:
    names = {"README.md", "docs/contract.md", "benchmarks/RESULTS.md", "rf_tui/text.py"}
    assert resolves("docs/contract.md", "rf_tui/api/client.py", names)
    assert resolves("contract.md", "docs/architecture.md", names)  # beside it
    assert resolves("../README.md", "docs/contract.md", names)
    assert resolves("RESULTS.md", "tests/test_benchmarks_run.py", names)  # a name
    assert not resolves("docs/textual.md", "rf_tui/text.py", names)
    assert not resolves("../../README.md", "docs/contract.md", names)  # above the root
    assert not resolves("docs/RESULTS.md", "README.md", names)
    assert not resolves("notes.md", "README.md", names)

    text = (
        "See ../shared/contract.md and shared/textual-notes.md, docs/contract.md, "
        "https://example.com/gone.md and (`docs/missing.md#part`); unshared/ is fine."
    )
    assert problems("README.md", text, names) == [
        "README.md:1: points outside: ../shared",
        "README.md:1: points outside: shared/",
        "README.md:1: points outside: textual-notes.md",
        "README.md:1: no such file: ../shared/contract.md",
        "README.md:1: no such file: shared/textual-notes.md",
        "README.md:1: no such file: docs/missing.md",
    ]
