"""A hook's ``if`` (REF §8.1), evaluated with Warden's own rule matcher, and how far a hook's
``allow`` reaches (:mod:`tui.hooks.gate`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.hooks.condition import if_matches
from tui.hooks.gate import hook_allow_blocker
from tui.permissions import PermissionContext, decide
from tui.permissions.policy import Policy, SessionSource
from tui.tools import default_tools
from tui.tools.base import ToolContext


async def prepared(project: Path, name: str, tool_input: dict):
    return await default_tools()[name].prepare("toolu_1", tool_input, ToolContext(cwd=project))


@pytest.mark.parametrize(("rule", "command", "hit"), [
    ("Bash(git commit *)", "git commit -m wip", True),
    ("Bash(git commit *)", "git status", False),
    ("Bash(git commit *)", "FOO=1 git commit -m wip", True),        # past VAR= prefixes
    ("Bash(git commit *)", "make && git commit -am x", True),       # every sub-command
    ("Bash(git commit *)", "echo $(git commit -m x)", True),        # inside $()
    ("Bash(gh pr create *)", "gh pr create --fill", True),
    ("Bash", "anything at all", True),
    ("Edit", "ls", False),
    ("Bash(git commit *)", "git commit -m 'unterminated", None),    # cannot parse: run the hook
    ("Bash(((", "git commit", None),                                 # not a rule: run the hook
])
async def test_if_on_bash(tmp_path: Path, rule: str, command: str, hit: bool | None) -> None:
    call = await prepared(tmp_path, "Bash", {"command": command})
    assert if_matches(rule, call, PermissionContext((tmp_path,))) is hit


async def test_if_on_file_tools(tmp_path: Path) -> None:
    ctx = PermissionContext((tmp_path,))
    edit = await prepared(tmp_path, "Write", {"file_path": str(tmp_path / "src" / "a.py"),
                                              "content": ""})
    assert if_matches("Edit(src/**)", edit, ctx) is True
    assert if_matches("Edit(docs/**)", edit, ctx) is False
    assert if_matches("Write", edit, ctx) is True
    assert if_matches("Read", edit, ctx) is False


def _ctx(project: Path, mode: str = "default", **rules: list[str]) -> PermissionContext:
    policy = Policy()
    for behavior, texts in rules.items():
        for text in texts:
            policy.add(text, behavior, anchor=project, source=SessionSource())
    return PermissionContext((project,), mode=mode, policy=policy)


@pytest.mark.parametrize(("command", "ctx_args", "allowed"), [
    ("touch made", {}, True),                                  # plain: no rule matched
    ("touch made", {"ask": ["Bash(touch *)"]}, False),        # an ask rule
    ("touch made", {"mode": "plan"}, False),                  # plan mode keeps prompts
    ("echo $(id) > out", {}, False),                          # suspicious construct
    ("curl https://example.com", {}, False),                  # network command
    ("rm -rf /", {}, False),                                  # critical path
    ("LD_PRELOAD=x.so touch made", {}, False),                # unsafe env prefix
    ("setsid touch made", {}, False),                         # behind an exec wrapper
    ("timeout 5 touch made", {}, True),                       # stripped as for allow rules
    ("touch /etc/outside", {}, False),                        # write outside the project
])
async def test_hook_allow_reaches_only_plain_prompts(tmp_path: Path, command: str,
                                                     ctx_args: dict, allowed: bool) -> None:
    mode = ctx_args.pop("mode", "default")
    ctx = _ctx(tmp_path, mode, **ctx_args)
    call = await prepared(tmp_path, "Bash", {"command": command})
    decision = decide(call, ctx)
    if decision.behavior != "ask":
        pytest.skip(f"the engine decided {decision.behavior} for {command!r}")
    assert (hook_allow_blocker(decision, call, ctx) is None) is allowed, decision


async def test_hook_allow_on_edits(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    inside = await prepared(tmp_path, "Write", {"file_path": str(tmp_path / "a.txt"),
                                                "content": ""})
    outside = await prepared(tmp_path, "Write", {"file_path": "/tmp/elsewhere.txt",
                                                 "content": ""})
    protected = await prepared(tmp_path, "Write", {"file_path": str(tmp_path / ".bashrc"),
                                                   "content": ""})
    assert hook_allow_blocker(decide(inside, ctx), inside, ctx) is None
    assert hook_allow_blocker(decide(outside, ctx), outside, ctx) is not None
    assert hook_allow_blocker(decide(protected, ctx), protected, ctx) is not None
