"""Properties of the two functions every untrusted byte passes through."""

from __future__ import annotations

import contextlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from rf_tui.api.models import HandoffCreated, UnknownEvent
from rf_tui.api.stream import MalformedFrame, decode_event
from rf_tui.text import cell_len, one_line, sanitize

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def forbidden(text: str, *, allow_newline: bool) -> list[str]:
    return [
        c
        for c in text
        if (ord(c) < 0x20 and not (allow_newline and c == "\n"))
        or 0x7F <= ord(c) < 0xA0
        or c in BIDI
    ]


@settings(max_examples=500)
@given(st.text())
def test_sanitize_never_raises_and_leaves_no_controls(text: str) -> None:
    assert forbidden(sanitize(text), allow_newline=False) == []
    assert forbidden(sanitize(text, multiline=True), allow_newline=True) == []


@settings(max_examples=300)
@given(st.text())
def test_sanitize_is_idempotent(text: str) -> None:
    once = sanitize(text, multiline=True)
    assert sanitize(once, multiline=True) == once
    assert sanitize(sanitize(text)) == sanitize(text)


@settings(max_examples=300)
@given(st.text(), st.integers(min_value=1, max_value=200))
def test_one_line_fits_and_is_one_line(text: str, width: int) -> None:
    out = one_line(text, width)
    assert "\n" not in out
    assert cell_len(out) <= width
    assert forbidden(out, allow_newline=False) == []


@settings(max_examples=500)
@given(st.text(), st.text())
def test_decode_event_returns_an_event_or_malformed(event: str, data: str) -> None:
    with contextlib.suppress(MalformedFrame):
        decode_event(event, data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=500)
@given(
    st.sampled_from(["handoff_created", "handoff_claimed", "handoff_assessment_ready", "ready", "x"]),
    st.dictionaries(
        st.sampled_from(["handoff_id", "session_id", "priority", "engineer_notes", "created_at",
                         "claimed_by_name", "claimed_at", "account_id", "type"]),
        json_values,
    ),
)  # fmt: skip
def test_decode_event_on_any_json_object(event: str, payload: dict[str, object]) -> None:
    try:
        decoded = decode_event(event, json.dumps(payload))
    except MalformedFrame:
        return
    if event == "x":
        assert isinstance(decoded, UnknownEvent)
    if isinstance(decoded, HandoffCreated):
        assert isinstance(decoded.handoff_id, str) and decoded.handoff_id is not None
