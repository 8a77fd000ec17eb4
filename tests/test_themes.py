"""Themes: the high-contrast and ANSI themes, the automatic choice, the ``theme`` preference (and
the ``theme`` older versions left in the user settings file), and saving a theme picked in the
command palette to Warden's own preferences file."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from textual.color import Color

from tests.scenarios import DemoRun, wait_until
from themes import SEMANTIC_VARIABLES, WARDEN_ANSI, WARDEN_HIGH_CONTRAST, WARDEN_THEMES
from themes.select import (
    auto_theme,
    choose_theme,
    preferences_dir,
    preferences_file,
    read_theme_setting,
    save_theme_setting,
    supports_truecolor,
    user_settings_file,
)
from tui.cli import build_parser
from tui.settings import load_settings
from tui.settings.paths import user_settings_path
from tui.settings.writer import SettingsWriteError

NAMES = [t.name for t in WARDEN_THEMES]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""

    def luminance(hex_colour: str) -> float:
        r, g, b = Color.parse(hex_colour).rgb
        lin = [(c / 255 / 12.92) if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
               for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --- the themes themselves ---------------------------------------------------------------------


def test_every_warden_theme_is_registered_and_sets_every_semantic_variable() -> None:
    assert NAMES[0] == "warden-dark"
    assert {"warden-light", "warden-high-contrast", "warden-ansi"} <= set(NAMES)
    for theme in WARDEN_THEMES:
        assert set(SEMANTIC_VARIABLES) <= set(theme.variables), theme.name


def test_high_contrast_text_and_risk_colours_reach_7_to_1() -> None:
    """Every foreground colour a reader must read, and every badge (black text on the risk
    colour), is at least 7:1 against the black background (WCAG AAA)."""
    theme = WARDEN_HIGH_CONTRAST
    background = theme.background
    assert background == "#000000" and theme.foreground == "#FFFFFF"
    readable = [theme.primary, theme.secondary, theme.accent, theme.warning, theme.error,
                theme.success, theme.variables["text-muted"]]
    readable += [theme.variables[name] for name in SEMANTIC_VARIABLES if not name.endswith("-bg")]
    for colour in readable:
        assert contrast(colour, background) >= 7, colour


def test_high_contrast_warning_band_reads_at_7_to_1() -> None:
    """The approval card's mismatch warning: $text-error on $error-muted."""
    theme = WARDEN_HIGH_CONTRAST
    colours = {**theme.to_color_system().generate(), **theme.variables}
    assert contrast(colours["text-error"], colours["error-muted"]) >= 7


def test_high_contrast_diff_bands_are_distinct_and_readable() -> None:
    v = WARDEN_HIGH_CONTRAST.variables
    bands = [v["diff-added-bg"], v["diff-removed-bg"], v["diff-added-word-bg"],
             v["diff-removed-word-bg"]]
    for band in bands[:2]:
        assert contrast("#FFFFFF", band) >= 10, band
    for band in bands:
        assert contrast("#FFFFFF", band) >= 7, band  # white code stays legible on every band
    added, removed = Color.parse(v["diff-added-bg"]), Color.parse(v["diff-removed-bg"])
    assert added.g > 2 * added.r and removed.r > 2 * removed.g  # green versus red, not shades
    assert sum(added.rgb) > 40 and sum(removed.rgb) > 40  # both lifted off the black context
    # The changed-characters band is clearly stronger than its line's band.
    assert contrast(v["diff-added-word-bg"], v["diff-added-bg"]) > 1.3
    assert contrast(v["diff-removed-word-bg"], v["diff-removed-bg"]) > 1.3


def test_high_contrast_risk_levels_are_three_different_hues() -> None:
    v = WARDEN_HIGH_CONTRAST.variables
    hues = {round(Color.parse(v[f"risk-{level}"]).hsl.h * 12) % 12
            for level in ("low", "medium", "high")}
    assert len(hues) == 3


def test_ansi_theme_uses_only_the_16_terminal_colours() -> None:
    theme = WARDEN_ANSI
    assert theme.ansi
    base = [theme.primary, theme.secondary, theme.accent, theme.warning, theme.error,
            theme.success, theme.foreground, theme.background, theme.surface, theme.panel]
    for value in [*base, *theme.variables.values()]:
        assert re.fullmatch(r"ansi_(default|(bright_)?(black|red|green|yellow|blue|magenta|cyan|"
                            r"white))", value), value
    v = theme.variables
    assert len({v["risk-low"], v["risk-medium"], v["risk-high"]}) == 3
    # Badges draw the terminal's default text colour on these: only mid-luminance colours read
    # under both light and dark default text (not green, yellow, cyan or white).
    mid = {"ansi_red", "ansi_bright_red", "ansi_magenta", "ansi_bright_black", "ansi_bright_blue"}
    for name in ("risk-low", "risk-medium", "risk-high", "mode-default", "mode-accept-edits",
                 "mode-plan", "mode-bypass"):
        assert v[name] in mid, name


@pytest.mark.parametrize("name", NAMES)
async def test_each_theme_renders_the_pending_command(name: str, tmp_path: Path) -> None:
    """The demo's command card shows its risk badge in every Warden theme (no CSS errors)."""
    from tests.scenarios import to_pending_command

    run = DemoRun(tmp_path / "statskit", theme=name)
    try:
        async with run.app.run_test(size=(120, 36)) as pilot:
            await to_pending_command(pilot)
            assert run.app.theme == name
            card = run.app.main_screen.queue.cards[0]
            assert "network" in str(card.query(".approval-card--title").first().render())
    finally:
        run.close()


# --- the automatic choice -------------------------------------------------------------------


@pytest.mark.parametrize(("env", "theme"), [
    ({"COLORTERM": "truecolor", "TERM": "xterm-256color"}, "warden-dark"),
    ({"COLORTERM": "24bit"}, "warden-dark"),
    ({"TERM": "xterm-kitty"}, "warden-dark"),
    ({"TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"}, "warden-dark"),
    ({"WT_SESSION": "abc"}, "warden-dark"),
    ({"TERM": "xterm-256color"}, "warden-ansi"),  # 256 colours only: e.g. macOS Terminal
    ({"TERM": "linux"}, "warden-ansi"),
    ({}, "warden-ansi"),
    ({"COLORTERM": "truecolor", "NO_COLOR": "1"}, "warden-ansi"),
    ({"COLORTERM": "truecolor", "NO_COLOR": ""}, "warden-dark"),  # empty: not set (no-color.org)
    ({"COLORTERM": "truecolor", "TEXTUAL_COLOR_SYSTEM": "standard"}, "warden-ansi"),
    ({"TEXTUAL_COLOR_SYSTEM": "truecolor"}, "warden-dark"),
    ({"COLORTERM": "truecolor", "TEXTUAL_COLOR_SYSTEM": "auto"}, "warden-dark"),
])
def test_auto_theme(env: dict[str, str], theme: str) -> None:
    assert auto_theme(env) == theme


def test_supports_truecolor_ignores_case_and_spaces() -> None:
    assert supports_truecolor({"COLORTERM": " TrueColor "})
    assert not supports_truecolor({"COLORTERM": "yes"})


# --- the setting and the precedence ---------------------------------------------------------


@pytest.mark.parametrize("env", [
    {"WARDEN_CONFIG_DIR": "/x/cfg", "HOME": "/home/u"},
    {"CLAUDE_CONFIG_DIR": "/x/claude", "HOME": "/home/u"},
    {"HOME": "/home/u"},
])
def test_user_settings_file_is_the_settings_packages_user_file(env: dict[str, str]) -> None:
    assert user_settings_file(env) == user_settings_path(env)


def test_read_theme_setting(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert read_theme_setting(path) == (None, None)
    path.write_text('{"model": "x"}')
    assert read_theme_setting(path) == (None, None)
    path.write_text('{"theme": " warden-light "}')
    assert read_theme_setting(path) == ("warden-light", None)
    path.write_text('{"theme": 3}')
    name, problem = read_theme_setting(path)
    assert name is None and problem is not None and str(path) in problem
    path.write_text("{not json")
    assert read_theme_setting(path) == (None, None)  # the settings loader reports it
    name, problem = read_theme_setting(path, report_unparsable=True)
    assert name is None and problem is not None and "line 1" in problem
    path.write_text("[]")
    assert read_theme_setting(path) == (None, None)
    name, problem = read_theme_setting(path, report_unparsable=True)
    assert name is None and problem is not None and "object" in problem


def _dirs(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment whose user settings and preferences directories are under tmp_path."""
    (tmp_path / "claude").mkdir(exist_ok=True)
    (tmp_path / "prefs").mkdir(exist_ok=True)
    return {"WARDEN_CONFIG_DIR": str(tmp_path / "claude"),
            "WARDEN_PREFERENCES_DIR": str(tmp_path / "prefs"), **extra}


def test_preferences_live_in_wardens_own_config_dir(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"WARDEN_PREFERENCES_DIR": str(tmp_path / "p"), "WARDEN_CONFIG_DIR": "/x/cfg"}
    assert preferences_file(env) == tmp_path / "p" / "preferences.json"
    monkeypatch.delenv("WARDEN_PREFERENCES_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    from platformdirs import user_config_dir

    assert preferences_dir({}) == Path(user_config_dir("warden", appauthor=False))
    if sys.platform.startswith("linux"):
        assert preferences_dir({}) == tmp_path / "xdg" / "warden"
    assert preferences_dir({}) != user_settings_path({"HOME": str(tmp_path)}).parent


def test_precedence_cli_then_preferences_then_old_setting_then_automatic(tmp_path: Path) -> None:
    available = set(NAMES) | {"nord", "gruvbox"}
    env = _dirs(tmp_path, COLORTERM="truecolor")
    assert choose_theme(None, available, env).name == "warden-dark"
    assert choose_theme(None, available, env).source == "automatic"
    (tmp_path / "claude" / "settings.json").write_text('{"theme": "nord"}')
    assert choose_theme(None, available, env) == choose_theme(None, available, env)
    assert (choose_theme(None, available, env).name, choose_theme(None, available, env).source) \
        == ("nord", "settings")  # what older versions saved is still read
    (tmp_path / "prefs" / "preferences.json").write_text('{"theme": "gruvbox"}')
    chosen = choose_theme(None, available, env)
    assert (chosen.name, chosen.source, chosen.notice) == ("gruvbox", "preferences", None)
    chosen = choose_theme("warden-high-contrast", available, env)
    assert (chosen.name, chosen.source, chosen.notice) == ("warden-high-contrast",
                                                           "command line", None)


def test_a_broken_preferences_file_is_reported_and_falls_through(tmp_path: Path) -> None:
    env = _dirs(tmp_path)
    prefs = tmp_path / "prefs" / "preferences.json"
    prefs.write_text('{"theme": ')
    (tmp_path / "claude" / "settings.json").write_text('{"theme": "warden-light"}')
    chosen = choose_theme(None, NAMES, env)
    assert (chosen.name, chosen.source) == ("warden-light", "settings")
    assert chosen.notice is not None and str(prefs) in chosen.notice


def test_saving_writes_only_the_preferences_file(tmp_path: Path) -> None:
    env = _dirs(tmp_path)
    settings = tmp_path / "claude" / "settings.json"
    settings.write_text('{"theme": "nord", "model": "opus"}\n')
    prefs = tmp_path / "prefs" / "preferences.json"
    prefs.write_text('{"other": 1}\n')
    assert save_theme_setting("warden-light", env) == prefs
    assert json.loads(prefs.read_text()) == {"other": 1, "theme": "warden-light"}
    assert settings.read_text() == '{"theme": "nord", "model": "opus"}\n'
    assert choose_theme(None, NAMES, env).name == "warden-light"
    fresh = {"WARDEN_PREFERENCES_DIR": str(tmp_path / "fresh" / "warden")}
    path = save_theme_setting("warden-ansi", fresh)  # the directories are created
    assert json.loads(path.read_text()) == {"theme": "warden-ansi"}
    prefs.write_text("{broken")
    with pytest.raises(SettingsWriteError):
        save_theme_setting("warden-dark", env)
    assert prefs.read_text() == "{broken"  # nothing the user wrote is lost


def test_unknown_names_fall_through_with_a_notice(tmp_path: Path) -> None:
    env = _dirs(tmp_path)
    tmp_path = tmp_path / "claude"
    (tmp_path / "settings.json").write_text('{"theme": "warden-light"}')
    chosen = choose_theme("solarised", NAMES, env)
    assert chosen.name == "warden-light" and chosen.source == "settings"
    assert chosen.notice is not None and "solarised" in chosen.notice
    (tmp_path / "settings.json").write_text('{"theme": "no-such-theme"}')
    chosen = choose_theme(None, NAMES, env)
    assert chosen.name == "warden-ansi" and chosen.source == "automatic"
    assert chosen.notice is not None and "no-such-theme" in chosen.notice


def test_the_settings_schema_accepts_a_theme_and_checks_its_type(tmp_path: Path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    env = {"WARDEN_CONFIG_DIR": str(user), "WARDEN_MANAGED_DIR": str(tmp_path / "managed"),
           "HOME": str(tmp_path)}
    (user / "settings.json").write_text('{"theme": "warden-light"}')
    assert not load_settings(tmp_path, env=env).problems
    (user / "settings.json").write_text('{"theme": 3}')
    assert load_settings(tmp_path, env=env).problems


def test_cli_has_a_theme_flag() -> None:
    assert build_parser().parse_args(["--theme", "warden-ansi"]).theme == "warden-ansi"


# --- in the app -----------------------------------------------------------------------------


def _user_file() -> Path:
    return user_settings_file()


def _prefs_file() -> Path:
    return preferences_file()


async def test_app_starts_with_the_theme_setting_and_reports_an_unknown_one(tmp_path: Path) -> None:
    _user_file().parent.mkdir(parents=True, exist_ok=True)
    _user_file().write_text('{"theme": "warden-high-contrast"}')
    run = DemoRun(tmp_path / "statskit", theme=None)
    try:
        async with run.app.run_test(size=(100, 30)):
            assert run.app.theme == "warden-high-contrast"
    finally:
        run.close()
    run = DemoRun(tmp_path / "statskit", theme="no-such-theme")
    try:
        async with run.app.run_test(size=(100, 30)) as pilot:
            assert run.app.theme == "warden-high-contrast"  # fell through to the setting
            await pilot.pause()
            text = " ".join(str(n.render()) for n in run.app.main_screen.chat.query("Static"))
            assert "no-such-theme" in text
    finally:
        run.close()


async def test_a_theme_picked_in_the_palette_is_saved_to_wardens_preferences(
        tmp_path: Path) -> None:
    """ctrl+p, "Change theme", type the name, enter: the theme applies and is written to
    Warden's preferences file with the file's other keys kept; Claude Code's user settings file
    is not touched."""
    path = _prefs_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"other": "keep-me"}\n')
    settings = _user_file()
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('{"model": "claude-keep-me"}\n')
    from textual.command import CommandList

    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(120, 36)) as pilot:
            run.app.action_change_theme()
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "CommandPalette",
                             what="the theme palette")
            await pilot.press(*"warden-high-contrast")

            def found() -> bool:
                hits = run.app.screen.query_one(CommandList)
                return hits.highlighted is not None and "warden-high-contrast" in str(
                    hits.get_option_at_index(hits.highlighted).prompt)

            await wait_until(pilot, found, what="warden-high-contrast highlighted in the palette")
            await pilot.press("enter")
            await wait_until(pilot, lambda: run.app.theme == "warden-high-contrast",
                             what="the theme")
            await wait_until(pilot, lambda: "high-contrast" in path.read_text(), what="saved")
    finally:
        run.close()
    assert json.loads(path.read_text()) == {"other": "keep-me", "theme": "warden-high-contrast"}
    assert settings.read_text() == '{"model": "claude-keep-me"}\n'


async def test_palette_lists_warden_themes(tmp_path: Path) -> None:
    from textual.theme import ThemeProvider

    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(100, 30)):
            provider = ThemeProvider(run.app.screen)
            names = [name for name, _ in provider.commands]
            assert set(NAMES) <= set(names)
    finally:
        run.close()


async def test_a_theme_that_cannot_be_saved_still_applies_and_says_so(tmp_path: Path) -> None:
    path = _prefs_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{broken json")
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(100, 30), notifications=True) as pilot:
            run.app.theme = "warden-light"
            await wait_until(pilot, lambda: any("could not be saved" in str(t.render())
                                                for t in run.app.screen.query("Toast")),
                             what="the error notification")
            assert run.app.theme == "warden-light"
    finally:
        run.close()
    assert path.read_text() == "{broken json"  # nothing the user wrote is lost


async def test_focused_and_rejected_hunks_stay_readable_under_the_ansi_theme() -> None:
    """ANSI colours cannot be blended: a tint would paint a hunk's text in its own colour
    (cyan on cyan).  Under warden-ansi the focused hunk gets a coloured edge instead and a
    rejected one is struck through; no text cell has the same colour as its background."""
    from tests.scenarios import wait_until
    from tests.snapshot_apps.diff_view_app import DiffViewApp

    app = DiffViewApp(theme="warden-ansi")
    async with app.run_test(size=(100, 32)) as pilot:
        from widgets.diff_view import DiffView

        view = app.query_one(DiffView)
        await wait_until(pilot, lambda: len(view.hunk_widgets()) >= 2, what="hunks")
        focused, rejected = view.hunk_widgets()[:2]
        focused.focus()
        rejected.add_class("-rejected")
        await pilot.pause()
        strips = app.screen._compositor.render_strips()
        rows = {hunk: hunk.region.y for hunk in (focused, rejected)}
        for hunk, y in rows.items():
            for segment in strips[y + 1]:          # the first line under the @@ header
                style = segment.style
                if segment.text.strip() and style is not None and style.bgcolor is not None:
                    assert style.color != style.bgcolor, (hunk.has_class("-rejected"), segment)
        assert any("strike" in str(s.style) for s in strips[rows[rejected] + 1])
