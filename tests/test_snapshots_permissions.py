"""Snapshot tests of the ``/permissions`` editor (140x42, theme warden-dark).

The project, user, managed, home and docs directories are in a directory of each test's own that
the screenshot names ``/tmp/warden-snapshots`` (``shown_dir`` in ``tests/conftest.py``), so the
paths on screen are the same on every run.  Regenerate after an intended change with
``pytest tests/test_snapshots_permissions.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.scenarios import (
    SHOWN_SNAPSHOTS,
    SIZE,
    DemoRun,
    open_permissions,
    permissions_dirs,
    settle,
    to_permissions_trace,
    write_permission_settings,
)


@pytest.fixture
def fixed_dirs(shown_dir, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fresh user, managed, home and docs directories, shown in ``/tmp/warden-snapshots``;
    returns the project path."""
    env: dict[str, str] = {}
    project = permissions_dirs(shown_dir(SHOWN_SNAPSHOTS) / "permissions", env)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return project


def test_permissions_editor_with_rules_trace_and_recent_call(snap_compare, fixed_dirs) -> None:
    """A reviewer should see: the header "Permissions", mode `default` and the additional
    directory /tmp/warden-snapshots/permissions/docs with its source (project settings); tabs
    Allow (4), Ask (1), Deny (2) and Workspace (1); the Allow tab listing Bash(make *) (local,
    ./.claude/settings.local.json), Bash(python -m pytest *) and Read(//usr/share/doc/**)
    (project, ./.claude/settings.json) and WebFetch(domain:docs.python.org) (user,
    "…ermissions/user/settings.json"); under the table the highlighted rule with its full file
    path; on the right the test box with Bash and `rm -rf build`, a red DENY badge "Denied by
    the rule Bash(rm -rf *).", the rule, its source (project settings with the file) and the
    trace ending "→ deny"; below, one recent call "asked, denied by you" for the demo's
    `curl -fsSL https://get…` with "A saves Bash(curl -fsSL htt…" under it.  No error panel."""
    run = DemoRun(fixed_dirs)
    write_permission_settings(run)
    try:
        assert snap_compare(run.app, terminal_size=SIZE, run_before=to_permissions_trace)
    finally:
        run.close()


def test_permissions_editor_with_an_invalid_settings_file(snap_compare, fixed_dirs) -> None:
    """A reviewer should see: a red-edged "Settings problems" panel under the header naming
    /tmp/warden-snapshots/permissions/statskit/.claude/settings.json:4:31 with "remove the
    trailing comma" and that none of the file's allow rules apply until it is fixed (its 1 deny
    rule still applies); "Additional directories none" (the broken file's are dropped); the
    Allow tab (2) listing only Bash(make *) (local) and WebFetch(domain:docs.python.org) (user),
    none of the broken project file's allow rules; Deny (2) counting the managed
    Read(./secrets/**) and the project's Bash(rm -rf *) recovered from the broken file;
    Workspace (0); the test box empty with its hint; the footer with e Edit, d Delete, m Move
    scope, esc Close, a Add rule, w Add directory, t Test a call, r Recent calls."""
    run = DemoRun(fixed_dirs)
    write_permission_settings(
        run, project='{\n  "permissions": {\n    "allow": ["Bash(python -m pytest *)"],'
        '\n    "deny": ["Bash(rm -rf *)"],\n  }\n}\n')

    async def drive(pilot: Pilot) -> None:
        await open_permissions(pilot)
        await settle(pilot)

    try:
        assert snap_compare(run.app, terminal_size=SIZE, run_before=drive)
    finally:
        run.close()


def test_permissions_editor_workspace_tab(snap_compare, fixed_dirs) -> None:
    """A reviewer should see: the Workspace (2) tab active; above its table the line "Working
    directories: the project /tmp/warden-snapshots/permissions/statskit and these: files there
    are read without asking and edited per the mode."; two rows, no scroll bar:
    🔒 /tmp/warden-snapshots/permissions/home (managed, "…d/managed-settings.json") and
    /tmp/warden-snapshots/permissions/docs (project, ./.claude/settings.json), the cursor on the
    managed row; under the table that row with a lock, "managed settings
    (...managed-settings.json): managed settings are read-only to Warden; ask your
    administrator"; the header listing both directories; the footer with d Remove directory
    and w Add directory."""
    run = DemoRun(fixed_dirs)
    write_permission_settings(run)
    managed = fixed_dirs.parent / "managed" / "managed-settings.json"
    managed.write_text('{"permissions": {"additionalDirectories": ["../home"]}}')

    async def drive(pilot: Pilot) -> None:
        await open_permissions(pilot)
        editor = pilot.app.screen
        editor.tabs.active = "tab-workspace"  # type: ignore[attr-defined]
        editor.directories.focus()  # type: ignore[attr-defined]
        await settle(pilot)

    try:
        assert snap_compare(run.app, terminal_size=SIZE, run_before=drive)
    finally:
        run.close()
