"""Sandbox policy resolution and the bubblewrap argv (REF §6.2, §6.3; ``SPEC.md`` §8).

No process is started here except where a test says so; the attacks on a real sandbox are in
``test_sandbox_fs.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tui.sandbox.bwrap import (
    FLAGS,
    Mount,
    build_argv,
    filter_helper_argv,
    mount_plan,
    unix_socket_filter,
)
from tui.sandbox.policy import SandboxPolicy, protected_write_paths, resolve_policy, sandbox_path
from tui.sandbox.runner import write_violations
from tui.settings import load_settings
from tui.settings.model import CliSettings


def _real(p: Path) -> Path:
    return Path(os.path.realpath(p))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = _real(tmp_path) / "project"
    root.mkdir()
    return root


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = _real(tmp_path) / "home"
    h.mkdir()
    return h


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def _policy(project: Path, home: Path, settings: dict | None = None, *,
            discover: bool = False) -> SandboxPolicy:
    cli = CliSettings(settings=json.dumps(settings)) if settings is not None else None
    loaded = load_settings(project, cli=cli, only=None if discover else ())
    return resolve_policy(loaded, cwd=project, working_dirs=[project], home=home)


# -- REF §6.2 path prefixes -------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "expected"), [
    ("/tmp/build", "/tmp/build"),
    ("//tmp/build", "/tmp/build"),
    ("~/cache", "/h/cache"),
    ("~", "/h"),
    ("./out", "/anchor/out"),
    ("out", "/anchor/out"),
    ("out/", "/anchor/out"),
    ("out/**", "/anchor/out"),
    ("/data/**/", "/data"),
    ("../sibling", "/sibling"),
    ("./a/../b", "/anchor/b"),
])
def test_sandbox_path_prefixes(entry: str, expected: str) -> None:
    """Absolute, ``//``, ``~/``, relative to the anchor; trailing ``/`` and ``/**`` stripped."""
    assert sandbox_path(entry, Path("/anchor"), Path("/h")) == (expected, None)


@pytest.mark.parametrize("entry", ["", "   ", "~bob/x", "a\x00b"])
def test_sandbox_path_unusable(entry: str) -> None:
    text, why = sandbox_path(entry, Path("/anchor"), Path("/h"))
    assert text is None and why


def test_relative_entries_use_each_files_anchor(project: Path, home: Path) -> None:
    """Project settings: relative to the project root; user settings: to the user dir."""
    (project / "out").mkdir()
    user = Path(os.environ["WARDEN_CONFIG_DIR"])
    (user / "cache").mkdir(parents=True)
    _write_json(project / ".claude" / "settings.json",
                {"sandbox": {"filesystem": {"allowWrite": ["out", "./missing"]}}})
    _write_json(user / "settings.json", {"sandbox": {"filesystem": {"allowWrite": ["cache"]}}})
    policy = _policy(project, home, discover=True)
    assert project / "out" not in policy.write_paths  # inside the project: already writable
    assert project in policy.write_paths
    assert _real(user / "cache") in policy.write_paths
    assert any("missing" in p and "does not exist" in p for p in policy.problems)


def test_extra_write_path_outside_the_project(project: Path, home: Path, tmp_path: Path) -> None:
    build = _real(tmp_path) / "build"
    build.mkdir()
    policy = _policy(project, home, {"sandbox": {"filesystem": {"allowWrite": [str(build)]}}})
    assert policy.write_paths == tuple(sorted([project, build]))


def test_glob_entries_in_write_lists_are_skipped(project: Path, home: Path) -> None:
    """REF §6.2: on Linux entries with ``*``, ``?`` or ``[`` in allowWrite/denyWrite are skipped."""
    policy = _policy(project, home, {"sandbox": {"filesystem": {
        "allowWrite": ["/tmp/*.log"], "denyWrite": ["./src/[ab].py"]}}})
    skipped = [p for p in policy.problems if "glob" in p]
    assert len(skipped) == 2
    assert any("/tmp/*.log" in p for p in skipped)
    assert policy.write_paths == (project,)


def test_read_lists_are_glob_expanded(project: Path, home: Path) -> None:
    keys = project / "keys"
    keys.mkdir()
    for name in ("a.key", "b.key", "c.txt"):
        (keys / name).write_text("x")
    (project / "private").mkdir()
    (project / "private" / "public.txt").write_text("ok")
    policy = _policy(project, home, {"sandbox": {"filesystem": {
        "denyRead": ["./keys/*.key", "private/"],
        "allowRead": ["./private/public.txt", "./keys/c.txt"]}}})
    assert policy.deny_read == (keys / "a.key", keys / "b.key", project / "private")
    # allowRead outside every denied path changes nothing and is dropped.
    assert policy.allow_read == (project / "private" / "public.txt",)


def test_rules_merge_into_the_lists(project: Path, home: Path, tmp_path: Path) -> None:
    """Edit allow → write, Edit deny → read-only, Read deny → unreadable, WebFetch → domains."""
    extra = _real(tmp_path) / "extra"
    extra.mkdir()
    (project / "config").mkdir()
    (project / ".env").write_text("SECRET=1")
    (project / "sub").mkdir()
    (project / "sub" / ".env").write_text("SECRET=2")
    policy = _policy(project, home, {
        "permissions": {
            "allow": [f"Edit(/{extra}/**)", "WebFetch(domain:pypi.org)", "Edit(*.py)"],
            "deny": ["Edit(./config/**)", "Read(.env)", "WebFetch(domain:evil.com)"],
        },
        "sandbox": {"network": {"allowedDomains": ["github.com"],
                                "deniedDomains": ["*.bad.org"]}},
    })
    assert extra in policy.write_paths
    assert project / "config" in policy.deny_write
    # A bare name in a deny rule matches at any depth (REF §2.5).
    assert set(policy.deny_read) == {project / ".env", project / "sub" / ".env"}
    assert policy.allowed_domains == ("github.com", "pypi.org")
    assert policy.denied_domains == ("*.bad.org", "evil.com")
    assert any("Edit(*.py)" in p for p in policy.problems)


def test_scalars_and_defaults(project: Path, home: Path) -> None:
    policy = _policy(project, home, {"sandbox": {"enabled": True, "failIfUnavailable": True,
                                                 "excludedCommands": ["Bash(docker *)"]}})
    assert policy.enabled and policy.fail_if_unavailable
    assert policy.auto_allow and policy.allow_unsandboxed
    assert policy.excluded_commands == ("Bash(docker *)",)
    off = _policy(project, home, {"sandbox": {"autoAllowBashIfSandboxed": False,
                                              "allowUnsandboxedCommands": False}})
    assert not off.enabled and not off.auto_allow and not off.allow_unsandboxed


def test_bwrap_path_only_from_managed(project: Path, home: Path) -> None:
    """``sandbox.bwrapPath`` is managed-only (REF §4.3): elsewhere it is ignored."""
    policy = _policy(project, home, {"sandbox": {"bwrapPath": "/opt/evil/bwrap"}})
    assert policy.bwrap_path != "/opt/evil/bwrap" and not policy.bwrap_configured
    managed = Path(os.environ["WARDEN_MANAGED_DIR"])
    _write_json(managed / "managed-settings.json", {"sandbox": {"bwrapPath": "/opt/bw/bwrap"}})
    policy = _policy(project, home, discover=True)
    assert policy.bwrap_path == "/opt/bw/bwrap" and policy.bwrap_configured


def test_project_cannot_make_home_writable(project: Path, home: Path) -> None:
    _write_json(project / ".claude" / "settings.json",
                {"sandbox": {"filesystem": {"allowWrite": ["~", "/"]}}})
    policy = _policy(project, home, discover=True)
    assert policy.write_paths == (project,)
    assert sum("cannot make" in p for p in policy.problems) == 2


def test_protected_paths_inside_writable_trees(project: Path, home: Path) -> None:
    (project / ".git" / "hooks").mkdir(parents=True)
    (project / ".git" / "config").write_text("[core]\n")
    for name in (".mcp.json", ".bashrc", ".gitconfig"):
        (project / name).write_text("x")
    (project / ".vscode").mkdir()
    nested = project / "vendor" / "lib"
    (nested / ".git" / "hooks").mkdir(parents=True)
    policy = _policy(project, home)
    for path in (".git/hooks", ".git/config", ".mcp.json", ".bashrc", ".gitconfig", ".vscode",
                 "vendor/lib/.git/hooks"):
        assert project / path in policy.deny_write, path
    assert project / ".git" not in policy.deny_write  # git commit must work


def test_missing_protected_dirs_are_reported(project: Path, home: Path) -> None:
    (project / ".git").mkdir()
    existing, missing = protected_write_paths([project], working_dirs=[project], home=home)
    assert existing == []
    assert set(missing) == {project / ".claude", project / ".git" / "hooks"}


def test_home_protections_when_home_is_writable(project: Path, home: Path) -> None:
    (home / ".bashrc").write_text("x")
    (home / ".ssh").mkdir()
    (home / ".ssh" / "authorized_keys").write_text("x")
    existing, _ = protected_write_paths([home], working_dirs=[project], home=home)
    assert home / ".bashrc" in existing
    assert home / ".ssh" / "authorized_keys" in existing


# -- the argv ---------------------------------------------------------------------------------


def _index(argv: list[str], *seq: str) -> int:
    for i in range(len(argv) - len(seq) + 1):
        if argv[i:i + len(seq)] == list(seq):
            return i
    raise AssertionError(f"{seq} not in {argv}")


def test_argv_order(project: Path, home: Path, tmp_path: Path) -> None:
    """Root read-only first, then deeper mounts; read-only binds after their writable parent;
    masks after; the session temp dir last; then env, chdir, ``--``, the shell."""
    (project / ".git" / "hooks").mkdir(parents=True)
    (project / "private").mkdir()
    (project / "private" / "ok.txt").write_text("ok")
    (project / "token").write_text("t")
    tmp = _real(tmp_path) / "session"
    tmp.mkdir()
    policy = _policy(project, home, {"sandbox": {"filesystem": {
        "denyRead": ["./private", "./token"], "allowRead": ["./private/ok.txt"]}}})
    argv = build_argv(policy, "echo hi", cwd=project, session_tmp=tmp, shell="/bin/sh")
    p = str(project)
    assert argv[0] == (policy.bwrap_path or "bwrap")  # plain `bwrap` where it is not found
    assert argv[1:1 + len(FLAGS)] == list(FLAGS)
    root = _index(argv, "--ro-bind", "/", "/")
    dev = _index(argv, "--dev", "/dev")
    proc = _index(argv, "--proc", "/proc")
    write = _index(argv, "--bind", p, p)
    pin = _index(argv, "--bind", f"{p}/.git", f"{p}/.git")
    hooks = _index(argv, "--ro-bind", f"{p}/.git/hooks", f"{p}/.git/hooks")
    mask_dir = _index(argv, "--tmpfs", f"{p}/private")
    mask_file = _index(argv, "--ro-bind", "/dev/null", f"{p}/token")
    reopen = _index(argv, "--ro-bind", f"{p}/private/ok.txt", f"{p}/private/ok.txt")
    remount = _index(argv, "--remount-ro", f"{p}/private")
    session = _index(argv, "--bind", str(tmp), str(tmp))
    env = _index(argv, "--setenv", "TMPDIR", str(tmp))
    chdir = _index(argv, "--chdir", p)
    sep = argv.index("--")
    assert root < dev < proc < write < pin < hooks < remount < session < env < chdir
    assert write < mask_dir < reopen < remount and write < mask_file < remount
    assert argv[sep:] == ["--", "/bin/sh", "-c", "echo hi"]
    assert _index(argv, "--setenv", "SANDBOX_RUNTIME", "1")
    assert _index(argv, "--setenv", "WARDEN_SANDBOX", "1")


def test_mount_plan_more_specific_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """deny /a, allow /a/b, deny /a/b/c: each deeper one applies; allow outside a mask and a
    read-only bind outside a writable tree are left out; a writable path inside a mask comes
    back."""
    import tui.sandbox.bwrap as bw

    policy = SandboxPolicy(
        write_paths=(Path("/a/w"),), deny_write=(Path("/a/w/.git/hooks"), Path("/etc/x")),
        deny_read=(Path("/a"), Path("/a/b/c")), allow_read=(Path("/a/b"), Path("/z")))
    exists = {"/a", "/a/w", "/a/w/.git", "/a/w/.git/hooks", "/etc/x", "/a/b", "/a/b/c", "/z"}
    monkeypatch.setattr(bw, "_lexists", lambda p: str(p) in exists)
    monkeypatch.setattr(bw.os.path, "isdir", lambda p: True)
    plan = mount_plan(policy)
    got = [(m.kind, str(m.path)) for m in plan]
    assert got == [("mask", "/a"), ("rw", "/a/w"), ("allow", "/a/b"), ("pin", "/a/w/.git"),
                   ("mask", "/a/b/c"), ("ro", "/a/w/.git/hooks")]


def test_write_path_inside_read_only_path_stays_read_only(tmp_path: Path) -> None:
    root = _real(tmp_path)
    (root / "ro" / "w").mkdir(parents=True)
    skipped: list[str] = []
    policy = SandboxPolicy(write_paths=(root, root / "ro" / "w"), deny_write=(root / "ro",))
    plan = mount_plan(policy, skipped=skipped)
    assert Mount("rw", root / "ro" / "w") not in plan
    assert Mount("ro", root / "ro") in plan
    assert skipped and "stays read-only" in skipped[0]


def test_network_argv(project: Path, home: Path, tmp_path: Path) -> None:
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Setup:
        socket_path: Path
        port: int
        bridge_argv: tuple[str, ...]

    sock = _real(tmp_path) / "proxy.sock"
    setup = Setup(sock, 3128, ("/usr/bin/socat", "TCP-LISTEN:3128", f"UNIX-CONNECT:{sock}"))
    policy = _policy(project, home)
    argv = build_argv(policy, "curl 'https://x.org'", cwd=project, session_tmp=tmp_path,
                      shell="/bin/bash", network=setup,
                      filter_prefix=filter_helper_argv("/usr/bin/python3", b"\0" * 8))
    assert "--unshare-net" in argv
    _index(argv, "--bind", str(sock), str(sock))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        _index(argv, "--setenv", name, "http://127.0.0.1:3128")
    _index(argv, "--setenv", "NO_PROXY", "localhost,127.0.0.1,::1")
    script = argv[-1]
    assert argv[-3:-1] == ["/bin/bash", "-c"]
    first, rest = script.split("\n", 1)
    # The relay starts in the background; the filter helper waits for it to listen.
    assert first == f"/usr/bin/socat TCP-LISTEN:3128 UNIX-CONNECT:{sock} >/dev/null 2>&1 &"
    assert rest.startswith("exec /usr/bin/python3 -S -I -c ")
    assert "--wait-listen=0100007F:0C38" in rest
    assert rest.rstrip("\n").endswith(
        "/bin/bash -c 'curl '\"'\"'https://x.org'\"'\"''")


def test_no_secrets_in_argv(project: Path, home: Path, tmp_path: Path) -> None:
    """The environment is inherited, never passed with --setenv."""
    policy = _policy(project, home)
    argv = build_argv(policy, "true", cwd=project, session_tmp=tmp_path)
    names = {argv[i + 1] for i, a in enumerate(argv) if a == "--setenv"}
    assert names == {"TMPDIR", "SANDBOX_RUNTIME", "WARDEN_SANDBOX"}


def test_filesystem_disabled_keeps_network_isolation(project: Path, home: Path,
                                                     tmp_path: Path) -> None:
    policy = SandboxPolicy(filesystem_disabled=True, write_paths=(project,))
    argv = build_argv(policy, "true", cwd=project, session_tmp=tmp_path)
    _index(argv, "--bind", "/", "/")
    assert "--unshare-net" in argv and "--unshare-pid" in argv


def test_unix_socket_filter_program() -> None:
    for machine in ("x86_64", "aarch64"):
        prog = unix_socket_filter(machine)
        assert prog is not None and len(prog) % 8 == 0 and len(prog) // 8 < 20
    assert unix_socket_filter("riscv64") is None


@pytest.mark.parametrize(("line", "path", "why"), [
    ("touch: cannot touch '/etc/x': Read-only file system", "/etc/x", "read-only file system"),
    ("sh: 1: cannot create /usr/y: Read-only file system", "/usr/y", "read-only file system"),
    ("/usr/bin/bash: line 1: .git/config: Read-only file system", "/p/.git/config",
     "read-only file system"),
    ("mkdir: cannot create directory \u2018/opt/z\u2019: Read-only file system", "/opt/z",
     "read-only file system"),
    ("OSError: [Errno 30] Read-only file system: '/srv/f'", "/srv/f", "read-only file system"),
    ("mv: cannot move '.git' to '.gitx': Device or resource busy", "/p/.git",
     "protected mount point"),
    ("bash: /root/.bashrc: Permission denied", "/root/.bashrc", "permission denied"),
])
def test_write_violations(line: str, path: str, why: str) -> None:
    policy = SandboxPolicy(write_paths=(Path("/p"),))
    assert write_violations(f"noise\n{line}\n", cwd=Path("/p"), policy=policy) == [
        f"write blocked: {path} ({why})"]


def test_permission_denied_inside_writable_path_is_not_a_violation() -> None:
    policy = SandboxPolicy(write_paths=(Path("/p"),))
    out = "cat: /p/own.txt: Permission denied\n"
    assert write_violations(out, cwd=Path("/p"), policy=policy) == []


def test_project_cannot_reopen_reads_outside_itself(project: Path, home: Path) -> None:
    """A user denies ``~/.aws``; a repository's settings cannot re-open it with allowRead."""
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text("x")
    user = Path(os.environ["WARDEN_CONFIG_DIR"])
    _write_json(user / "settings.json",
                {"sandbox": {"filesystem": {"denyRead": [str(home / ".aws")]}}})
    _write_json(project / ".claude" / "settings.json", {"sandbox": {"filesystem": {
        "allowRead": [str(home / ".aws" / "credentials")]}}})
    policy = _policy(project, home, discover=True)
    assert policy.deny_read == (home / ".aws",)
    assert policy.allow_read == ()
    assert any("re-open reads inside itself" in p for p in policy.problems)


def test_project_write_grant_outside_it_is_named(project: Path, home: Path,
                                                 tmp_path: Path) -> None:
    build = _real(tmp_path) / "build"
    build.mkdir()
    _write_json(project / ".claude" / "settings.json",
                {"sandbox": {"filesystem": {"allowWrite": [str(build)]}}})
    policy = _policy(project, home, discover=True)
    assert build in policy.write_paths
    assert any(f"makes {build}, outside it, writable" in p for p in policy.problems)
