"""Sharing a window's rows between panels that all must show (plain Python, no Textual).

The handoff screen at 80×24 has about seventeen rows for four panels' text. Each
panel asks for what its content needs; a panel that needs little gets all of it,
and the rest is shared evenly among the panels that need more, which then say
"+N more" for what did not fit.
"""

from __future__ import annotations

from collections.abc import Sequence


def share_rows(total: int, wants: Sequence[int], floor: int = 1) -> list[int]:
    """Rows for each panel: at most what it wants, at least ``floor`` (while there
    are rows), and never more than ``total`` in all.

    Water-filling: the smallest wants are met first, each from an even share of
    what is left, so one long panel cannot starve the short ones.
    """
    total = max(0, total)
    wants = [max(0, w) for w in wants]
    given = [min(w, floor) for w in wants]
    left = total - sum(given)
    if left < 0:  # not even the floors fit: first come, first served
        given, left = [], total
        for w in wants:
            take = min(w, floor, left)
            given.append(take)
            left -= take
        return given
    open_ = sorted((i for i, w in enumerate(wants) if w > given[i]), key=lambda i: wants[i])
    while open_ and left > 0:
        share = max(1, left // len(open_))
        i = open_.pop(0)
        take = min(wants[i] - given[i], share if open_ else left, left)
        given[i] += take
        left -= take
    return given
