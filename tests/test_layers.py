"""Layering, checked mechanically: a fresh interpreter, and the import statements."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "rf_tui"


def _modules_after(imports: str) -> set[str]:
    code = f"import sys; {imports}; print('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(out.stdout.split())


def _imported_roots(where: Path) -> set[str]:
    """What the modules in a folder (or one module) import, by the import statements."""
    roots = set()
    for path in [where] if where.is_file() else where.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots.add(node.module)
    return roots


def test_api_layer_does_not_load_textual() -> None:
    loaded = _modules_after(
        "import rf_tui.api.models, rf_tui.api.client, rf_tui.api.stream, rf_tui.api.errors"
    )
    assert "rf_tui.api.stream" in loaded  # the probe really imported the layer
    assert not {m for m in loaded if m.split(".")[0] == "textual"}


def test_api_layer_imports_neither_textual_nor_rich() -> None:
    # httpx itself loads rich when its optional CLI extras are installed, so
    # sys.modules cannot tell; the layer's own imports can.
    roots = _imported_roots(PACKAGE / "api")
    assert "httpx" in roots
    assert not {r for r in roots if r.split(".")[0] in {"textual", "rich"}}
    assert not {r for r in roots if r.startswith(("rf_tui.ui", "rf_tui.server"))}


def test_server_never_imports_the_ui() -> None:
    loaded = _modules_after("import rf_tui.server.run, rf_tui.server.seed")
    assert "rf_tui.server.app" in loaded
    assert not {m for m in loaded if m.startswith("rf_tui.ui") or m.split(".")[0] == "textual"}
    assert not {r for r in _imported_roots(PACKAGE / "server") if r.startswith("rf_tui.ui")}


#: Layers of plain Python: what they are, and what they must never import.
NO_UI = {"textual", "rich"}
PLAIN = [
    "api",
    "feed",
    "state",
    "store",
    "settings.py",
    "paths.py",
    "profiles.py",
    "export.py",
    "text.py",
    "disguise.py",
    "doctor",
]


def _offences(where: str, forbidden: set[str] | tuple[str, ...]) -> set[str]:
    roots = _imported_roots(PACKAGE / where)
    return {r for r in roots if r.split(".")[0] in forbidden or r.startswith(tuple(forbidden))}


def test_plain_layers_import_neither_textual_nor_rich() -> None:
    """The API, the feed, the state, settings and stores: usable from a script."""
    offences = {where: _offences(where, NO_UI) for where in PLAIN}
    assert {k: v for k, v in offences.items() if v} == {}


def test_the_feed_imports_no_front_end() -> None:
    assert _offences("feed", ("rf_tui.ui", "rf_tui.cli", "rf_tui.server")) == set()
    loaded = _modules_after("import rf_tui.feed.feed, rf_tui.feed.types")
    assert "rf_tui.feed.feed" in loaded  # the probe really imported it
    # Rich may come with httpx's CLI extras (see above); Textual must not come at all.
    assert not {m for m in loaded if m.split(".")[0] == "textual"}


def test_the_ui_reaches_the_api_only_through_the_feed() -> None:
    assert "rf_tui.feed.types" in _imported_roots(PACKAGE / "ui")  # the rule is not vacuous
    assert _offences("ui", ("rf_tui.api",)) == set()


def test_the_server_imports_no_client() -> None:
    assert _offences("server", ("rf_tui.ui", "rf_tui.cli", "rf_tui.feed")) == set()


def test_settings_paths_and_stores_load_neither_textual_nor_rich() -> None:
    modules = "rf_tui.settings, rf_tui.paths, rf_tui.profiles, rf_tui.cli.resolve, " + ", ".join(
        f"rf_tui.store.{p.stem}" for p in (PACKAGE / "store").glob("[!_]*.py")
    )
    loaded = _modules_after(f"import {modules}")
    assert {"rf_tui.store.claimed", "rf_tui.store.tokens", "rf_tui.settings"} <= loaded
    assert not {m for m in loaded if m.split(".")[0] == "textual"}
    roots = _imported_roots(PACKAGE / "store")
    for module in ("settings.py", "paths.py", "profiles.py", "cli/resolve.py"):
        roots |= _imported_roots(PACKAGE / module)
    assert "rf_tui.store.atomic" in roots  # the probe really read the imports
    assert not {r for r in roots if r.split(".")[0] in {"textual", "rich"} or ".ui" in r}


# What `pip install rf-tui` leaves out: the server and browser extras, and what only
# they bring.
EXTRAS_ONLY = {"fastapi", "starlette", "uvicorn", "jwt", "textual_serve", "aiohttp"}


def _module_level_imports(path: Path) -> set[str]:
    """Modules imported when ``path`` is imported: not inside functions or TYPE_CHECKING."""
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
            elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)
            elif isinstance(node, ast.ClassDef):
                visit(node.body)

    visit(ast.parse(path.read_text()).body)
    return found


def test_client_modules_import_no_extra_at_import_time() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.is_relative_to(PACKAGE / "server"):
            continue
        bad = {
            module
            for module in _module_level_imports(path)
            if module.split(".")[0] in EXTRAS_ONLY or module.startswith("rf_tui.server")
        }
        assert not bad, f"{path.relative_to(PACKAGE.parent)} imports {bad} at import time"


def test_client_paths_load_no_extra() -> None:
    # Everything `rf-tui`, `--plain`, `queue`, `watch`, `claim` and `login` import.
    loaded = _modules_after(
        "import rf_tui.cli, rf_tui.cli.run, rf_tui.cli.plain, rf_tui.cli.script, "
        "rf_tui.cli.web, rf_tui.cli.extras, rf_tui.feed.feed, rf_tui.ui.app, rf_tui.ui.presenter"
    )
    assert "rf_tui.ui.app" in loaded
    assert not {
        m for m in loaded if m.split(".")[0] in EXTRAS_ONLY or m.startswith("rf_tui.server")
    }
