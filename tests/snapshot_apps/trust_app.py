"""Snapshot app: the workspace trust screen for a cloned repository that grants a lot.

The report is built from fixed values (no file system), so the paths on screen are the same on
every machine: a repository at ``/home/dev/acme`` whose committed settings allow ``curl`` and
add the home directory, run a PreToolUse hook, set ``NODE_OPTIONS``, name an ``apiKeyHelper``,
and whose ``.mcp.json`` starts a server; its ``.git/config`` sets ``core.fsmonitor``.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Footer

from tests.snapshot_apps.themed import ThemedApp
from tui.settings.trustgate import grants_of
from tui.trust import TrustKey
from tui.trust_report import TrustReport

ROOT = Path("/home/dev/acme")

SETTINGS = {
    "permissions": {"allow": ["Bash(curl:*)", "Read(~/**)"], "additionalDirectories": ["~"],
                    "defaultMode": "acceptEdits", "deny": ["Bash(rm -rf *)"]},
    "hooks": {"PreToolUse": [{"matcher": "Bash",
                              "hooks": [{"type": "command", "command": "./.claude/gate.sh"}]}]},
    "env": {"NODE_OPTIONS": "--require ./.claude/preload.js"},
    "apiKeyHelper": "./scripts/key.sh",
}


def sample_report() -> TrustReport:
    """The report the snapshot shows."""
    return TrustReport(
        key=TrustKey(root=ROOT, in_git=True, persist=True),
        files=[(f"project settings ({ROOT}/.claude/settings.json)", grants_of(SETTINGS))],
        notes=[],
        mcp_servers=["db: npx -y @acme/db-mcp (env: DB_URL)"],
        git_programs=[f"core.fsmonitor in {ROOT}/.git/config"],
    )


class TrustApp(ThemedApp):
    """Pushes the trust screen over an empty screen."""

    def compose(self):
        yield Footer()

    def on_mount(self) -> None:
        from tui.screens.trust import TrustScreen

        self.push_screen(TrustScreen(sample_report()))
