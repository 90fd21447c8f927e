"""Every user action in one table: the screens' bindings, the help screen, the command
palette and the README's key table are all made from it, so they cannot disagree.

``python -m rf_tui.ui.actions`` prints the README's key table;
``python -m rf_tui.ui.actions --write README.md`` puts it in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding, BindingType

from rf_tui.readme_table import ReadmeTable

#: Where a key works. "queue table" is the queue's table while it has focus (the
#: cursor keys and enter); help and the README list it with the queue screen's.
Place = Literal[
    "app", "queue table", "queue", "handoff", "mine", "stats", "help", "choice", "reader"
]

#: How the palette offers an action: "here" on the screens it belongs to, run as that
#: screen's (or, for "app", the app's) action; "everywhere" on every screen, run as
#: the app's action, for the keys a screen binds to an action the app also has.
Offer = Literal["here", "everywhere"]


@dataclass(frozen=True)
class Key:
    """One binding: Textual key names (comma-separated) and the action string they run."""

    keys: str
    call: str
    #: Textual's keys panel names each binding; "" takes the action's footer words.
    label: str = ""
    #: Checked before the focused widget sees the key (Mine's enter, before its list's).
    priority: bool = False
    #: How the footer shows it ("1…9" for nine keys); "" is Textual's own.
    display: str = ""
    #: In the footer only where the action is (one of nine digits stands for all).
    shown: bool = True


@dataclass(frozen=True)
class Action:
    """One thing a person can do: a row of the help screen and of the README's table."""

    #: The action, as its method is named (``action_<name>``); the palette runs it.
    name: str
    #: The bindings it makes; none when a widget takes the key itself (an Input's enter).
    keys: tuple[Key, ...]
    #: The words in the footer.
    label: str
    #: The longer words: the help screen, the palette and the README.
    description: str
    where: tuple[Place, ...]
    #: The key(s) as help and the README show them.
    shown: str
    footer: bool = True
    palette: Offer | None = None
    #: The palette's name for it when the footer's words do not suit; "" takes them.
    title: str = ""

    @property
    def palette_title(self) -> str:
        return self.title or self.label


KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "esc",
    "up": "↑",
    "down": "↓",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "left": "←",
    "right": "→",
}


def key_text(keys: str) -> str:
    """Textual key names as people read them: "slash" → "/", "up,k" → "↑ k"."""
    return " ".join(KEY_NAMES.get(k, k) for k in keys.split(","))


def act(
    keys: str,
    name: str,
    label: str,
    description: str,
    *where: Place,
    footer: bool = True,
    palette: Offer | None = None,
    title: str = "",
    call: str = "",
) -> Action:
    """The usual action: one binding whose keys run ``call``, or ``name`` itself."""
    key = Key(keys, call or name)
    return Action(name, (key,), label, description, where, key_text(keys), footer, palette, title)


ACTIONS: tuple[Action, ...] = (
    # ── The queue ────────────────────────────────────────────────────────────
    act("enter", "choose", "Choose",
        "Open or claim the selected escalation (a click does too)", "queue table", footer=False),
    Action("cursor", (Key("up,k", "cursor(-1)", "Up"), Key("down,j", "cursor(1)", "Down")),
           "Move", "Move (never marks anything read)", ("queue table",), "↑ ↓ j k", footer=False),
    Action("page", (Key("pageup", "page(-1)", "Page up"), Key("pagedown", "page(1)", "Page down")),
           "Page", "Page up, page down", ("queue table",), "PgUp PgDn", footer=False),
    Action("jump", (Key("home,g", "jump(0)", "First"), Key("end,G", "jump(-1)", "Last")),
           "First, last", "First, last (Home, End)", ("queue table",), "g G", footer=False),
    act("c", "claim", "Claim", "Claim the selected escalation", "queue", palette="here"),
    act("o", "open", "Open", "Open the selected escalation read-only", "queue", palette="here"),
    act("d", "dismiss_unread", "Mark read", "Mark the selected escalation read (clears ●)",
        "queue", palette="here"),
    act("slash", "filter", "Filter", "Filter by words, or p:urgent for a priority",
        "queue", palette="here"),
    act("s", "cycle_sort", "Sort", "Sort by newest, oldest or priority, in turn",
        "queue", palette="here"),
    # r was "reopen" before Mine listed the same claims; it stays for the hands that know it.
    act("m,r", "mine", "Mine", "Mine: what you claimed, and where each one stands now",
        "queue", palette="everywhere"),
    act("a", "stats", "Stats", "Stats: the metric over 7, 30 or 90 days, and its trend",
        "queue", palette="everywhere"),
    act("escape", "clear_filter", "Clear filter", "Clear the filter", "queue", footer=False),
    act("x", "dismiss_away", "Dismiss", 'Dismiss the "While you were away" line',
        "queue", footer=False),
    act("question_mark", "help", "Help", "List every key", "queue", "mine", "stats",
        palette="everywhere", call="app.help"),
    # ── The handoff ──────────────────────────────────────────────────────────
    # Digits choose a step from inside the message box too (the box passes them on)
    # until the senior has typed words of their own there.
    Action("suggest", tuple(Key(str(n), f"suggest({n})", "Step", display="1…9",
                                shown=n == 1) for n in range(1, 10)),
           "Step", "Put a suggested step in the message box (replacing a step put there)",
           ("handoff",), "1…9"),
    act("enter", "send", "Send", "Send the message (your first action)", "handoff"),
    act("escape,q", "back", "Back",
        "Back: out of a zoomed panel, then to the queue (quit from the queue, or ctrl+q); "
        "esc also leaves the message box", "handoff", palette="here"),
    act("c", "claim", "Claim", "Claim it (when opened read-only)", "handoff", palette="here"),
    act("z", "zoom", "Zoom", "Show the focused panel alone, and all four again",
        "handoff", palette="here"),
    Action("copy_command", (Key("x", "copy_command", "Copy cmd"),),
           "Copy cmd", "Copy the command of the chosen (or first) suggested step, alone",
           ("handoff",), "x", palette="here"),
    Action("next_panel", (Key("tab", "next_panel(1)", "Next panel", shown=False),
                          Key("shift+tab", "next_panel(-1)", "Previous panel", shown=False)),
           "Panel", "Next panel, previous panel (zoomed: the next one zoomed)",
           ("handoff",), "tab shift+tab"),
    Action("handoff_scroll", (Key("down,j", "scroll(1)", "Down"), Key("up,k", "scroll(-1)", "Up"),
                              Key("pagedown", "page(1)", "Page down"),
                              Key("pageup", "page(-1)", "Page up"),
                              Key("home,g", "jump(0)", "Top"), Key("end,G", "jump(-1)", "Bottom")),
           "Scroll", "Scroll a zoomed panel; with all four shown, move between them",
           ("handoff",), "↑ ↓ j k g G", footer=False),
    act("y", "copy_link", "Copy link", "Copy a link to this session (OSC 52)",
        "handoff", palette="here", footer=False),
    act("t", "copy_note", "Ticket note",
        "Copy the four panels as Markdown for a PSA ticket note", "handoff", palette="here",
        footer=False),
    act("b", "open_browser", "Open in browser", "Open the session in the browser",
        "handoff", palette="here", footer=False),
    act("m", "focus_message", "Message", "Go to the message box", "handoff", footer=False),
    act("n", "read_notes", "Whole note", "Read the junior's whole note, however long",
        "handoff", palette="here", footer=False),
    act("question_mark", "help", "Help", "List every key", "handoff", call="app.help"),
    # ── Mine ─────────────────────────────────────────────────────────────────
    # Before the list's own enter, so the footer names it.
    Action("open", (Key("enter", "open", priority=True),), "Open",
           "Open it as it stands: the four panels, the session, your draft", ("mine",), "enter"),
    act("x", "forget", "Forget", "Take it off Mine (the claim on the server stays)",
        "mine", palette="here"),
    act("escape,q", "back", "Back", "Back to where you were", "mine", palette="here"),
    Action("mine_cursor", (Key("j", "cursor(1)", "Down"), Key("k", "cursor(-1)", "Up"),
                           Key("g", "cursor_to(0)", "First"), Key("G", "cursor_to(-1)", "Last")),
           "Move", "Move, as ↑ ↓ Home End do", ("mine",), "j k g G", footer=False),
    # ── Stats ────────────────────────────────────────────────────────────────
    Action("period", (Key("7", "period('7d')", "Period", display="7 3 9"),
                      Key("3", "period('30d')", "Period", shown=False),
                      Key("9", "period('90d')", "Period", shown=False)),
           "Period", "The last 7, 30 or 90 days", ("stats",), "7 3 9"),
    Action("cycle_period", (Key("left", "cycle_period(-1)", "Shorter"),
                            Key("right", "cycle_period(1)", "Longer")),
           "Period", "A shorter or longer period, in turn", ("stats",), "← →", footer=False),
    act("t", "toggle_table", "Table", "The trend as a table of values, or as a chart again",
        "stats", palette="here"),
    act("b", "baseline", "Baseline",
        "Baseline stopwatch: start when you open a ticket the old way, b again at your first "
        "diagnostic action", "stats", palette="here"),
    act("escape,q", "back", "Back", "Back to where you were", "stats", palette="here"),
    # ── Everywhere ───────────────────────────────────────────────────────────
    act("q", "quit", "Quit", "Quit", "app"),
    act("ctrl+p", "command_palette", "Commands",
        "Command palette: these actions, and themes", "app", footer=False),
    act("p", "toggle_story", "Pause story",
        "Pause or resume the scripted junior and rival (--present)", "app"),
    # ── Modal screens: bound here, described where they open ─────────────────
    act("escape,q,question_mark", "app.pop_screen", "Close help", "Close this help", "help"),
    Action("help_scroll", (Key("down,j", "scroll(1)", "Down"), Key("up,k", "scroll(-1)", "Up"),
                           Key("home,g", "scroll_to(0)", "Top"),
                           Key("end,G", "scroll_to(-1)", "Bottom")),
           "Scroll", "Scroll this help", ("help",), "↑ ↓ j k g G", footer=False),
    act("o", "choose('open')", "Open", "Open the handoff read-only", "choice"),
    act("c", "choose('claim')", "Claim", "Claim it and start", "choice"),
    act("escape", "choose('')", "Cancel", "Cancel", "choice"),
    act("escape,q", "back", "Back", "Back to the handoff", "reader"),
)  # fmt: skip


def actions(*places: Place) -> list[Action]:
    """The actions that work in any of ``places``, in the table's order."""
    return [a for a in ACTIONS if any(p in a.where for p in places)]


def bindings(place: Place) -> list[BindingType]:
    """A screen's (or the app's, or the queue table's) ``BINDINGS``."""
    return [
        Binding(
            key.keys,
            key.call,
            key.label or action.label,
            show=action.footer and key.shown,
            key_display=key.display or None,
            priority=key.priority,
        )
        for action in actions(place)
        for key in action.keys
    ]


#: When the window has no room in the footer for every key, these leave it first,
#: in this order. They still work, and help (?) and the palette list them; the ones
#: not named here (claim, sort, reopen, help…) stay.
FOOTER_GIVES_WAY: tuple[str, ...] = (
    "quit",  # q and ctrl+q: known without being shown
    "stats",  # an owner's, not the senior's on shift
    "dismiss_unread",
    "open",  # enter offers it too
    "toggle_story",
    "filter",
    "read_notes",
    "open_browser",
    "copy_link",
    "copy_note",
    "focus_message",
)

#: The calls the footer's keys make (``Key.call``), and the actions they belong to.
_CALLS = {key.call: action.name for action in ACTIONS for key in action.keys}


def footer_plan(
    keys: Sequence[tuple[str, str, str]], width: int, pinned: tuple[str, str] | None = None
) -> frozenset[str]:
    """The calls a footer ``width`` cells wide leaves out of ``keys`` (call, key shown,
    words, in order), with ``pinned`` (key shown, words: the palette's) held at its
    right end: the least vital first (``FOOTER_GIVES_WAY``), until the rest fit.
    """
    # Textual's FooterKey is " key words "; the palette's is "key words" after a
    # border, with a blank after it.
    room = width - (len(pinned[0]) + len(pinned[1]) + 3 if pinned else 0)
    sizes = {call: len(key) + len(words) + 3 for call, key, words in keys}
    need = sum(sizes.values())
    left_out: set[str] = set()
    for name in FOOTER_GIVES_WAY:
        for call in sizes:
            if need <= room:
                return frozenset(left_out)
            if _CALLS.get(call) == name:
                left_out.add(call)
                need -= sizes[call]
    return frozenset(left_out)


#: The help screen's sections, and the places each lists.
SECTIONS: tuple[tuple[str, tuple[Place, ...]], ...] = (
    ("Queue", ("queue table", "queue")),
    ("Handoff", ("handoff",)),
    ("Mine", ("mine",)),
    ("Stats", ("stats",)),
    ("Everywhere", ("app",)),
)

README_START = "<!-- keys: made by `python -m rf_tui.ui.actions`; edit rf_tui/ui/actions.py -->"
README_END = "<!-- /keys -->"
WRITE_COMMAND = "python -m rf_tui.ui.actions --write README.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table() -> str:
    """The README's key table: one row per key as shown, a column per screen.

    What works everywhere fills every column, unless that screen binds the key to
    something else (q goes back on the handoff screen).
    """
    columns: tuple[tuple[Place, ...], ...] = (
        ("queue table", "queue", "app"),
        ("handoff", "app"),
        ("mine", "app"),
        ("stats", "app"),
    )
    own: list[set[str]] = [
        {k for a in actions(*places) if "app" not in a.where for key in a.keys
         for k in key.keys.split(",")}
        for places in columns
    ]  # fmt: skip
    rows: dict[str, list[str]] = {}
    for action in actions(*(p for _, places in SECTIONS for p in places)):
        cells = rows.setdefault(action.shown, ["" for _ in columns])
        keys = {k for key in action.keys for k in key.keys.split(",")}
        for i, places in enumerate(columns):
            overridden = "app" in action.where and keys <= own[i]
            if any(p in action.where for p in places) and not overridden:
                cells[i] = action.description
    lines = ["| key | queue | handoff | mine | stats |", "|---|---|---|---|---|"]
    lines += [
        f"| `{_cell(shown)}` | {' | '.join(_cell(c) for c in cells)} |"
        for shown, cells in rows.items()
    ]
    return "\n".join(lines) + "\n"


README_TABLE = ReadmeTable(README_START, README_END, markdown_table)


def main(argv: Iterable[str] | None = None) -> int:
    return README_TABLE.main("python -m rf_tui.ui.actions", "key table", argv)


if __name__ == "__main__":
    raise SystemExit(main())
