"""Exit codes: what each command can return, said once for its --help and the README.

A command's --help lists only the codes that command returns, in its own words
(``COMMANDS``). A new command adds its entry there; tests/test_exits.py fails
for a command without one. README.md's table is made from the same entries:
``python -m rf_tui.exit_codes --write README.md``.
"""

from __future__ import annotations

import signal
from collections.abc import Iterable

from rf_tui.readme_table import ReadmeTable

OK = 0
FAILED = 1  # the network or the server failed
USAGE = 2  # a flag or config needs fixing, or no token yet (argparse's own 2 as well)
LOST_RACE = 3  # claim: someone else was first
DENIED = 4  # the server refused the token (401) or the role (403)
NOT_FOUND = 5  # no such escalation waiting for you
INTERRUPTED = 128 + signal.SIGINT  # Ctrl-C at a prompt
HUNG_UP = 128 + signal.SIGHUP  # the terminal went away
PIPE_CLOSED = 128 + signal.SIGPIPE  # the reader of our output went away, as tools do
TERMINATED = 128 + signal.SIGTERM  # kill, systemd, a closing tmux pane

#: What a code means wherever it comes from: the README's table, and a command's
#: --help where the command has nothing more particular to say.
MEANINGS: dict[int, str] = {
    OK: "done",
    FAILED: "the server could not be reached or answered with an error; or rf-tui failed, "
    "and says how",
    USAGE: "a flag, the server address or config.toml needs fixing, or you have not signed "
    "in yet (rf-tui login)",
    LOST_RACE: "someone else claimed it first (their name is printed)",
    DENIED: "the server refused your token (sign in again), or your role may not do this",
    NOT_FOUND: "not there: no such escalation waiting in your queue (claim), no such "
    "baseline run (baseline)",
    INTERRUPTED: "Ctrl-C at a prompt (a password, or a token pasted with --token -)",
    HUNG_UP: "the terminal closed (SIGHUP)",
    PIPE_CLOSED: "whatever read the output stopped reading (`| head`)",
    TERMINATED: "ended by SIGTERM (kill, systemd, a closing tmux pane)",
}

SAME = ""  # the code's meaning in MEANINGS, said no differently for this command

#: Each command's codes, in its own words where they differ; "" is rf-tui itself
#: (the app, and --plain). Read from the command's code path, not hoped for.
COMMANDS: dict[str, dict[int, str]] = {
    "": {
        OK: "you quit (q; Ctrl-C in --plain)",
        FAILED: "--plain stopped on an error, which it names; the app crashed",
        USAGE: SAME,
        DENIED: "--plain: the server refused your token (sign in again)",
        INTERRUPTED: SAME,
        HUNG_UP: SAME,
        PIPE_CLOSED: "--plain: " + MEANINGS[PIPE_CLOSED],
        TERMINATED: SAME,
    },
    "queue": {
        OK: "printed (an empty queue too)",
        FAILED: SAME,
        USAGE: SAME,
        DENIED: SAME,
        INTERRUPTED: SAME,
        PIPE_CLOSED: SAME,
    },
    "watch": {
        OK: "stopped with Ctrl-C",
        FAILED: "the server refused the live stream or does not serve one "
        "(a viewer's role, a wrong address); a server out of reach is retried, not an exit",
        USAGE: SAME,
        DENIED: "the server refused your token (sign in again)",
        INTERRUPTED: SAME,
        PIPE_CLOSED: SAME,
        TERMINATED: SAME,
    },
    "claim": {
        OK: "it is yours (now, or already)",
        FAILED: SAME,
        USAGE: SAME,
        LOST_RACE: SAME,
        DENIED: SAME,
        NOT_FOUND: "no such escalation is waiting in your queue",
        INTERRUPTED: SAME,
        PIPE_CLOSED: SAME,
    },
    "stats": {
        OK: "printed (a period with no claims too)",
        FAILED: SAME,
        USAGE: "a flag needs fixing (--period is 7d, 30d or 90d), or you have not signed in "
        "yet (rf-tui login)",
        DENIED: "the server refused your token (sign in again), or your role is a viewer's",
        INTERRUPTED: SAME,
        PIPE_CLOSED: SAME,
    },
    "doctor": {
        OK: "every check ok, or only warnings (rf-tui works, without what they name)",
        FAILED: "a check failed: something rf-tui needs is broken (its line says what)",
        USAGE: "a flag or config.toml needs fixing before anything can be checked",
        INTERRUPTED: "Ctrl-C before the checks were done",
        PIPE_CLOSED: SAME,
    },
    "login": {
        OK: "signed in; the token is saved",
        FAILED: "the server could not be reached, is rate-limiting sign-ins (wait, then "
        "try again), or answered with an error",
        USAGE: "a flag or the server address needs fixing, the password is wrong or was not "
        "given, or the token could not be saved",
        DENIED: "the token given with --token or --token-file was refused",
        INTERRUPTED: "Ctrl-C at the password or token prompt",
    },
    "logout": {
        OK: "the saved token is deleted, or there was none",
        USAGE: "a flag or config.toml needs fixing, or the token file could not be deleted",
    },
    "auth": {
        OK: "status: at least one server signs you in",
        FAILED: "status: none does, and one could not be checked (unreachable, a server error)",
        USAGE: SAME,
        DENIED: "status: none does (nothing saved, or every token refused)",
        INTERRUPTED: SAME,
    },
    "baseline": {
        OK: SAME,
        FAILED: "the server could not be reached to say who you are, or the runs could not "
        "be saved (the sentence says where); nothing changed",
        USAGE: "a flag or a time needs fixing (SECONDS or MM:SS, more than 0), a run is "
        "already in progress (start), or you have not signed in yet",
        DENIED: "the server refused your token (sign in again)",
        NOT_FOUND: "no baseline run has that id (edit, delete), or none is in progress (stop)",
        INTERRUPTED: SAME,
        PIPE_CLOSED: SAME,
    },
    "config": {
        OK: SAME,
        USAGE: "config.toml has a mistake (FILE:LINE: key: what is wrong), or a flag does",
    },
    "web": {
        OK: "stopped with Ctrl-C",
        USAGE: "a flag or config.toml needs fixing, you have not signed in yet, "
        "the port is taken, or the web extra is not installed",
        INTERRUPTED: SAME,
    },
    "completion": {
        OK: "printed",
        USAGE: "not a shell it knows (bash, zsh, fish)",
    },
    "demo": {
        OK: "you quit (q)",
        FAILED: "the app crashed",
        USAGE: "a flag needs fixing, or the server extra is not installed",
        HUNG_UP: SAME,
        TERMINATED: SAME,
    },
    "serve": {
        OK: "stopped with Ctrl-C",
        FAILED: "the database at --db postgresql://… could not be reached or used",
        USAGE: "a flag needs fixing (the port is taken, say), or the server extra (or, for "
        "Postgres and Redis, the engines extra) is not installed",
    },
}


def codes(command: str) -> dict[int, str]:
    """``command``'s codes and what each means for it (KeyError: not registered)."""
    return {code: text or MEANINGS[code] for code, text in COMMANDS[command].items()}


def epilog(command: str) -> str | None:
    """The "exit codes:" block of ``command``'s --help; None if it has no entry yet."""
    if command not in COMMANDS:
        return None
    lines = [f"  {code:<3}  {text}" for code, text in codes(command).items()]
    return "exit codes:\n" + "\n".join(lines) + "\n"


README_START = (
    "<!-- exit codes: made by `python -m rf_tui.exit_codes`; edit rf_tui/exit_codes.py -->"
)
README_END = "<!-- /exit codes -->"
WRITE_COMMAND = "python -m rf_tui.exit_codes --write README.md"


def _shown(command: str) -> str:
    return f"`rf-tui {command}`" if command else "`rf-tui`"


def markdown_table() -> str:
    """The README's table: each code, what it means, and which commands return it."""
    lines = ["| exit | meaning | returned by |", "|---|---|---|"]
    for code, meaning in MEANINGS.items():
        which = [command for command, given in COMMANDS.items() if code in given]
        if not which:
            continue
        by = "every command" if len(which) == len(COMMANDS) else ", ".join(map(_shown, which))
        lines.append(f"| {code} | {meaning.replace('|', chr(92) + '|')} | {by} |")
    return "\n".join(lines) + "\n"


README_TABLE = ReadmeTable(README_START, README_END, markdown_table)


def main(argv: Iterable[str] | None = None) -> int:
    return README_TABLE.main("python -m rf_tui.exit_codes", "exit-code table", argv)


if __name__ == "__main__":
    raise SystemExit(main())
