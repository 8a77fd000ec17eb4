"""Which theme Warden starts with: ``--theme``, else Warden's preferences, else automatic.

Precedence (first that names a registered theme wins)::

    --theme NAME            the command line
    "theme": "NAME"         Warden's own preferences file, preferences.json in
                            platformdirs.user_config_dir("warden") (~/.config/warden on Linux),
                            or in $WARDEN_PREFERENCES_DIR; choosing a theme in the command
                            palette saves it there
    "theme": "NAME"         the *user* settings file (~/.claude/settings.json, or
                            $WARDEN_CONFIG_DIR / $CLAUDE_CONFIG_DIR/settings.json), where older
                            versions of Warden saved it: still read, never written again
    automatic               auto_theme(): warden-dark with truecolor, else warden-ansi

The theme is Warden's own preference, so it lives in Warden's own config file, not in Claude
Code's settings files (whose schema has no such key; ``SPEC.md`` §7: "Warden-only preferences live
in Warden's own config, not in CC's files").  ``WARDEN_CONFIG_DIR`` already moves the Claude-style
user settings directory, hence the separate ``WARDEN_PREFERENCES_DIR`` (tests always set it).
Only the user settings file's ``theme`` is read as the fallback: a project's shared
``.claude/settings.json`` should not decide someone's colours.  Files are read with :mod:`json`
alone, so the choice costs nothing measurable before the first frame; a broken file or an unknown
name gives a notice and the next source, never a crash.

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
"""The key (top level of the preferences file, and of the user settings file of old versions)."""

PREFERENCES_FILE = "preferences.json"
"""The name of Warden's own preferences file, in :func:`preferences_dir`."""

APP_NAME = "warden"
"""The ``platformdirs`` application name."""

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
    """``settings.json`` in ``$WARDEN_CONFIG_DIR``, ``$CLAUDE_CONFIG_DIR`` or ``$HOME/.claude``.

    The same rule as :func:`tui.settings.paths.user_settings_path` (a test keeps them equal),
    repeated here so that choosing a theme does not import the settings package before the
    first frame.  Only read (the ``theme`` older versions saved there), never written.
    """
    env = os.environ if env is None else env
    base = env.get("WARDEN_CONFIG_DIR") or env.get("CLAUDE_CONFIG_DIR")
    if base:
        return Path(base) / "settings.json"
    home = env.get("HOME")
    return (Path(home) if home else Path.home()) / ".claude" / "settings.json"


def preferences_dir(env: Mapping[str, str] | None = None) -> Path:
    """Warden's own config directory: ``$WARDEN_PREFERENCES_DIR``, else
    ``platformdirs.user_config_dir("warden")`` (``$XDG_CONFIG_HOME/warden`` or
    ``~/.config/warden`` on Linux, ``~/Library/Application Support/warden`` on macOS,
    ``%LOCALAPPDATA%\\warden`` on Windows; platformdirs reads the process environment)."""
    env = os.environ if env is None else env
    configured = env.get("WARDEN_PREFERENCES_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def preferences_file(env: Mapping[str, str] | None = None) -> Path:
    """``<preferences_dir>/preferences.json``: a JSON object of Warden-only preferences
    (today ``{"theme": NAME}``)."""
    return preferences_dir(env) / PREFERENCES_FILE


def read_theme_setting(path: Path, *, report_unparsable: bool = False) -> tuple[str | None,
                                                                              str | None]:
    """The ``theme`` value of a JSON file, read with :mod:`json` only.

    Args:
        path: the preferences file, or the user settings file of older versions.
        report_unparsable: whether a file that is not a JSON object gets a ``problem`` (True for
            the preferences file; False for settings files, which the settings loader reports).

    Returns:
        ``(name, problem)``: ``name`` is the string value or ``None`` (file missing, no key, or
        unusable); ``problem`` is a sentence for a notice when the file cannot be read (or
        parsed, with ``report_unparsable``) or the value is not a string, else ``None``.
        Never raises.
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
    except json.JSONDecodeError as exc:
        if report_unparsable:
            return None, (f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                          f"{exc.msg}); its theme is ignored.")
        return None, None
    if not isinstance(data, dict):
        if report_unparsable:
            return None, f"{path} must hold a JSON object; its theme is ignored."
        return None, None
    if SETTING_KEY not in data:
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
        source: ``"command line"``, ``"preferences"`` (Warden's preferences file),
            ``"settings"`` (the user settings file of older versions) or ``"automatic"``.
        notice: a sentence for the chat when something asked for could not be used, else None.
    """

    name: str
    source: str
    notice: str | None = None


def choose_theme(cli: str | None, available: Collection[str],
                 env: Mapping[str, str] | None = None) -> ThemeChoice:
    """Apply the precedence ``--theme`` > preferences ``theme`` > user settings ``theme`` (older
    versions) > :func:`auto_theme` (module docstring).

    Args:
        cli: the ``--theme`` value, or ``None``.
        available: registered theme names (Warden's and Textual's built-in ones).
        env: environment variables (``os.environ`` when ``None``): where the files are and the
            terminal's colour support.

    Returns:
        The choice.  An unknown name or an unusable file falls through to the next source and
        is explained in ``notice``.  Never raises.
    """
    env = os.environ if env is None else env
    problems: list[str] = []
    if cli:
        if cli in available:
            return ThemeChoice(cli, "command line")
        problems.append(f"There is no theme {cli!r} (--theme).")
    sources = (
        ("preferences", preferences_file(env), True),
        ("settings", user_settings_file(env), False),
    )
    for source, path, strict in sources:
        setting, problem = read_theme_setting(path, report_unparsable=strict)
        if problem:
            problems.append(problem)
        if setting is None:
            continue
        if setting in available:
            return ThemeChoice(setting, source, " ".join(problems) or None)
        problems.append(f"There is no theme {setting!r} (\"theme\" in {path}).")
    if problems:
        problems.append("Ctrl+P, then \"Change theme\", lists the themes.")
    return ThemeChoice(auto_theme(env), "automatic", " ".join(problems) or None)


def save_theme_setting(name: str, env: Mapping[str, str] | None = None) -> Path:
    """Save ``"theme": name`` in Warden's preferences file (:func:`preferences_file`), keeping
    every other key.  Claude Code's settings files are never written.

    Goes through :func:`tui.settings.writer.set_value` (directory created, atomic write keeping
    the file's mode; a file that does not parse is never overwritten).  Blocking file I/O: call
    it from a thread.

    Returns:
        The file written (or left alone when it already said ``name``).

    Raises:
        tui.settings.writer.SettingsWriteError: the file cannot be parsed or changed.
        OSError: the directory cannot be created or written.
    """
    from tui.settings.writer import set_value

    path = preferences_file(env)
    set_value(path, (SETTING_KEY,), name)
    return path
