"""Record ``rf-tui demo --seed 1`` headless into docs/demo.cast (asciicast v2).

    make cast                  # or: python docs/record_cast.py [OUT]

The demo runs in a real pseudo-terminal (80×24) and is driven like a senior
would: watch an arrival, claim it, send a suggested step, go back, quit. Every
byte the app writes is kept with its time, which is all asciicast needs.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.terminal import Terminal

SIZE = (80, 24)


def record(out: Path) -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": home,
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "XDG_STATE_HOME": f"{home}/state",
            "XDG_CONFIG_HOME": f"{home}/config",
        }
        argv = [sys.executable, "-m", "rf_tui", "demo", "--seed", "1", "--pace", "4"]
        started = time.time()
        term = Terminal(argv, env, SIZE)
        try:
            term.wait_for(b"awaiting pickup", 30)
            time.sleep(2.0)  # a pause for the viewer, not a synchronisation
            term.mark()
            term.wait_for(b"4 escalations", 30)  # the first live arrival
            time.sleep(1.5)
            term.send(b"c")  # claim what the cursor is on (it stays put as arrivals land)
            term.wait_for(b"AI assessment", 15)
            time.sleep(2.0)
            term.send(b"2")  # the second suggested step into the message box
            time.sleep(1.0)
            term.send(b"\r")  # sent as the first action
            time.sleep(3.0)
            term.send(b"\x1b")  # back to the queue
            term.wait_for(b"awaiting pickup", 15)
            time.sleep(2.5)
            term.send(b"q")
            term.close()
        finally:
            if term.proc.poll() is None:
                term.proc.kill()
    cols, rows = SIZE
    header = {"version": 2, "width": cols, "height": rows, "timestamp": int(started),
              "title": "rf-tui demo --seed 1", "env": {"TERM": "xterm-256color"}}  # fmt: skip
    lines = [json.dumps(header)]
    previous = 0
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    for offset, stamp in term.stamps:
        text = decoder.decode(bytes(term.output[previous:offset]))
        previous = offset
        if text:
            lines.append(json.dumps([round(stamp - started, 4), "o", text]))
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}: {len(lines) - 1} frames, {time.time() - started:.1f} s")


if __name__ == "__main__":
    record(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "demo.cast")
