"""Private Textual APIs are used in ``rf_tui/ui/textual_private.py`` and nowhere else.

Textual may rename or drop a private name in any release. Kept in one module,
each with the public API it waits for, an upgrade has one file to check; this
test keeps them there.

Our own private names are fine, so the check is by name and by class:

- ``self._x`` (or ``cls._x``) in a class that extends a Textual class is flagged
  when ``_x`` is one of that Textual base's own names: either it is Textual's
  private state, or it clobbers it.
- ``something._x`` on anything else is flagged when Textual's classes have a
  private ``_x`` and no class of rf_tui does (``self.app._driver``, yes;
  ``self.queue._rows``, no: QueueState has its own ``_rows``).
- A method of such a class that overrides one of its Textual base's private ones.
- ``getattr(app, "_x")`` and the like, by the same rule as ``something._x``.
- Imports of Textual's private modules (``textual._x``) or private names.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import sys
import textwrap
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import textual

import rf_tui

PACKAGE = Path(rf_tui.__file__).parent
ROOT = PACKAGE.parent
ALLOWED = PACKAGE / "ui" / "textual_private.py"
REFLECTION = {"getattr", "setattr", "hasattr", "delattr"}


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name != "_"


def names_defined(tree: ast.AST) -> set[str]:
    """Private names a piece of source gives its classes: methods, class fields, ``self._x =``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.Assign):
                    names |= {t.id for t in item.targets if isinstance(t, ast.Name)}
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        ):
            names.add(node.attr)
    return {n for n in names if private(n)}


@cache
def textual_names() -> frozenset[str]:
    """Every private name any Textual class defines."""
    names: set[str] = set()
    for path in Path(textual.__file__).parent.rglob("*.py"):
        names |= names_defined(ast.parse(path.read_text(encoding="utf-8")))
    return frozenset(names)


@cache
def own_names_of(cls: type) -> frozenset[str]:
    """The private names of one class: in its namespace, or set on ``self`` in its body."""
    names = {n for n in vars(cls) if private(n)}
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return frozenset(names)
    return frozenset(names | names_defined(ast.parse(source)))


def textual_names_under(cls: type) -> set[str]:
    """The private names ``cls`` inherits from Textual."""
    names: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.split(".")[0] == "textual":
            names |= own_names_of(base)
    return names


class Finder(ast.NodeVisitor):
    def __init__(self, namespace: dict[str, Any], ours: set[str]) -> None:
        self.namespace = namespace
        self.ours = ours
        self.classes: list[type | None] = []
        self.found: list[tuple[int, str]] = []

    def foreign(self, name: str) -> bool:
        return name in textual_names() and name not in self.ours

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        found = self.namespace.get(node.name) if not self.classes else None
        cls = found if isinstance(found, type) else None
        if cls is not None:
            inherited = textual_names_under(cls)
            methods = [
                i for i in node.body if isinstance(i, (ast.FunctionDef, ast.AsyncFunctionDef))
            ]
            for item in methods:
                if item.name in inherited:
                    self.found.append((item.lineno, f"def {node.name}.{item.name}"))
        self.classes.append(cls)
        self.generic_visit(node)
        self.classes.pop()

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if private(node.attr):
            receiver = node.value
            cls = self.classes[-1] if self.classes else None
            if isinstance(receiver, ast.Name) and receiver.id in {"self", "cls"}:
                if cls is not None and node.attr in textual_names_under(cls):
                    self.found.append((node.lineno, f"{receiver.id}.{node.attr}"))
            elif self.foreign(node.attr):
                self.found.append((node.lineno, f"{ast.unparse(receiver)}.{node.attr}"))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if (
            isinstance(node.func, ast.Name)
            and node.func.id in REFLECTION
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and private(node.args[1].value)
            and self.foreign(node.args[1].value)
        ):
            self.found.append((node.lineno, f"{node.func.id}(…, {node.args[1].value!r})"))
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == "textual" and any(
                private(p) for p in alias.name.split(".")
            ):
                self.found.append((node.lineno, f"import {alias.name}"))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if module.split(".")[0] == "textual" and node.level == 0:
            parts = module.split(".")
            for alias in node.names:
                if any(private(p) for p in parts) or private(alias.name):
                    self.found.append((node.lineno, f"from {module} import {alias.name}"))


def uses(source: str, namespace: dict[str, Any], ours: set[str]) -> list[tuple[int, str]]:
    finder = Finder(namespace, ours)
    finder.visit(ast.parse(source))
    return finder.found


def classes_of(module: ModuleType) -> list[type]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == module.__name__
    ]


def our_names(classes: list[type]) -> set[str]:
    """Private names our classes define that are not Textual's to begin with."""
    names: set[str] = set()
    for cls in classes:
        names |= own_names_of(cls) - textual_names_under(cls)
    return names


def scan(paths: list[Path], modules: dict[Path, ModuleType]) -> list[str]:
    ours = our_names([cls for module in modules.values() for cls in classes_of(module)])
    found = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        namespace = vars(modules[path]) if path in modules else {}
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
        found += [f"{where}:{line}: {what}" for line, what in uses(source, namespace, ours)]
    return found


def import_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_private_textual_names_are_used_only_in_textual_private() -> None:
    paths = [p for p in sorted(PACKAGE.rglob("*.py")) if p != ALLOWED]
    modules = {}
    for path in paths:
        if any(isinstance(n, ast.ClassDef) for n in ast.walk(ast.parse(path.read_text()))):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[path] = importlib.import_module(name)
    assert len(modules) > 20  # it looked at the package, not at nothing
    found = scan(paths, modules)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        found += [f"{where}: {needle}" for needle in ("._driver", "._clipboard") if needle in text]
    assert found == []


def test_the_one_module_really_holds_them() -> None:
    assert [what.split(": ", 1)[1] for what in scan([ALLOWED], {})] == [
        "app._driver",
        "app._clipboard",
        "app._notifications",
        "app._unnotify",
        "app._refresh_notifications",
        "app._notifications",
    ]
    # Each function says which public API it waits for.
    source = ALLOWED.read_text(encoding="utf-8")
    functions = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    assert len(functions) == 4
    for function in functions:
        assert "# Waits for a public" in (ast.get_source_segment(source, function) or "")


SAMPLE = """\
from textual._context import active_app
from textual.app import App
from textual.screen import Screen


class Ours:
    def __init__(self) -> None:
        self._rows: dict[str, int] = {}

    def go(self, app: App[None]) -> None:
        self._rows.clear()
        app._driver.write("")
        getattr(app, "_clipboard")


class OurScreen(Screen[None]):
    def go(self) -> None:
        self._width_seen = 1
        self._compositor.reflow(self, self.size)


class OurApp(App[None]):
    def _print_error_renderables(self) -> None:
        pass

    def go(self, ours: Ours) -> None:
        self._tick = None
        self._clipboard = "x"
        ours._rows.clear()
"""


def test_the_check_tells_textuals_private_names_from_ours(tmp_path: Path) -> None:
    path = tmp_path / "sample.py"
    path.write_text(SAMPLE)
    module = import_file(path, "rf_tui_private_sample")
    try:
        found = scan([path], {path: module})
    finally:
        del sys.modules["rf_tui_private_sample"]
    assert [what.split(": ", 1)[1] for what in found] == [
        "from textual._context import active_app",
        "app._driver",
        "getattr(…, '_clipboard')",
        "self._compositor",
        "def OurApp._print_error_renderables",
        "self._clipboard",
    ]
