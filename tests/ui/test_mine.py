"""Mine: what this senior claimed, across restarts, as the server has it now; and drafts
that outlive the app. Against the real reference server, two app runs sharing a state dir."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from rf_tui.api.models import Handoff
from rf_tui.paths import claimed_path, drafts_path
from rf_tui.server.config import ServerConfig
from rf_tui.store.claimed import ClaimedHere
from rf_tui.ui.app import RfApp
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.mine import MineScreen
from tests.helpers import ALEX, DANA, SAM, FakeClock, Running, start_server
from tests.ui.conftest import AppFactory
from tests.ui.pilot import panel_text, ready, row_ids, said, until
from tests.ui.test_actions import run_from_palette


def by_summary(app: RfApp, words: str) -> str:
    return next(e.id for e in app.feed.queue.ordered() if words in e.summary)


async def claim(pilot: Pilot[None], app: RfApp, words: str) -> HandoffScreen:
    """Claim the row whose summary has ``words``; its handoff, loaded."""
    app.queue_screen.table.move_to(by_summary(app, words))
    await pilot.press("c")
    await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff screen")
    screen = app.screen
    assert isinstance(screen, HandoffScreen)
    await until(pilot, lambda: screen.session is not None, "the session to load")
    return screen


async def back_to_queue(pilot: Pilot[None], app: RfApp) -> None:
    app.screen.query_one("#problem").focus()
    await pilot.press("escape")
    await until(pilot, lambda: app.screen is app.queue_screen, "the queue")


async def open_mine(pilot: Pilot[None], key: str = "m") -> MineScreen:
    """Mine, with every row answered by the server (or by its silence)."""
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, MineScreen), "Mine")
    mine = pilot.app.screen
    assert isinstance(mine, MineScreen)
    await until(pilot, lambda: settled(mine), "where each one stands")
    return mine


def settled(mine: MineScreen) -> bool:
    return not mine.asking and all(h.id in mine.desk.standings for h in mine.desk.mine())


def rows(mine: MineScreen) -> list[str]:
    """Each row of Mine as plain text, its lines joined by " | "."""
    listing = mine.query_one(OptionList)
    return [str(o.prompt).replace("\n", " | ") for o in listing.options]


def standing(mine: MineScreen, words: str) -> str:
    """What the row whose summary has ``words`` says of where it stands."""
    row = next(r for r in rows(mine) if words in r).removesuffix(" · ✎ draft")
    return row.rsplit(" · ", 1)[-1]


# ── Across restarts ──────────────────────────────────────────────────────────


async def test_mine_survives_a_restart_newest_first_with_where_each_stands(
    make: AppFactory, rf: Running
) -> None:
    assert rf.clock is not None
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=3)
        await claim(pilot, app, "VPN drops")
        await back_to_queue(pilot, app)
        rf.clock.advance(minutes=2)
        screen = await claim(pilot, app, "CFO stuck")
        rf.clock.advance(seconds=30)  # the first action comes after the claim
        await pilot.press("m", *"calling her", "enter")
        await until(pilot, lambda: "FlowPilot: Noted" in panel_text(screen, "start"), "the reply")
    rf.clock.advance(minutes=5)

    again = make()  # a restart: the same server, user and state dir; a new app
    async with again.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=1)
        mine = await open_mine(pilot)
        shown = rows(mine)
        assert len(shown) == 2
        assert shown[0].startswith(
            "CFO stuck in an M365 MFA loop on her new phone; can't approve payroll |"
        )
        assert "from Sam Okafor · claimed 5m ago · ✓ still yours, first action sent" in shown[0]
        assert shown[1].startswith("VPN drops every few minutes on three laptops since KB5034441")
        assert "from Sam Okafor · claimed 7m ago · ● still yours, no action yet" in shown[1]
        assert "as the server said at" in str(mine.query_one("#mine-status").content)  # type: ignore[attr-defined]

        await pilot.press("down", "enter")  # the VPN one: the four panels, the session
        await until(pilot, lambda: isinstance(again.screen, HandoffScreen), "the handoff")
        opened = again.screen
        assert isinstance(opened, HandoffScreen) and opened.claimed
        assert "VPN drops" in opened.handoff.summary
        await until(pilot, lambda: opened.session is not None, "its session as it stands")
        assert opened.handoff.ai_assessment_data is not None  # the server's, not the kept note
        opened.query_one("#problem").focus()
        await pilot.press("escape")
        await until(pilot, lambda: again.screen is mine, "back to Mine")


async def test_r_still_opens_it_and_the_palette_offers_mine_everywhere(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=3)
        screen = await claim(pilot, app, "VPN drops")
        await run_from_palette(pilot, "Mine")  # from the handoff, where m is the message box
        await until(pilot, lambda: isinstance(app.screen, MineScreen), "Mine")
        mine = app.screen
        assert isinstance(mine, MineScreen)
        await until(pilot, lambda: settled(mine), "the answer")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        await run_from_palette(pilot, "Mine")  # back to the one Mine, not a second
        await until(pilot, lambda: app.screen is mine, "the same Mine")
        assert sum(isinstance(s, MineScreen) for s in app.screen_stack) == 1
        assert screen in app.screen_stack
        await pilot.press("q")  # back, not quit
        await until(pilot, lambda: app.screen is screen, "the handoff under it")
        await back_to_queue(pilot, app)
        await open_mine(pilot, "r")  # the old key for the same list


async def test_before_anything_is_claimed_mine_says_what_it_will_hold(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        mine = await open_mine(pilot)
        assert rows(mine) == []
        assert "Nothing claimed yet" in str(mine.query_one("#mine-empty").content)  # type: ignore[attr-defined]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.queue_screen, "the queue")


# ── Reconciled with the server ───────────────────────────────────────────────


async def test_a_claim_from_another_client_joins_mine_and_stays_after_a_restart(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot, rows=3)
        target = app.feed.queue.get(by_summary(app, "locked out of AD"))
        assert target is not None
        elsewhere = await rf.client(DANA)  # the same senior, in another terminal
        await elsewhere.claim(target.session_id, target.id)
        await until(pilot, lambda: target.id in app.desk.claimed_here, "Mine to learn of it")
        assert target.id not in row_ids(app)
        assert any("claimed it from another client" in (n.title or "") for n in app._notifications)
    again = make()
    async with again.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=2)
        mine = await open_mine(pilot)
        assert len(rows(mine)) == 1
        assert "Warehouse user locked out of AD" in rows(mine)[0]
        assert "still yours, no action yet" in rows(mine)[0]


async def test_someone_else_has_it_now_or_it_is_gone_says_what_the_server_says(
    make: AppFactory, rf: Running
) -> None:
    """Kept in Mine, but the server tells another story: the session was escalated
    again and Alex took that; or the server no longer shows it (a fresh database)."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=3)
        screen = await claim(pilot, app, "VPN drops")
        session_id = screen.handoff.session_id
    # The junior escalates the same session again; another senior takes it.
    sam, alex = await rf.client(SAM), await rf.client(ALEX)
    await sam.hand_off(session_id, engineer_notes="Still dropping")
    newer = next(e for e in await alex.queue() if e.session_id == session_id)
    await alex.claim(session_id, newer.id)
    # And a claim kept from an earlier server, which this one never had.
    dana = rf.seed.users[DANA]
    kept = ClaimedHere(claimed_path(make.state_dir, rf.url, dana))
    assert rf.clock is not None
    kept.add(Handoff(id="h-old", session_id="s-old", created_at=rf.clock(),
                     problem_summary="Old server's escalation", claimed_at=rf.clock()))  # fmt: skip

    again = make()
    async with again.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=2)
        mine = await open_mine(pilot)
        assert standing(mine, "VPN drops") == "✕ escalated again, claimed by Alex Moreno"
        assert standing(mine, "Old server's") == "✕ gone: the server no longer shows it to you"
        gone = again.desk.standings["h-old"]
        assert gone.reason is not None and "not found" in gone.reason

        old = next(i for i, r in enumerate(rows(mine)) if "Old server's" in r)
        mine.query_one(OptionList).highlighted = old
        await pilot.press("x")  # off Mine, for this run and the next
        await until(pilot, lambda: len(rows(mine)) == 1, "the row to go")
        assert "VPN drops" in rows(mine)[0]
    assert kept.path is not None
    assert "h-old" not in {c.handoff_id for c in ClaimedHere(kept.path).all()}


async def test_offline_the_states_are_unknown_and_asked_again_when_the_link_is_back(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    config = ServerConfig(clock=clock, db_path=str(tmp_path / "rf.db"), secret="s" * 40)
    first = start_server(config)
    factory = AppFactory(first, tmp_path / "state")
    app = factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=3)
        await claim(pilot, app, "VPN drops")
        await back_to_queue(pilot, app)
        port, seed = first.server.port, first.seed
        first.server.stop()
        mine = await open_mine(pilot)
        assert standing(mine, "VPN drops") == "? unknown until the server answers"
        status = str(mine.query_one("#mine-status").content)  # type: ignore[attr-defined]
        assert "The server did not answer (Cannot reach the server" in status
        assert "asked again when the link is back" in status

        second = start_server(ServerConfig(clock=clock, db_path=config.db_path,
                                           secret=config.secret), port=port, seed=seed)  # fmt: skip
        try:
            await until(pilot, lambda: "● still yours" in rows(mine)[0], "asked again", 20)
        finally:
            second.server.stop()
    await first.aclose()


# ── Drafts ───────────────────────────────────────────────────────────────────


async def type_draft(pilot: Pilot[None], screen: HandoffScreen, words: str) -> None:
    await pilot.press("m", *words)
    assert screen.query_one("#message", Input).value == words


async def test_a_draft_outlives_the_app_and_mine_marks_it(make: AppFactory, rf: Running) -> None:
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=3)
        screen = await claim(pilot, app, "VPN drops")
        await type_draft(pilot, screen, "checking the filter driver")
    # Quitting saved it, though typing had not paused long enough for the timer.
    saved = json.loads(drafts_path(make.state_dir, rf.url, rf.seed.users[DANA]).read_text())
    assert saved["drafts"] == {screen.handoff.session_id: "checking the filter driver"}

    again = make()
    async with again.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=2)
        mine = await open_mine(pilot)
        assert rows(mine)[0].endswith("· ✎ draft")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(again.screen, HandoffScreen), "the handoff")
        box = again.screen.query_one("#message", Input)
        assert box.value == "checking the filter driver"


async def test_a_draft_is_saved_once_typing_pauses_not_per_key(
    make: AppFactory, rf: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rf_tui.store import drafts as drafts_module

    writes: list[object] = []
    real = drafts_module.write_json

    def counted(path: Path, data: object, **kwargs: str) -> None:
        writes.append(data)
        real(path, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(drafts_module, "write_json", counted)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=3)
        screen = await claim(pilot, app, "VPN drops")
        await type_draft(pilot, screen, "rebooting the three laptops")
        assert writes == []  # 27 keys, no write yet
        await until(pilot, lambda: len(writes) == 1, "the save after the pause", 4)
        path = drafts_path(make.state_dir, rf.url, rf.seed.users[DANA])
        assert json.loads(path.read_text())["drafts"] == {
            screen.handoff.session_id: "rebooting the three laptops"
        }


async def test_a_failed_send_keeps_the_draft_through_a_restart(tmp_path: Path) -> None:
    clock = FakeClock()
    config = ServerConfig(clock=clock, db_path=str(tmp_path / "rf.db"), secret="s" * 40)
    first = start_server(config)
    factory = AppFactory(first, tmp_path / "state")
    app = factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, rows=3)
        screen = await claim(pilot, app, "VPN drops")
        port, seed = first.server.port, first.seed
        first.server.stop()  # the server goes away mid-shift
        await pilot.press("m", *"checking drivers", "enter")
        await until(pilot, lambda: "Not sent" in said(screen), "the failure")  # type: ignore[attr-defined]
    second = start_server(ServerConfig(clock=clock, db_path=config.db_path, secret=config.secret),
                          port=port, seed=seed)  # fmt: skip
    try:
        again = AppFactory(second, tmp_path / "state")()
        async with again.run_test(size=(120, 40)) as pilot:
            await ready(pilot, rows=2)
            await open_mine(pilot)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(again.screen, HandoffScreen), "the handoff")
            assert again.screen.query_one("#message", Input).value == "checking drivers"
    finally:
        second.server.stop()
        await first.aclose()


async def test_nowhere_to_save_drafts_is_said_once_and_the_draft_stays(
    make: AppFactory, rf: Running
) -> None:
    folder = drafts_path(make.state_dir, rf.url, rf.seed.users[DANA]).parent
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the drafts folder should be")  # unwritable, even for root
    app = make()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot, rows=3)
        screen = await claim(pilot, app, "VPN drops")
        heard: list[tuple[str, str]] = []  # what the handoff's line was told
        tell = screen.tell

        def listen(message: str, **kwargs: Any) -> None:
            heard.append((kwargs.get("title", ""), message))
            tell(message, **kwargs)

        screen.tell = listen  # type: ignore[method-assign]
        await type_draft(pilot, screen, "checking")
        await until(pilot, lambda: any(title == "Drafts" for title, _ in heard), "the sentence", 4)
        assert said(screen).startswith("Drafts: Drafts cannot be saved")  # not over a panel
        await pilot.press(*" again")  # it fails again, and is not said again
        await pilot.pause(1.5)
        told = [message for title, message in heard if title == "Drafts"]
        assert len(told) == 1
        assert told[0].startswith(f"Drafts cannot be saved in {folder}")
        assert told[0].endswith("They are kept until rf-tui exits.")
        screen.query_one("#problem").focus()
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.queue_screen, "the queue")
        await open_mine(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        assert app.screen.query_one("#message", Input).value == "checking again"
