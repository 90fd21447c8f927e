"""Half-typed messages, one per session: they survive a failed send, leaving the screen
and a restart.

Per server and user, capped (``CAP`` drafts, the least recently typed in go first;
``CHARS`` characters of each are saved), written atomically. The handoff screen
sets a draft on every keystroke, so nothing is written then: ``tick()`` (the app's
one-second timer) saves once typing has paused for ``QUIET`` seconds, or at the
latest ``LONGEST`` seconds after the first unsaved change, and ``save()`` at exit.
A crash loses at most those few seconds of typing; a pasted 2 MB log is never
written once per key.

A damaged or unwritable file never stops the app and never loses a draft in
memory: it is set aside, or the drafts live in memory until rf-tui exits, and
either is said once.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rf_tui.store.atomic import StoreError, read_json, write_json

CAP = 200
#: What is saved of one draft: a message, not a log (a paste stays whole in memory).
CHARS = 4000
#: Saved once the typing has paused this long...
QUIET = 1.0
#: ...or this long after the first unsaved change, however fast the typing.
LONGEST = 5.0
#: After a failed save, the next try waits this long (the sentence is said once).
RETRY = 30.0


class Drafts:
    """``drafts[session_id] = text`` on every key; ``tick()`` saves when it is time."""

    def __init__(
        self,
        path: Path | None,
        cap: int = CAP,
        chars: int = CHARS,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.cap = cap
        self.chars = chars
        self._mono = monotonic
        self._texts: OrderedDict[str, str] = OrderedDict()  # least recently typed in first
        #: A sentence for the user when loading or saving went wrong, else None.
        self.problem: str | None = None
        self._first_unsaved: float | None = None
        self._last_change = -math.inf
        self._retry_at = -math.inf
        self._save_failed = False
        self._cut_told = False
        self._load()

    # ── The dict the handoff screen uses ─────────────────────────────────────

    def get(self, session_id: str, default: str = "") -> str:
        return self._texts.get(session_id, default)

    def __getitem__(self, session_id: str) -> str:
        return self._texts[session_id]

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._texts

    def __len__(self) -> int:
        return len(self._texts)

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def items(self) -> list[tuple[str, str]]:
        return list(self._texts.items())

    def __setitem__(self, session_id: str, text: str) -> None:
        """An empty box is no draft; the same text again changes nothing."""
        if not text:
            self.pop(session_id, None)
            return
        if self._texts.get(session_id) == text:
            return
        self._texts[session_id] = text
        self._texts.move_to_end(session_id)
        while len(self._texts) > self.cap:
            self._texts.popitem(last=False)
        self._changed()

    def pop(self, session_id: str, default: str | None = None) -> str | None:
        if session_id not in self._texts:
            return default
        text = self._texts.pop(session_id)
        self._changed()
        return text

    def adopt(self, earlier: Drafts) -> Drafts:
        """Take drafts typed before this store was loaded (before sign-in): they win."""
        for session_id, text in earlier.items():
            self[session_id] = text
        return self

    # ── Saving ───────────────────────────────────────────────────────────────

    @property
    def unsaved(self) -> bool:
        return self._first_unsaved is not None

    def tick(self) -> bool:
        """Save if it is time (typing paused, or unsaved for long); True if it saved."""
        if self._first_unsaved is None or self.path is None:
            return False
        now = self._mono()
        if now < self._retry_at:
            return False
        if now - self._last_change < QUIET and now - self._first_unsaved < LONGEST:
            return False
        return self.save()

    def save(self) -> bool:
        """Save now if anything changed (at exit, or from ``tick``); True if it did."""
        if self._first_unsaved is None or self.path is None:
            return False
        entries = {sid: text[: self.chars] for sid, text in self._texts.items()}
        try:
            write_json(self.path, {"version": 1, "drafts": entries}, what="Drafts")
        except StoreError as exc:
            self._retry_at = self._mono() + RETRY
            if not self._save_failed:  # said once per run, however often it fails
                self._save_failed = True
                self.problem = f"{exc} They are kept until rf-tui exits."
            return False
        self._first_unsaved = None
        self._retry_at = -math.inf
        longest = max(map(len, self._texts.values()), default=0)
        if longest > self.chars and not self._cut_told:
            self._cut_told = True
            self.problem = (
                f"A draft of {longest:,} characters is kept whole until rf-tui exits; "
                f"only its first {self.chars:,} are saved for the next run."
            )
        return True

    def _changed(self) -> None:
        now = self._mono()
        self._last_change = now
        if self._first_unsaved is None:
            self._first_unsaved = now

    def _load(self) -> None:
        if self.path is None:
            return
        found = read_json(
            self.path,
            what="The drafts file",
            then="Messages you had started typing are lost.",
            valid=_is_drafts,
        )
        self.problem = found.problem
        if found.data:
            kept = [
                (sid, text[: self.chars])
                for sid, text in found.data["drafts"].items()
                if isinstance(sid, str) and isinstance(text, str) and text
            ]
            self._texts.update(kept[-self.cap :])


def _is_drafts(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("drafts"), dict)
