"""Loading settings: scopes, merge, fail closed, anchors, CLI layer (SPEC §1, REF §2.5, §4, §5)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tui.settings import (
    CliSettings,
    SettingsProblem,
    SettingsSource,
    load_settings,
)
from tui.settings.schema import SCHEMA_PATH


def user_dir() -> Path:
    return Path(os.environ["WARDEN_CONFIG_DIR"])


def managed_dir() -> Path:
    return Path(os.environ["WARDEN_MANAGED_DIR"])


def write(path: Path, content: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    return path


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    p = tmp_path / "proj"
    (p / ".claude").mkdir(parents=True)
    return p


def project_file(proj: Path, content: Any) -> Path:
    return write(proj / ".claude" / "settings.json", content)


def local_file(proj: Path, content: Any) -> Path:
    return write(proj / ".claude" / "settings.local.json", content)


def user_file(content: Any) -> Path:
    return write(user_dir() / "settings.json", content)


def managed_file(content: Any, name: str = "managed-settings.json") -> Path:
    return write(managed_dir() / name, content)


def rules(settings, behavior: str | None = None) -> list[tuple[str, str, str]]:
    return [(r.behavior, r.text, r.source.scope) for r in settings.rules
            if behavior is None or r.behavior == behavior]


def texts(settings, behavior: str) -> list[str]:
    return [r.text for r in settings.rules if r.behavior == behavior]


def only_problem(settings, code: str | None = None) -> SettingsProblem:
    found = [p for p in settings.problems if code is None or p.code == code]
    assert len(found) == 1, [str(p) for p in settings.problems]
    return found[0]


# ------------------------------------------------------------------ scopes and merge


def test_empty_world_loads_nothing(proj: Path) -> None:
    s = load_settings(proj)
    assert s.rules == () and s.problems == () and s.files == ()
    assert s.default_mode is None and not s.disable_bypass and not s.allow_managed_rules_only
    assert s.merged == {}


def test_scalars_come_from_the_highest_scope(proj: Path) -> None:
    user_file({"model": "user", "theme": "dark", "cleanupPeriodDays": 5})
    project_file(proj, {"model": "project", "theme": "light"})
    local_file(proj, {"model": "local"})
    s = load_settings(proj)
    assert s.merged["model"] == "local"
    assert s.merged["theme"] == "light"
    assert s.merged["cleanupPeriodDays"] == 5
    s = load_settings(proj, cli=CliSettings(settings='{"model": "cli"}'))
    assert s.merged["model"] == "cli"
    managed_file({"model": "managed"})
    s = load_settings(proj, cli=CliSettings(settings='{"model": "cli"}'))
    assert s.merged["model"] == "managed"
    assert [f.source.scope for f in s.files] == [
        "managed", "command line", "local", "project", "user"]


def test_arrays_concatenate_and_deduplicate_across_scopes(proj: Path) -> None:
    user_file({"permissions": {"allow": ["Read", "Bash(ls *)"], "deny": ["Read(.env)"]},
               "sandbox": {"excludedCommands": ["docker", "git"]}})
    project_file(proj, {"permissions": {"allow": ["Bash(ls *)", "Edit"], "deny": ["Read(.env)"]},
                        "sandbox": {"excludedCommands": ["git", "make"]}})
    local_file(proj, {"permissions": {"allow": ["Edit", "Edit"]}})
    s = load_settings(proj)
    assert rules(s, "allow") == [
        ("allow", "Edit", "local"),
        ("allow", "Bash(ls *)", "project"), ("allow", "Edit", "project"),
        ("allow", "Read", "user"), ("allow", "Bash(ls *)", "user"),
    ]
    assert rules(s, "deny") == [("deny", "Read(.env)", "project"), ("deny", "Read(.env)", "user")]
    assert s.merged["sandbox"]["excludedCommands"] == ["git", "make", "docker"]
    assert s.merged["permissions"]["allow"] == ["Edit", "Bash(ls *)", "Read"]
    assert s.merged["permissions"]["deny"] == ["Read(.env)"]


def test_objects_merge_key_by_key_recursively(proj: Path) -> None:
    user_file({"env": {"A": "user", "B": "user"},
               "sandbox": {"enabled": False, "network": {"allowedDomains": ["a.com"],
                                                         "httpProxyPort": 8080}}})
    project_file(proj, {"env": {"B": "project", "C": "project"},
                        "sandbox": {"enabled": True, "network": {"allowedDomains": ["b.com"]}}})
    s = load_settings(proj)
    assert s.merged["env"] == {"B": "project", "C": "project", "A": "user"}
    assert s.merged["sandbox"] == {
        "enabled": True, "network": {"allowedDomains": ["b.com", "a.com"], "httpProxyPort": 8080}}


def test_whole_value_keys_are_not_merged(proj: Path) -> None:
    user_file({"availableModels": ["a", "b"],
               "extraKnownMarketplaces": {"m": {"source": {"source": "github", "repo": "u/x"}}}})
    project_file(proj, {"availableModels": ["c"],
                        "extraKnownMarketplaces": {"m": {"source": {"source": "git",
                                                                    "url": "p.git"}}}})
    s = load_settings(proj)
    assert s.merged["availableModels"] == ["c"]
    assert s.merged["extraKnownMarketplaces"]["m"] == {"source": {"source": "git",
                                                                  "url": "p.git"}}


def test_managed_dropins_merge_alphabetically_later_file_wins(proj: Path) -> None:
    managed_file({"model": "base", "permissions": {"deny": ["Bash(rm *)"]}})
    managed_file({"model": "twenty", "permissions": {"deny": ["WebFetch"]}},
                 "managed-settings.d/20-b.json")
    managed_file({"model": "ten", "permissions": {"deny": ["Bash(curl *)"]}},
                 "managed-settings.d/10-a.json")
    managed_file({"model": "hidden", "permissions": {"deny": ["Hidden"]}},
                 "managed-settings.d/.99-hidden.json")
    managed_file({"model": "text"}, "managed-settings.d/30-notes.txt")
    s = load_settings(proj)
    assert [f.source.path.name for f in s.files] == [
        "managed-settings.json", "10-a.json", "20-b.json"]
    assert s.merged["model"] == "twenty"
    assert texts(s, "deny") == ["Bash(rm *)", "Bash(curl *)", "WebFetch"]
    assert all(r.anchor == managed_dir() for r in s.rules)


def test_managed_only_keys_are_ignored_elsewhere(proj: Path) -> None:
    project_file(proj, {"allowManagedPermissionRulesOnly": True,
                        "sandbox": {"bwrapPath": "/evil/bwrap", "enabled": True},
                        "permissions": {"allow": ["Read"]}})
    user_file({"skipDangerousModePermissionPrompt": True, "autoMode": {"allow": ["x"]}})
    s = load_settings(proj)
    assert not s.allow_managed_rules_only
    assert "allowManagedPermissionRulesOnly" not in s.merged
    assert s.merged["sandbox"] == {"enabled": True}
    assert s.merged["skipDangerousModePermissionPrompt"] is True  # user may set it
    assert s.merged["autoMode"] == {"allow": ["x"]}
    scope_problems = [p for p in s.problems if p.code == "scope"]
    assert {p.key for p in scope_problems} == {"allowManagedPermissionRulesOnly",
                                                "sandbox.bwrapPath"}
    assert all(p.severity == "warning" and p.line for p in scope_problems)
    assert texts(s, "allow") == ["Read"]  # the file's rules still apply
    managed_file({"sandbox": {"bwrapPath": "/usr/bin/bwrap"}})
    assert load_settings(proj).merged["sandbox"]["bwrapPath"] == "/usr/bin/bwrap"


def test_allow_managed_permission_rules_only(proj: Path) -> None:
    managed_file({"allowManagedPermissionRulesOnly": True,
                  "permissions": {"allow": ["Bash(npm test)"], "deny": ["WebFetch"]}})
    user_file({"permissions": {"allow": ["Bash(*)"], "deny": ["Read(~/.ssh/**)"],
                               "additionalDirectories": ["/tmp"]}})
    project_file(proj, {"permissions": {"ask": ["Edit"]}})
    cli = CliSettings(settings='{"permissions": {"allow": ["Write"]}}',
                      allowed_tools=("Bash(git *)",), disallowed_tools=("Bash(rm *)",),
                      add_dirs=(proj,))
    s = load_settings(proj, cli=cli)
    assert s.allow_managed_rules_only
    assert rules(s) == [("allow", "Bash(npm test)", "managed"), ("deny", "WebFetch", "managed"),
                        ("deny", "Bash(rm *)", "command line")]
    assert [d for d, _ in s.additional_directories] == [proj]  # --add-dir kept, settings' not
    warnings = [p for p in s.problems if p.key == "allowManagedPermissionRulesOnly"]
    assert len(warnings) == 1 and "only managed permission rules" in warnings[0].message
    assert s.merged["permissions"]["allow"] == ["Bash(npm test)"]


def test_unknown_keys_are_kept(proj: Path) -> None:
    project_file(proj, {"someFutureKey": {"nested": [1, 2]}, "permissions": {
        "allow": ["Read"], "futurePermissionKey": True}})
    s = load_settings(proj)
    assert s.problems == ()
    assert s.merged["someFutureKey"] == {"nested": [1, 2]}
    assert s.merged["permissions"]["futurePermissionKey"] is True
    assert texts(s, "allow") == ["Read"]


# ------------------------------------------------------------------ fail closed


def test_invalid_json_keeps_deny_and_ask_drops_allow(proj: Path) -> None:
    path = project_file(proj, '{\n  "permissions": {\n    "allow": ["Bash(*)"],\n'
                              '    "deny": ["Read(.env)"],\n    "ask": ["Bash(git push *)"],\n'
                              '    "additionalDirectories": ["/"],\n'
                              '    "defaultMode": "bypassPermissions",\n  },\n'
                              '  "model": "x",\n}\n')
    s = load_settings(proj)
    assert rules(s) == [("deny", "Read(.env)", "project"), ("ask", "Bash(git push *)", "project")]
    assert s.additional_directories == () and s.default_mode is None
    assert "model" not in s.merged
    problem = only_problem(s)
    assert problem.severity == "error" and problem.code == "json"
    assert (problem.path, problem.line, problem.column) == (path, 7, 39)
    assert "trailing comma at line 7" in problem.message
    assert "1 deny and 1 ask rules still apply" in problem.message
    assert str(problem).startswith(f"{path}:7:39: remove the trailing comma")
    (loaded,) = s.files
    assert not loaded.json_ok and not loaded.schema_ok
    assert loaded.data == {"permissions": {"deny": ["Read(.env)"], "ask": ["Bash(git push *)"]}}


def test_jsonc_comment_is_rejected_with_a_clear_message(proj: Path) -> None:
    project_file(proj, '{\n  "permissions": {\n    // keep secrets out\n'
                       '    "deny": ["Read(./secrets/**)"], /* block */\n'
                       '    "allow": ["Edit"]\n  }\n}\n')
    s = load_settings(proj)
    problem = only_problem(s)
    assert problem.message.startswith(
        "remove the comment at line 3: settings files are plain JSON")
    assert (problem.line, problem.column) == (3, 5)
    assert rules(s) == [("deny", "Read(./secrets/**)", "project")]


def test_merge_conflict_recovers_deny_rules_of_both_sides(proj: Path) -> None:
    project_file(proj, '{\n  "permissions": {\n<<<<<<< HEAD\n    "deny": ["Read(.env)"],\n'
                       '    "allow": ["Bash(*)"]\n=======\n    "deny": ["WebFetch"]\n'
                       '>>>>>>> feature\n  }\n}\n')
    s = load_settings(proj)
    problem = only_problem(s)
    assert "merge-conflict marker at line 3" in problem.message and problem.line == 3
    assert rules(s) == [("deny", "Read(.env)", "project"), ("deny", "WebFetch", "project")]


def test_missing_comma_still_recovers_well_formed_deny_list(proj: Path) -> None:
    project_file(proj, '{\n  "permissions": {\n    "allow": ["Bash(*)"]\n'
                       '    "deny": ["Bash(rm *)", "Read(.env)"]\n  }\n}\n')
    s = load_settings(proj)
    problem = only_problem(s)
    assert (problem.line, problem.column) == (4, 5)
    assert "Expecting ',' delimiter" in problem.message
    assert texts(s, "deny") == ["Bash(rm *)", "Read(.env)"] and texts(s, "allow") == []


@pytest.mark.parametrize("text, where", [
    ("", (1, 1)), ("   \n", (1, 1)), ("# Settings\n\nSome markdown", (1, 1)),
    ("[]", (1, 1)), ("null", (1, 1)), ('"text"', (1, 1)),
])
def test_unusable_files_are_errors_and_grant_nothing(proj: Path, text: str,
                                                     where: tuple[int, int]) -> None:
    project_file(proj, text)
    s = load_settings(proj)
    problem = only_problem(s)
    assert problem.severity == "error" and (problem.line, problem.column) == where
    assert s.rules == () and s.merged == {}


def test_deeply_nested_and_non_utf8_files_do_not_raise(proj: Path) -> None:
    project_file(proj, "[" * 100_000)
    assert only_problem(load_settings(proj)).severity == "error"
    (proj / ".claude" / "settings.json").write_bytes(
        b'{\n  "permissions": {"deny": ["Read(caf\xe9)"], "allow": ["Edit"]}\n}')
    s = load_settings(proj)
    problem = only_problem(s)
    assert "not UTF-8" in problem.message and "line 2" in problem.message
    assert texts(s, "allow") == [] and texts(s, "deny") == ["Read(caf\ufffd)"]


def test_utf8_bom_is_accepted(proj: Path) -> None:
    (proj / ".claude" / "settings.json").write_bytes(
        b'\xef\xbb\xbf{"permissions": {"allow": ["Read"]}}')
    s = load_settings(proj)
    assert s.problems == () and texts(s, "allow") == ["Read"]


def test_schema_violation_drops_allow_keeps_deny_and_ask(proj: Path) -> None:
    path = project_file(proj, '{\n  "cleanupPeriodDays": "thirty",\n  "permissions": {\n'
                              '    "allow": ["Bash(*)", "Edit"],\n    "deny": ["WebFetch"],\n'
                              '    "ask": ["Bash(git push *)"],\n'
                              '    "additionalDirectories": ["/opt"],\n'
                              '    "defaultMode": "acceptEdits"\n  },\n  "model": "m"\n}\n')
    s = load_settings(proj)
    assert rules(s) == [("deny", "WebFetch", "project"), ("ask", "Bash(git push *)", "project")]
    assert s.additional_directories == () and s.default_mode is None
    assert s.merged["model"] == "m"  # other keys still apply
    schema = [p for p in s.problems if p.code == "schema"]
    assert len(schema) == 1
    assert (schema[0].path, schema[0].line, schema[0].key) == (path, 2, "cleanupPeriodDays")
    assert schema[0].severity == "warning" and "'thirty' is not of type 'integer'" in str(schema[0])
    dropped = only_problem(s, "dropped")
    assert "2 allow rules" in dropped.message and "additionalDirectories" in dropped.message
    assert 'defaultMode "acceptEdits"' in dropped.message
    assert dropped.line == 4
    assert not s.files[0].schema_ok and s.files[0].json_ok


def test_schema_violation_names_the_rule_index_and_line(proj: Path) -> None:
    project_file(proj, '{\n  "permissions": {\n    "deny": [\n      "Read(.env)",\n'
                       '      42,\n      {"tool": "Bash"},\n      "WebFetch"\n    ],\n'
                       '    "allow": ["Read"]\n  }\n}\n')
    s = load_settings(proj)
    assert texts(s, "deny") == ["Read(.env)", "WebFetch"]
    assert texts(s, "allow") == []
    schema = [(p.key, p.line) for p in s.problems if p.code == "schema"]
    assert schema == [("permissions.deny[1]", 5), ("permissions.deny[2]", 6)]


def test_malformed_rule_entries_are_skipped_with_a_warning(proj: Path) -> None:
    # With a permissive schema the loader's own checks still skip each bad entry.
    project_file(proj, {"permissions": {"allow": ["Read", 7, "  "], "deny": "Bash(rm *)",
                                        "ask": {"not": "a list"}}})
    s = load_settings(proj, schema={"type": "object"})
    assert texts(s, "allow") == ["Read"]
    assert texts(s, "deny") == ["Bash(rm *)"]  # a bare string still restricts
    keys = {p.key: p.message for p in s.problems}
    assert "7 is not a rule" in keys["permissions.allow[1]"]
    assert "empty rule" in keys["permissions.allow[2]"]
    assert "single deny rule was applied" in keys["permissions.deny"]
    assert "must be a list" in keys["permissions.ask"]
    assert all(p.code == "rule" and p.severity == "warning" for p in s.problems)


def test_bad_file_does_not_hide_other_scopes(proj: Path) -> None:
    user_file({"permissions": {"allow": ["Read"], "deny": ["WebFetch"]}, "model": "u"})
    project_file(proj, "{ nope")
    s = load_settings(proj)
    assert rules(s) == [("allow", "Read", "user"), ("deny", "WebFetch", "user")]
    assert s.merged["model"] == "u"
    assert [f.source.scope for f in s.files] == ["project", "user"]


def test_unreadable_settings_path_is_reported(proj: Path) -> None:
    (proj / ".claude" / "settings.json").mkdir()
    problem = only_problem(load_settings(proj))
    assert problem.code == "io" and "not a regular file" in problem.message


def test_warden_schema_is_a_valid_draft7_schema() -> None:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["additionalProperties"] is True


# ------------------------------------------------------------------ modes


def test_default_mode_precedence_and_validation(proj: Path) -> None:
    user_file({"permissions": {"defaultMode": "acceptEdits"}})
    s = load_settings(proj)
    assert s.default_mode == "acceptEdits" and s.default_mode_source.scope == "user"
    project_file(proj, {"permissions": {"defaultMode": "manual"}})
    s = load_settings(proj)
    assert (s.default_mode, s.default_mode_source.scope) == ("default", "project")
    local_file(proj, {"permissions": {"defaultMode": "auto"}})
    s = load_settings(proj)
    assert s.default_mode == "default"
    assert "not implemented" in only_problem(s, "mode").message
    s = load_settings(proj, cli=CliSettings(permission_mode="plan"))
    assert s.default_mode == "plan" and s.default_mode_source.origin == "--permission-mode"
    assert s.merged["permissions"]["defaultMode"] == "plan"
    s = load_settings(proj, cli=CliSettings(permission_mode="yolo"))
    assert s.default_mode == "default"
    assert any(p.severity == "error" and "--permission-mode" in p.message for p in s.problems)


def test_invalid_default_mode_is_ignored_with_a_warning(proj: Path) -> None:
    user_file({"permissions": {"defaultMode": "plan"}})
    project_file(proj, {"permissions": {"defaultMode": "allowEdits", "deny": ["WebFetch"]}})
    s = load_settings(proj)
    assert s.default_mode == "plan"
    assert any(p.key == "permissions.defaultMode" and p.line for p in s.problems)
    assert texts(s, "deny") == ["WebFetch"]


def test_bypass_from_user_is_honoured_and_disable_from_any_scope(proj: Path) -> None:
    user_file({"permissions": {"defaultMode": "bypassPermissions"}})
    s = load_settings(proj)
    assert s.default_mode == "bypassPermissions" and not s.disable_bypass
    project_file(proj, {"permissions": {"disableBypassPermissionsMode": "disable"}})
    s = load_settings(proj, trusted_project=False)
    assert s.default_mode == "bypassPermissions" and s.disable_bypass  # the engine refuses it
    assert s.merged["permissions"]["disableBypassPermissionsMode"] == "disable"


def test_bypass_from_a_repository_is_ignored_even_when_trusted(proj: Path) -> None:
    """Issue 11: a committed ``defaultMode: "bypassPermissions"`` never starts the session in
    bypass; the problem names the file and the line."""
    project_file(proj, {"permissions": {"defaultMode": "bypassPermissions"}})
    for trusted in (True, False):
        s = load_settings(proj, trusted_project=trusted)
        assert s.default_mode is None
        problem = only_problem(s, "trust")
        assert "bypassPermissions" in problem.message and problem.line == 3
        assert problem.path == proj / ".claude" / "settings.json"


def test_disable_bypass_survives_a_broken_file(proj: Path) -> None:
    project_file(proj, '{"permissions": {"disableBypassPermissionsMode": "disable",}}')
    assert load_settings(proj).disable_bypass


def test_odd_disable_bypass_value_fails_closed(proj: Path) -> None:
    project_file(proj, {"permissions": {"disableBypassPermissionsMode": True}})
    s = load_settings(proj)
    assert s.disable_bypass
    assert any("treated as \"disable\"" in p.message for p in s.problems)


# ------------------------------------------------------------------ anchors and directories


def test_anchor_per_scope(proj: Path, tmp_path: Path) -> None:
    rule = {"permissions": {"deny": ["Read(/secrets/**)"]}}
    managed_file(rule)
    user_file(rule)
    project_file(proj, rule)
    local_file(proj, rule)
    cli_file = write(tmp_path / "elsewhere" / "cli.json", rule)
    s = load_settings(proj, cli=CliSettings(settings=str(cli_file),
                                            disallowed_tools=("Read(/x)",)))
    anchors = {(r.source.scope, r.source.origin): r.anchor for r in s.rules}
    assert anchors == {
        ("managed", None): managed_dir(),
        ("command line", "--settings"): tmp_path / "elsewhere",
        ("command line", "--disallowedTools"): proj,
        ("local", None): proj,
        ("project", None): proj,
        ("user", None): user_dir(),
    }
    inline = load_settings(proj, cli=CliSettings(settings=json.dumps(rule)), only=[])
    assert [r.anchor for r in inline.rules] == [proj]


def test_additional_directories_resolve_against_each_anchor(proj: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    (proj / "sub").mkdir()
    (tmp_path / "sibling").mkdir()
    project_file(proj, {"permissions": {"additionalDirectories": [
        "sub", "../sibling", "~/docs", "//opt/abs", "/var/abs", "sub"]}})
    user_file({"permissions": {"additionalDirectories": ["skills"]}})
    s = load_settings(proj, cli=CliSettings(add_dirs=(Path("sub"),)))
    dirs = [(d, src.scope) for d, src in s.additional_directories]
    assert dirs == [
        (proj / "sub", "command line"),
        ((tmp_path / "sibling").resolve(), "project"),
        (home / "docs", "project"),
        (Path("/opt/abs"), "project"),
        (Path("/var/abs"), "project"),
        (user_dir() / "skills", "user"),
    ]
    missing = {p.key for p in s.problems if p.code == "directory"}
    assert missing == {"permissions.additionalDirectories[3]",
                       "permissions.additionalDirectories[4]",
                       "permissions.additionalDirectories[0]"}  # the last one is the user's
    assert all(p.severity == "warning" for p in s.problems)
    assert s.merged["permissions"]["additionalDirectories"][0] == str(proj / "sub")
    project_data = next(f.data for f in s.files if f.source.scope == "project")
    assert project_data["permissions"]["additionalDirectories"][0] == "sub"  # not rewritten


def test_untrusted_project_drops_allow_and_directories(proj: Path) -> None:
    project_file(proj, {"permissions": {"allow": ["Bash(*)"], "deny": ["WebFetch"],
                                        "ask": ["Edit"], "additionalDirectories": ["/"]}})
    local_file(proj, {"permissions": {"allow": ["Read"]}})
    s = load_settings(proj, trusted_project=False)
    assert rules(s) == [("allow", "Read", "local"), ("deny", "WebFetch", "project"),
                        ("ask", "Edit", "project")]
    assert s.additional_directories == ()
    assert "not trusted" in only_problem(s, "trust").message


# ------------------------------------------------------------------ command line


def test_cli_settings_file_and_flags(proj: Path, tmp_path: Path) -> None:
    cli_file = write(tmp_path / "cli.json", {"permissions": {"allow": ["Edit"]}, "model": "c"})
    project_file(proj, {"model": "p", "permissions": {"allow": ["Read"]}})
    s = load_settings(proj, cli=CliSettings(settings=str(cli_file),
                                            allowed_tools=("Bash(git log *)", "Edit"),
                                            disallowed_tools=("WebFetch",)))
    assert [(r.behavior, r.text, r.source.label) for r in s.rules] == [
        ("allow", "Edit", f"command-line settings ({cli_file})"),
        ("allow", "Bash(git log *)", "command line (--allowedTools)"),
        ("deny", "WebFetch", "command line (--disallowedTools)"),
        ("allow", "Read", f"project settings ({proj / '.claude' / 'settings.json'})"),
    ]
    assert s.merged["model"] == "c"


def test_cli_settings_relative_path_and_inline_json(proj: Path) -> None:
    write(proj / "ci.json", {"permissions": {"deny": ["Bash(curl *)"]}})
    s = load_settings(proj, cli=CliSettings(settings="ci.json"))
    assert rules(s) == [("deny", "Bash(curl *)", "command line")]
    assert s.rules[0].anchor == proj
    s = load_settings(proj, cli=CliSettings(settings=' {"permissions": {"ask": ["Edit"]}}'))
    assert rules(s) == [("ask", "Edit", "command line")]
    assert s.rules[0].source == SettingsSource("command line", None, "--settings")


def test_cli_settings_errors(proj: Path, tmp_path: Path) -> None:
    s = load_settings(proj, cli=CliSettings(settings='{"permissions": {"allow": ["Bash"],}}'))
    problem = only_problem(s)
    assert problem.path is None and problem.message.startswith("--settings: remove the trailing")
    assert s.rules == ()
    s = load_settings(proj, cli=CliSettings(settings=str(tmp_path / "missing.json")))
    assert "no such file" in only_problem(s).message
    big = tmp_path / "big.json"
    big.write_text('{"x": "' + "a" * (2 * 1024 * 1024) + '"}')
    problem = only_problem(load_settings(proj, cli=CliSettings(settings=str(big))))
    assert problem.severity == "error" and "2 MiB" in problem.message


def test_only_loads_exactly_the_given_sources(proj: Path, tmp_path: Path) -> None:
    user_file({"permissions": {"allow": ["Read"]}})
    project_file(proj, {"permissions": {"allow": ["Edit"]}})
    other = write(tmp_path / "x" / "settings.json", {"permissions": {"deny": ["WebFetch"]}})
    s = load_settings(proj, only=[SettingsSource("project", other)])
    assert rules(s) == [("deny", "WebFetch", "project")]
    assert load_settings(proj, only=[]).rules == ()


def test_problem_str_and_source_label(tmp_path: Path) -> None:
    p = SettingsProblem("bad", tmp_path / "s.json", 3, 7, "permissions.allow[0]", "warning")
    assert str(p) == f"{tmp_path / 's.json'}:3:7: permissions.allow[0]: bad"
    assert str(SettingsProblem("bad")) == "bad"
    assert str(SettingsProblem("bad", key="k")) == "k: bad"
    src = SettingsSource("project", Path("/abs/.claude/settings.json"))
    assert src.label == "project settings (/abs/.claude/settings.json)"
    assert SettingsSource("session", None).label == "this session"
    assert SettingsSource("command line", None).label == "command line"


# ------------------------------------------------------------------ details


def test_broken_managed_file_still_restricts(proj: Path) -> None:
    managed_file('{\n  "allowManagedPermissionRulesOnly": true,\n'
                 '  "permissions": {"deny": ["WebFetch"], "allow": ["Bash(*)"]}\n  // policy\n}')
    user_file({"permissions": {"allow": ["Read"]}})
    s = load_settings(proj)
    assert s.allow_managed_rules_only
    assert rules(s) == [("deny", "WebFetch", "managed")]


def test_duplicate_keys_are_reported_at_the_repeat(proj: Path) -> None:
    project_file(proj, '{\n  "permissions": {"deny": ["Read(.env)"]},\n'
                       '  "permissions": {"allow": ["Read"]}\n}\n')
    s = load_settings(proj)
    problem = only_problem(s, "duplicate")
    assert (problem.line, problem.column, problem.key) == (3, 3, "permissions")
    assert texts(s, "allow") == ["Read"]  # the last one counts, as in Claude Code


def test_many_bad_entries_are_summed_up(proj: Path) -> None:
    project_file(proj, {"permissions": {"deny": [*range(50), "Read(.env)"]}})
    s = load_settings(proj)
    schema = [p for p in s.problems if p.code == "schema"]
    assert len(schema) == 21 and schema[-1].message == "and 30 more schema violations like these"
    assert [p.line for p in schema[:3]] == [4, 5, 6]
    assert texts(s, "deny") == ["Read(.env)"]
    assert not [p for p in s.problems if p.code == "rule"]  # not reported twice


def test_comment_markers_and_escaped_quotes_inside_strings(proj: Path) -> None:
    project_file(proj, '{"permissions": {"deny": ["Bash(curl http://x/*)", "Read(\\"a\\" /*)"],'
                       ' "allow": ["Bash(echo // ok)"],}}')
    s = load_settings(proj)
    problem = only_problem(s)
    assert "trailing comma" in problem.message
    assert texts(s, "deny") == ["Bash(curl http://x/*)", 'Read("a" /*)']
    assert texts(s, "allow") == []


@pytest.mark.parametrize("text, fragment, where", [
    ('{\n  "cleanupPeriodDays": NaN\n}', "NaN is not a JSON value", (2, 24)),
    ('{"x": "NaN", "y": -Infinity}', "-Infinity is not a JSON value", (1, 20)),
    ('{"x": ' + "1" * 5000 + "}", "cannot be read as JSON", (None, None)),
])
def test_values_python_reads_but_json_does_not(proj: Path, text: str, fragment: str,
                                               where: tuple[int | None, int | None]) -> None:
    project_file(proj, text)
    problem = only_problem(load_settings(proj))
    assert fragment in problem.message and (problem.line, problem.column) == where


def test_cli_settings_path_with_tilde(proj: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    write(tmp_path / "home" / "ci.json", {"permissions": {"deny": ["WebFetch"]}})
    s = load_settings(proj, cli=CliSettings(settings="~/ci.json"))
    assert rules(s) == [("deny", "WebFetch", "command line")]
    assert s.rules[0].anchor == tmp_path / "home"


def test_schemastore_schema_can_be_chosen_at_run_time(tmp_path, monkeypatch) -> None:
    """WARDEN_SETTINGS_SCHEMA points the loader at SchemaStore's schema (stricter); a missing
    schema file fails closed: the file's allow rules are dropped and the error says why."""
    import json as _json

    from tests.conftest import SHARED
    from tui.settings import load_settings

    schema = SHARED / "corpora" / "schemas" / "claude-code-settings.schema.json"
    if not schema.is_file():
        import pytest

        pytest.skip(f"{schema} is absent (a clone without ../shared)")
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "settings.json").write_text(_json.dumps(
        {"permissions": {"allow": ["Bash(ls *)"], "defaultMode": "allowEdits"}}))
    monkeypatch.setenv("WARDEN_SETTINGS_SCHEMA", str(schema))
    loaded = load_settings(tmp_path)
    assert not [r for r in loaded.rules if r.behavior == "allow"]
    assert any("defaultMode" in str(p) for p in loaded.problems)
    monkeypatch.setenv("WARDEN_SETTINGS_SCHEMA", str(tmp_path / "missing.json"))
    loaded = load_settings(tmp_path)
    assert not [r for r in loaded.rules if r.behavior == "allow"]
    assert any("WARDEN_SETTINGS_SCHEMA" in str(p) for p in loaded.problems)
