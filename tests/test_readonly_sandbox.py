"""Issue 10 item 1: a command Warden runs without asking because it judged it read-only runs in
a read-only sandbox (nothing writable, Read deny paths masked, private ``/tmp``, no network).

Three layers: the engine's decisions (``Decision.auto``, pure), the contained path for real
(every read-only program of the analysis run once through the Bash tool, a write and a
connection refused with the chat's note, the agent loop's wiring through the replay server,
failing closed), and what people see (the status line, ``warden doctor``,
``warden sandbox run --read-only``).  Tests that need bubblewrap skip with the reason.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_engine_bash import make_policy
from tui.permissions.decision import READ_ONLY_SOURCE, SANDBOX_AUTO_ALLOW_SOURCE
from tui.permissions.engine import CallView, PermissionContext, decide
from tui.permissions.sandbox_mode import SandboxState, sandbox_profile
from tui.sandbox.doctor import can_run
from tui.sandbox.runner import SandboxRunner

_OK, _WHY = can_run()
needs_bwrap = pytest.mark.skipif(not _OK, reason=f"bubblewrap cannot run here: {_WHY}")


def _real(p: Path) -> Path:
    return Path(os.path.realpath(p))


def _decide(command: str, cwd: Path, *, state: SandboxState | None, mode: str = "default",
            extra: dict | None = None, **rules):
    ctx = PermissionContext(working_dirs=(cwd,), mode=mode, policy=make_policy(cwd, **rules),
                            sandbox=state, repo_has_unsaved_work=lambda _c: False)
    return decide(CallView.from_input("Bash", {"command": command, **(extra or {})}, cwd), ctx)


def _contained(**kw) -> SandboxState:
    """A state whose read-only sandbox is available (the runner is not used by decide)."""
    return SandboxState(containment=object(), **kw)


# -- the engine: which decisions run contained ------------------------------------------------


def test_read_only_commands_are_marked_contained(tmp_path: Path) -> None:
    d = _decide("git log --oneline", tmp_path, state=_contained())
    assert (d.behavior, d.source, d.auto) == ("allow", READ_ONLY_SOURCE, "read-only")
    assert sandbox_profile(_contained(), d, "git log --oneline", {}, None) == "read-only"
    # Where bubblewrap cannot run the analysis alone decides: allowed, run plainly.
    bare = SandboxState()
    d = _decide("git log --oneline", tmp_path, state=bare)
    assert d.auto == "read-only" and sandbox_profile(bare, d, "git log", {}, None) is None


def test_plan_mode_read_only_commands_run_contained(tmp_path: Path) -> None:
    d = _decide("ls -la && cat README", tmp_path, state=_contained(), mode="plan")
    assert (d.behavior, d.auto) == ("allow", "read-only")


def test_a_users_allow_rule_takes_precedence_and_runs_as_today(tmp_path: Path) -> None:
    d = _decide("git log --oneline", tmp_path, state=_contained(), allow=["Bash(git log *)"])
    assert (d.behavior, d.rule, d.auto) == ("allow", "Bash(git log *)", None)
    assert sandbox_profile(_contained(), d, "git log --oneline", {}, None) is None
    # A rule for only one part does not: the rest is Warden's own judgement.
    d = _decide("git log && ls", tmp_path, state=_contained(), allow=["Bash(git log *)"])
    assert d.auto == "read-only"


def test_dangerously_disable_sandbox_on_a_read_only_command_asks(tmp_path: Path) -> None:
    flag = {"dangerouslyDisableSandbox": True}
    d = _decide("cat README", tmp_path, state=_contained(), extra=flag)
    assert (d.behavior, d.source) == ("ask", "sandbox: escape")
    strict = _contained(allow_unsandboxed=False)  # strict sandbox mode: the flag is ignored
    assert _decide("cat README", tmp_path, state=strict, extra=flag).auto == "read-only"


def test_sandbox_auto_allow_sends_read_only_commands_to_the_read_only_sandbox(
        tmp_path: Path) -> None:
    on = _contained(enabled=True, available=True)
    d = _decide("git status", tmp_path, state=on)
    assert d.auto == "read-only" and sandbox_profile(on, d, "git status", {}, None) == "read-only"
    d = _decide("npm test", tmp_path, state=on)
    assert (d.source, d.auto) == (SANDBOX_AUTO_ALLOW_SOURCE, "sandbox")
    assert sandbox_profile(on, d, "npm test", {}, None) == "auto-allow"


@pytest.mark.parametrize("command", ["git commit -m x", "git add .", "git init",
                                     "echo x > .npmrc", "npm test > .vscode/out.txt"])
def test_sandbox_auto_allow_does_not_cover_writes_to_protected_paths(
        command: str, tmp_path: Path) -> None:
    """They would fail in the sandbox (protected paths are read-only for auto-allowed
    commands), so they go through the normal flow: a prompt, then the writable sandbox."""
    on = _contained(enabled=True, available=True)
    d = _decide(command, tmp_path, state=on)
    assert d.behavior == "ask" and d.auto is None, d
    assert any("sandbox auto-allow does not apply" in line for line in d.trace)
    assert sandbox_profile(on, d, command, {}, None) == "sandbox"


# -- the contained path, for real -------------------------------------------------------------

TEXT = "banana\napple\ncherry\napple\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git repository with two commits, a change, a sub-directory and a few files."""
    root = _real(tmp_path) / "project"
    (root / "sub").mkdir(parents=True)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root.parent),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e", "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    (root / "a.txt").write_text(TEXT)
    (root / "b.txt").write_text("1\n2\n3\n4\n")
    (root / "sorted.txt").write_text("apple\nbanana\n")
    (root / "data.json").write_text('{"name": "warden", "n": [1, 2]}\n')
    (root / "sub" / "note.md").write_text("# hello\n")
    git("add", ".")
    git("commit", "-qm", "first")
    (root / "b.txt").write_text("1\n2\n3\n4\n5\n")
    git("commit", "-qam", "second")
    git("repack", "-qad")
    (root / "a.txt").write_text(TEXT + "date\n")  # a change for git status and git diff
    return root


def _pack(project: Path) -> str:
    packs = sorted((project / ".git" / "objects" / "pack").glob("*.idx"))
    return str(packs[0].relative_to(project))


READ_ONLY_COMMANDS: dict[str, str] = {
    ":": ": x", "apropos": "apropos ls", "arch": "arch", "b2sum": "b2sum a.txt",
    "base32": "base32 a.txt", "base64": "base64 a.txt", "basename": "basename /a/b.txt",
    "cal": "cal 1 2024", "cat": "cat a.txt", "cd": "cd sub", "cksum": "cksum a.txt",
    "cmp": "cmp a.txt a.txt", "column": "column -t b.txt", "comm": "comm sorted.txt sorted.txt",
    "command": "command -v ls", "cut": "cut -c1-3 a.txt", "date": "date -u -d @0",
    "df": "df -P .", "diff": "diff a.txt a.txt", "dir": "dir sub", "dirname": "dirname /a/b",
    "du": "du -s sub", "echo": "echo hi", "egrep": "egrep app a.txt", "env": "env",
    "exec": "exec ls", "expand": "expand a.txt", "expr": "expr 1 + 2", "factor": "factor 12",
    "false": "false", "fgrep": "fgrep app a.txt", "file": "file a.txt",
    "find": "find . -name '*.txt' -not -path './.git/*'", "fmt": "fmt a.txt",
    "fold": "fold -w 3 a.txt", "free": "free", "getconf": "getconf PAGESIZE",
    "getfacl": "getfacl a.txt", "git": "git --version", "git annotate": "git annotate b.txt",
    "git blame": "git blame b.txt", "git branch": "git branch",
    "git cat-file": "git cat-file -p HEAD", "git check-attr": "git check-attr -a a.txt",
    "git check-ignore": "git check-ignore a.txt", "git cherry": "git cherry main main",
    "git config": "git config --get core.bare", "git count-objects": "git count-objects",
    "git describe": "git describe --always", "git diff": "git diff",
    "git diff-files": "git diff-files", "git diff-index": "git diff-index HEAD",
    "git diff-tree": "git diff-tree HEAD", "git for-each-ref": "git for-each-ref",
    "git grep": "git grep apple", "git log": "git log --oneline",
    "git ls-files": "git ls-files", "git ls-tree": "git ls-tree HEAD",
    "git merge-base": "git merge-base HEAD HEAD~1", "git name-rev": "git name-rev HEAD",
    "git notes": "git notes list", "git range-diff": "git range-diff HEAD~1..HEAD HEAD~1..HEAD",
    "git reflog": "git reflog", "git remote": "git remote -v", "git rev-list": "git rev-list HEAD",
    "git rev-parse": "git rev-parse HEAD", "git shortlog": "git shortlog -s HEAD",
    "git show": "git show --stat HEAD", "git show-branch": "git show-branch",
    "git show-ref": "git show-ref", "git stash": "git stash list",
    "git status": "git status --short", "git tag": "git tag",
    "git var": "git var GIT_EDITOR", "git verify-pack": "git verify-pack -v {pack}",
    "git version": "git version", "git whatchanged": "git whatchanged -1",
    "git worktree": "git worktree list", "grep": "grep -r apple .", "groups": "groups",
    "head": "head -n 2 a.txt", "hexdump": "hexdump -C b.txt", "hostname": "hostname",
    "id": "id -u", "join": "join sorted.txt sorted.txt", "jq": "jq .name data.json",
    "locale": "locale", "ls": "ls -l", "lsattr": "lsattr a.txt", "md5sum": "md5sum a.txt",
    "ncal": "ncal 1 2024", "nl": "nl a.txt", "nproc": "nproc",
    "numfmt": "numfmt --to=si 1000", "od": "od -c b.txt", "paste": "paste a.txt b.txt",
    "pgrep": "pgrep -x no-such-program", "printenv": "printenv HOME",
    "printf": "printf '%s\\n' x", "ps": "ps -o comm= -p 1", "pwd": "pwd",
    "readlink": "readlink -f a.txt", "realpath": "realpath a.txt", "rev": "rev a.txt",
    "rg": "rg apple", "sed": "sed -n 2p a.txt", "seq": "seq 3", "sha1sum": "sha1sum a.txt",
    "sha224sum": "sha224sum a.txt", "sha256sum": "sha256sum a.txt",
    "sha384sum": "sha384sum a.txt", "sha512sum": "sha512sum a.txt", "sleep": "sleep 0",
    "sort": "sort a.txt", "stat": "stat -c %s a.txt", "strings": "strings a.txt",
    "sum": "sum a.txt", "tac": "tac a.txt", "tail": "tail -n 1 a.txt",
    "tr": "tr a-z A-Z < a.txt", "tree": "tree sub", "true": "true", "tty": "tty",
    "type": "type ls", "uname": "uname -s", "unexpand": "unexpand a.txt", "uniq": "uniq a.txt",
    "uptime": "uptime", "vdir": "vdir sub", "wc": "wc -l a.txt", "whatis": "whatis ls",
    "whereis": "whereis ls", "which": "which ls", "whoami": "whoami",
}
"""One everyday invocation of every program the analysis can judge read-only."""

VARIES = frozenset({"df", "env", "free", "ps", "uptime", "printenv", "pgrep", "apropos"})
"""Programs whose output legitimately differs inside the sandbox (its own /proc, PID
namespace, /tmp and environment; ``apropos`` lists the whole manual, cut at the output cap in
different places): only the exit status is compared."""

BUILTINS = frozenset({":", "cd", "command", "echo", "exec", "false", "printf", "pwd", "true",
                      "type"})


def test_every_read_only_program_has_a_command() -> None:
    from tui.shell.registry import read_only_programs

    assert sorted(READ_ONLY_COMMANDS) == read_only_programs()


async def _run_like_the_loop(command: str, cwd: Path, state: SandboxState,
                             env: dict[str, str] | None = None):
    """Prepare, decide and run ``command`` as :class:`tui.agent.loop.Agent` does."""
    from tui.shell.analyzer import analyze_detailed
    from tui.tools.base import ToolContext
    from tui.tools.bash import Bash

    tool = Bash()
    ctx = ToolContext(cwd=cwd, env=env if env is not None else dict(os.environ),
                      sandbox=state.containment)
    call = await tool.prepare("toolu_1", {"command": command}, ctx)
    perm = PermissionContext(working_dirs=(cwd,), sandbox=state,
                             repo_has_unsaved_work=lambda _c: False)
    analysis = analyze_detailed(command, cwd=cwd, home=perm.home,
                                working_dirs=perm.working_dirs).analysis
    decision = decide(call, perm, analysis)
    profile = sandbox_profile(state, decision, command, call.input, analysis)
    call.sandbox_profile = profile
    result = await tool.run(call, ctx)
    return decision, profile, call, result


async def _plain(command: str, cwd: Path) -> tuple[int, str]:
    """The same command through the Bash tool, plainly (no sandbox profile)."""
    from tui.tools.base import ToolContext
    from tui.tools.bash import Bash

    tool = Bash()
    ctx = ToolContext(cwd=cwd, env=dict(os.environ))
    call = await tool.prepare("toolu_p", {"command": command}, ctx)
    return _code_and_output(await tool.run(call, ctx))


def _state(project: Path) -> SandboxState:
    from tui.sandbox.policy import resolve_policy
    from tui.settings import load_settings

    policy = resolve_policy(load_settings(project, only=()), cwd=project,
                            working_dirs=(project,))
    return SandboxState(containment=SandboxRunner(policy, cwd=project))


def _code_and_output(result) -> tuple[int, str]:
    text = result.content
    if text == "(no output)":
        return 0, ""
    lines = text.split("\n")
    if result.is_error and lines[-1].startswith("Exit code "):
        return int(lines[-1].split()[2]), "\n".join(lines[:-1])
    return 0, text


@needs_bwrap
async def test_every_read_only_program_runs_contained_and_works(project: Path) -> None:
    """Each program once through the contained path: the engine judges it read-only, it runs
    in the read-only sandbox, and it behaves as it does outside (same exit status; same output
    except for :data:`VARIES`).  Programs not installed here fail the same way in both."""
    state = _state(project)
    pack = _pack(project)
    problems: list[str] = []
    missing: list[str] = []
    try:
        for program, template in sorted(READ_ONLY_COMMANDS.items()):
            command = template.format(pack=pack)
            name = program.split()[0]
            if name not in BUILTINS and shutil.which(name) is None:
                missing.append(program)
            decision, profile, call, result = await _run_like_the_loop(command, project, state)
            if decision.auto != "read-only" or profile != "read-only":
                problems.append(f"{program}: {command!r} not contained "
                                f"({decision.behavior}, {decision.reason})")
                continue
            code, output = _code_and_output(result)
            plain_code, plain_output = await _plain(command, project)
            if "<sandbox_violations>" in result.content:
                problems.append(f"{program}: the sandbox blocked something: {result.content}")
            elif code != plain_code:
                problems.append(f"{program}: exit {code} contained, {plain_code} plainly: "
                                f"{output[-300:]!r}")
            elif program not in VARIES and output != plain_output:
                problems.append(f"{program}: output differs: {output[:200]!r} vs "
                                f"{plain_output[:200]!r}")
    finally:
        await state.containment.aclose()
    assert problems == [], "\n".join(problems)
    assert len(missing) < 15, f"too few programs installed to mean much: {missing}"


@needs_bwrap
async def test_git_status_diff_and_log_work_contained(project: Path) -> None:
    state = _state(project)
    try:
        _, profile, _, result = await _run_like_the_loop(
            "git status --short && git diff --stat && git log --oneline", project, state)
    finally:
        await state.containment.aclose()
    assert profile == "read-only" and not result.is_error, result.content
    lines = result.content.splitlines()
    assert lines[0] == " M a.txt" and "1 insertion(+)" in result.content
    assert lines[-2:][0].endswith("second") and lines[-1].endswith("first")
    assert not (project / ".git" / "index.lock").exists()


@needs_bwrap
async def test_a_write_inside_fails_and_the_chat_says_so(project: Path, tmp_path: Path) -> None:
    """The Bash tool on the read-only profile, as for a command the analysis misjudged."""
    from tui.tools.base import ToolContext
    from tui.tools.bash import READ_ONLY_HINT, Bash

    state = _state(project)
    tool = Bash()
    ctx = ToolContext(cwd=project, sandbox=state.containment)
    outside = Path("/var/tmp") / f"warden-test-{os.getpid()}-{id(tmp_path)}.txt"  # not in /tmp,
    # which is private (a write there lands in the sandbox's own tmpfs and is not a violation)
    command = (f"touch new.txt; echo more >> a.txt; echo x > {outside}; "
               "git commit -qam sneaky; echo tmp > /tmp/scratch && cat /tmp/scratch")
    call = await tool.prepare("toolu_w", {"command": command}, ctx)
    call.sandbox_profile = "read-only"
    try:
        result = await tool.run(call, ctx)
    finally:
        await state.containment.aclose()
    assert not (project / "new.txt").exists() and not outside.exists()
    assert (project / "a.txt").read_text() == TEXT + "date\n"
    assert "tmp" in result.content.splitlines()  # the private /tmp is writable
    assert not Path("/tmp/scratch").exists() or Path("/tmp/scratch").read_text() != "tmp\n"
    notes = call.sandbox_notes
    assert f"write blocked: {project / 'new.txt'} (read-only file system)" in notes
    assert f"write blocked: {project / 'a.txt'} (read-only file system)" in notes
    assert f"write blocked: {outside} (read-only file system)" in notes
    assert "<sandbox_violations>" in result.content and READ_ONLY_HINT in result.content


@needs_bwrap
async def test_a_connection_fails_and_the_chat_says_so(project: Path) -> None:
    from tui.tools.base import ToolContext
    from tui.tools.bash import Bash

    state = _state(project)
    tool = Bash()
    ctx = ToolContext(cwd=project, env={**os.environ, "HTTPS_PROXY": "http://127.0.0.1:9"},
                      sandbox=state.containment)
    command = ("python3 -c \"import socket; socket.create_connection(('1.1.1.1', 443), 2)\"; "
               "python3 -c \"import socket; socket.getaddrinfo('example.com', 443)\"")
    call = await tool.prepare("toolu_n", {"command": command}, ctx)
    call.sandbox_profile = "read-only"
    try:
        result = await tool.run(call, ctx)
    finally:
        await state.containment.aclose()
    assert result.is_error
    notes = call.sandbox_notes
    assert any(n.startswith("network blocked:") and "unreachable" in n.lower() for n in notes)
    assert any(n.startswith("network blocked:") and "name" in n.lower() for n in notes)


@needs_bwrap
async def test_read_deny_paths_are_masked_contained(project: Path) -> None:
    from tui.sandbox.policy import resolve_policy
    from tui.settings import load_settings
    from tui.settings.model import CliSettings

    (project / "deep" / "a" / "b").mkdir(parents=True)
    (project / "deep" / "a" / "b" / ".env").write_text("TOKEN=s3cr3t\n")
    (project / ".env").write_text("TOKEN=s3cr3t\n")
    settings = load_settings(project, only=(), cli=CliSettings(
        settings=json.dumps({"permissions": {"deny": ["Read(.env)"]}})))
    policy = resolve_policy(settings, cwd=project, working_dirs=(project,))
    runner = SandboxRunner(policy, cwd=project)
    try:
        result = await runner.run("cat .env deep/a/b/.env; grep -r s3cr3t . ; echo done",
                                  timeout_s=20, profile="read-only")
    finally:
        await runner.aclose()
    assert "s3cr3t" not in result.output and "done" in result.output


# -- the agent loop's wiring ------------------------------------------------------------------


def _cassette(commands: list[str]):
    """One reply asking for ``commands`` (Bash tool uses), then a closing text."""
    from tui.demo.cassette import cassette_from_dict, events_from_message

    usage = {"input_tokens": 10, "output_tokens": 5}
    first = {"id": "msg_1", "model": "claude-test", "role": "assistant", "type": "message",
             "stop_reason": "tool_use", "usage": usage,
             "content": [{"type": "tool_use", "id": f"toolu_{i}", "name": "Bash",
                          "input": {"command": c}} for i, c in enumerate(commands)]}
    last = {"id": "msg_2", "model": "claude-test", "role": "assistant", "type": "message",
            "stop_reason": "end_turn", "usage": usage,
            "content": [{"type": "text", "text": "Done."}]}
    return cassette_from_dict({
        "format": "warden-cassette/1", "description": "read-only sandbox", "model": "claude-test",
        "prompt": "go", "start": "ask",
        "nodes": {"ask": {"events": events_from_message(first), "next": {"any": "end"}},
                  "end": {"events": events_from_message(last)}}})


class _Turn:
    """An Agent against the replay server; approvals answered from ``answers`` in order."""

    def __init__(self, cwd: Path, commands: list[str], state: SandboxState, answers=()):
        import anthropic

        from tui.agent.loop import Agent
        from tui.demo.server import ReplayServer
        from tui.tools import default_tools
        from tui.tools.base import ToolContext

        self.server = ReplayServer(_cassette(commands), cwd=cwd)
        self.server.start()
        self.events: list = []
        self.answers = list(answers)
        self.client = anthropic.AsyncAnthropic(base_url=self.server.base_url, api_key="test",
                                               max_retries=0)
        self.agent = Agent(client=self.client, model="claude-test", tools=default_tools(),
                           tool_ctx=ToolContext(cwd=cwd, env=dict(os.environ),
                                                sandbox=state.containment),
                           perm_ctx=PermissionContext((cwd,), sandbox=state,
                                                      repo_has_unsaved_work=lambda _c: False),
                           sink=self._sink)

    def _sink(self, event) -> None:
        from tui.agent import events as ev

        self.events.append(event)
        if isinstance(event, ev.ApprovalNeeded) and self.answers:
            asyncio.get_running_loop().call_soon(event.request.answer, self.answers.pop(0))

    async def run(self) -> str:
        try:
            return await self.agent.run_turn("go")
        finally:
            await self.client.close()
            self.server.stop()

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]


@needs_bwrap
async def test_the_loop_runs_read_only_commands_contained_and_approved_ones_plainly(
        project: Path) -> None:
    from tui.agent import events as ev
    from tui.approvals import Answer

    state = _state(project)
    turn = _Turn(project, ["printenv WARDEN_SANDBOX", "touch made.txt"], state,
                 [Answer("allow_once")])
    try:
        assert await turn.run() == "end_turn"
    finally:
        await state.containment.aclose()
    prepared = turn.of(ev.ToolCallPrepared)
    assert prepared[0].decision.auto == "read-only"
    assert prepared[0].call.sandbox_profile == "read-only"
    assert prepared[1].decision.behavior == "ask"
    assert prepared[1].call.sandbox_profile is None
    finished = turn.of(ev.ToolFinished)
    assert finished[0].result.content == "1"  # ran inside bubblewrap
    assert (project / "made.txt").exists()  # approved by the user: plainly, as today


@needs_bwrap
@pytest.mark.parametrize("answer, ran", [("allow_once", True), ("deny_with_reason", False)])
async def test_containment_that_cannot_start_asks_instead_of_running_plainly(
        project: Path, monkeypatch: pytest.MonkeyPatch, answer: str, ran: bool) -> None:
    """Fail closed: the read-only sandbox fails at run time; the command does not run plainly
    unless the user says so."""
    from tui.agent import events as ev
    from tui.approvals import Answer
    from tui.sandbox.runner import SandboxUnavailable

    state = _state(project)

    async def broken(*_a, **_k):
        raise SandboxUnavailable("bubblewrap could not set up the sandbox: test")

    monkeypatch.setattr(state.containment, "run", broken)
    turn = _Turn(project, ["printenv HOME > /dev/null; echo ran"], state,
                 [Answer(answer, reason="no")])
    await turn.run()
    asked = turn.of(ev.ApprovalNeeded)
    assert len(asked) == 1 and asked[0].request.decision.source == \
        "sandbox: containment unavailable"
    assert "could not start" in asked[0].request.decision.reason
    finished = turn.of(ev.ToolFinished)[-1]
    assert finished.ran is ran
    assert (finished.result.content == "ran") is ran


# -- what people see --------------------------------------------------------------------------


def test_doctor_says_how_to_enable_read_only_checks(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.sandbox.doctor import diagnose

    monkeypatch.setenv("PATH", str(tmp_path))
    check = next(c for c in diagnose(None).checks if c.name == "read-only checks")
    assert not check.ok and check.detail.startswith("analysis only")
    assert "enable the read-only sandbox" in check.fix and "apt-get install bubblewrap" in \
        check.fix


@needs_bwrap
def test_doctor_reports_contained_read_only_checks() -> None:
    from tui.sandbox.doctor import diagnose

    check = next(c for c in diagnose(None).checks if c.name == "read-only checks")
    assert check.ok and check.detail.startswith("contained")


@needs_bwrap
def test_sandbox_run_read_only_cli(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli_sandbox import sandbox_run_main

    code = sandbox_run_main(["--cwd", str(project), "--settings", "{}", "--read-only", "--",
                             "git status --short; touch x; echo $GIT_OPTIONAL_LOCKS; exit 4"])
    out, err = capsys.readouterr()
    assert code == 4
    assert out.splitlines()[0] == " M a.txt" and out.splitlines()[-1] == "0"
    assert f"sandbox: write blocked: {project / 'x'} (read-only file system)" in err
    assert not (project / "x").exists()


async def test_status_line_says_analysis_only_without_bubblewrap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reviewer should see "read-only checks: analysis only" in the status line when the
    read-only sandbox cannot run."""
    from tests.scenarios import DemoRun, wait_until

    monkeypatch.setattr("tui.sandbox.readonly.why_unavailable",
                        lambda *_a, **_k: "bubblewrap binary: not found. Fix: install it")
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            await wait_until(pilot, lambda: screen.status.checks, what="read-only checks")
            assert "read-only checks: analysis only" in str(screen.status.render())
            assert not screen.session.perm_ctx.sandbox.contained
    finally:
        run.close()


@needs_bwrap
async def test_status_line_is_quiet_when_contained(tmp_path: Path) -> None:
    from tests.scenarios import DemoRun, wait_until

    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            await pilot.pause(0.1)
            assert screen.session.perm_ctx.sandbox.contained
            assert screen.status.checks == ""
            assert "read-only checks" not in str(screen.status.render())
    finally:
        run.close()


async def test_the_chat_shows_sandbox_notes_beside_the_output(tmp_path: Path) -> None:
    """A reviewer should see the blocked write on its own line under the command's outcome."""
    from tests.scenarios import DemoRun, wait_until
    from tui.agent import events as ev
    from tui.permissions.decision import Decision
    from tui.tools.base import ToolCall, ToolResult

    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            call = ToolCall("toolu_x", "Bash", {"command": "touch x"}, None, "shell",  # type: ignore[arg-type]
                            "touch x", command="touch x")
            screen._post_event(ev.ToolCallPrepared(call, Decision("allow", "read-only",
                                                                  auto="read-only")))
            await pilot.pause(0.1)
            note = "write blocked: /p/x (read-only file system)"
            call.sandbox_notes = (note,)
            screen._post_event(ev.ToolFinished(call, ToolResult(
                "touch: cannot touch 'x': Read-only file system\nExit code 1\n"
                f"<sandbox_violations>\n{note}\n</sandbox_violations>", True), ran=True))
            await pilot.pause(0.1)
            from widgets.chat_log import ToolLine

            text = str(list(screen.chat.query(ToolLine))[-1].render())
            assert "Exit code 1" in text and "sandbox_violations" not in text
            assert f"sandbox: {note}" in text
    finally:
        run.close()
