"""WardenApp: themes, global bindings and the main screen; nothing else.

The app is thin (``STYLE.md`` §1): the main screen owns the session, the core does the work.
"""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from themes import DEFAULT_THEME, WARDEN_THEMES, semantic_variables
from tui.config import AppConfig
from tui.screens.main import MainScreen


class WardenApp(App[None]):
    """The Warden TUI for one :class:`~tui.config.AppConfig`."""

    TITLE = "Warden"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, config: AppConfig, *, theme: str = DEFAULT_THEME) -> None:
        super().__init__()
        self.config = config
        for t in WARDEN_THEMES:
            self.register_theme(t)
        self.theme = theme
        self.main_screen = MainScreen(config)

    def on_mount(self) -> None:
        # Pushed rather than returned from get_default_screen: Textual loads a screen's
        # CSS_PATH only for screens it pushes or installs.
        self.push_screen(self.main_screen)

    def get_css_variables(self) -> dict[str, str]:
        """Textual's variables plus Warden's semantic ones (``$risk-high``, ``$diff-added-bg``...).

        Semantic defaults are derived from whatever theme is active, then the theme's own values
        override them, so built-in Textual themes work too.
        """
        variables = super().get_css_variables()
        theme = self.current_theme
        defaults = semantic_variables(theme) if theme is not None else {}
        return {**defaults, **variables}
