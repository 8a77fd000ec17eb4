"""How the sandbox changes permission decisions (SPEC §8, REF §6.2, §6.4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_engine_bash import make_policy
from tui.permissions.engine import CallView, PermissionContext, decide
from tui.permissions.sandbox_mode import SandboxState


def run(command: str, cwd: Path, *, state: SandboxState | None, mode: str = "default",
        extra: dict | None = None, **rules):
    ctx = PermissionContext(working_dirs=(cwd,), mode=mode, policy=make_policy(cwd, **rules),
                            sandbox=state, repo_has_unsaved_work=lambda _c: True)
    return decide(CallView.from_input("Bash", {"command": command, **(extra or {})}, cwd), ctx)


@pytest.fixture
def on() -> SandboxState:
    return SandboxState(enabled=True, available=True)


def test_sandboxed_commands_run_without_a_prompt(tmp_path: Path, on: SandboxState) -> None:
    d = run("npm install && make", tmp_path, state=on)
    assert (d.behavior, d.source) == ("allow", "sandbox: auto-allow")
    assert run("npm install", tmp_path, state=None).behavior == "ask"


def test_deny_scoped_ask_critical_and_network_still_apply(tmp_path: Path, on) -> None:
    assert run("rm -rf build", tmp_path, state=on, deny=["Bash(rm *)"]).behavior == "deny"
    assert run("git push origin", tmp_path, state=on, ask=["Bash(git push *)"]).behavior == "ask"
    assert run("rm -rf /", tmp_path, state=on).behavior == "ask"
    assert run("curl https://x.example", tmp_path, state=on).behavior == "ask"


def test_bare_bash_ask_rule_is_skipped_for_sandboxed_commands_but_not_in_plan(tmp_path, on):
    assert run("make", tmp_path, state=on, ask=["Bash"]).behavior == "allow"
    assert run("make", tmp_path, state=on, ask=["Bash"], mode="plan").behavior == "ask"


def test_excluded_commands_go_through_the_normal_flow(tmp_path: Path) -> None:
    state = SandboxState(enabled=True, available=True, excluded_commands=("Bash(docker *)",))
    assert run("docker ps && make", tmp_path, state=state).behavior == "ask"
    assert run("make", tmp_path, state=state).behavior == "allow"


def test_escape_hatch_always_asks_and_says_what_it_escapes(tmp_path: Path, on) -> None:
    for mode in ("default", "acceptEdits", "bypassPermissions"):
        d = run("make", tmp_path, state=on, mode=mode, allow=["Bash(make)"],
                extra={"dangerouslyDisableSandbox": True})
        assert d.behavior == "ask" and "outside the sandbox" in d.reason, mode
    strict = SandboxState(enabled=True, available=True, allow_unsandboxed=False)
    d = run("make", tmp_path, state=strict, extra={"dangerouslyDisableSandbox": True})
    assert d.behavior == "allow"  # the parameter is ignored: it runs sandboxed


def test_fail_if_unavailable_refuses(tmp_path: Path) -> None:
    state = SandboxState(enabled=True, available=False, fail_if_unavailable=True,
                         unavailable_reason="bwrap not found at /nope/bwrap")
    d = run("make", tmp_path, state=state)
    assert d.behavior == "deny" and "/nope/bwrap" in d.reason
    soft = SandboxState(enabled=True, available=False)
    assert run("make", tmp_path, state=soft).behavior == "ask"
