"""The hostile corpus against the real app: it stays up, says what happened, loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.cases import all_cases
from tests.hostile.harness import Case, run_case

CASES = all_cases()


def test_the_corpus_is_big_enough_and_named_uniquely() -> None:
    names = [case.name for case in CASES]
    assert len(names) >= 60
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_case(case: Case, tmp_path: Path) -> None:
    await run_case(case, tmp_path / "state")
