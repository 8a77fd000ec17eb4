"""``/permissions`` in the running app: rules by tab, edits written back, live reload from disk,
an invalid file's error, the test box, "allow this next time", and opening it mid-turn."""

from __future__ import annotations

import json
import os
from pathlib import Path

from textual.pilot import Pilot

from tests.scenarios import DemoRun, answer, to_pending_command, wait_until
from tui.screens.permissions import PermissionsScreen

SIZE = (140, 42)


async def open_permissions(pilot: Pilot, run: DemoRun) -> PermissionsScreen:
    """Wait for the session, type /permissions in the prompt, return the editor."""
    screen = run.app.main_screen
    await wait_until(pilot, lambda: screen.session.ready, what="connect")
    screen.prompt.value = ""
    screen.prompt.focus()
    await pilot.press(*"/permissions", "enter")
    await wait_until(pilot, lambda: isinstance(run.app.screen, PermissionsScreen),
                     what="the /permissions editor")
    editor = run.app.screen
    assert isinstance(editor, PermissionsScreen)
    await pilot.pause()
    return editor


def texts(editor: PermissionsScreen, behavior: str) -> list[tuple[str, str]]:
    """(rule, scope) of each row of one tab."""
    return [(r.text, r.scope) for r in editor.table(behavior).rows_shown]


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))


async def test_add_a_rule_in_a_chosen_scope(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    write_json(run.cwd / ".claude" / "settings.json", {"model": "x", "permissions": {}})
    try:
        async with run.app.run_test(size=SIZE) as pilot:
            editor = await open_permissions(pilot, run)
            await pilot.press("a")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "RuleDialog",
                             what="the rule dialog")
            await pilot.press(*"Bash(make test)", "enter")  # local scope by default
            await wait_until(pilot, lambda: ("Bash(make test)", "local") in texts(editor, "allow"),
                             what="the new rule in the table")
            local = json.loads((run.cwd / ".claude" / "settings.local.json").read_text())
            assert local["permissions"]["allow"] == ["Bash(make test)"]
            await pilot.press("a")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "RuleDialog",
                             what="the rule dialog")
            await pilot.press(*"Bash(make lint)", "tab", "down", "enter", "shift+tab", "enter")
            await wait_until(pilot, lambda: ("Bash(make lint)", "project") in
                             texts(editor, "allow"), what="the project rule")
            project = json.loads((run.cwd / ".claude" / "settings.json").read_text())
            assert project == {"model": "x", "permissions": {"allow": ["Bash(make lint)"]}}
            assert "Allow (2)" in str(editor.tabs.get_tab("tab-allow").label)
            # The policy in force changed too: the next call is decided with the new rule.
            assert any(r.text == "Bash(make lint)" for r in
                       run.app.main_screen.session.perm_ctx.policy.allow)
    finally:
        run.close()


async def test_edit_move_delete_and_the_managed_lock(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    write_json(run.cwd / ".claude" / "settings.json", {"permissions": {"deny": ["Bash(rm *)"]}})
    managed = Path(os.environ["WARDEN_MANAGED_DIR"]) / "managed-settings.json"
    write_json(managed, {"permissions": {"deny": ["Read(./secrets/**)"]}})
    try:
        async with run.app.run_test(size=SIZE) as pilot:
            editor = await open_permissions(pilot, run)
            editor.tabs.active = "tab-deny"
            await pilot.pause()
            table = editor.table("deny")
            table.focus()
            assert texts(editor, "deny") == [("Read(./secrets/**)", "managed"),
                                             ("Bash(rm *)", "project")]
            assert "🔒" in str(table.get_row_at(0)[0])
            await pilot.press("d")  # on the managed rule: refused, nothing asked
            await pilot.pause()
            assert isinstance(run.app.screen, PermissionsScreen)
            assert any("read-only" in str(n.message) for n in run.app._notifications)
            await pilot.press("down", "e")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "RuleDialog",
                             what="the edit dialog")
            await pilot.press(*["backspace"] * 2, *"-rf *)", "enter")
            await wait_until(pilot, lambda: ("Bash(rm -rf *)", "project") in
                             texts(editor, "deny"), what="the edited rule")
            await pilot.press("m")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "ScopeDialog",
                             what="the scope dialog")
            await pilot.press("down", "enter")  # local, project → user
            await wait_until(pilot, lambda: ("Bash(rm -rf *)", "user") in texts(editor, "deny"),
                             what="the moved rule")
            user = Path(os.environ["WARDEN_CONFIG_DIR"]) / "settings.json"
            assert json.loads(user.read_text())["permissions"]["deny"] == ["Bash(rm -rf *)"]
            project = json.loads((run.cwd / ".claude" / "settings.json").read_text())
            assert project["permissions"]["deny"] == []
            await pilot.press("d")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "ConfirmDialog",
                             what="the confirmation")
            await pilot.press("y")
            await wait_until(pilot, lambda: len(texts(editor, "deny")) == 1, what="deleted")
            assert json.loads(user.read_text())["permissions"]["deny"] == []
    finally:
        run.close()


async def test_files_edited_on_disk_reload_in_place_and_errors_show(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=SIZE) as pilot:
            editor = await open_permissions(pilot, run)
            user = Path(os.environ["WARDEN_CONFIG_DIR"]) / "settings.json"
            write_json(user, {"permissions": {"ask": ["Bash(git push *)"]}})
            await wait_until(pilot, lambda: ("Bash(git push *)", "user") in texts(editor, "ask"),
                             what="the rule written on disk")
            errors = editor.query_one("#perm-errors")
            assert errors.has_class("-hidden")
            project = run.cwd / ".claude" / "settings.json"
            project.parent.mkdir(exist_ok=True)
            project.write_text('{\n  "permissions": {"allow": ["Read"],}\n}\n')
            await wait_until(pilot, lambda: not errors.has_class("-hidden"), what="the error")
            shown = str(errors.render())
            assert f"{project}:2:" in shown and "trailing comma" in shown
            assert run.app.screen is editor  # the screen stays
            project.write_text('{"permissions": {"allow": ["Read"]}}\n')
            await wait_until(pilot, lambda: errors.has_class("-hidden"), what="fixed")
            assert ("Read", "project") in texts(editor, "allow")
    finally:
        run.close()


async def test_the_test_box_shows_the_decision_and_the_rule_as_you_type(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    write_json(run.cwd / ".claude" / "settings.json",
               {"permissions": {"deny": ["Bash(rm -rf *)"]}})
    try:
        async with run.app.run_test(size=SIZE) as pilot:
            editor = await open_permissions(pilot, run)
            await pilot.press("t", *"rm -rf build")
            await wait_until(pilot, lambda: editor.trace.result is not None
                             and editor.trace.result.tool_input == {"command": "rm -rf build"},
                             what="the trace")
            decision = editor.trace.result.decision  # type: ignore[union-attr]
            assert decision is not None and decision.behavior == "deny"
            shown = str(editor.trace.render())
            assert "DENY" in shown and "Bash(rm -rf *)" in shown and "project settings" in shown
            await pilot.press(*["backspace"] * len("rm -rf build"), *"ls")
            await wait_until(pilot, lambda: editor.trace.result is not None
                             and editor.trace.result.decision is not None
                             and editor.trace.result.decision.behavior == "allow",
                             what="ls allowed")
    finally:
        run.close()


async def test_allow_a_recently_denied_call_next_time(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=SIZE) as pilot:
            screen = run.app.main_screen
            await to_pending_command(pilot)
            card = screen.queue.cards[0]
            suggested = card.request.suggested_rules
            assert suggested
            await answer(pilot, "n")  # deny: stops the turn
            await wait_until(pilot, lambda: not screen.turn_running, what="turn end")
            editor = await open_permissions(pilot, run)
            await pilot.press("r")
            recent = editor.recent
            assert recent.current_call is not None
            assert recent.current_call.label == "asked, denied by you"
            await pilot.press("enter")  # try it in the test box
            await wait_until(pilot, lambda: editor.trace.result is not None
                             and editor.trace.result.decision is not None, what="its trace")
            assert editor.test_input.value == card.request.call.command
            assert editor.trace.result.decision.behavior == "ask"  # type: ignore[union-attr]
            await pilot.press("A")  # the focus stayed on the recent calls
            local = run.cwd / ".claude" / "settings.local.json"
            await wait_until(pilot, lambda: local.exists(), what="the local settings file")
            assert json.loads(local.read_text())["permissions"]["allow"] == list(suggested)
            await wait_until(pilot, lambda: all((r, "local") in texts(editor, "allow")
                                                for r in suggested), what="the rule listed")
    finally:
        run.close()


async def test_opened_mid_turn_a_new_rule_applies_to_the_next_call(tmp_path: Path) -> None:
    """While the curl card waits, add Bash(python -m pytest *): later in the same turn the
    demo's pytest run needs no approval."""
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=SIZE) as pilot:
            screen = run.app.main_screen
            await to_pending_command(pilot)
            assert screen.turn_running
            await open_permissions(pilot, run)
            await pilot.press("a")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "RuleDialog",
                             what="the rule dialog")
            await pilot.press(*"Bash(python -m pytest *)", "enter")
            await wait_until(pilot, lambda: isinstance(run.app.screen, PermissionsScreen),
                             what="the dialog closed")
            await pilot.press("escape")
            await wait_until(pilot, lambda: run.app.screen is screen, what="back to the chat")
            screen.queue.cards[0].focus()
            await answer(pilot, "N", reason="no")
            await wait_until(pilot, lambda: len(screen.queue.cards) == 2, what="edits")
            await answer(pilot, "y")
            await wait_until(pilot, lambda: len(screen.queue.cards) == 1, what="one edit")
            await answer(pilot, "y")
            await wait_until(pilot, lambda: not screen.turn_running, timeout=60, what="turn end")
            result = run.server.requests[-1]["messages"][-1]["content"][0]
            assert "passed" in result["content"], result
    finally:
        run.close()


async def test_add_and_remove_a_working_directory_on_the_workspace_tab(tmp_path: Path) -> None:
    """w adds ../docs to the local settings: it is in the file, the header, the Workspace tab
    and the session's working directories; d on the managed entry is refused, d on ours (after
    y) removes it everywhere."""
    run = DemoRun(tmp_path / "statskit")
    docs, shared = tmp_path / "docs", tmp_path / "shared"
    docs.mkdir()
    shared.mkdir()
    managed = Path(os.environ["WARDEN_MANAGED_DIR"]) / "managed-settings.json"
    write_json(managed, {"permissions": {"additionalDirectories": [str(shared)]}})
    local = run.cwd / ".claude" / "settings.local.json"
    try:
        async with run.app.run_test(size=SIZE) as pilot:
            editor = await open_permissions(pilot, run)
            session = run.app.main_screen.session
            await pilot.press("w")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "DirectoryDialog",
                             what="the directory dialog")
            dialog = run.app.screen
            await pilot.press(*"../missing")
            preview = dialog.query_one("#dir-preview")
            await wait_until(pilot, lambda: "does not exist" in str(preview.render()),
                             what="the missing directory refused as you type")
            await pilot.press("enter")  # refused: the dialog stays
            await pilot.pause()
            assert run.app.screen is dialog and not local.exists()
            await pilot.press(*["backspace"] * len("missing"), *"docs")
            await wait_until(pilot, lambda: f"→ {docs}" in str(preview.render()),
                             what="the resolved path")
            await pilot.press("enter")  # local scope by default
            await wait_until(pilot, lambda: any(r.path == docs for r in
                                                editor.directories.rows_shown),
                             what="the directory in the table")
            assert json.loads(local.read_text())["permissions"]["additionalDirectories"] == \
                ["../docs"]
            assert editor.tabs.active == "tab-workspace"
            assert "Workspace (2)" in str(editor.tabs.get_tab("tab-workspace").label)
            assert f"{docs} (local settings" in str(editor.query_one("#perm-header").render())
            assert docs in session.perm_ctx.working_dirs
            assert docs in session.agent.tool_ctx.additional_dirs

            table = editor.directories
            table.focus()
            assert [(r.path, r.scope) for r in table.rows_shown] == [(shared, "managed"),
                                                                     (docs, "local")]
            assert "🔒" in str(table.get_row_at(0)[0])
            await pilot.press("d")  # the managed entry: refused, nothing asked
            await pilot.pause()
            assert run.app.screen is editor
            assert any("administrator" in str(n.message) for n in run.app._notifications)
            await pilot.press("down", "d")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "ConfirmDialog",
                             what="the confirmation")
            await pilot.press("y")
            await wait_until(pilot, lambda: len(table.rows_shown) == 1, what="removed")
            assert json.loads(local.read_text())["permissions"]["additionalDirectories"] == []
            assert str(docs) not in str(editor.query_one("#perm-header").render())
            assert docs not in session.perm_ctx.working_dirs
            assert shared in session.perm_ctx.working_dirs
    finally:
        run.close()


async def test_an_allow_rule_saved_to_an_untrusted_project_says_it_waits(tmp_path: Path) -> None:
    """In a folder the user has not trusted, an allow rule added to the project file is written
    but does not apply (workspace trust); the editor says so instead of silently dropping it."""
    run = DemoRun(tmp_path / "statskit")
    run.config.trusted_project = False
    write_json(run.cwd / ".claude" / "settings.json", {"permissions": {}})
    try:
        async with run.app.run_test(size=SIZE) as pilot:
            editor = await open_permissions(pilot, run)
            await pilot.press("a")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "RuleDialog",
                             what="the rule dialog")
            await pilot.press(*"Bash(make lint)", "tab", "down", "enter", "shift+tab", "enter")
            await wait_until(pilot, lambda: any("not trusted" in str(n.message)
                                                for n in run.app._notifications),
                             what="the not-trusted notice")
            project = json.loads((run.cwd / ".claude" / "settings.json").read_text())
            assert project == {"permissions": {"allow": ["Bash(make lint)"]}}
            assert not any(r.text == "Bash(make lint)" for r in
                           run.app.main_screen.session.perm_ctx.policy.allow)
            assert ("Bash(make lint)", "project") not in texts(editor, "allow")
    finally:
        run.close()
