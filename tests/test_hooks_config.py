"""Hook configuration (REF §8.1, §8.5): matchers, ``if``, dedupe, disabling, malformed entries.

Settings are real files in tmp_path loaded by Warden's own loader, so every handler keeps the
file it came from.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_hooks_support import hooks_of, settings_in
from tui.hooks import HookSet, Matcher
from tui.settings.model import SettingsSource


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project"
    path.mkdir()
    return path


# -- matchers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("matcher", "tool", "hit"), [
    ("*", "Bash", True), ("", "Edit", True),
    ("Bash", "Bash", True), ("Bash", "BashOutput", False),
    ("Edit|Write", "Write", True), ("Edit|Write", "NotebookEdit", False),
    ("Edit, Write", "Edit", True), ("Edit, Write", "Read", False),
    ("Edit.*", "NotebookEdit", True),          # unanchored regex, as REF §8.1 warns
    ("^Edit$", "NotebookEdit", False), ("^Edit$", "Edit", True),
    ("mcp__memory__.*", "mcp__memory__create", True),
    ("mcp__memory", "mcp__memory__create", False),  # a bare name is exact
])
def test_matcher_syntax(matcher: str, tool: str, hit: bool) -> None:
    assert Matcher.compile(matcher).matches(tool) is hit


def test_invalid_regex_matches_nothing_and_is_reported(project: Path) -> None:
    settings = settings_in(project, user=hooks_of("PreToolUse", "true", matcher="Bash(("))
    hooks = HookSet.from_settings(settings)
    assert hooks.matching("PreToolUse", "Bash") == []
    assert hooks.matching("PreToolUse", "Bash((") == []
    (problem,) = hooks.problems
    assert problem.key == "hooks.PreToolUse[0].matcher"
    assert "invalid regular expression" in problem.message
    assert str(problem).startswith("user settings (")
    assert hooks.handlers[0].disabled is not None


def test_omitted_matcher_matches_every_tool(project: Path) -> None:
    hooks = HookSet.from_settings(settings_in(project, user=hooks_of("PostToolUse", "true")))
    assert len(hooks.matching("PostToolUse", "Anything")) == 1


def test_matcher_is_ignored_for_events_without_one(project: Path) -> None:
    hooks = HookSet.from_settings(settings_in(
        project, user=hooks_of("UserPromptSubmit", "true", matcher="Bash")))
    assert len(hooks.matching("UserPromptSubmit", None)) == 1
    assert any(p.severity == "warning" and "ignored" in p.message for p in hooks.problems)


def test_session_start_matcher_filters_the_source(project: Path) -> None:
    hooks = HookSet.from_settings(settings_in(
        project, user=hooks_of("SessionStart", "true", matcher="startup|resume")))
    assert hooks.matching("SessionStart", "startup")
    assert not hooks.matching("SessionStart", "clear")


# -- handlers ---------------------------------------------------------------------------------


def test_handler_fields_defaults_and_source(project: Path) -> None:
    settings = settings_in(project, project_data={"hooks": {
        "PreToolUse": [{"matcher": "Bash", "hooks": [
            {"type": "command", "command": "./gate.sh", "timeout": 5, "failClosed": True,
             "if": "Bash(git *)"},
            {"type": "command", "command": "./log.sh"}]}],
        "UserPromptSubmit": [{"hooks": [{"type": "command", "command": "./ups.sh"}]}],
    }})
    hooks = HookSet.from_settings(settings)
    gate, log, ups = hooks.handlers
    assert (gate.event, gate.matcher.text, gate.command, gate.timeout, gate.fail_closed,
            gate.if_rule) == ("PreToolUse", "Bash", "./gate.sh", 5.0, True, "Bash(git *)")
    assert gate.source.scope == "project"
    assert gate.source.path == project / ".claude" / "settings.json"
    assert gate.key == "hooks.PreToolUse[0].hooks[0]"
    assert (log.timeout, log.fail_closed, log.if_rule) == (600.0, False, None)
    assert ups.timeout == 30.0      # UserPromptSubmit's own default (REF §8.1)
    assert hooks.problems == ()


def test_identical_handlers_in_several_files_run_once(project: Path) -> None:
    same = hooks_of("PreToolUse", "./gate.sh", matcher="Bash")
    strict = hooks_of("PreToolUse", "./gate.sh", matcher="Bash|Edit", failClosed=True)
    settings = settings_in(project, user=same, project_data=same, local=strict)
    hooks = HookSet.from_settings(settings)
    assert len(hooks.handlers) == 3
    (once,) = hooks.matching("PreToolUse", "Bash")
    assert once.source.scope == "local"     # the highest scope's copy is kept
    assert once.fail_closed                 # ... and it fails closed if any copy does


def test_dedupe_happens_after_if(project: Path) -> None:
    gated = hooks_of("PreToolUse", "./gate.sh", matcher="Bash", **{"if": "Bash(git push *)"})
    settings = settings_in(project, local=gated, user=hooks_of("PreToolUse", "./gate.sh"))
    hooks = HookSet.from_settings(settings)
    (kept,) = hooks.matching("PreToolUse", "Bash", lambda rule: False)
    assert kept.source.scope == "user", "the copy whose if fails does not hide the other"
    (first,) = hooks.matching("PreToolUse", "Bash", lambda rule: True)
    assert first.source.scope == "local"


def test_other_handler_types_are_reported_and_skipped(project: Path) -> None:
    settings = settings_in(project, user={"hooks": {"PreToolUse": [{"hooks": [
        {"type": "http", "url": "https://hooks.example/x"},
        {"type": "prompt", "prompt": "is this safe?"},
        {"type": "command", "command": "true"},
    ]}]}})
    hooks = HookSet.from_settings(settings)
    assert [h.command for h in hooks.handlers] == ["true"]
    messages = [str(p) for p in hooks.problems]
    assert any("'http' hooks are not supported" in m and "settings.json" in m
               for m in messages)
    assert any("hooks[1].type" in m and "'prompt'" in m for m in messages)


@pytest.mark.parametrize(("hooks_value", "key"), [
    (["not", "an", "object"], "hooks"),
    ({"PreToolUse": {"matcher": "Bash"}}, "hooks.PreToolUse"),
    ({"PreToolUse": ["Bash"]}, "hooks.PreToolUse[0]"),
    ({"PreToolUse": [{"matcher": 3, "hooks": []}]}, "hooks.PreToolUse[0].matcher"),
    ({"PreToolUse": [{"matcher": "Bash", "hooks": "echo"}]}, "hooks.PreToolUse[0].hooks"),
    ({"PreToolUse": [{"hooks": [{"type": "command"}]}]}, "hooks.PreToolUse[0].hooks[0].command"),
    ({"PreToolUse": [{"hooks": [{"type": "command", "command": "x", "timeout": "soon"}]}]},
     "hooks.PreToolUse[0].hooks[0].timeout"),
    ({"PreToolUse": [{"hooks": [{"type": "command", "command": "x", "args": "-v"}]}]},
     "hooks.PreToolUse[0].hooks[0].args"),
    ({"PreToolUse": [{"hooks": [{"type": "command", "command": "x", "if": 7}]}]},
     "hooks.PreToolUse[0].hooks[0].if"),
    ({"PreToolUse": [{"hooks": [{"type": "command", "command": "x", "failClosed": "yes"}]}]},
     "hooks.PreToolUse[0].hooks[0].failClosed"),
    ({"Notification": [{"hooks": [{"type": "command", "command": "x"}]}]},
     "hooks.Notification"),
    ({"PreToolUes": []}, "hooks.PreToolUes"),
])
def test_malformed_entries_become_problems_naming_file_and_key(
        project: Path, hooks_value: object, key: str) -> None:
    settings = settings_in(project, user={"hooks": hooks_value})
    hooks = HookSet.from_settings(settings)
    assert any(p.key == key for p in hooks.problems), [str(p) for p in hooks.problems]
    assert all(str(p.source.path).endswith("settings.json") for p in hooks.problems)


def test_invalid_fail_closed_counts_as_true(project: Path) -> None:
    hooks = HookSet.from_settings(settings_in(
        project, user=hooks_of("PreToolUse", "x", failClosed="yes")))
    assert hooks.handlers[0].fail_closed is True


def test_if_on_an_event_without_tools_never_runs(project: Path) -> None:
    hooks = HookSet.from_settings(settings_in(
        project, user=hooks_of("Stop", "x", **{"if": "Bash(git *)"})))
    assert hooks.handlers[0].disabled is not None
    assert not hooks.has("Stop")


# -- disableAllHooks and allowManagedHooksOnly (REF §8.5) ------------------------------------


def _everywhere(project: Path, **extra: dict) -> dict:
    return {
        "managed": {**hooks_of("PreToolUse", "./managed.sh"), **extra.get("managed", {})},
        "user": {**hooks_of("PreToolUse", "./user.sh"), **extra.get("user", {})},
        "project_data": {**hooks_of("PreToolUse", "./project.sh"),
                         **extra.get("project_data", {})},
        "local": {**hooks_of("PreToolUse", "./local.sh"), **extra.get("local", {})},
    }


def _running(hooks: HookSet) -> list[str]:
    return sorted(h.command for h in hooks.matching("PreToolUse", "Bash"))


def test_every_scope_runs_by_default(project: Path) -> None:
    hooks = HookSet.from_settings(settings_in(project, **_everywhere(project)))
    assert _running(hooks) == ["./local.sh", "./managed.sh", "./project.sh", "./user.sh"]
    assert {h.source.scope for h in hooks.handlers} == {"managed", "user", "project", "local"}


def test_disable_all_hooks_from_managed_turns_everything_off(project: Path) -> None:
    files = _everywhere(project, managed={"disableAllHooks": True})
    hooks = HookSet.from_settings(settings_in(project, **files))
    assert _running(hooks) == []
    assert hooks.disabled_all is not None and "managed settings" in hooks.disabled_all
    assert all(h.disabled for h in hooks.handlers)


@pytest.mark.parametrize("scope", ["user", "project_data", "local"])
def test_disable_all_hooks_from_another_scope_keeps_managed_hooks(project: Path,
                                                                  scope: str) -> None:
    files = _everywhere(project, **{scope: {"disableAllHooks": True}})
    hooks = HookSet.from_settings(settings_in(project, **files))
    assert _running(hooks) == ["./managed.sh"]
    assert hooks.disabled_non_managed is not None


def test_disable_all_hooks_from_the_command_line(project: Path) -> None:
    files = _everywhere(project)
    hooks = HookSet.from_settings(settings_in(project, cli='{"disableAllHooks": true}', **files))
    assert _running(hooks) == ["./managed.sh"]
    assert "command-line" in (hooks.disabled_non_managed or "") or \
        "command line" in (hooks.disabled_non_managed or "")


def test_disable_all_hooks_follows_ordinary_precedence(project: Path) -> None:
    # local says false, user says true: local is higher, so hooks run.
    files = _everywhere(project, user={"disableAllHooks": True},
                        local={"disableAllHooks": False})
    hooks = HookSet.from_settings(settings_in(project, **files))
    assert len(_running(hooks)) == 4


def test_allow_managed_hooks_only(project: Path) -> None:
    files = _everywhere(project, managed={"allowManagedHooksOnly": True})
    hooks = HookSet.from_settings(settings_in(project, **files))
    assert _running(hooks) == ["./managed.sh"]
    assert "allowManagedHooksOnly" in (hooks.disabled_non_managed or "")
    user = next(h for h in hooks.handlers if h.source.scope == "user")
    assert "allowManagedHooksOnly" in (user.disabled or "")


def test_allow_managed_hooks_only_with_an_invalid_value_counts_as_true(project: Path) -> None:
    files = _everywhere(project, managed={"allowManagedHooksOnly": "yes please"})
    hooks = HookSet.from_settings(settings_in(project, **files))
    assert _running(hooks) == ["./managed.sh"]
    assert any(p.key == "allowManagedHooksOnly" for p in hooks.problems)


def test_allow_managed_hooks_only_outside_managed_has_no_effect(project: Path) -> None:
    files = _everywhere(project, user={"allowManagedHooksOnly": True})
    hooks = HookSet.from_settings(settings_in(project, **files))
    assert len(_running(hooks)) == 4


def test_untrusted_workspace_hooks_are_held_back(project: Path) -> None:
    files = _everywhere(project)
    hooks = HookSet.from_settings(settings_in(project, trusted=False, **files))
    assert _running(hooks) == ["./local.sh", "./managed.sh", "./user.sh"]
    assert hooks.held_back and "hooks (1)" in hooks.held_back[0]


def test_from_files_without_settings() -> None:
    source = SettingsSource("user", Path("/u/settings.json"))
    hooks = HookSet.from_files([(source, hooks_of("Stop", "true")), (source, None)], {})
    assert hooks.has("Stop") and not hooks.has("PreToolUse")


def test_the_hooks_package_never_imports_textual() -> None:
    import subprocess
    import sys

    code = ("import sys, tui.hooks.config, tui.hooks.runner, tui.hooks.protocol, "
            "tui.hooks.calls, tui.hooks.gate, tui.hooks.condition, tui.agent.hook_steps; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"
