"""A child process on a real pseudo-terminal, with every byte it writes kept and timed.

Used by the benchmarks (arrival → painted, idle cost, start-up) and by the test
that checks which bytes reach the terminal.
"""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import termios
import threading
import time
from pathlib import Path

#: What to look for on the terminal: some bytes, or any of several.
Needle = bytes | tuple[bytes, ...]


class Terminal:
    """A child process on a pseudo-terminal of a given size; all its output kept."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        size: tuple[int, int],
        stdin: int | None = None,
    ) -> None:
        """``stdin``: what the child reads instead of the terminal (a pipe, say); the
        terminal is then its controlling one, as /dev/tty, like a shell's child.
        Otherwise the child has no controlling terminal, so closing the far end sends
        it no SIGHUP (tests/faults/test_hangup.py relies on that)."""
        master, slave = os.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

        def controlling_terminal() -> None:  # in the child, after its setsid()
            fcntl.ioctl(1, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            argv,
            stdin=slave if stdin is None else stdin,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=None if stdin is None else controlling_terminal,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        #: (bytes written so far, time.time() when they had arrived), per chunk.
        self.stamps: list[tuple[int, float]] = []
        self._mark = 0
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                chunk = b""
            with self._arrived:
                self.output.extend(chunk)
                self.stamps.append((len(self.output), time.time()))
                self._arrived.notify_all()
            if not chunk:
                return

    def mark(self) -> None:
        """Look for output from here on (what comes after an action about to happen)."""
        with self._arrived:
            self._mark = len(self.output)

    def send(self, keys: bytes) -> None:
        with self._arrived:
            self._mark = len(self.output)  # answers to these keys come after here
        os.write(self.master, keys)

    def wait_for(self, needle: Needle, timeout: float = 20) -> None:
        """Wait until ``needle`` (or any of several) is written since the last keys
        sent, woken by each chunk."""
        start = self._mark
        with self._arrived:
            found = self._arrived.wait_for(
                lambda: self._find(needle, start) >= 0 or not self._reader.is_alive(),
                timeout=timeout,
            )
        if not found or self._find(needle, start) < 0:
            tail = bytes(self.output[-2000:])
            raise AssertionError(f"no {needle!r} on the terminal; last output: {tail!r}")

    def seen_at(self, needle: Needle, timeout: float = 20) -> float:
        """``time.time()`` when ``needle`` was first written since the last keys sent."""
        self.wait_for(needle, timeout)
        return self.stamp_of(needle, self._mark)

    def _find(self, needle: Needle, start: int) -> int:
        """Where the first of ``needle`` written after ``start`` ends; -1 if none is."""
        ends = [
            at + len(one)
            for one in ((needle,) if isinstance(needle, bytes) else needle)
            if (at := self.output.find(one, start)) >= 0
        ]
        return min(ends, default=-1)

    def stamp_of(self, needle: Needle, start: int = 0) -> float:
        """Wall-clock time of the chunk that completed the first ``needle`` after ``start``."""
        end = self._find(needle, start)
        for offset, stamp in self.stamps:
            if end >= 0 and offset >= end:
                return stamp
        raise AssertionError(f"{needle!r} was never written")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the child so far, from /proc."""
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def quit(self, keys: bytes = b"q") -> None:
        """Ask the child to quit with ``keys`` (rf-tui's q; a bare Textual app's ctrl+q,
        ``b"\x11"``), and kill it if it does not go within the close's wait."""
        if self.proc.poll() is None:
            self.send(keys)
        try:
            self.close()
        except Exception:
            self.proc.kill()

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=15)
        finally:
            os.close(self.master)
