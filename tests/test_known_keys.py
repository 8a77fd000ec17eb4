"""No silent keys (SPEC §7): every settings key Warden does not implement gets one notice."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tui.settings import CliSettings, load_settings
from tui.settings.known_keys import (
    IMPLEMENTED_KEYS,
    NOT_IMPLEMENTED,
    PROBLEM_CODE,
    implemented_key_names,
    unimplemented_keys,
)
from tui.settings.model import LoadedFile, Settings, SettingsSource

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "claude-settings"


def user_file(content: Any) -> Path:
    path = Path(os.environ["WARDEN_CONFIG_DIR"]) / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    return path


def load(tmp_path: Path, **kwargs: Any) -> Settings:
    proj = tmp_path / "proj"
    (proj / ".claude").mkdir(parents=True, exist_ok=True)
    return load_settings(proj, **kwargs)


def notices(settings: Settings) -> list[tuple[Path | None, str | None]]:
    return [(p.path, p.key) for p in unimplemented_keys(settings)]


# -- the table ----------------------------------------------------------------------------------


def test_every_entry_says_where_it_is_implemented() -> None:
    for key, where in IMPLEMENTED_KEYS.items():
        assert where.strip(), key
        assert all(part for part in key.split(".")), key
    assert implemented_key_names() == sorted(IMPLEMENTED_KEYS)


def test_keys_other_engineers_implement_are_in_the_table() -> None:
    for key in ("hooks", "disableAllHooks", "allowManagedHooksOnly", "env", "model",
                "apiKeyHelper", "enableAllProjectMcpServers", "enabledMcpjsonServers",
                "disabledMcpjsonServers", "allowedMcpServers", "deniedMcpServers"):
        assert key in IMPLEMENTED_KEYS


# -- the notices --------------------------------------------------------------------------------


def test_an_unknown_key_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    path = user_file('{\n  "model": "opus",\n  "statusLine": {"type": "command"}\n}\n')
    found = unimplemented_keys(load(tmp_path))
    assert len(found) == 1
    problem = found[0]
    assert (problem.path, problem.key, problem.line, problem.column) == (
        path, "statusLine", 3, 3)
    assert (problem.severity, problem.code) == ("warning", PROBLEM_CODE)
    assert str(problem) == f"{path}:3:3: statusLine: {NOT_IMPLEMENTED}"


def test_only_implemented_keys_give_no_notice(tmp_path: Path) -> None:
    user_file({
        "$schema": "https://json.schemastore.org/claude-code-settings.json",
        "model": "sonnet", "env": {"ANY_NAME": "x"}, "hooks": {"PreToolUse": []},
        "permissions": {"allow": ["Bash(ls)"], "deny": [], "ask": [], "defaultMode": "plan",
                        "disableBypassPermissionsMode": "disable"},
        "sandbox": {"enabled": True, "network": {"allowedDomains": ["example.com"]},
                    "filesystem": {"denyRead": ["~/.ssh"]}},
        "theme": "warden-light",
    })
    assert notices(load(tmp_path)) == []


def test_members_of_partly_implemented_objects_are_named_by_their_path(tmp_path: Path) -> None:
    path = user_file({
        "permissions": {"allow": ["Read"], "futureKey": 1},
        "sandbox": {"enabled": True, "ignoreViolations": {},
                    "network": {"allowLocalBinding": True, "allowUnixSockets": ["/x"],
                                "allowedDomains": []},
                    "filesystem": {"denyRead": [], "somethingNew": True}},
        "env": {"NOT_A_KEY_PROBLEM": "1"},
    })
    assert notices(load(tmp_path)) == [
        (path, "permissions.futureKey"),
        (path, "sandbox.ignoreViolations"),
        (path, "sandbox.network.allowLocalBinding"),
        (path, "sandbox.network.allowUnixSockets"),
        (path, "sandbox.filesystem.somethingNew"),
    ]


def test_a_warden_key_outside_its_scope_is_reported(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    (proj / ".claude").mkdir(parents=True)
    project = proj / ".claude" / "settings.json"
    project.write_text('{"theme": "warden-light"}')
    user_file({"theme": "warden-dark"})
    found = unimplemented_keys(load_settings(proj))
    assert [(p.path, p.key) for p in found] == [(project, "theme")]
    assert "only from user settings" in found[0].message


def test_each_file_is_reported_on_its_own(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    (proj / ".claude").mkdir(parents=True)
    local = proj / ".claude" / "settings.local.json"
    local.write_text('{"outputStyle": "x", "spinnerTipsEnabled": false}')
    user = user_file({"outputStyle": "y"})
    extra = tmp_path / "extra.json"
    extra.write_text('{"cleanupPeriodDays": 5}')
    settings = load_settings(proj, cli=CliSettings(settings=str(extra),
                                                   allowed_tools=("Read",)))
    assert notices(settings) == [
        (extra, "cleanupPeriodDays"),
        (local, "outputStyle"), (local, "spinnerTipsEnabled"),
        (user, "outputStyle"),
    ]


def test_inline_settings_json_is_named_in_the_message(tmp_path: Path) -> None:
    found = unimplemented_keys(load(tmp_path, cli=CliSettings(settings='{"verbose": true}')))
    assert [(p.path, p.key) for p in found] == [(None, "verbose")]
    assert found[0].message.startswith("--settings: ") and NOT_IMPLEMENTED in found[0].message


def test_a_file_listed_twice_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"statusLine": {}}')
    data = {"statusLine": {}}
    one = LoadedFile(SettingsSource("user", path), data, True, True, [])
    two = LoadedFile(SettingsSource("local", path), dict(data), True, True, [])
    settings = Settings((), None, None, (), False, False, {}, (one, two), ())
    assert notices(settings) == [(path, "statusLine")]


def test_a_file_that_is_not_json_gives_no_key_notices(tmp_path: Path) -> None:
    user_file('{"statusLine": {}, "permissions": {"deny": ["Bash(rm *)"]},}')
    assert notices(load(tmp_path)) == []  # the loader reports the file itself


# -- the real corpus ----------------------------------------------------------------------------


def _implemented(path: tuple[str, ...]) -> bool | None:
    """True when the table covers ``path`` (it or an ancestor is listed), False when it does
    not and its parent is the top level or an object the table lists members of, None when an
    ancestor is already unimplemented (its members are not reported again)."""
    for n in range(1, len(path) + 1):
        head = ".".join(path[:n])
        if head in IMPLEMENTED_KEYS:
            return True
        has_members = any(k.startswith(head + ".") for k in IMPLEMENTED_KEYS)
        if not has_members:
            return False if n == len(path) else None
    return True  # an object the table lists members of


def _paths(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for key, value in data.items():
        path = (*prefix, key)
        out.append(path)
        if isinstance(value, dict):
            out += _paths(value, path)
    return out


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"the settings corpus is not at {CORPUS} (it lives in ../shared/corpora)")
    return sorted(CORPUS.glob("*.json"))


def test_every_corpus_file_gets_one_notice_per_unimplemented_key(tmp_path: Path) -> None:
    """Each of the real settings files, loaded as the user file: every key the table does not
    cover gets exactly one notice naming the file and the key, unless the loader already
    reported that key (a key this scope may not set); implemented keys get none."""
    files = _corpus_files()
    checked = quiet = 0
    for corpus_file in files:
        try:
            raw = json.loads(corpus_file.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            continue  # not JSON: the loader rejects the whole file with its own error
        if not isinstance(raw, dict):
            continue
        path = user_file(corpus_file.read_text(encoding="utf-8-sig"))
        settings = load(tmp_path)
        found = unimplemented_keys(settings)
        keys = [p.key for p in found]
        assert len(keys) == len(set(keys)), corpus_file.name
        assert all(p.path == path and p.code == PROBLEM_CODE for p in found), corpus_file.name
        loader_keys = {p.key for p in settings.problems if p.code != PROBLEM_CODE}
        for key_path in _paths(raw):
            dotted = ".".join(key_path)
            verdict = _implemented(key_path)
            value = raw
            for part in key_path:
                value = value[part]
            if verdict is True or verdict is None:
                assert dotted not in keys or dotted == "theme", (corpus_file.name, dotted)
            elif value is None and key_path[0] == "sandbox":
                continue  # null means "not set" in sandbox objects (the loader drops it)
            else:
                assert dotted in keys or dotted in loader_keys, (corpus_file.name, dotted)
        for key in keys:
            assert tuple(key.split(".")) in _paths(raw), (corpus_file.name, key)
        checked += 1
        quiet += not found
    assert checked > 100
    assert quiet > 0  # some files use only implemented keys, and get no notice
