"""Issue 11 (a first step): tool lists and directories on the command line as Claude Code
reads them.

A reviewer should see comma- and space-separated ``--allowedTools``/``--disallowedTools``
lists split outside parentheses only, and ``--add-dir a b`` giving two directories.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import build_parser, make_config
from tui.settings.model import split_tool_list


@pytest.mark.parametrize(("values", "rules"), [
    (["Bash(git:*),Read"], ("Bash(git:*)", "Read")),
    (["Edit Write"], ("Edit", "Write")),
    (["Bash(git log --format=%H,%s)"], ("Bash(git log --format=%H,%s)",)),
    (["Bash(npm run test:*)", "WebFetch(domain:example.com)"],
     ("Bash(npm run test:*)", "WebFetch(domain:example.com)")),
    (["Read, Grep ,,Glob"], ("Read", "Grep", "Glob")),
    (["Bash(ls"], ("Bash(ls",)),
])
def test_tool_lists_split_outside_parentheses(values: list[str], rules: tuple) -> None:
    assert split_tool_list(values) == rules


def test_the_command_line_gives_the_session_every_rule_and_directory(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    args = build_parser().parse_args([
        "--cwd", str(tmp_path), "--allowedTools", "Bash(git:*),Read", "Edit",
        "--disallowedTools", "Bash(rm:*) WebFetch", "--add-dir", str(tmp_path / "a"),
        str(tmp_path / "b")])
    config = make_config(args)
    config = config[0] if isinstance(config, tuple) else config
    assert config.cli_settings.allowed_tools == ("Bash(git:*)", "Read", "Edit")
    assert config.cli_settings.disallowed_tools == ("Bash(rm:*)", "WebFetch")
    assert config.additional_dirs == ((tmp_path / "a").resolve(), (tmp_path / "b").resolve())


def test_claude_config_dir_is_honoured_beside_warden_config_dir(tmp_path: Path) -> None:
    """``CLAUDE_CONFIG_DIR`` moves the user directory as in Claude Code; Warden's own variable
    wins when both are set."""
    from tui.settings.paths import user_dir

    assert user_dir({"HOME": str(tmp_path)}) == tmp_path / ".claude"
    assert user_dir({"HOME": str(tmp_path), "CLAUDE_CONFIG_DIR": "/c"}) == Path("/c")
    assert user_dir({"CLAUDE_CONFIG_DIR": "/c", "WARDEN_CONFIG_DIR": "/w"}) == Path("/w")


@pytest.mark.parametrize(("platform", "where"), [
    ("linux", "/etc/claude-code"), ("darwin", "/Library/Application Support/ClaudeCode"),
    ("win32", "C:\\Program Files\\ClaudeCode"), ("freebsd14", "/etc/claude-code"),
])
def test_managed_settings_live_where_claude_code_reads_them(platform: str, where: str) -> None:
    from tui.settings.paths import managed_dir

    assert managed_dir({}, platform=platform) == Path(where)
    assert managed_dir({"WARDEN_MANAGED_DIR": "/m"}, platform=platform) == Path("/m")
