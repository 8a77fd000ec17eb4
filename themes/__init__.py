"""Warden's theme set: Textual ``Theme`` objects plus semantic variables for domain colours.

Importing this package is cheap (Textual's theme and colour modules only; no pygments).

Typical use in the app::

    from themes import DEFAULT_THEME, WARDEN_THEMES, semantic_variables

    class WardenApp(App):
        def on_load(self) -> None:  # or __init__, before the theme is set
            for theme in WARDEN_THEMES:
                self.register_theme(theme)
            self.theme = DEFAULT_THEME

        def get_theme_variable_defaults(self) -> dict[str, str]:
            # Fallbacks for themes that lack Warden's variables (built-in Textual themes).
            return semantic_variables(self.current_theme)
"""

from __future__ import annotations

from textual.theme import Theme

from themes.accessible import WARDEN_ANSI, WARDEN_HIGH_CONTRAST
from themes.semantic import SEMANTIC_VARIABLES, semantic_variables
from themes.warden import WARDEN_DARK, WARDEN_LIGHT

WARDEN_THEMES: list[Theme] = [WARDEN_DARK, WARDEN_LIGHT, WARDEN_HIGH_CONTRAST, WARDEN_ANSI]
"""Every Warden theme, default first; register each with ``App.register_theme``.

Textual's built-in themes (``nord``, ``gruvbox``, ``ansi-dark``...) stay registered and listed in
the command palette's "Change theme" too: :func:`semantic_variables` derives Warden's variables
from their base colours, so every screen still styles risks, modes and diffs with them.  Which
theme Warden starts with is decided by :func:`themes.select.choose_theme`.
"""

DEFAULT_THEME = "warden-dark"
"""Name of the theme the app starts with."""

__all__ = [
    "DEFAULT_THEME",
    "SEMANTIC_VARIABLES",
    "WARDEN_ANSI",
    "WARDEN_HIGH_CONTRAST",
    "WARDEN_DARK",
    "WARDEN_LIGHT",
    "WARDEN_THEMES",
    "semantic_variables",
]
