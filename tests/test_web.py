"""`rf-tui web` in a real headless Chromium: the queue renders and a claim works.

It needs Debian's Chromium: `make test` installs it when it can (root and
apt-get), `.ci/run` always does, and a missing browser fails the test with the
command to run, never a skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from playwright.async_api import async_playwright

from rf_tui.api.client import Client
from rf_tui.api.errors import NotFound
from tests.helpers import ALEX, DANA, Running, wait_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()

FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def rf_tui_web(running: Running, tmp_path: Path) -> AsyncIterator[tuple[str, str, str]]:
    """`rf-tui web` signed in as Dana, started and answering: (its address, the address
    with the per-run key that it printed, the token)."""
    async with Client(running.url) as sign_in:
        token = (await sign_in.login(DANA, "demo-password")).access_token
    port = free_port()
    env = {
        **os.environ,
        "RF_TUI_TOKEN": token,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    log = tmp_path / "web.log"  # all it prints, stdout and stderr
    with log.open("wb") as out:
        web = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "rf_tui", "web", "--server", running.url, "--port", str(port),
            env=env, stdout=out, stderr=out,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # bounded: at most ~20 s for its first line
            if (printed := log.read_text()).strip():
                break
            await asyncio.sleep(0.1)
        keyed = next(word for word in printed.split() if word.startswith(base))
        async with httpx.AsyncClient() as http:

            async def up() -> bool:
                try:
                    return (await http.get(keyed)).status_code == 200
                except httpx.HTTPError:
                    return False

            for _ in range(100):  # bounded: 100 tries over at most ~10 s
                if await up():
                    break
                await asyncio.sleep(0.1)
            assert await up(), "rf-tui web did not start"
        yield base, keyed, token
    finally:
        web.terminate()
        try:
            await asyncio.wait_for(web.wait(), 10)
        except asyncio.TimeoutError:
            web.kill()
    assert web.returncode is not None


async def test_the_queue_renders_in_a_browser_and_a_claim_works(
    running: Running, tmp_path: Path
) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail("Chromium is not installed: apt-get install chromium (then make test)")
    async with (
        rf_tui_web(running, tmp_path) as (_, keyed, token),
        async_playwright() as pw,
        Client(running.url) as alex,
        Client(running.url, token) as dana,
    ):
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await browser.new_page(viewport={"width": 1100, "height": 700})
        frames: list[bytes] = []
        page.on(
            "websocket",
            lambda ws: ws.on(
                "framereceived",
                lambda p: frames.append(p if isinstance(p, bytes) else p.encode()),
            ),
        )
        await page.goto(keyed)
        # What the app paints travels as terminal output over the socket.
        await wait_for(
            lambda: b"3 escalations awaiting pickup" in b"".join(frames),
            timeout=20,
            what="the queue painted in the browser",
        )
        await alex.login(ALEX, "demo-password")
        top = (await alex.queue())[0]  # newest first: where the app's cursor starts
        await page.click("#terminal")
        await page.keyboard.press("c")  # claim the escalation under the cursor
        claimed_by = None
        for _ in range(100):  # bounded: at most ~10 s
            # Dana (the app's user) may read it once it is hers; until then, 404.
            try:
                mine = await dana.handoffs(top.session_id)
            except NotFound:
                mine = []
            handoff = next((h for h in mine if h.id == top.id), None)
            if handoff is None:
                await asyncio.sleep(0.1)
                continue
            if (claimed_by := handoff.claimed_by_name) is not None:
                break
            await asyncio.sleep(0.1)
        assert claimed_by is not None and claimed_by.startswith("Dana")
        assert len(await alex.queue()) == 2  # it left everyone's queue
        await page.wait_for_timeout(300)  # let the last frame paint before the picture
        shot = Path(os.environ.get("RF_TUI_WEB_SHOT", tmp_path / "web.png"))
        await page.screenshot(path=str(shot))
        await browser.close()


async def test_a_page_from_another_site_cannot_drive_the_session(
    running: Running, tmp_path: Path
) -> None:
    """Another site open in the same browser, or a DNS name rebound to 127.0.0.1, must not
    open the websocket and press keys as the senior."""
    import aiohttp

    async with rf_tui_web(running, tmp_path) as (base, keyed, _):
        async with httpx.AsyncClient() as http:
            rebound = await http.get(
                keyed, headers={"Host": "evil.example:" + base.rsplit(":", 1)[1]}
            )
            assert rebound.status_code == 403
            assert "does not answer to this address" in rebound.text
        # unsafe: keep cookies from an IP address, as browsers do
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            assert (await browser.get(keyed)).status == 200  # the key, then its cookie
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await browser.ws_connect(f"{base}/ws", origin="http://evil.example")
            assert refused.value.status == 403
            # The page rf-tui web served itself still gets its websocket.
            socket_ = await browser.ws_connect(f"{base}/ws", origin=base)
            await socket_.close()


async def test_nothing_is_served_without_the_key_it_printed(
    running: Running, tmp_path: Path
) -> None:
    """Another user of a shared jump box can reach a loopback port, but never saw the
    address rf-tui web printed: no page, no script, no websocket for them."""
    import aiohttp

    async with rf_tui_web(running, tmp_path) as (base, keyed, _):
        async with aiohttp.ClientSession() as stranger:
            for path in ("/", "/?key=guess", "/static/css/xterm.css"):
                answer = await stranger.get(base + path)
                assert answer.status == 403, path
                assert "needs the address it printed" in await answer.text()
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await stranger.ws_connect(f"{base}/ws", origin=base)
            assert refused.value.status == 403
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as senior:
            page = await senior.get(keyed)
            assert page.status == 200 and "set-cookie" in page.headers
            assert "HttpOnly" in page.headers["set-cookie"]
            assert "SameSite=Strict" in page.headers["set-cookie"]
            socket_ = await senior.ws_connect(f"{base}/ws", origin=base)  # by the cookie
            await socket_.close()
    # The key is printed once, in the line to open; no banner or access log repeats it
    # (or offers the address without it).
    said = (tmp_path / "web.log").read_text()
    key = keyed.split("key=", 1)[1]
    assert said.count(key) == 1 and "Serving" not in said, said
