"""Warden's semantic theme variables, and defaults for them derived from any Textual theme.

Widgets and screens style domain things (diff lines, risk levels, permission modes) through these
variables (``$diff-added-bg``, ``$risk-high``, ...), never through hard-coded colours.  Warden's own
themes set every one of them explicitly; :func:`semantic_variables` derives fallbacks from a theme's
base colours so that a built-in Textual theme (``nord``, ``textual-light``, ``ansi-dark``...) still
parses and reads well.
"""

from __future__ import annotations

from textual.color import Color
from textual.theme import Theme

SEMANTIC_VARIABLES: tuple[str, ...] = (
    "diff-added-bg",
    "diff-removed-bg",
    "diff-added-fg",
    "diff-removed-fg",
    "diff-gutter-fg",
    "diff-hunk-header-fg",
    "diff-added-word-bg",
    "diff-removed-word-bg",
    "risk-low",
    "risk-medium",
    "risk-high",
    "mode-default",
    "mode-accept-edits",
    "mode-plan",
    "mode-bypass",
)
"""Names (without the ``$``) of the variables every Warden theme defines.

- ``diff-added-bg`` / ``diff-removed-bg``: background band of added / removed diff lines.
- ``diff-added-fg`` / ``diff-removed-fg``: ``+``/``-`` markers and counts of added / removed lines.
- ``diff-gutter-fg``: line numbers in a diff gutter.
- ``diff-hunk-header-fg``: ``@@ -a,b +c,d @@`` hunk headers.
- ``diff-added-word-bg`` / ``diff-removed-word-bg``: stronger background of the characters that
  changed within a paired added / removed line (intra-line marks).
- ``risk-low`` / ``risk-medium`` / ``risk-high``: risk of a tool call (text or badge colour).
- ``mode-default`` / ``mode-accept-edits`` / ``mode-plan`` / ``mode-bypass``: permission-mode
  indicator colours.
"""

_ADDED_BG_BLEND = 0.22
"""How far a line background moves from ``$background`` towards ``$success``/``$error`` (0-1)."""

_WORD_BG_BLEND = 0.45
"""The same for the changed characters within a line: about twice the line band's strength."""

_GUTTER_BLEND = 0.45
"""How far gutter text moves from ``$foreground`` towards ``$background`` (0-1)."""


def semantic_variables(theme: Theme) -> dict[str, str]:
    """Derive values for all :data:`SEMANTIC_VARIABLES` from a theme's base colours.

    The result is meant to be merged *under* the theme's own ``variables``, so a theme that sets a
    variable keeps its value::

        {**semantic_variables(theme), **theme.variables}

    Args:
        theme: any Textual theme (Warden's, built-in, or user-defined; ANSI themes included).

    Returns:
        A mapping of every name in :data:`SEMANTIC_VARIABLES` to a colour: ``"#RRGGBB"`` for
        truecolour themes, ANSI colour names (``"ansi_green"``) for ANSI themes.
    """
    colors = theme.to_color_system().generate()
    if theme.ansi:
        return _ansi_variables(colors)
    parse = Color.parse
    background = parse(colors["background"])
    foreground = parse(colors["foreground"])
    success = parse(colors["success"])
    error = parse(colors["error"])
    muted = foreground.blend(background, _GUTTER_BLEND).hex
    return {
        "diff-added-bg": background.blend(success, _ADDED_BG_BLEND).hex,
        "diff-removed-bg": background.blend(error, _ADDED_BG_BLEND).hex,
        "diff-added-fg": colors["text-success"],
        "diff-removed-fg": colors["text-error"],
        "diff-gutter-fg": muted,
        "diff-hunk-header-fg": colors["text-primary"],
        "diff-added-word-bg": background.blend(success, _WORD_BG_BLEND).hex,
        "diff-removed-word-bg": background.blend(error, _WORD_BG_BLEND).hex,
        "risk-low": colors["text-success"],
        "risk-medium": colors["text-warning"],
        "risk-high": colors["text-error"],
        "mode-default": muted,
        "mode-accept-edits": colors["text-secondary"],
        "mode-plan": colors["text-primary"],
        "mode-bypass": colors["text-error"],
    }


def _ansi_variables(colors: dict[str, str]) -> dict[str, str]:
    """Semantic variables for an ANSI theme (the terminal's own 16-colour palette).

    ANSI colours cannot be blended, so diff lines get no background band; the ``+``/``-`` markers
    and line-number colours carry the meaning instead.  Changed characters within a line get the
    terminal's grey (``ansi_bright_black``) background, readable under any syntax colour.

    Args:
        colors: the theme's generated colour system (``ColorSystem.generate()``).

    Returns:
        A mapping of every name in :data:`SEMANTIC_VARIABLES` to an ANSI colour name.
    """
    return {
        "diff-added-bg": "ansi_default",
        "diff-removed-bg": "ansi_default",
        "diff-added-fg": colors["success"],
        "diff-removed-fg": colors["error"],
        "diff-gutter-fg": "ansi_bright_black",
        "diff-hunk-header-fg": colors["primary"],
        "diff-added-word-bg": "ansi_bright_black",
        "diff-removed-word-bg": "ansi_bright_black",
        "risk-low": colors["success"],
        "risk-medium": colors["warning"],
        "risk-high": colors["error"],
        "mode-default": "ansi_bright_black",
        "mode-accept-edits": colors["secondary"],
        "mode-plan": colors["primary"],
        "mode-bypass": colors["error"],
    }
