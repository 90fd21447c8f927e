"""The footer, fit to the window: every key where there is room; where there is not,
the least vital keys left out.

A key left out still works, and help (?) and the palette (ctrl+p) still list it;
which keys give way first is ``rf_tui.ui.actions.FOOTER_GIVES_WAY``.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer

from rf_tui.ui.actions import footer_plan


class KeysFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._keys_plan: frozenset[str] = frozenset()

    def plan(self) -> frozenset[str]:
        """The calls of the keys left out at this width."""
        keys: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for _, binding, _, _ in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:  # one key per action, as shown
                seen.add(binding.action)
                keys.append(
                    (binding.action, self.app.get_key_display(binding), binding.description)
                )
        pinned = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                binding = palette[1]
                pinned = (self.app.get_key_display(binding), binding.description)
        width = self.size.width or self.app.size.width
        return footer_plan(keys, width, pinned)

    def compose(self) -> ComposeResult:
        self._keys_plan = left_out = self.plan()
        for widget in super().compose():
            if getattr(widget, "action", None) in left_out:
                continue
            yield widget

    def on_resize(self, event: events.Resize) -> None:
        if self.is_attached and self.plan() != self._keys_plan:
            self.call_after_refresh(self.recompose)

    @property
    def left_out(self) -> frozenset[str]:
        """The calls of the keys not shown at this width."""
        return self._keys_plan
