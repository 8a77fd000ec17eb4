"""The permission engine on file, web and MCP calls: REF §2.5–2.7, §3, §11.1, SPEC §3–§6."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.permissions.engine import CallView, PermissionContext, decide
from tui.permissions.policy import Policy, SessionSource


def policy(cwd: Path, allow=(), ask=(), deny=()) -> Policy:
    p = Policy()
    for behavior, rules in (("allow", allow), ("ask", ask), ("deny", deny)):
        for text in rules:
            assert p.add(text, behavior, anchor=cwd, source=SessionSource()) is not None, text
    return p


def check(tool: str, tool_input: dict, cwd: Path, *, mode: str = "default", dirs=(), **rules):
    ctx = PermissionContext(working_dirs=(cwd, *dirs), mode=mode, policy=policy(cwd, **rules))
    return decide(CallView.from_input(tool, tool_input, cwd), ctx)


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    p = tmp_path / "proj"
    (p / "src").mkdir(parents=True)
    return p


def test_reads_inside_run_and_outside_ask(proj: Path) -> None:
    assert check("Read", {"file_path": str(proj / "src/a.py")}, proj).behavior == "allow"
    assert check("Read", {"file_path": "/etc/hosts"}, proj).behavior == "ask"
    assert check("Glob", {"pattern": "**/*.py"}, proj).behavior == "allow"


def test_read_deny_beats_the_working_directory(proj: Path) -> None:
    d = check("Read", {"file_path": str(proj / "config/.env")}, proj, deny=["Read(.env)"])
    assert (d.behavior, d.rule) == ("deny", "Read(.env)")
    assert "this session" in d.source


def test_read_deny_also_blocks_edits_and_writes(proj: Path) -> None:
    cases = (("Edit", {"old_string": "a", "new_string": "b"}), ("Write", {"content": "x"}))
    for tool, extra in cases:
        d = check(tool, {"file_path": str(proj / ".env"), **extra}, proj, deny=["Read(.env)"],
                  allow=["Edit(**)"])
        assert d.behavior == "deny", tool


def test_symlink_to_a_denied_file_is_denied(proj: Path, tmp_path: Path) -> None:
    secret = tmp_path / "home" / ".ssh" / "id_rsa"
    secret.parent.mkdir(parents=True)
    secret.write_text("key")
    (proj / "key").symlink_to(secret)
    d = check("Read", {"file_path": str(proj / "key")}, proj,
              deny=[f"Read(/{tmp_path}/home/.ssh/**)".replace("(/", "(//", 1)])
    assert d.behavior == "deny"


def test_dotdot_path_to_a_denied_file_is_denied(proj: Path) -> None:
    d = check("Read", {"file_path": str(proj / "src/../../secret.txt")}, proj,
              deny=[f"Read(//{str(proj.parent).lstrip('/')}/secret.txt)"])
    assert d.behavior == "deny"


def test_edits_ask_in_default_and_run_in_accept_edits(proj: Path) -> None:
    edit = {"file_path": str(proj / "src/a.py"), "content": "x"}
    assert check("Write", edit, proj).behavior == "ask"
    assert check("Write", edit, proj, mode="acceptEdits").behavior == "allow"
    outside = {"file_path": "/tmp/elsewhere.txt", "content": "x"}
    assert check("Write", outside, proj, mode="acceptEdits").behavior == "ask"


def test_protected_paths_are_never_auto_approved(proj: Path) -> None:
    for rel in (".git/hooks/pre-commit", ".claude/settings.json", ".bashrc", ".mcp.json",
                ".GIT/config"):
        write = {"file_path": str(proj / rel), "content": "x"}
        assert check("Write", write, proj, mode="acceptEdits").behavior == "ask", rel
        assert check("Write", write, proj, allow=["Edit(**)"]).behavior == "ask", rel
        assert check("Write", write, proj, mode="bypassPermissions").behavior == "allow", rel
        assert check("Write", write, proj, mode="dontAsk").behavior == "deny", rel


def test_edit_allow_rule_and_its_asymmetry(proj: Path) -> None:
    inside = {"file_path": str(proj / "src/a.py"), "content": "x"}
    nested = {"file_path": str(proj / "lib/src/a.py"), "content": "x"}
    assert check("Write", inside, proj, allow=["Edit(src/**)"]).behavior == "allow"
    assert check("Write", nested, proj, allow=["Edit(src/**)"]).behavior == "ask"
    assert check("Write", nested, proj, deny=["Edit(src/**)"]).behavior == "deny"


def test_ask_rule_beats_a_more_specific_allow(proj: Path) -> None:
    d = check("Write", {"file_path": str(proj / "src/a.py"), "content": ""}, proj,
              allow=["Edit(src/a.py)"], ask=["Edit(src/**)"])
    assert (d.behavior, d.rule) == ("ask", "Edit(src/**)")


def test_plan_mode_ignores_allow_rules_for_edits(proj: Path) -> None:
    edit = {"file_path": str(proj / "src/a.py"), "content": "x"}
    assert check("Write", edit, proj, mode="plan", allow=["Edit(**)"]).behavior == "ask"
    assert check("Read", {"file_path": str(proj / "src/a.py")}, proj, mode="plan").behavior == \
        "allow"


def test_dont_ask_denies_what_would_prompt(proj: Path) -> None:
    d = check("Write", {"file_path": str(proj / "a"), "content": ""}, proj, mode="dontAsk")
    assert d.behavior == "deny" and "dontAsk" in d.reason


def test_bypass_still_honours_deny_and_ask_rules(proj: Path) -> None:
    w = {"file_path": str(proj / "a.txt"), "content": ""}
    assert check("Write", w, proj, mode="bypassPermissions", deny=["Edit(a.txt)"]).behavior == \
        "deny"
    assert check("Write", w, proj, mode="bypassPermissions", ask=["Edit(a.txt)"]).behavior == \
        "ask"


@pytest.mark.parametrize("url,expected", [
    ("https://docs.example.com/x", "allow"),
    ("https://example.com/", "ask"),
    ("https://example.com.evil.com/", "ask"),
    ("https://evil.com/?example.com", "ask"),
    ("https://example.com@evil.com/", "ask"),
    ("https://DOCS.EXAMPLE.COM./", "allow"),
])
def test_webfetch_domain_rules_and_lookalikes(proj: Path, url: str, expected: str) -> None:
    d = check("WebFetch", {"url": url, "prompt": "p"}, proj,
              allow=["WebFetch(domain:*.example.com)"])
    assert d.behavior == expected, url


def test_webfetch_deny_domain(proj: Path) -> None:
    d = check("WebFetch", {"url": "https://a.evil.com/", "prompt": "p"}, proj,
              allow=["WebFetch"], deny=["WebFetch(domain:*.evil.com)"])
    assert d.behavior == "deny"


def test_mcp_rules(proj: Path) -> None:
    assert check("mcp__github__create_issue", {}, proj, allow=["mcp__github"]).behavior == "allow"
    assert check("mcp__github__create_issue", {}, proj,
                 allow=["mcp__github__get_*"]).behavior == "ask"
    assert check("mcp__github__get_issue", {}, proj, allow=["mcp__github__get_*"]).behavior == \
        "allow"
    assert check("mcp__x__y", {}, proj, allow=["mcp__x"], deny=["mcp__*"]).behavior == "deny"


def test_parameter_rule_in_deny(proj: Path) -> None:
    d = check("Bash", {"command": "ls", "run_in_background": True}, proj,
              deny=["Bash(run_in_background:true)"])
    assert d.behavior == "deny"


def test_unc_paths_always_ask(proj: Path) -> None:
    d = check("Read", {"file_path": "\\\\server\\share\\x"}, proj, mode="bypassPermissions")
    assert d.behavior == "ask"


def test_trace_names_the_rule_and_the_steps(proj: Path) -> None:
    d = check("Read", {"file_path": str(proj / ".env")}, proj, deny=["Read(.env)"])
    assert any("deny rule Read(.env)" in step for step in d.trace)
    assert d.to_json() == {"decision": "deny", "reason": d.reason, "rule": "Read(.env)",
                           "source": d.source}


def test_session_edit_grant_covers_the_working_directory_only(proj: Path) -> None:
    rule = f"Edit(//{str(proj).lstrip('/')}/**)"
    inside = {"file_path": str(proj / "src/a.py"), "content": ""}
    assert check("Write", inside, proj, allow=[rule]).behavior == "allow"
    assert check("Write", {"file_path": "/tmp/x", "content": ""}, proj, allow=[rule]).behavior == \
        "ask"
    assert check("Write", {"file_path": str(proj / ".git/config"), "content": ""}, proj,
                 allow=[rule]).behavior == "ask"


def test_additional_directory_counts_as_inside(proj: Path, tmp_path: Path) -> None:
    extra = tmp_path / "docs"
    extra.mkdir()
    assert check("Read", {"file_path": str(extra / "x.md")}, proj, dirs=(extra,)).behavior == \
        "allow"


def test_symlinked_parent_write_escaping_is_outside(proj: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, proj / "link")
    d = check("Write", {"file_path": str(proj / "link/new.txt"), "content": ""}, proj,
              mode="acceptEdits")
    assert d.behavior == "ask"


@pytest.mark.parametrize("tool, field", [("Read", "file_path"), ("Edit", "file_path"),
                                         ("Write", "file_path"), ("Glob", "path"),
                                         ("Grep", "path")])
def test_a_nul_byte_in_a_path_asks_instead_of_crashing(tmp_path, tool: str, field: str) -> None:
    """No file has a NUL in its name; the engine must not raise on one (hypothesis found the
    shell form ``>\\x00``): the call is outside the working directories, so it asks."""
    from tui.check import evaluate

    tool_input = {field: f"{tmp_path}/a\x00b", "pattern": "*", "content": "x",
                  "old_string": "a", "new_string": "b"}
    assert evaluate(tool, tool_input, cwd=tmp_path, trusted_project=False).behavior == "ask"
    assert evaluate("Bash", {"command": "echo x >\x00"}, cwd=tmp_path,
                    trusted_project=False).behavior == "ask"
