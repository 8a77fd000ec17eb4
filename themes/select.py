"""Which theme Warden starts with: ``--theme``, else the ``theme`` setting, else automatic.

Precedence (first that names a registered theme wins)::

    --theme NAME            the command line
    "theme": "NAME"         the *user* settings file (~/.claude/settings.json, or
                            $WARDEN_CONFIG_DIR/settings.json); choosing a theme in the command
                            palette saves it there
    automatic               auto_theme(): warden-dark with truecolor, else warden-ansi

The ``theme`` key is read from the user file only: a theme is a personal preference (Claude Code
keeps its own ``theme`` in the user's global config too), and a project's shared
``.claude/settings.json`` should not decide someone's colours.  A ``theme`` key in another scope
is valid (the schema allows it) and ignored.  The file is read with :mod:`json` alone, so the
choice costs nothing measurable before the first frame; a broken file or an unknown name gives a
notice and the automatic theme, never a crash.

Automatic rule (:func:`auto_theme`), for a terminal that did not ask for anything:

1. ``NO_COLOR`` set to anything non-empty (https://no-color.org): ``warden-ansi``; Textual then
   drops every colour and keeps bold and reverse.
2. ``TEXTUAL_COLOR_SYSTEM`` set (not ``auto``): ``truecolor`` gives ``warden-dark``, any other
   value (``standard``, ``256``, ``windows``...) gives ``warden-ansi``.
3. 24-bit colour detected (:func:`supports_truecolor`): ``warden-dark``.
4. Otherwise ``warden-ansi``: the terminal's own 16 colours are always legible, whereas a
   truecolour palette squeezed into 256 or 16 colours loses its diff bands and risk shades.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

ANSI_THEME = "warden-ansi"
"""The theme picked when the terminal cannot show 24-bit colour."""

TRUECOLOR_THEME = "warden-dark"
"""The theme picked when it can (the same as :data:`themes.DEFAULT_THEME`)."""

SETTING_KEY = "theme"
"""The settings key (top level of the user settings file)."""

_TRUECOLOR_TERM_PROGRAMS = frozenset({
    "iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "Tabby", "rio", "WarpTerminal",
})
"""``TERM_PROGRAM`` values of terminals known to render 24-bit colour."""

_TRUECOLOR_TERMS = ("xterm-kitty", "xterm-ghostty", "wezterm", "alacritty", "foot", "contour")
"""``TERM`` values (prefixes) of terminals known to render 24-bit colour."""


def supports_truecolor(env: Mapping[str, str]) -> bool:
    """Whether the terminal described by ``env`` renders 24-bit colour.

    True when ``COLORTERM`` is ``truecolor`` or ``24bit`` (the convention most terminals follow,
    and what Rich checks), when ``TERM`` ends with ``-direct`` or names a terminal known to
    support it (kitty, ghostty, WezTerm, Alacritty, foot, contour), when ``TERM_PROGRAM`` does
    (iTerm2, WezTerm, VS Code, ghostty...), or inside Windows Terminal (``WT_SESSION``).
    ``COLORTERM`` is often dropped over SSH and by ``sudo``; ``--theme warden-dark`` or the
    ``theme`` setting then overrides the guess.
    """
    colorterm = env.get("COLORTERM", "").strip().lower()
    if colorterm in ("truecolor", "24bit"):
        return True
    term = env.get("TERM", "").strip().lower()
    if term.endswith("-direct") or term.startswith(_TRUECOLOR_TERMS):
        return True
    if env.get("TERM_PROGRAM", "") in _TRUECOLOR_TERM_PROGRAMS:
        return True
    return bool(env.get("WT_SESSION"))


def auto_theme(env: Mapping[str, str] | None = None) -> str:
    """The theme for a terminal that asked for none (rule in the module docstring).

    Args:
        env: environment variables; ``os.environ`` when ``None``.

    Returns:
        :data:`TRUECOLOR_THEME` or :data:`ANSI_THEME`.
    """
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return ANSI_THEME
    system = env.get("TEXTUAL_COLOR_SYSTEM", "").strip().lower()
    if system and system != "auto":
        return TRUECOLOR_THEME if system == "truecolor" else ANSI_THEME
    return TRUECOLOR_THEME if supports_truecolor(env) else ANSI_THEME


def user_settings_file(env: Mapping[str, str] | None = None) -> Path:
    """``$WARDEN_CONFIG_DIR/settings.json``, else ``$HOME/.claude/settings.json``.

    The same rule as :func:`tui.settings.paths.user_settings_path` (a test keeps them equal),
    repeated here so that choosing a theme does not import the settings package before the
    first frame.
    """
    env = os.environ if env is None else env
    base = env.get("WARDEN_CONFIG_DIR")
    if base:
        return Path(base) / "settings.json"
    home = env.get("HOME")
    return (Path(home) if home else Path.home()) / ".claude" / "settings.json"


def read_theme_setting(path: Path) -> tuple[str | None, str | None]:
    """The ``theme`` value of a settings file, read with :mod:`json` only.

    Returns:
        ``(name, problem)``: ``name`` is the string value or ``None`` (file missing, no key, or
        unusable); ``problem`` is a sentence for a notice when the file cannot be read or parsed
        or the value is not a string, else ``None``.  Never raises.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"Could not read the theme setting from {path}: {exc}."
    import json  # only when the file exists: no cost before the first frame otherwise

    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None, None  # the settings loader reports the broken file itself
    if not isinstance(data, dict) or SETTING_KEY not in data:
        return None, None
    value = data[SETTING_KEY]
    if not isinstance(value, str) or not value.strip():
        return None, f"The \"theme\" setting in {path} must be a theme name; it is ignored."
    return value.strip(), None


@dataclass(frozen=True)
class ThemeChoice:
    """The theme to start with, and why.

    Attributes:
        name: a name in ``available``.
        source: ``"command line"``, ``"settings"`` or ``"automatic"``.
        notice: a sentence for the chat when something asked for could not be used, else None.
    """

    name: str
    source: str
    notice: str | None = None


def choose_theme(cli: str | None, available: Collection[str],
                 env: Mapping[str, str] | None = None) -> ThemeChoice:
    """Apply the precedence ``--theme`` > user setting ``theme`` > :func:`auto_theme`.

    Args:
        cli: the ``--theme`` value, or ``None``.
        available: registered theme names (Warden's and Textual's built-in ones).
        env: environment variables (``os.environ`` when ``None``): the user settings file's
            location and the terminal's colour support.

    Returns:
        The choice.  An unknown name (from either source) falls through to the next source and
        is explained in ``notice``.  Never raises.
    """
    env = os.environ if env is None else env
    problems: list[str] = []
    if cli:
        if cli in available:
            return ThemeChoice(cli, "command line")
        problems.append(f"There is no theme {cli!r} (--theme).")
    path = user_settings_file(env)
    setting, problem = read_theme_setting(path)
    if problem:
        problems.append(problem)
    if setting is not None:
        if setting in available:
            return ThemeChoice(setting, "settings", " ".join(problems) or None)
        problems.append(f"There is no theme {setting!r} (\"theme\" in {path}).")
    if problems:
        problems.append("Ctrl+P, then \"Change theme\", lists the themes.")
    return ThemeChoice(auto_theme(env), "automatic", " ".join(problems) or None)


def save_theme_setting(name: str, env: Mapping[str, str] | None = None) -> Path:
    """Save ``"theme": name`` in the user settings file, keeping every other key.

    Goes through :func:`tui.settings.writer.set_value` (atomic write; a file that does not parse
    is never overwritten).  Blocking file I/O: call it from a thread.

    Returns:
        The file written (or left alone when it already said ``name``).

    Raises:
        tui.settings.writer.SettingsWriteError: the file cannot be parsed or changed.
        OSError: the directory cannot be created or written.
    """
    from tui.settings.writer import set_value

    path = user_settings_file(env)
    set_value(path, (SETTING_KEY,), name)
    return path
