"""Sharing rows between panels: plain Python, no UI."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rf_tui.ui.budget import share_rows


def test_short_panels_get_all_they_need_and_the_long_one_the_rest() -> None:
    assert share_rows(12, [9, 2, 4]) == [6, 2, 4]


def test_two_long_panels_share_evenly() -> None:
    assert share_rows(10, [30, 30]) == [5, 5]


def test_everything_fits_with_rows_to_spare() -> None:
    assert share_rows(40, [3, 4, 5]) == [3, 4, 5]


def test_a_floor_of_its_own_comes_first() -> None:
    assert share_rows(12, [20, 20, 20], floor=[1, 1, 6]) == [3, 3, 6]


def test_not_even_a_row_each_goes_first_come() -> None:
    assert share_rows(2, [5, 5, 5]) == [1, 1, 0]
    assert share_rows(-3, [5, 5]) == [0, 0]


@given(st.integers(-5, 80), st.lists(st.integers(0, 60), max_size=6))
def test_never_more_than_the_total_nor_than_wanted(total: int, wants: list[int]) -> None:
    given_rows = share_rows(total, wants)
    assert sum(given_rows) <= max(0, total)
    assert all(0 <= g <= w for g, w in zip(given_rows, wants, strict=True))
    if sum(wants) <= total:
        assert given_rows == wants  # room for all: nothing is cut
    elif total >= len(wants):
        assert sum(given_rows) == total  # no row left empty while text is cut
