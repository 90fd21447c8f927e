"""Who else has an escalation open, as its row says it: "👁 Alex", or "👁 2" for several.

A glyph and a name (or a count), never colour alone. Kept apart from the table so
its columns can change without this, and this without them.
"""

from __future__ import annotations

from collections.abc import Sequence

from rf_tui.text import person

EYE = "👁"
STYLE = "bold yellow"
#: A first name longer than this is cut: the row's problem matters more.
NAME_CELLS = 10


def marker(names: Sequence[str]) -> str:
    """ "👁 Alex" for one viewer (the first name), "👁 3" for several, "" for none."""
    if not names:
        return ""
    if len(names) > 1:
        return f"{EYE} {len(names)}"
    first = person(names[0]).split(" ")[0]
    return f"{EYE} {person(first, NAME_CELLS) or 'someone'}"
