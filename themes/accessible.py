"""Warden's accessible themes: ``warden-high-contrast`` and ``warden-ansi``.

``warden-high-contrast``
    Pure black background, pure white text, saturated accents.  Every text colour, every semantic
    foreground and every risk badge reaches at least 7:1 contrast against the background (WCAG
    AAA for normal text; ``tests/test_themes.py`` checks it).  Diff bands are deep green and deep
    red, far apart in hue and both clearly lifted off the black context lines; white text reads
    at over 10:1 on them and at over 7:1 on the stronger changed-character bands.

``warden-ansi``
    Only the terminal's own 16 ANSI colours (``ansi_green``, ``ansi_bright_red``...; Textual's
    ``Theme(ansi=True)``), written as native ANSI colour codes, so the terminal's palette decides
    the exact shades.  It is meant for terminals without 24-bit colour and for ``NO_COLOR``
    (Textual then strips colours and keeps bold/reverse).  Background and text are the
    terminal's own defaults, so it reads on light and dark terminals alike; badges (risk, mode)
    draw that default text colour on mid-luminance colours (bright red, magenta, grey, bright
    blue) that stay legible under light or dark text, so medium risk is magenta here, not
    yellow.  ANSI colours cannot be blended, so diff lines get no background band (as in
    ``git diff``): the bold ``+``/``-`` markers and counts carry the meaning; changed characters
    within a line get the terminal's grey (``ansi_bright_black``) background.
    :func:`themes.select.auto_theme` picks this theme automatically.
"""

from __future__ import annotations

from textual.theme import Theme

WARDEN_HIGH_CONTRAST = Theme(
    name="warden-high-contrast",
    primary="#00E5FF",
    secondary="#FF66FF",
    accent="#FFD000",
    warning="#FFE600",
    error="#FF6666",
    success="#33FF66",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#3A3A3A",
    boost="#FFFFFF",
    dark=True,
    text_alpha=1.0,
    variables={
        "diff-added-bg": "#003D14",
        "diff-removed-bg": "#4D000D",
        "diff-added-fg": "#33FF66",
        "diff-removed-fg": "#FF7A7A",
        "diff-gutter-fg": "#D0D0D0",
        "diff-hunk-header-fg": "#00E5FF",
        "diff-added-word-bg": "#006622",
        "diff-removed-word-bg": "#A0001C",
        "risk-low": "#33FF66",
        "risk-medium": "#FFE600",
        "risk-high": "#FF6666",
        "mode-default": "#E0E0E0",
        "mode-accept-edits": "#FF66FF",
        "mode-plan": "#00E5FF",
        "mode-bypass": "#FF6666",
        # Textual's generated muted text is 60 % white on black; keep it well above 7:1.
        "text-muted": "#D0D0D0",
        "error-muted": "#400000",  # warning bands: bold $text-error on it stays above 7:1
        "foreground-muted": "#D0D0D0",
        "border": "#FFFFFF",
        "border-blurred": "#A0A0A0",
        "footer-key-foreground": "#FFE600",
        "footer-description-foreground": "#FFFFFF",
        "footer-background": "#000000",
        "input-selection-background": "#00E5FF 45%",
    },
)
"""High-contrast theme: black background, white text, bright accents (all >= 7:1)."""

WARDEN_ANSI = Theme(
    name="warden-ansi",
    ansi=True,
    primary="ansi_bright_blue",
    secondary="ansi_magenta",
    accent="ansi_cyan",
    warning="ansi_yellow",
    error="ansi_bright_red",
    success="ansi_green",
    foreground="ansi_default",
    background="ansi_default",
    surface="ansi_default",
    panel="ansi_default",
    boost="ansi_default",
    dark=True,
    variables={
        "diff-added-bg": "ansi_default",
        "diff-removed-bg": "ansi_default",
        "diff-added-fg": "ansi_bright_green",
        "diff-removed-fg": "ansi_bright_red",
        "diff-gutter-fg": "ansi_bright_black",
        "diff-hunk-header-fg": "ansi_cyan",
        "diff-added-word-bg": "ansi_bright_black",
        "diff-removed-word-bg": "ansi_bright_black",
        # Badge colours: mid-luminance ANSI colours, legible under the terminal's default text
        # colour whether it is light or dark (green, yellow and cyan are not, on a dark one).
        "risk-low": "ansi_bright_black",
        "risk-medium": "ansi_magenta",
        "risk-high": "ansi_bright_red",
        "mode-default": "ansi_bright_black",
        "mode-accept-edits": "ansi_magenta",
        "mode-plan": "ansi_bright_blue",
        "mode-bypass": "ansi_bright_red",
        # "Muted" tints cannot be blended in ANSI (Textual would paint the full colour under
        # text of the same colour): no band; the text colour carries the meaning.
        "primary-muted": "ansi_default",
        "secondary-muted": "ansi_default",
        "accent-muted": "ansi_default",
        "warning-muted": "ansi_default",
        "error-muted": "ansi_default",
        "success-muted": "ansi_default",
        # As Textual's own ansi-dark (its widgets need the two ansi-* variables of ANSI
        # themes); cursors and selections legible in any palette.
        "ansi-background": "ansi_black",
        "ansi-foreground": "ansi_white",
        "border-blurred": "ansi_bright_black",
        "block-cursor-foreground": "ansi_black",
        "block-cursor-background": "ansi_white",
        "input-cursor-background": "ansi_white",
        "input-cursor-foreground": "ansi_black",
        "input-selection-background": "ansi_blue",
        "input-selection-foreground": "ansi_bright_white",
        "screen-selection-background": "ansi_blue",
        "screen-selection-foreground": "ansi_bright_white",
    },
)
"""ANSI theme: the terminal's 16 colours only, for terminals without truecolor (or NO_COLOR)."""
