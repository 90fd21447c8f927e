"""The four-panel handoff screen, against the real reference server."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from rf_tui.server.config import ServerConfig
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.mine import MineScreen
from rf_tui.ui.widgets.fitted import Fitted
from tests.helpers import DANA, SAM, FakeClock, Running, start_server
from tests.ui.conftest import AppFactory
from tests.ui.pilot import panel_text, ready, row_ids, said, screen_text, until
from tests.ui.pilot import said as said_on


def by_summary(app, words: str) -> str:  # type: ignore[no-untyped-def]
    return next(e.id for e in app.feed.queue.ordered() if words in e.summary)


async def open_claimed(pilot, app, words: str) -> HandoffScreen:  # type: ignore[no-untyped-def]
    target = by_summary(app, words)
    app.queue_screen.table.move_to(target)
    await pilot.press("c")
    await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff screen")
    screen = app.screen
    await until(pilot, lambda: screen.session is not None, "the session to load")
    return screen


async def test_four_panels_show_the_seeded_handoff(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        assert screen.query_one("#panels").has_class("-grid")
        problem = panel_text(screen, "problem")
        assert "VPN drops every few minutes on three laptops" in problem
        assert "from Sam Okafor" in problem and "▲ high" in problem
        assert "Notes: Tried reinstalling the client" in problem
        tried = panel_text(screen, "tried")
        assert "✓ Reinstalled the GlobalProtect client on LT-ACCT-07 → Held 10 minutes" in tried
        assert "✗ Rolled back KB5034441 → dead end: Update is re-applied by Intune" in tried
        # The diagnostic steps are these same steps: listed once.
        assert tried.count("Flushed DNS") == 1
        assert "diagnostic" not in tried and "user_message" not in tried  # words, not types
        assessment = panel_text(screen, "assessment")
        assert "high (82%)  Likely cause: The Windows update" in assessment
        assert "network filter driver" in assessment
        assert "Get-NetAdapterBinding" not in assessment  # listed once, under Start here
        start = panel_text(screen, "start")
        assert "FlowPilot last said: Then the network filter driver is the next suspect" in start
        assert "1 Check `Get-NetAdapterBinding`" in start


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (60, 20)], ids=str)
async def test_all_four_panels_on_screen_the_moment_the_claim_lands(
    make: AppFactory, size: tuple[int, int]
) -> None:
    """No scrolling to reach the likely cause or the steps: every panel shows its
    title and text at once, and what did not fit says how much is hidden."""
    app = make()
    async with app.run_test(size=size) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        assert screen.mode == "stack"
        screen_region = screen.region
        for panel in ("problem", "tried", "assessment", "start"):
            region = screen.query_one(f"#{panel}").region
            assert screen_region.contains_region(region), (panel, region)
            assert region.height >= 2, (panel, region)  # its title and a line of text
        shown = screen_text(screen)
        for title in ("Problem", "What's been tried", "AI assessment", "Start here"):
            assert title in shown
        assert "Likely cause" in shown and "1 Check `Get-NetAdapterBinding`" in shown
        assert "Type your first action" in shown  # the box, on screen too
        assert screen.query_one("#panels").max_scroll_y == 0  # nothing to scroll to
        cut = [p for p in ("problem", "tried", "assessment", "start")
               if screen.query_one(f"#{p}-body", Fitted).hidden()]  # fmt: skip
        for panel in cut:
            assert f"+{screen.query_one(f'#{panel}-body', Fitted).hidden() + 1} more lines" in shown


async def test_z_zooms_a_panel_tab_moves_and_esc_comes_back(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        await pilot.press("tab", "z")  # the second panel: what was tried
        assert screen.zoomed == "tried" and screen.mode == "zoom"
        assert screen.query_one("#problem").display is False
        shown = screen_text(screen)
        assert "Rolled back KB5034441" in shown and "more lines" not in shown  # all of it
        await pilot.press("tab")
        assert screen.zoomed == "assessment"
        await pilot.press("escape")  # out of the zoom, not out of the screen
        assert screen.zoomed is None and screen.mode == "stack"
        assert isinstance(app.screen, HandoffScreen)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.queue_screen, "the queue")


async def test_one_panel_at_a_time_in_a_tiny_window(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: app.queue_screen.table.row_count == 3, "the rows")
        screen = await open_claimed(pilot, app, "VPN drops")
        assert screen.mode == "zoom" and screen.zoomed == "problem"
        assert "Problem" in str(screen.query_one("#switcher", Static).content)
        seen = []
        for _ in range(4):
            seen.append(screen.zoomed)
            assert screen_text(screen).strip()  # never a blank
            await pilot.press("tab")
        assert seen == ["problem", "tried", "assessment", "start"]
        await pilot.press("z")  # all four cannot fit: it says so, and stays
        assert screen.mode == "zoom" and "too small" in said(screen)
        await pilot.press("j", "G", "g", "k")  # scrolling the one panel does not fail


async def test_timed_out_assessment_says_so(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "CFO stuck")
        assert "No AI assessment (timed out)" in panel_text(screen, "assessment")
        assert "Press a number" not in panel_text(screen, "start")


class TestPendingAssessment:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, assessment_delay=2.0)

    async def test_pending_then_filled_in_live(self, make: AppFactory, rf: Running) -> None:
        app = make()
        sam = await rf.client(SAM)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot, rows=3)
            session = await sam.create_session("VPN keeps dropping for the sales team")
            handoff = await sam.hand_off(session.id, priority="high")
            await until(pilot, lambda: row_ids(app)[:1] == [handoff.id], "the arrival")
            # The cursor stayed on the row Dana was on; the arrival is just above it.
            await pilot.press("up", "o")
            await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
            screen = app.screen
            assert isinstance(screen, HandoffScreen)
            assert "Assessment pending…" in panel_text(screen, "assessment")
            await until(
                pilot,
                lambda: "Likely cause" in panel_text(screen, "assessment"),
                "the assessment to fill in",
            )
            assert "network filter driver" in panel_text(screen, "assessment")


async def test_a_suggested_step_sent_is_the_first_action(make: AppFactory, rf: Running) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, rows=3)
        before = app.feed.metrics
        assert before is not None
        screen = await open_claimed(pilot, app, "VPN drops")
        steps_before = len(screen.session.steps)  # type: ignore[union-attr]
        assert rf.clock is not None
        rf.clock.advance(seconds=40)  # Dana reads the panels for 40 s
        await pilot.press("2")
        box = screen.query_one("#message")
        assert box.value == "Roll back or re-register the VPN client's NDIS filter driver"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: "FlowPilot: Noted." in panel_text(screen, "start"), "the reply")
        assert box.value == ""  # type: ignore[attr-defined]
        await until(
            pilot,
            lambda: (
                app.feed.metrics is not None
                and app.feed.metrics.n_handoffs_with_action == before.n_handoffs_with_action + 1
            ),
            "the metric to count the action",
        )
        dana = await rf.client(DANA)
        session = await dana.session(screen.handoff.session_id)
        assert len(session.steps) == steps_before + 2
        assert session.steps[-2].content.startswith("Roll back or re-register")


async def test_number_keys_choose_a_step_until_the_senior_types_words(
    make: AppFactory, rf: Running
) -> None:
    """`2` then `3` sends step 3, never a literal "3"; a digit in the senior's own words
    is a digit; after a send, q goes back to the queue instead of into the box."""
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        ai = screen.handoff.ai_assessment_data
        assert ai is not None and len(ai.suggested_steps) >= 3
        box = screen.query_one("#message", Input)
        await pilot.press("2", "3")  # the second digit changes the choice
        assert box.value == ai.suggested_steps[2] and screen.focused is box
        await pilot.press("enter")
        await until(pilot, lambda: "FlowPilot: Noted." in panel_text(screen, "start"), "the reply")
        assert screen.focused is not box  # where the digits, q and Esc act on the screen
        dana = await rf.client(DANA)
        session = await dana.session(screen.handoff.session_id)
        assert session.steps[-2].content == ai.suggested_steps[2]

        await pilot.press("m", *"reboot", "space", "2", "space", *"laptops")
        assert box.value == "reboot 2 laptops"  # their own words: the 2 is typed
        box.value = ""
        screen.query_one("#problem").focus()
        await pilot.press("q")  # back, not quit
        await until(pilot, lambda: app.screen is app.queue_screen, "the queue")
        assert app.is_running


async def test_reopen_a_claimed_handoff(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        claimed_id = screen.handoff.id
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, HandoffScreen), "the queue")
        assert claimed_id not in row_ids(app)
        await pilot.press("r")  # Mine, as r now opens; enter opens its only row
        await until(pilot, lambda: isinstance(app.screen, MineScreen), "Mine")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the reopened handoff")
        assert app.screen.handoff.id == claimed_id  # type: ignore[attr-defined]
        assert app.screen.claimed  # type: ignore[attr-defined]


async def test_reopen_after_a_restart_brings_back_the_claimed_handoff(make: AppFactory) -> None:
    """Claimed work is not lost with the terminal: r reopens it in the next run."""
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        claimed_id = screen.handoff.id
    again = make()  # a restart: the same server and user, a new app
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=2)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(again.screen, MineScreen), "Mine")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(again.screen, HandoffScreen), "the reopened handoff")
        reopened = again.screen
        assert isinstance(reopened, HandoffScreen)
        assert reopened.handoff.id == claimed_id and reopened.claimed
        await until(pilot, lambda: reopened.session is not None, "its session, fetched again")
        assert "VPN drops" in panel_text(reopened, "problem")
        assert reopened.handoff.ai_assessment_data is not None  # the real handoff, not the note


async def test_a_failed_send_keeps_the_draft_and_says_why(tmp_path: Path) -> None:
    clock = FakeClock()
    config = ServerConfig(clock=clock, db_path=str(tmp_path / "rf.db"), secret="s" * 40)
    first = start_server(config)
    factory = AppFactory(first, tmp_path / "state")
    app = factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        first.server.stop()  # the server goes away mid-shift
        await pilot.press("m", *"checking drivers", "enter")
        await until(pilot, lambda: "Not sent" in said(screen), "the failure")
        assert "still in the box" in said(screen)
        assert screen.query_one("#message").value == "checking drivers"  # type: ignore[attr-defined]
        await pilot.press("escape", "escape")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, MineScreen), "Mine")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "reopened")
        assert app.screen.query_one("#message").value == "checking drivers"  # type: ignore[attr-defined]
    await first.aclose()


async def test_reconnects_and_backfills_after_a_server_restart(tmp_path: Path) -> None:
    clock = FakeClock()
    config = ServerConfig(clock=clock, db_path=str(tmp_path / "rf.db"), secret="s" * 40)
    first = start_server(config)
    port, seed = first.server.port, first.seed
    app = AppFactory(first, tmp_path / "state")()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        first.server.stop()
        await until(
            pilot, lambda: "reconnecting" in app.queue_screen.link_text().plain, "reconnecting"
        )
        assert (
            "attempt" in app.queue_screen.link_text().plain
            and "next try in" in app.queue_screen.link_text().plain
        )
        # While it was down, an escalation was written (the stream could not carry it).
        store = first.backend.store
        sam = seed.users["sam@northwind.example"]
        sid = store.add_session(
            account_id=seed.accounts["northwind"], user_id=sam,
            problem_summary="Arrived while we were offline", created_at=clock(),
        )  # fmt: skip
        second_config = ServerConfig(clock=clock, db_path=config.db_path, secret=config.secret)
        second = start_server(second_config, port=port, seed=seed)
        sam_client = await second.client(SAM)
        await sam_client.hand_off(sid)
        try:
            await until(
                pilot,
                lambda: app.queue_screen.link_text().plain.startswith("● live"),
                "live again",
                15,
            )
            await until(pilot, lambda: len(row_ids(app)) == 4, "the backfill", 5)
            assert any("offline" in e.summary for e in app.feed.queue.ordered())
        finally:
            await second.aclose()
            second.server.stop()
    await first.aclose()


async def test_copy_link_and_commands(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, rows=3)
        queue_commands = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Claim", "Open", "Mark read", "Filter", "Sort", "Mine", "Help"} <= queue_commands
        screen = await open_claimed(pilot, app, "VPN drops")
        await pilot.press("y")
        link = f"https://rf.example/pilot/{screen.handoff.session_id}?pickup=true"
        await until(pilot, lambda: app.clipboard == link, "the link copied")
        handoff_commands = {c.title for c in app.get_system_commands(screen)}
        assert {"Copy link", "Open in browser", "Back"} <= handoff_commands


NO_DISPLAY = {"DISPLAY": None, "WAYLAND_DISPLAY": None, "BROWSER": None}
SSH = {**NO_DISPLAY, "SSH_CONNECTION": "203.0.113.5 52100 10.0.0.2 22"}
DESKTOP = {"DISPLAY": ":0", "BROWSER": None, "SSH_CONNECTION": None}


@pytest.mark.parametrize(
    ("env", "opens", "said"),
    [
        (SSH, True, "No browser can be opened from this terminal (over SSH)."),
        (NO_DISPLAY | {"SSH_CONNECTION": None}, True, "from this terminal (no display)."),
        (DESKTOP, False, "No browser can be opened from this terminal (none found)."),
        (DESKTOP, True, "Opened https://rf.example/pilot/"),
    ],
    ids=["ssh", "console", "webbrowser-false", "desktop"],
)
async def test_b_opens_the_browser_or_says_it_cannot_and_copies_the_link(
    make: AppFactory,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str | None],
    opens: bool,
    said: str,
) -> None:
    import webbrowser

    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    asked: list[str] = []

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        asked.append(url)
        return opens

    monkeypatch.setattr(webbrowser, "open", fake_open)
    app = make()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        await pilot.press("b")  # acts once sure no word follows it
        await until(pilot, lambda: bool(said_on(screen)) and "Claimed" not in said_on(screen),
                    "the news")  # fmt: skip
        link = f"https://rf.example/pilot/{screen.handoff.session_id}?pickup=true"
        told = [n.message for n in app._notifications] + [said_on(screen)]
        assert not app._notifications  # nothing over the panels: told on the line
        assert any(said in message for message in told), told
        if said.startswith("Opened"):
            assert asked == [link]
            return
        assert not any(message.startswith("Opened") for message in told), told
        assert app.clipboard == link  # copied instead, to paste into a browser elsewhere
        assert any("paste it into your browser" in message for message in told)
        if env.get("DISPLAY") is None:
            assert asked == []  # no text browser started on the terminal the app draws on


async def test_t_copies_the_four_panels_as_a_ticket_note(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        await pilot.press("t")
        await until(pilot, lambda: bool(app.clipboard), "the copy")
        note = app.clipboard
        assert note.startswith("## Escalation: VPN drops every few minutes")
        for heading in ("### What's been tried", "### AI assessment", "### Start here"):
            assert heading in note
        assert f"Session: https://rf.example/pilot/{screen.handoff.session_id}" in note
        assert "Copied the handoff as Markdown" in said(screen)


async def test_a_sanitised_badge_on_panels_whose_text_lost_characters(
    make: AppFactory, rf: Running
) -> None:
    sam = await rf.client(SAM)
    session = await sam.create_session("Printer \x1b[2J on \u202efire")
    await sam.hand_off(session.id, engineer_notes="plain notes")
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, rows=4)
        screen = await open_claimed(pilot, app, "Printer")
        assert screen.query_one("#problem").border_subtitle == "⚠ sanitised"
        assert screen.query_one("#tried").border_subtitle == ""
        assert "\x1b" not in panel_text(screen, "problem")


async def test_x_copies_the_chosen_steps_command_alone(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        await pilot.press("2", "x")  # step 2 names no command: the first that does
        await until(pilot, lambda: app.clipboard == "Get-NetAdapterBinding", "the copy")
        assert "Copied step 1's command: Get-NetAdapterBinding" in said(screen)
        box = screen.query_one("#message", Input)
        assert box.value.startswith("Roll back or re-register")  # x was not typed into it
        await pilot.press("space", "x")  # the senior's own words now: x is a letter
        assert box.value.endswith(" x")


async def test_the_conversation_goes_on_and_is_there_when_reopened(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        assert screen.query_one("#start").border_title.startswith("Start here")
        await pilot.press("1", "enter")
        await until(pilot, lambda: "FlowPilot: Noted." in panel_text(screen, "start"), "reply 1")
        assert screen.query_one("#start").border_title == "Conversation"
        # The steps are still a digit away: listed once, now in the assessment.
        assert "1 Check `Get-NetAdapterBinding`" in panel_text(screen, "assessment")
        await pilot.press("m", *"adapter binding is missing", "enter")
        await until(
            pilot,
            lambda: "adapter binding is missing" in panel_text(screen, "start"),
            "the second message in the transcript",
        )
        await until(
            pilot,
            lambda: "FlowPilot:" in panel_text(screen, "start").split("binding is missing")[-1],
            "reply 2",
        )
        await pilot.press("escape")  # the box let go of after the send: straight back
        await until(pilot, lambda: app.screen is app.queue_screen, "the queue")
        await pilot.press("m")  # Mine: what I claimed
        await until(pilot, lambda: isinstance(app.screen, MineScreen), "Mine")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "reopened")
        again = app.screen
        assert isinstance(again, HandoffScreen)
        await until(pilot, lambda: "adapter binding is missing" in panel_text(again, "start"),
                    "the conversation as the server has it")  # fmt: skip
        transcript = panel_text(again, "start")
        assert transcript.index("Check `Get-NetAdapterBinding`") < transcript.index(
            "adapter binding is missing"
        )  # newest last
        assert "Dana:" in transcript and "user_message" not in transcript


async def test_handoff_keys_j_k_g_G_and_help(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        focus = lambda: screen._focused_panel()  # noqa: E731
        assert focus() == "problem"
        await pilot.press("j")
        assert focus() == "tried"
        await pilot.press("G")
        assert focus() == "start"
        await pilot.press("k", "g")
        assert focus() == "problem"
        await pilot.press("tab", "z", "G")  # zoomed: G is the end of the panel's text
        text = screen.query_one("#tried PanelText")
        await pilot.pause()
        assert text.scroll_y == text.max_scroll_y
        await pilot.press("question_mark")
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "help")


def _slow_hands(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Key windows of ``seconds``: a word's letters arrive well inside them even on a
    loaded machine, so what is tested is the rule, not how fast the pilot types."""
    from rf_tui.ui.screens import handoff as handoff_screen
    from rf_tui.ui.widgets import message_box

    monkeypatch.setattr(handoff_screen, "LOUD_HOLD_SECONDS", seconds)
    monkeypatch.setattr(handoff_screen, "FOLLOW_SECONDS", seconds)
    monkeypatch.setattr(message_box, "FOLLOW_SECONDS", seconds)


async def test_typing_at_the_screen_starts_a_message_never_a_command(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a claim the box is not focused; a word typed anyway goes into it. "need"
    must not open the notes (n), "quick" not go back (q), "just" not stay a move (j)."""
    _slow_hands(monkeypatch, 30.0)
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        box = screen.query_one("#message", Input)
        for word in ("Unlocked account", "need to reboot", "quick check", "just 2 laptops"):
            box.value = ""
            screen.query_one("#tried").focus()
            await pilot.pause()
            await pilot.press(*("space" if c == " " else c for c in word))
            assert box.value == word, word
            assert app.screen is screen  # no notes screen, not back in the queue
        box.value = ""
        screen.query_one("#tried").focus()
        _slow_hands(monkeypatch, 0.05)
        await pilot.press("n")  # alone, it still reads the notes
        await until(pilot, lambda: type(app.screen).__name__ == "ReaderScreen", "the notes")
        await pilot.press("q")  # back to the handoff, not out of the app
        await until(pilot, lambda: app.screen is screen, "the handoff")
        assert app.is_running


async def test_a_message_may_start_with_a_digit_and_a_burst_keeps_its_digits(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual import events

    _slow_hands(monkeypatch, 30.0)
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        box = screen.query_one("#message", Input)
        await pilot.press("m", "2", "space", *"users")  # typed on: the 2 begins words
        assert box.value == "2 users"
        box.value = ""
        # A paste without bracketed paste, or a text expander: every key queued at
        # once, before the box has taken the first. Its digits are the senior's.
        for ch in "port 443 and 8080":
            key = "space" if ch == " " else ch
            app.post_message(events.Key(key, ch))
        await until(pilot, lambda: box.value == "port 443 and 8080", "the burst, whole")


async def test_toasts_from_the_queue_do_not_stay_over_the_panels(make: AppFactory) -> None:
    """A warning toasted on the queue (a row it could not read, say) must not sit over
    the handoff the claim opens: it is taken down, and the handoff's line tells news."""
    app = make()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot, rows=3)
        app.notify("1 row of the queue could not be read", title="Unreadable rows", timeout=30)
        await pilot.pause()
        assert app._notifications
        screen = await open_claimed(pilot, app, "VPN drops")
        assert not app._notifications  # nothing over the panels
        await until(pilot, lambda: bool(said(screen)), "the news, on the line instead")


async def test_a_burst_typed_at_the_claimed_screen_goes_whole_into_the_box(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paste or a text expander right after the claim, before any `m`: the first
    letter starts the message, and the rest of the burst (its n's would open the
    notes, its digits pick a step) must follow it into the box, not act."""
    from textual import events

    _slow_hands(monkeypatch, 30.0)
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_claimed(pilot, app, "VPN drops")
        box = screen.query_one("#message", Input)
        words = "Checking the NDIS filter binding on LT-ACCT-07 now"
        for ch in words:
            app.post_message(events.Key("space" if ch == " " else ch, ch))
        await until(pilot, lambda: box.value == words, "the burst, whole")
        assert app.screen is screen  # nothing opened on the way
