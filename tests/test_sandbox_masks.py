"""Read deny paths stay unreadable at any depth and in any size of tree, or the command does not
run (issue 10 item 3; ``SPEC.md`` §8; REF §6.2, §6.3; :mod:`tui.sandbox.masks`).

The attacks run for real in bubblewrap against a fake HOME and project under ``tmp_path``.
Skipped only where the kernel forbids the sandbox (the reason printed is ``warden doctor``'s).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import secrets
import time
from pathlib import Path

import pytest

import tui.sandbox.masks as masks
from tui.sandbox.bwrap import mount_plan
from tui.sandbox.doctor import can_run
from tui.sandbox.masks import DenyPaths, DenySource, MaskUnavailable
from tui.sandbox.policy import SandboxPolicy, refresh_masks, resolve_policy
from tui.sandbox.runner import SandboxResult, SandboxRunner, SandboxUnavailable
from tui.settings import load_settings
from tui.settings.model import CliSettings

_OK, _WHY = can_run()
needs_bwrap = pytest.mark.skipif(not _OK, reason=f"the kernel forbids the sandbox: {_WHY}")


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


def _policy(project: Path, home: Path, settings: dict) -> SandboxPolicy:
    loaded = load_settings(project, cli=CliSettings(settings=json.dumps(settings)), only=())
    return resolve_policy(loaded, cwd=project, working_dirs=[project], home=home)


async def _run(policy: SandboxPolicy, cwd: Path, command: str) -> SandboxResult:
    runner = SandboxRunner(policy, cwd=cwd)
    try:
        return await runner.run(command, timeout_s=30)
    finally:
        await runner.aclose()


def _secret() -> str:
    return "s3cr3t-" + secrets.token_hex(8)


READ_DENIES = [
    {"permissions": {"deny": ["Read(.env)"]}},
    {"permissions": {"deny": ["Read(**/.env)"]}},
    {"sandbox": {"filesystem": {"denyRead": ["./**/.env"]}}},
]


# -- the two escapes of the issue, for real -----------------------------------------------------


@needs_bwrap
@pytest.mark.parametrize("settings", READ_DENIES, ids=["Read(.env)", "Read(**/.env)",
                                                       "denyRead ./**/.env"])
async def test_env_seven_levels_down_is_unreadable(project: Path, home: Path,
                                                   settings: dict) -> None:
    secret = _secret()
    deep = project.joinpath("a", "b", "c", "d", "e", "f", "g")
    deep.mkdir(parents=True)
    (deep / ".env").write_text(f"TOKEN={secret}\n")
    (deep / "README").write_text("public\n")
    policy = _policy(project, home, settings)
    assert deep / ".env" in policy.deny_read
    result = await _run(policy, project,
                        "cat a/b/c/d/e/f/g/.env; grep -r s3cr3t . ; cat a/b/c/d/e/f/g/README")
    assert secret not in result.output
    assert "public" in result.output  # only the match is hidden


@needs_bwrap
@pytest.mark.parametrize("settings", READ_DENIES, ids=["Read(.env)", "Read(**/.env)",
                                                       "denyRead ./**/.env"])
async def test_env_in_a_directory_of_10001_entries_is_unreadable(project: Path, home: Path,
                                                                 settings: dict) -> None:
    secret = _secret()
    big = project / "big"
    big.mkdir()
    for i in range(10_000):  # "+" sorts before ".": a walk in name order meets them first
        (big / f"+{i:05d}.txt").touch()
    (big / ".env").write_text(f"TOKEN={secret}\n")
    assert len(os.listdir(big)) == 10_001
    policy = _policy(project, home, settings)
    result = await _run(policy, project, "cat big/.env; cat big/+09999.txt && echo read-ok")
    assert secret not in result.output
    assert "read-ok" in result.output


@needs_bwrap
async def test_deep_and_wide_together_past_the_old_caps(project: Path, home: Path) -> None:
    """More than 10,000 entries in all before a .env twelve levels down (the old walk stopped
    at 10,000 entries and 6 levels)."""
    secret = _secret()
    for i in range(12):
        (project / f"wide{i}").mkdir()
        for j in range(1_000):
            (project / f"wide{i}" / f"x{j}").touch()
    deep = project.joinpath(*[f"d{i}" for i in range(12)])
    deep.mkdir(parents=True)
    (deep / ".env").write_text(secret)
    policy = _policy(project, home, {"permissions": {"deny": ["Read(.env)"]}})
    result = await _run(policy, project, "find . -name .env -exec cat {} +")
    assert secret not in result.output


# -- files that appear later, links ----------------------------------------------------------


@needs_bwrap
async def test_env_created_after_the_session_started_is_masked(project: Path,
                                                               home: Path) -> None:
    policy = _policy(project, home, {"permissions": {"deny": ["Read(.env)"]}})
    assert policy.deny_read == ()
    runner = SandboxRunner(policy, cwd=project)
    try:
        first = await runner.run("echo first", timeout_s=30)
        assert "first" in first.output
        secret = _secret()
        (project / "later" / "deeper").mkdir(parents=True)
        (project / "later" / "deeper" / ".env").write_text(secret)
        second = await runner.run("cat later/deeper/.env", timeout_s=30)
        assert secret not in second.output
    finally:
        await runner.aclose()


@needs_bwrap
async def test_a_file_created_inside_a_masked_directory_stays_hidden(project: Path,
                                                                     home: Path) -> None:
    """The host writes into a masked directory while the command runs: the command still
    sees the empty, read-only tmpfs (what the masks module docstring promises)."""
    (project / "vault").mkdir()
    policy = _policy(project, home, {"permissions": {"deny": ["Read(./vault/**)"]}})
    secret = _secret()
    runner = SandboxRunner(policy, cwd=project)

    async def write_later() -> None:
        await asyncio.sleep(0.3)
        (project / "vault" / "new.key").write_text(secret)

    try:
        writer = asyncio.create_task(write_later())
        result = await runner.run("sleep 0.8; ls -a vault; cat vault/new.key; "
                                  "echo x > vault/planted", timeout_s=30)
        await writer
    finally:
        await runner.aclose()
    assert secret not in result.output
    assert not (project / "vault" / "planted").exists()


@needs_bwrap
async def test_a_symlinked_directory_is_followed(project: Path, home: Path,
                                                 tmp_path: Path) -> None:
    secret = _secret()
    elsewhere = _real(tmp_path) / "elsewhere" / "conf"
    elsewhere.mkdir(parents=True)
    (elsewhere / ".env").write_text(secret)
    (project / "link").symlink_to(elsewhere.parent)
    (project / "loop").symlink_to(project)  # a loop must not hang the walk
    policy = _policy(project, home, {"permissions": {"deny": ["Read(.env)"]}})
    assert elsewhere / ".env" in policy.deny_read
    result = await _run(policy, project, "cat link/conf/.env")
    assert secret not in result.output


@needs_bwrap
async def test_edit_deny_at_depth_is_read_only(project: Path, home: Path) -> None:
    deep = project.joinpath("a", "b", "c", "d", "e", "f", "g", "h")
    deep.mkdir(parents=True)
    (deep / "deploy.yml").write_text("original\n")
    policy = _policy(project, home, {"permissions": {"deny": ["Edit(deploy.yml)"]}})
    result = await _run(policy, project, "echo changed > a/b/c/d/e/f/g/h/deploy.yml")
    assert (deep / "deploy.yml").read_text() == "original\n"
    assert result.exit_code != 0


# -- failing closed --------------------------------------------------------------------------


@needs_bwrap
async def test_too_many_matches_fail_closed_with_a_fix(project: Path, home: Path) -> None:
    logs = project / "logs"
    logs.mkdir()
    for i in range(masks.MAX_MASKS + 1):
        (logs / f"{i}.log").write_text("x")
    policy = _policy(project, home, {"permissions": {"deny": ["Read(*.log)"]}})
    assert policy.mask_error is not None and "more than" in policy.mask_error
    assert any("refused until this is fixed" in p for p in policy.problems)
    with pytest.raises(SandboxUnavailable) as caught:
        await _run(policy, project, "touch ran")
    message = str(caught.value)
    assert "Read(*.log)" in message and f"more than {masks.MAX_MASKS}" in message
    assert "was not run" in message and "Fix:" in message
    assert not (project / "ran").exists()


@needs_bwrap
async def test_a_walk_that_takes_too_long_fails_closed(project: Path, home: Path) -> None:
    big = project / "big"
    big.mkdir()
    for i in range(2_000):
        (big / f"f{i}").touch()
    policy = _policy(project, home, {"permissions": {"deny": ["Read(.env)"]}})
    assert policy.deny_paths is not None
    slow = dataclasses.replace(
        policy, deny_paths=DenyPaths(policy.deny_paths.sources, time_limit_s=0.0))
    with pytest.raises(SandboxUnavailable) as caught:
        await _run(slow, project, "touch ran")
    message = str(caught.value)
    assert "could not be found within 0 s" in message and "Read(.env)" in message
    assert "anchor the pattern" in message
    assert not (project / "ran").exists()


def test_an_unlistable_directory_that_can_be_entered_fails_closed(
        project: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root nothing is unlistable, so the refusal is simulated for one directory."""
    (project / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):  # noqa: ANN001, ANN202 - os.scandir's shape
        if os.fspath(path).endswith("/locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(masks.os, "scandir", scandir)
    finder = _finder(project, home, ".env")
    with pytest.raises(MaskUnavailable, match="cannot be listed .*Permission denied.*Fix:"):
        finder.find()
    monkeypatch.setattr(masks.os, "access", lambda path, mode: False)
    assert finder.find().read == ()  # nobody can enter it: nothing to hide


# -- the walk itself --------------------------------------------------------------------------


def _finder(project: Path, home: Path, *specs: str, kind: str = "read") -> DenyPaths:
    from tui.permissions.paths import tree_programs

    return DenyPaths([DenySource(f"Read({s})", kind,  # type: ignore[arg-type]
                                 programs=tuple(tree_programs(s, anchor=project, cwd=project,
                                                              home=home)))
                      for s in specs])


def test_anchored_patterns_do_not_walk_unrelated_directories(project: Path,
                                                             home: Path) -> None:
    for name in ("src", "docs", "node_modules"):
        for i in range(50):
            (project / name / f"d{i}").mkdir(parents=True)
    (project / "config").mkdir()
    (project / "config" / "prod.pem").write_text("k")
    (project / "config" / "notes.txt").write_text("n")
    found = _finder(project, home, "/config/*.pem").find()  # "/": the settings' directory
    assert found.read == (project / "config" / "prod.pem",)
    assert found.listed == 2  # the project and config, nothing else


def test_settled_listings_are_reused_and_changes_are_seen(
        project: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(masks, "RACY_S", 0.0)
    for i in range(20):
        (project / f"d{i}").mkdir()
    (project / "d7" / ".env").write_text("x")
    finder = _finder(project, home, ".env")
    first = finder.find()
    assert first.read == (project / "d7" / ".env",) and first.listed == 21
    time.sleep(0.05)  # past the file system's timestamp granularity
    again = finder.find()
    assert again.read == first.read and again.listed == 0
    (project / "d3" / ".env").write_text("y")
    third = finder.find()
    assert third.read == (project / "d3" / ".env", project / "d7" / ".env")
    assert third.listed == 1  # only d3 changed


def test_recently_changed_directories_are_listed_again(project: Path, home: Path) -> None:
    """Within RACY_S of a change a listing is never trusted: a change in the same clock tick
    as the listing cannot be missed."""
    (project / ".env").write_text("x")
    finder = _finder(project, home, ".env")
    assert finder.find().listed == 1
    (project / "sub").mkdir()
    (project / "sub" / ".env").write_text("y")
    found = finder.find()
    assert project / "sub" / ".env" in found.read and found.listed == 2


def test_deny_patterns_mean_what_the_engine_means(project: Path, home: Path) -> None:
    """Case folded, everything below a matched directory, one-directory-segment patterns at
    any depth (REF §2.5), anchors (~/, //)."""
    (project / "x" / "Secrets").mkdir(parents=True)
    (project / "x" / "Secrets" / "a.txt").write_text("1")
    (project / "y" / "z" / "keys").mkdir(parents=True)
    (project / "y" / "z" / "keys" / "id.pem").write_text("2")
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text("3")
    found = _finder(project, home, "secrets", "keys/*.pem", "~/.aws/credentials").find()
    assert set(found.read) == {project / "x" / "Secrets",
                               project / "y" / "z" / "keys" / "id.pem",
                               home / ".aws" / "credentials"}


def test_refresh_masks_picks_up_new_files_and_keeps_other_fields(project: Path,
                                                                  home: Path) -> None:
    policy = _policy(project, home, {"permissions": {"deny": ["Read(.env)", "Edit(*.lock)"]}})
    assert policy.deny_read == ()
    (project / "n" / "m").mkdir(parents=True)
    (project / "n" / "m" / ".env").write_text("x")
    (project / "n" / "yarn.lock").write_text("x")
    fresh = refresh_masks(policy)
    assert fresh.deny_read == (project / "n" / "m" / ".env",)
    assert project / "n" / "yarn.lock" in fresh.deny_write
    assert fresh.write_paths == policy.write_paths and fresh.deny_paths is policy.deny_paths


def test_mount_plan_handles_hundreds_of_masks(tmp_path: Path) -> None:
    """The plan is built in O(n × depth): 500 masks come out in order, none dropped."""
    root = _real(tmp_path)
    files = []
    for i in range(500):
        d = root / f"d{i % 25}"
        d.mkdir(exist_ok=True)
        (d / f"{i}.env").write_text("x")
        files.append(d / f"{i}.env")
    policy = SandboxPolicy(write_paths=(root,), deny_read=tuple(sorted(files)),
                           working_dirs=(root,))
    plan = mount_plan(policy)
    assert [m.path for m in plan if m.kind == "mask"] == sorted(
        files, key=lambda p: (len(p.parts), str(p)))
    assert plan[0].kind == "rw" and plan[0].path == root


# -- the walk's matcher agrees with the permission engine ----------------------------------------

_NAMES = ["a", "B", ".env", ".ENV", "src", "x.pem", "keys", "node_modules", "deep", "s p"]


def _walk_matches(programs, root: Path, path: Path) -> bool:
    rel = path.relative_to(root).parts if path != root else ()
    for program in programs:
        if program.root != root:
            continue
        states = program.start()
        for name in rel:
            if not states:
                break
            states = program.step(states, name)
        if states and program.matched(states):
            return True
    return False


@pytest.mark.parametrize("spec", [
    ".env", "./.env", "**/.env", "src/**", "keys/*.pem", "/keys/*.pem", "a/B/.env",
    "*.pem", "[.]env", "deep/**/x.pem", "**", "s p", " .env ", "a/../src", "node_modules/",
    "?env", "src/**/a/**/.env",
])
def test_tree_programs_match_exactly_what_path_matches_denies(spec: str, tmp_path: Path) -> None:
    """Every path of up to four segments below the anchor: the walk's answer equals
    :func:`tui.permissions.paths.path_matches` for the deny rule."""
    import itertools

    from tui.permissions.paths import path_matches, tree_programs
    from tui.permissions.rules import parse_rule

    root = Path("/w/proj")
    rule = parse_rule(f"Read({spec})", "deny", anchor=root)
    programs = tree_programs(spec, anchor=root, cwd=root, home=Path("/home/u"))
    checked = 0
    for depth in range(0, 5):
        for parts in itertools.product(_NAMES, repeat=depth) if depth < 4 else \
                itertools.islice(itertools.product(_NAMES, repeat=4), 0, None, 7):
            path = root.joinpath(*parts)
            want = path_matches(rule, path, cwd=root, home=Path("/home/u"))
            assert _walk_matches(programs, root, path) == want, (spec, path)
            checked += 1
    assert checked > 2_000
