"""Issue 10, the pure parts: which protected paths are held, how the read-only sandbox's argv
is built, which output lines are reported.  No bubblewrap needed (``test_sandbox_escapes.py``
and ``test_readonly_sandbox.py`` run the same things for real)."""

from __future__ import annotations

import os
from pathlib import Path

from tui.sandbox.bwrap import build_argv, read_only_plan
from tui.sandbox.policy import SandboxPolicy, git_dir_candidates
from tui.sandbox.protect import (
    Hold,
    auto_allow_protected,
    make_holds,
    plan_holds,
    refuse_created,
    release_holds,
)
from tui.sandbox.readonly import network_violations, read_only_policy


def _real(p: Path) -> Path:
    return Path(os.path.realpath(p))


def _policy(wd: Path, home: Path | None = None) -> SandboxPolicy:
    return SandboxPolicy(enabled=True, write_paths=(wd,), working_dirs=(wd,),
                         home=home or wd.parent / "home")


def _git_dir(path: Path) -> Path:
    (path / "objects").mkdir(parents=True)
    (path / "refs").mkdir()
    (path / "HEAD").write_text("ref: refs/heads/main\n")
    (path / "config").write_text("[core]\n")
    return path


def test_every_sandboxed_command_holds_git_redirection_files(tmp_path: Path) -> None:
    wd = _real(tmp_path) / "p"
    git = _git_dir(wd / ".git")
    (git / "hooks").mkdir()
    module = _git_dir(git / "modules" / "libs" / "sub")  # a submodule at libs/sub
    worktree = _git_dir(git / "worktrees" / "wt")
    holds = {h.path: h for h in plan_holds(_policy(wd), auto_allow=False)}
    assert holds[git / "commondir"].content == b".\n"
    assert holds[module / "commondir"].content == b".\n" and holds[module / "hooks"].is_dir
    assert holds[worktree / "commondir"].content == b"../..\n"
    assert holds[wd / "HEAD"].is_dir  # never a valid HEAD: no bare repository at the top
    assert wd / "objects" not in holds and wd / "refs" not in holds  # inert without HEAD
    assert git / "config.worktree" not in holds  # git reads it only with the extension
    assert wd / ".npmrc" not in holds and wd / ".git" not in holds  # auto-allow only
    (git / "config").write_text("[extensions]\n\tworktreeConfig = true\n")
    holds = {h.path for h in plan_holds(_policy(wd), auto_allow=False)}
    assert {git / "config.worktree", worktree / "config.worktree"} <= holds


def test_auto_allow_holds_every_protected_name_at_the_top(tmp_path: Path) -> None:
    wd = _real(tmp_path) / "p"
    wd.mkdir()
    names = {h.path.name: h for h in plan_holds(_policy(wd), auto_allow=True)}
    for name in (".git", ".vscode", ".idea", ".husky", ".cargo", ".devcontainer", ".yarn",
                 ".mvn", ".claude"):
        assert names[name].is_dir, name
    for name in (".npmrc", ".envrc", ".gitmodules", ".pre-commit-config.yaml", ".yarnrc.yml",
                 ".pnpmfile.cjs", "bunfig.toml"):
        assert not names[name].is_dir and names[name].content == b"", name
    assert names[".mcp.json"].content == b"{}\n"
    # Not held: presence-sensitive, inert at the top of a project, or read only in the home.
    for name in ("pyrightconfig.json", "lefthook.yml", "gradle-wrapper.properties", ".bashrc",
                 ".gitconfig"):
        assert name not in names, name


def test_home_names_are_held_in_a_writable_home(tmp_path: Path) -> None:
    home = _real(tmp_path) / "home"
    (home / ".config").mkdir(parents=True)
    holds = {h.path for h in plan_holds(_policy(home, home), auto_allow=True)}
    assert {home / ".bashrc", home / ".zshrc", home / ".profile", home / ".gitconfig",
            home / ".config" / "git"} <= holds


def test_nothing_is_held_outside_the_writable_trees_or_without_isolation(tmp_path: Path) -> None:
    wd = _real(tmp_path) / "p"
    wd.mkdir()
    assert plan_holds(SandboxPolicy(working_dirs=(wd,), write_paths=()), auto_allow=True) == []
    off = SandboxPolicy(working_dirs=(wd,), write_paths=(wd,), filesystem_disabled=True)
    assert plan_holds(off, auto_allow=True) == []


def test_holds_are_removed_only_when_unchanged(tmp_path: Path) -> None:
    root = _real(tmp_path)
    held, notes = make_holds([Hold(root / "a", False, b".\n"), Hold(root / "d", True),
                              Hold(root / "b", False)])
    assert notes == [] and (root / "a").read_bytes() == b".\n" and (root / "d").is_dir()
    (root / "b").write_text("written by another program meanwhile\n")
    notes = release_holds(held)
    assert not (root / "a").exists() and not (root / "d").exists()
    assert (root / "b").exists() and any("was written outside the sandbox" in n for n in notes)
    again, _ = make_holds([Hold(root / "b", False)])  # exists: never overwritten
    assert again == []


def test_watched_names_created_are_removed(tmp_path: Path) -> None:
    root = _real(tmp_path)
    (root / "pyrightconfig.json").write_text("{}")
    (root / "lefthook.yml").mkdir()
    notes = refuse_created([root / "pyrightconfig.json", root / "lefthook.yml",
                            root / ".bazelversion"])
    assert not (root / "pyrightconfig.json").exists()
    assert notes[0].startswith("refused:") and "a directory" in notes[1] and len(notes) == 2


def test_auto_allow_protects_existing_names_at_depth(tmp_path: Path) -> None:
    wd = _real(tmp_path) / "p"
    (wd / "packages" / "app").mkdir(parents=True)
    (wd / "packages" / "app" / ".npmrc").write_text("x")
    (wd / ".git").mkdir()
    (wd / "node_modules" / "x").mkdir(parents=True)
    (wd / "node_modules" / "x" / ".npmrc").write_text("x")
    found = auto_allow_protected(_policy(wd))
    assert wd / "packages" / "app" / ".npmrc" in found and wd / ".git" in found
    assert wd / "node_modules" / "x" / ".npmrc" not in found


def test_git_dir_candidates_cover_modules_and_worktrees(tmp_path: Path) -> None:
    git = _real(tmp_path) / ".git"
    _git_dir(git / "modules" / "a")
    _git_dir(git / "modules" / "a" / "modules" / "b")
    _git_dir(git / "worktrees" / "wt")
    found = set(git_dir_candidates(git))
    assert {git / "commondir", git / "config.worktree", git / "modules" / "a" / "config",
            git / "modules" / "a" / "modules" / "b" / "hooks",
            git / "worktrees" / "wt" / "commondir"} <= found


def test_read_only_argv_has_a_private_tmp_and_nothing_writable(tmp_path: Path) -> None:
    wd = _real(tmp_path) / "wd"  # pytest's tmp_path lies below /tmp
    wd.mkdir()
    (wd / ".env").write_text("SECRET=1\n")
    assert str(wd).startswith("/tmp/")
    policy = read_only_policy(SandboxPolicy(
        enabled=True, write_paths=(wd,), deny_write=(wd / ".git",), working_dirs=(wd,),
        deny_read=(wd / ".env",), allow_all_unix_sockets=True, filesystem_disabled=True))
    assert policy.write_paths == () and not policy.allow_all_unix_sockets
    assert not policy.filesystem_disabled
    argv = build_argv(policy, "ls", cwd=wd, session_tmp=None, read_only=True)
    joined = " ".join(argv)
    assert "--tmpfs /tmp" in joined and "--setenv TMPDIR /tmp" in joined
    assert "--bind" not in argv  # nothing bound writable
    plan = read_only_plan(policy, cwd=wd)
    # The working directory bound again read-only over the private /tmp, then its mask.
    assert [(m.kind, m.path) for m in plan] == [("ro", wd), ("mask", wd / ".env")]
    assert argv.index("--tmpfs") < argv.index(str(wd)) < argv.index(str(wd / ".env"))


def test_network_lines_are_reported_without_traceback_frames() -> None:
    output = ('Traceback (most recent call last):\n'
              '  File "/usr/lib/python3.11/socket.py", line 962, in getaddrinfo\n'
              '    for res in _socket.getaddrinfo(host, port, family, type, proto, flags):\n'
              'socket.gaierror: [Errno -3] Temporary failure in name resolution\n'
              'curl: (7) Failed to connect to 1.1.1.1 port 443: Network is unreachable\n'
              'all good\n')
    notes = network_violations(output)
    assert len(notes) == 2
    assert notes[0].startswith("network blocked: socket.gaierror")
    assert "Network is unreachable" in notes[1]
