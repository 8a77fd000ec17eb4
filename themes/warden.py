"""Warden's own themes: ``warden-dark`` (the default) and ``warden-light``.

Each sets the Textual base colours plus every semantic variable in
:data:`themes.semantic.SEMANTIC_VARIABLES` as a ``#RRGGBB`` string.  Diff backgrounds are tints of
the theme background (about a fifth of the way to green or red), so syntax colours stay readable
on them.
"""

from __future__ import annotations

from textual.theme import Theme

WARDEN_DARK = Theme(
    name="warden-dark",
    primary="#5AA9E6",
    secondary="#B392F0",
    accent="#F0A35E",
    warning="#E3B341",
    error="#F06A6A",
    success="#5FC27E",
    foreground="#D6DAE0",
    background="#14171C",
    surface="#1A1E25",
    panel="#232935",
    dark=True,
    variables={
        "diff-added-bg": "#1A3624",
        "diff-removed-bg": "#3D1D22",
        "diff-added-fg": "#7EE2A1",
        "diff-removed-fg": "#FF8E8E",
        "diff-gutter-fg": "#6C7480",
        "diff-hunk-header-fg": "#7FB4E8",
        "diff-added-word-bg": "#2C6340",
        "diff-removed-word-bg": "#74303A",
        "risk-low": "#5FC27E",
        "risk-medium": "#E3B341",
        "risk-high": "#F06A6A",
        "mode-default": "#8B949E",
        "mode-accept-edits": "#B392F0",
        "mode-plan": "#4FC1C9",
        "mode-bypass": "#F06A6A",
    },
)
"""Dark theme, the default: near-black blue-grey background, soft blue primary."""

WARDEN_LIGHT = Theme(
    name="warden-light",
    primary="#0A60C2",
    secondary="#7A3FD0",
    accent="#B35900",
    warning="#9A6700",
    error="#C62832",
    success="#1F7A3A",
    foreground="#1F2328",
    background="#F7F8FA",
    surface="#FFFFFF",
    panel="#E9EDF2",
    dark=False,
    variables={
        "diff-added-bg": "#D9F5E0",
        "diff-removed-bg": "#FDE2E2",
        "diff-added-fg": "#116329",
        "diff-removed-fg": "#A40E26",
        "diff-gutter-fg": "#6E7781",
        "diff-hunk-header-fg": "#0550AE",
        "diff-added-word-bg": "#A8E6B8",
        "diff-removed-word-bg": "#F7B9BD",
        "risk-low": "#1F7A3A",
        "risk-medium": "#9A6700",
        "risk-high": "#C62832",
        "mode-default": "#57606A",
        "mode-accept-edits": "#7A3FD0",
        "mode-plan": "#0F7A8A",
        "mode-bypass": "#C62832",
    },
)
"""Light theme: off-white background, dark text, saturated but dark accent colours."""
