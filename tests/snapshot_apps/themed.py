"""A Textual app with Warden's themes registered and its semantic variables as defaults, the
base of the snapshot apps that show one widget without the whole Warden app."""

from __future__ import annotations

from textual.app import App

from themes import DEFAULT_THEME, WARDEN_THEMES, semantic_variables


class ThemedApp(App[None]):
    """Registers :data:`themes.WARDEN_THEMES` and starts in ``theme``."""

    def __init__(self, theme: str = DEFAULT_THEME) -> None:
        super().__init__()
        for warden_theme in WARDEN_THEMES:
            self.register_theme(warden_theme)
        self.theme = theme

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Warden's semantic variables for themes that do not define them."""
        return semantic_variables(self.current_theme)
