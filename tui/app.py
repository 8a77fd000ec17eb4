"""WardenApp: themes, global bindings and the main screen; nothing else.

The app is thin (``STYLE.md`` §1): the main screen owns the session, the core does the work.
"""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from themes import WARDEN_THEMES, semantic_variables
from themes.select import choose_theme
from tui.config import AppConfig
from tui.screens.main import MainScreen
from tui.screens.slash_palette import SlashCommandsProvider


class WardenApp(App[None]):
    """The Warden TUI for one :class:`~tui.config.AppConfig`."""

    TITLE = "Warden"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]
    COMMANDS = App.COMMANDS | {SlashCommandsProvider}
    """Textual's own palette commands (theme...) plus every slash command."""

    def __init__(self, config: AppConfig, *, theme: str | None = None) -> None:
        """``theme``: ``--theme``; ``None`` means the ``theme`` saved in Warden's preferences,
        else automatic (:func:`themes.select.choose_theme`; an unknown name becomes a chat
        notice)."""
        super().__init__()
        self.config = config
        for t in WARDEN_THEMES:
            self.register_theme(t)
        choice = choose_theme(theme, self.available_themes)
        if choice.notice:
            config.notices.append(choice.notice)
        self.theme = choice.name
        self._saved_theme = choice.name
        """The theme the preferences file is known to hold (or the one started with)."""
        self._theme_lock = asyncio.Lock()
        self.main_screen = MainScreen(config)

    def on_mount(self) -> None:
        # Pushed rather than returned from get_default_screen: Textual loads a screen's
        # CSS_PATH only for screens it pushes or installs.
        self.push_screen(self.main_screen)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        """A theme was picked (command palette "Change theme"): remember it for next time."""
        if theme.name != self._saved_theme:
            self.run_worker(self._save_theme(), group="save-theme")

    async def _save_theme(self) -> None:
        """Write the current theme to Warden's preferences file, off the event loop.

        Runs under a lock and always writes the *latest* theme, so quick successive picks end
        with the last one on disk.  A failure is a notification; the theme still applies.
        """
        from themes.select import save_theme_setting
        from tui.settings.writer import SettingsWriteError

        async with self._theme_lock:
            name = self.theme
            if name == self._saved_theme:
                return
            try:
                path = await asyncio.to_thread(save_theme_setting, name)
            except (SettingsWriteError, OSError) as exc:
                self.notify(f"Theme {name} applies to this session only; it could not be "
                            f"saved: {exc}", severity="error", markup=False)
                return
            self._saved_theme = name
            self.notify(f"Theme {name} saved to {path}.", markup=False)

    def get_css_variables(self) -> dict[str, str]:
        """Textual's variables plus Warden's semantic ones (``$risk-high``, ``$diff-added-bg``...).

        Semantic defaults are derived from whatever theme is active, then the theme's own values
        override them, so built-in Textual themes work too.
        """
        variables = super().get_css_variables()
        theme = self.current_theme
        defaults = semantic_variables(theme) if theme is not None else {}
        return {**defaults, **variables}
