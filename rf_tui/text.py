"""Making text from other people safe to show in a terminal.

Textual does not strip escape sequences: Rich ``Text`` and Textual ``Content``
drop only BEL, BS, VT, FF and CR, and pass ESC through to the terminal. A note
holding ``ESC ] 2 ; …`` would retitle the senior's terminal, and ``ESC [ 2 J``
would clear it. Every string that came over the network passes through
``sanitize`` before any widget sees it. Pure functions, no UI imports.
"""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"

# Bidirectional controls that can make text display in a different order than
# it is stored ("Trojan Source"): embeddings, overrides, isolates and marks.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def _control_picture(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (ESC shows as ␛)
    if code == 0x7F:
        return "\u2421"  # ␡
    return REPLACEMENT  # C1 controls have no pictures


_TABLE: dict[int, str] = {code: _control_picture(code) for code in range(0x20)}
_TABLE.update({0x7F: "\u2421"})
_TABLE.update({code: REPLACEMENT for code in range(0x80, 0xA0)})
_TABLE.update({ord(ch): REPLACEMENT for ch in _BIDI})
# Line breaks and tabs are text, not control, in multi-line panels.
_MULTILINE = dict(_TABLE)
_MULTILINE.update({ord("\n"): "\n", ord("\t"): "    "})
_MULTILINE.update({0x2028: "\n", 0x2029: "\n"})

_SPACES = re.compile(r"\s+")


def sanitize(text: str | None, *, multiline: bool = False) -> str:
    """``text`` with every control character made visible and inert.

    C0/C1 controls, DEL and bidi controls become a visible placeholder, so the
    reader sees that something was there. With ``multiline`` newlines and tabs
    survive; CR-LF and lone CR become newlines.
    """
    if not text:
        return ""
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text.translate(_MULTILINE)
    return text.translate(_TABLE)


def was_sanitized(text: str | None) -> bool:
    """True if ``sanitize`` would change anything beyond line breaks."""
    return bool(text) and sanitize(text, multiline=True) != (text or "").replace(
        "\r\n", "\n"
    ).replace("\r", "\n").replace("\t", "    ")


def one_line(text: str | None, limit: int | None = None) -> str:
    """Sanitised, whitespace collapsed to single spaces, and cut to ``limit`` cells."""
    text = text or ""
    if limit is not None and len(text) > 8 * limit + 256:
        # A cell of a 2 MB note shows its first words: flatten those, not all of it
        # (unless whitespace and combining marks leave too little in them).
        head = _flat(text[: 8 * limit + 256])
        if cell_len(head) > limit:
            return truncate(head, limit)
    flat = _flat(text)
    return flat if limit is None else truncate(flat, limit)


def _flat(text: str) -> str:
    return sanitize(_SPACES.sub(" ", text.replace("\r", " ")).strip())


def pad(text: str, width: int) -> str:
    """``text`` and spaces to fill ``width`` terminal cells (a CJK name takes two a character)."""
    return text + " " * max(0, width - cell_len(text))


def cell_len(text: str) -> int:
    """Terminal cells taken by ``text`` (wide CJK and emoji take two)."""
    return sum(_char_cells(ch) for ch in text)


def _char_cells(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def truncate(text: str, limit: int) -> str:
    """Cut to at most ``limit`` cells, ending with an ellipsis when cut.

    It reads no further than the cut: a row's 2 MB note costs what its column shows.
    """
    if limit <= 0:
        return ""
    used, cut = 0, len(text)
    for at, ch in enumerate(text):
        width = _char_cells(ch)
        if cut == len(text) and used + width > limit - 1:
            cut = at  # where the text ends if an ellipsis must follow
        used += width
        if used > limit:
            return text[:cut] + "…"
    return text


#: A person's name is cut to this many cells: it goes inside sentences ("Already
#: claimed by …") and narrow columns, and must never crowd the sentence out.
NAME_CELLS = 32

# Whole escape sequences (7-bit and C1 forms): CSI, OSC/DCS/PM/APC/SOS strings to
# their terminator, and two-character escapes. In a name they are noise, not text.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI + "\u2028\u2029]+")
_MARKS = re.compile(REPLACEMENT + "+")


def person(name: str | None, limit: int = NAME_CELLS) -> str:
    """A name from someone else, fit to go inside a sentence: one short line.

    The printable characters are kept as typed; each escape sequence or run of
    control characters becomes one ``\ufffd`` (a name full of them reads
    "\ufffdAlex", not a screenful of control pictures), and it is cut to ``limit``
    cells with an ellipsis.
    """
    if not name:
        return ""
    flat = _SPACES.sub(" ", _SEQUENCE.sub(REPLACEMENT, name))
    flat = _MARKS.sub(REPLACEMENT, _CONTROLS.sub(REPLACEMENT, flat)).strip()
    return truncate(flat, limit)


#: A panel shows this much of a long text from someone else; the rest is told, not
#: drawn: laying out 2 MB of notes took seconds and held the keys up with it.
SHOWN_LINES = 200
SHOWN_CHARS = 20_000


def capped(text: str, lines: int = SHOWN_LINES, chars: int = SHOWN_CHARS) -> tuple[str, str]:
    """The head of ``text`` worth drawing, and what was left out in words ("" if nothing).

    "… 27,035 more lines (1.9 MB) not shown"; cut at a line break where it can be.
    """
    end = min(len(text), chars)
    at = -1
    for _ in range(lines):
        at = text.find("\n", at + 1, end)
        if at < 0:
            break
    else:
        end = at
    rest = text[end:].lstrip("\n")
    if not rest:
        return text, ""
    count = rest.count("\n") + (not rest.endswith("\n"))
    size = _size(len(rest.encode("utf-8", "surrogatepass")))
    if count == 1 and text[end] != "\n":  # the rest of one long line
        return text[:end], f"… {size} more not shown"
    noun = "line" if count == 1 else "lines"
    return text[:end], f"… {count:,} more {noun} ({size}) not shown"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


_USERINFO = re.compile(r"^(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^/@:]*)(?::[^/@]*)?@")


def shown_url(url: str) -> str:
    """An address fit to print: a password in it (a proxy's, say) becomes ***."""
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", url, count=1)
