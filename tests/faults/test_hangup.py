"""A terminal that goes away without a SIGHUP (its far end simply closed) ends the app.

Before, Textual's input thread read end-of-file in a loop and the orphaned app
spun a whole core until someone killed it.
"""

from __future__ import annotations

import os
from pathlib import Path

from rf_tui.ui.app import HUNG_UP
from tests.helpers import Running
from tests.test_terminal_notify import app_in_pty


def test_the_app_exits_when_its_terminal_goes_away(running: Running, tmp_path: Path) -> None:
    with app_in_pty(running, tmp_path) as term:
        # The app runs in its own session (no controlling terminal), so closing
        # the far end sends it no SIGHUP: exactly the case that used to spin.
        os.close(term.master)
        assert term.proc.wait(timeout=10) == HUNG_UP
