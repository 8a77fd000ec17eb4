"""Snapshot app: the ``/hooks`` panel over an empty screen, with a fixed hook configuration.

What a reviewer should see in the SVG (110x46, theme ``warden-dark``): a bordered panel titled
"Hooks"; the summary "4 of 5 hooks run" with an amber "!" line "Held back (untrusted
workspace): …" naming /work/project/.claude/settings.json; a "PreToolUse" section (accent
colour) listing, in scope order, the managed Bash gate (timeout 30 s, a bold amber
"failClosed", from managed settings /etc/claude-code/managed-settings.json), the local hook
whose matcher ``Bash((`` is invalid with a red "disabled:" line, and the user's git-commit check
with ``if Bash(git commit *)``; a "PostToolUse" section with the formatter (matcher
Edit|Write, timeout 600 s); a "UserPromptSubmit" section (no matcher, timeout 30 s) whose
command shows ``[bold]literal[/bold]`` verbatim (markup off); and a red "Problems" section with
a "✗" before the invalid matcher and before the unsupported 'http' hook, each naming its file
and key.  The footer shows "esc Close".
"""

from __future__ import annotations

from pathlib import Path

from tests.snapshot_apps.themed import ThemedApp
from tui.hooks import HookSet
from tui.screens.hooks import HooksScreen
from tui.settings.model import SettingsSource

MANAGED = SettingsSource("managed", Path("/etc/claude-code/managed-settings.json"))
USER = SettingsSource("user", Path("/home/dev/.claude/settings.json"))
LOCAL = SettingsSource("local", Path("/work/project/.claude/settings.local.json"))


def sample_hooks() -> HookSet:
    """The fixed configuration the snapshot shows."""
    managed = {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": "/opt/policy/bash-gate.sh", "timeout": 30,
         "failClosed": True}]}]}}
    user = {"hooks": {
        "PreToolUse": [{"matcher": "Bash", "hooks": [
            {"type": "command", "command": "~/.claude/hooks/check-commit.sh",
             "if": "Bash(git commit *)"}]}],
        "PostToolUse": [{"matcher": "Edit|Write", "hooks": [
            {"type": "command", "command": "jq -r .tool_input.file_path | xargs ruff format"},
            {"type": "http", "url": "https://hooks.example/post"}]}],
        "UserPromptSubmit": [{"hooks": [
            {"type": "command", "command": "echo '[bold]literal[/bold]'"}]}],
    }}
    local = {"hooks": {"PreToolUse": [{"matcher": "Bash((", "hooks": [
        {"type": "command", "command": "./.claude/hooks/broken.sh"}]}]}}
    held = (("/work/project/.claude/settings.json: this workspace is not trusted, so this file "
             "contributes only what restricts; held back: hooks (2)"),)
    return HookSet.from_files([(MANAGED, managed), (LOCAL, local), (USER, user)], {},
                              held_back=held)


class HooksApp(ThemedApp):
    """Pushes the ``/hooks`` panel with :func:`sample_hooks`."""

    def on_mount(self) -> None:
        self.push_screen(HooksScreen(sample_hooks()))
