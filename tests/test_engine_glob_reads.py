"""Globs and recursive reads against Read/Edit deny rules, end to end (issue family 9).

A reviewer should see: a shell glob that could name a denied file is denied even when no such
file exists yet, while globs that cannot (``cat *.md``, ``cat *``) still run; a recursive read of
a tree that may hold a denied path is denied; Grep and Glob patterns that name a denied path are
denied, while a plain Grep or ``Glob **/*`` runs and never shows the denied file; and swapping a
literal argument for a glob that matches it never turns a deny into an allow.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.check import evaluate
from tui.permissions.context import PermissionContext
from tui.permissions.engine import CallView, decide
from tui.permissions.globreads import read_hidden
from tui.permissions.policy import Policy, SessionSource
from tui.tools import Glob, Grep, ToolContext

DENY_ENV = {"permissions": {"deny": ["Read(./.env)"]}}


def check(tool: str, tool_input: dict, cwd: Path, settings_: dict = DENY_ENV) -> str:
    return evaluate(tool, tool_input, cwd=cwd, settings=settings_, discover=False).behavior


def bash(command: str, cwd: Path, settings_: dict = DENY_ENV) -> str:
    return check("Bash", {"command": command}, cwd, settings_)


def policy(cwd: Path, deny: list[str]) -> Policy:
    p = Policy()
    for text in deny:
        p.add(text, "deny", anchor=cwd, source=SessionSource())
    return p


# -- Bash -----------------------------------------------------------------------------------


def test_a_dot_glob_is_denied_before_the_file_exists(tmp_path: Path) -> None:
    """`cat .e*` is denied under Read(./.env) although no .env exists (it could be created
    first, in the same command)."""
    assert not (tmp_path / ".env").exists()
    assert bash("cat .e*", tmp_path) == "deny"
    assert bash("touch .env; cat .e*", tmp_path) == "deny"
    assert bash("head -1 */.env", tmp_path) == "deny"
    assert bash("cat ./[.]env", tmp_path) == "deny"


def test_globs_that_cannot_name_the_file_still_run(tmp_path: Path) -> None:
    """`cat *.md` and `cat *` (dotglob off: no .env) stay allowed, with .env present."""
    (tmp_path / ".env").write_text("SECRET=1")
    (tmp_path / "README.md").write_text("hi")
    assert bash("cat *.md", tmp_path) == "allow"
    assert bash("cat *", tmp_path) == "allow"
    assert bash("wc -l docs/*.md", tmp_path) == "allow"
    assert bash("cat .*", tmp_path) == "deny"


def test_a_glob_after_cd_is_read_from_the_new_directory(tmp_path: Path) -> None:
    """`cd sub && cat .e*` is denied (sub/.env is denied too); `cd docs && cat *.md` runs; after
    a cd to an unknown directory a relative glob may be anywhere."""
    (tmp_path / "docs").mkdir()
    assert bash("cd sub && cat .e*", tmp_path) == "deny"
    assert bash("cd docs && cat *.md", tmp_path) == "allow"
    outside = {"permissions": {"deny": [f"Read(/{tmp_path}/other/.env)"]}}
    assert bash(f"cd {tmp_path}/other && cat .e*", tmp_path / "proj", outside) == "deny"
    assert bash("cat .e*", tmp_path / "proj", outside) == "allow"
    secret = {"permissions": {"deny": [f"Read(/{tmp_path}/other/secret.md)"]}}
    assert bash("cat *.md", tmp_path / "proj", secret) == "allow"
    assert bash("cd $D && cat *.md", tmp_path / "proj", secret) == "deny"  # $D: anywhere


def test_glob_writes_meet_edit_deny_rules(tmp_path: Path) -> None:
    """`rm .e*` and `cp x .e*` write what Edit(./.env) protects; `rm *.log` does not."""
    deny_edit = {"permissions": {"deny": ["Edit(./.env)"]}}
    assert bash("rm -f .e*", tmp_path, deny_edit) == "deny"
    assert bash("rm -f *.log", tmp_path, deny_edit) != "deny"


def recursive(command: str, cwd: Path, deny: list[str]) -> str:
    """Decide `command` with every read marked recursive, as the analyser marks grep -r."""
    from tui.shell import analyze

    ctx = PermissionContext(working_dirs=(cwd,), policy=policy(cwd, deny))
    analysis = analyze(command, cwd=cwd, home=ctx.home, working_dirs=ctx.working_dirs)
    reads = tuple(dataclasses.replace(r, recursive=True) for r in analysis.reads)
    analysis = dataclasses.replace(analysis, reads=reads)
    return decide(CallView.from_input("Bash", {"command": command}, cwd), ctx, analysis).behavior


def test_recursive_reads_of_a_tree_that_may_hold_a_denied_path(tmp_path: Path) -> None:
    """`grep -r x .` may read ./.env or ./secrets/...: denied; a tree that cannot hold the
    denied path is not."""
    (tmp_path / "docs").mkdir()
    assert recursive("grep -r x .", tmp_path, ["Read(./.env)"]) == "deny"
    assert recursive("grep -r --include=.env x .", tmp_path, ["Read(./.env)"]) == "deny"
    assert recursive("grep -r x docs", tmp_path, ["Read(./.env)"]) == "deny"  # docs/.env
    assert recursive("grep -r x docs", tmp_path, ["Read(/secrets/**)"]) == "allow"
    assert recursive("grep -r x .", tmp_path, ["Read(/secrets/**)"]) == "deny"
    assert recursive("grep -r x d*", tmp_path, ["Read(/secrets/**)"]) == "allow"
    assert recursive("grep -r x s*", tmp_path, ["Read(/secrets/**)"]) == "deny"


# -- Grep and Glob: decisions ----------------------------------------------------------------


def test_grep_globs_that_name_a_denied_path_are_denied(tmp_path: Path) -> None:
    """Grep glob `**/.env*` is denied; `*.py` and no glob run (the tool filters)."""
    assert check("Grep", {"pattern": "x", "glob": "**/.env*"}, tmp_path) == "deny"
    assert check("Grep", {"pattern": "x", "glob": "*.{py,env}"}, tmp_path) == "deny"
    assert check("Grep", {"pattern": "x", "glob": "*.py"}, tmp_path) == "allow"
    assert check("Grep", {"pattern": "x"}, tmp_path) == "allow"
    assert check("Grep", {"pattern": "x", "path": "."}, tmp_path) == "allow"


def test_glob_patterns_that_name_a_denied_path_are_denied(tmp_path: Path) -> None:
    """Glob `**/.env` is denied; `**/*` runs and leaves .env out (see the run tests)."""
    assert check("Glob", {"pattern": "**/.env"}, tmp_path) == "deny"
    assert check("Glob", {"pattern": f"{tmp_path}/.e*"}, tmp_path) == "deny"
    assert check("Glob", {"pattern": "**/*"}, tmp_path) == "allow"
    assert check("Glob", {"pattern": "src/**/*.py"}, tmp_path) == "allow"


def test_allow_rules_never_use_intersection(tmp_path: Path) -> None:
    """An allow rule for a file outside the project does not approve a glob that may hit it."""
    outside = tmp_path / "outside"
    cwd = tmp_path / "proj"
    allow = {"permissions": {"allow": [f"Read(/{outside}/.env)"]}}
    assert check("Grep", {"pattern": "x", "path": str(outside), "glob": ".e*"}, cwd,
                 allow) == "ask"


# -- Grep and Glob: what they show --------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".env").write_text("SECRET=hunter2\n")
    (tmp_path / "app.py").write_text("SECRET = getenv('SECRET')\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / ".env").write_text("SECRET=deep\n")
    (tmp_path / "link.txt").symlink_to(tmp_path / ".env")
    return tmp_path


def tool_ctx(cwd: Path, deny: list[str]) -> ToolContext:
    perm = PermissionContext(working_dirs=(cwd,), policy=policy(cwd, deny))
    return ToolContext(cwd=cwd, read_denied=lambda p: read_hidden(p, perm))


async def test_grep_over_the_project_never_shows_dotenv(project: Path) -> None:
    """Grep(pattern, path=".") runs and finds app.py, never .env, sub/.env or a link to it."""
    ctx = tool_ctx(project, ["Read(./.env)"])
    tool = Grep()
    for mode in ("content", "files_with_matches", "count"):
        call = await tool.prepare("t", {"pattern": "SECRET", "path": ".", "output_mode": mode},
                                  ctx)
        text = (await tool.run(call, ctx)).content
        assert "app.py" in text, mode
        assert ".env" not in text and "hunter2" not in text and "deep" not in text, mode
        assert "link.txt" not in text, mode
    unfiltered = ToolContext(cwd=project)
    call = await tool.prepare("t", {"pattern": "hunter2", "output_mode": "content"}, unfiltered)
    assert "hunter2" in (await tool.run(call, unfiltered)).content  # the fixture has it


async def test_grep_on_a_denied_file_shows_nothing(project: Path) -> None:
    """Even a Grep call that names .env directly (if it ran) would not read it."""
    ctx = tool_ctx(project, ["Read(./.env)"])
    tool = Grep()
    call = await tool.prepare("t", {"pattern": "SECRET", "path": ".env",
                                    "output_mode": "content"}, ctx)
    assert "hunter2" not in (await tool.run(call, ctx)).content


async def test_glob_never_lists_dotenv(project: Path) -> None:
    """Glob `**/*` lists app.py but not .env, sub/.env, nor the symlink to .env."""
    ctx = tool_ctx(project, ["Read(./.env)"])
    tool = Glob()
    call = await tool.prepare("g", {"pattern": "**/*"}, ctx)
    text = (await tool.run(call, ctx)).content
    assert "app.py" in text
    assert ".env" not in text and "link.txt" not in text
    unfiltered = ToolContext(cwd=project)
    call = await tool.prepare("g", {"pattern": "**/*"}, unfiltered)
    assert ".env" in (await tool.run(call, unfiltered)).content


def test_the_agent_binds_the_filter_to_its_live_policy(tmp_path: Path) -> None:
    """Agent gives its tools a read_denied that follows the session's current rules."""
    from tui.agent.loop import Agent

    perm = PermissionContext(working_dirs=(tmp_path,))
    agent = Agent(client=None, model="m", tools={}, tool_ctx=ToolContext(cwd=tmp_path),
                  perm_ctx=perm, sink=lambda e: None)
    denied = agent.tool_ctx.read_denied
    assert denied is not None and not denied(tmp_path / ".env")
    perm.policy = policy(tmp_path, ["Read(./.env)"])
    assert denied(tmp_path / ".env") and denied(tmp_path / "a" / ".ENV")
    assert not denied(tmp_path / "app.py")


# -- property -----------------------------------------------------------------------------------

RULES = ["Read(./.env)", "Read(*.key)", "Read(/secrets/**)", "Read(.c*)", "Edit(./x?z)"]
NAME = st.one_of(
    st.sampled_from([".env", "x.key", "secrets", "a", ".cfg", "xyz", "notes.txt"]),
    st.text(alphabet="abcxyz.-_0", min_size=1, max_size=6).filter(lambda s: s not in (".", "..")),
)


def globify(name: str, data: st.DataObject) -> str:
    """`name` with some characters turned into `?` or `*`; a leading dot stays literal."""
    out = []
    i = 0
    while i < len(name):
        choice = data.draw(st.sampled_from(["keep", "keep", "?", "*"]))
        if choice == "keep" or (i == 0 and name[0] == "."):
            out.append(name[i])
        elif choice == "?":
            out.append("?")
        else:
            out.append("*")
            i += data.draw(st.integers(0, len(name) - i))
            continue
        i += 1
    return "".join(out)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(names=st.lists(NAME, min_size=1, max_size=2), rule_text=st.sampled_from(RULES),
       program=st.sampled_from(["cat", "rm -f"]), data=st.data())
def test_a_glob_never_turns_deny_into_allow(tmp_path: Path, names: list[str], rule_text: str,
                                            program: str, data: st.DataObject) -> None:
    """If `cat <path>` is denied, `cat <glob matching path>` is denied too."""
    ctx = PermissionContext(working_dirs=(tmp_path,), policy=policy(tmp_path, [rule_text]))
    literal = "/".join(names)

    def behavior(arg: str) -> str:
        view = CallView.from_input("Bash", {"command": f"{program} {arg}"}, tmp_path)
        return decide(view, ctx).behavior

    if behavior(literal) != "deny":
        return
    glob = "/".join(globify(n, data) for n in names)
    assert behavior(glob) == "deny", (literal, glob)
