"""Sharing a window's rows between panels that all must show (plain Python, no Textual).

The handoff screen at 80×24 has about seventeen rows for four panels' text. Each
panel asks for what its content needs; a panel that needs little gets all of it,
and the rest is shared evenly among the panels that need more, which then say
"+N more" for what did not fit.
"""

from __future__ import annotations

from collections.abc import Sequence


def share_rows(total: int, wants: Sequence[int], floor: int | Sequence[int] = 1) -> list[int]:
    """Rows for each panel: at most what it wants, at least its ``floor`` (while there
    are rows; one for all, or one each), and never more than ``total`` in all.

    One long panel cannot starve the short ones, nor a floor be taken away.
    """
    total = max(0, total)
    wants = [max(0, w) for w in wants]
    floors = [floor] * len(wants) if isinstance(floor, int) else list(floor)
    given = [min(w, f) for w, f in zip(wants, floors, strict=True)]
    left = total - sum(given)
    if left < 0:  # not even the floors fit: first come, first served
        given, left = [], total
        for w, f in zip(wants, floors, strict=True):
            take = min(w, f, left)
            given.append(take)
            left -= take
        return given
    # Water-filling, a row at a time to the panel with the fewest that still wants
    # more: short panels get all they need, long ones even shares of the rest.
    while left > 0:
        open_ = [i for i, w in enumerate(wants) if given[i] < w]
        if not open_:
            break
        i = min(open_, key=lambda i: given[i])
        given[i] += 1
        left -= 1
    return given
