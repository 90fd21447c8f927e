"""The sanitiser: nothing a stranger types can reach the terminal as a command."""

from __future__ import annotations

import pytest

from rf_tui.text import (
    NAME_CELLS,
    capped,
    cell_len,
    one_line,
    person,
    sanitize,
    truncate,
    was_sanitized,
)

HOSTILE = [
    "\x1b]2;PWNED\x07",  # OSC title change
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52 clipboard write
    "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",  # hyperlink
    "\x1b[2J\x1b[H",  # CSI clear screen
    "\x1bP+q544e\x1b\\",  # DCS
    "\x9b31m",  # C1 CSI
    "\x90dcs\x9c",  # C1 DCS / ST
    "a\x00b\x7fc\x08d",  # NUL, DEL, BS
]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_control_character_survives(text: str) -> None:
    for mode in (False, True):
        out = sanitize(text, multiline=mode)
        assert not any(ord(c) < 0x20 and c not in "\n" for c in out)
        assert not any(0x7F <= ord(c) < 0xA0 for c in out)
    assert was_sanitized(text)


def test_escape_is_shown_not_dropped() -> None:
    assert sanitize("\x1b[31mred") == "␛[31mred"


def test_bidi_overrides_are_neutralised() -> None:
    trojan = "access\u202e\u2066 // admin\u2069\u2066"
    out = sanitize(trojan)
    assert not any(c in out for c in "\u202e\u2066\u2069")
    assert out.startswith("access")


def test_markup_is_left_as_text() -> None:
    # Markup is a display concern; the sanitiser keeps it so widgets show it literally.
    assert sanitize("[bold]x[/bold] [/oops]") == "[bold]x[/bold] [/oops]"
    assert not was_sanitized("[bold]x[/bold]")


def test_multiline_keeps_lines_and_normalises_breaks() -> None:
    assert sanitize("one\r\ntwo\rthree\tfour", multiline=True) == "one\ntwo\nthree    four"
    assert sanitize("one\ntwo") == "one␊two"


def test_one_line_collapses_and_truncates() -> None:
    assert one_line("  tried\n\n rebooting\t twice ") == "tried rebooting twice"
    assert one_line("x" * 50, 10) == "x" * 9 + "…"
    assert one_line(None) == ""


def test_wide_characters_count_two_cells() -> None:
    assert cell_len("日本語") == 6
    assert truncate("日本語テキスト", 7) == "日本語…"
    assert cell_len(truncate("日本語テキスト", 7)) <= 7
    assert cell_len("e\u0301") == 1  # combining accent takes no cell


@pytest.mark.parametrize("text", HOSTILE)
def test_a_name_keeps_no_control_character(text: str) -> None:
    out = person(text + "Alex")
    assert out.endswith("Alex")
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in out)


def test_a_name_is_compact_and_capped() -> None:
    noisy = "\x1b]2;PWNED\x07\x1b[31m\x1b[1m" * 10 + "Alex\x00\x01\x02 Moreno"
    assert person(noisy) == "\ufffdAlex\ufffd Moreno"
    assert person("  Dana\n\tSmith ") == "Dana Smith"
    long = person("Bartholomew " * 10)
    assert cell_len(long) == NAME_CELLS and long.endswith("…")
    assert person(None) == "" and person("\x1b[0m") == "\ufffd"


def test_a_long_text_is_capped_at_a_line_break_and_says_how_much_is_left() -> None:
    note = "".join(f"line {i}\n" for i in range(1000))
    head, more = capped(note, lines=10)
    assert head.splitlines() == [f"line {i}" for i in range(10)]
    assert more == "… 990 more lines (9 KB) not shown"
    assert capped("short\n", lines=10) == ("short\n", "")
    assert capped("a\nb\n", lines=2) == ("a\nb\n", "")  # a final break is not a line more
    head, more = capped("x" * 30_000, chars=1000)
    assert head == "x" * 1000 and more == "… 28 KB more not shown"


def test_one_line_of_a_huge_text_reads_only_its_head() -> None:
    huge = "word " * 400_000
    assert one_line(huge, 12) == "word word w…"
    assert one_line(" " * 10_000 + "late", 10) == "late"  # its head all spaces: the whole text
