"""tui.shell.gitrepo / gitconfig: finding the repository git would use, without running git, and
the keys in its own config that make git run a program (family 8, "Git's own discovery")."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import timeit
from pathlib import Path

import pytest

from tui.shell import gitrepo
from tui.shell.gitconfig import parse_config
from tui.shell.gitrepo import config_runs_program, discover, program_keys

NO_ENV: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _fresh_cache():
    gitrepo.clear_cache()
    yield
    gitrepo.clear_cache()


def make_git_dir(path: Path, config: str = "[core]\n\tbare = false\n") -> Path:
    """A minimal git directory: valid HEAD, objects/, refs/ and a config file."""
    (path / "objects").mkdir(parents=True)
    (path / "refs" / "heads").mkdir(parents=True)
    (path / "HEAD").write_text("ref: refs/heads/main\n")
    (path / "config").write_text(config)
    return path


def make_repo(root: Path, config: str = "[core]\n\tbare = false\n") -> Path:
    """A working tree ``root`` with a ``.git`` directory; returns the git directory."""
    root.mkdir(parents=True, exist_ok=True)
    return make_git_dir(root / ".git", config)


def make_worktree(tmp_path: Path) -> tuple[Path, Path, Path]:
    """main/.git plus a linked worktree wt whose gitdir is main/.git/worktrees/wt."""
    main_git = make_repo(tmp_path / "main")
    wt_git = main_git / "worktrees" / "wt"
    wt_git.mkdir(parents=True)
    (wt_git / "HEAD").write_text("0123456789abcdef0123456789abcdef01234567\n")
    (wt_git / "commondir").write_text("../..\n")
    wt = tmp_path / "wt"
    wt.mkdir()
    (wt / ".git").write_text(f"gitdir: {wt_git}\n")
    (wt_git / "gitdir").write_text(f"{wt / '.git'}\n")
    return main_git, wt_git, wt


def no_repo_above(path: Path) -> bool:
    return not any((p / ".git").exists() or (p / "HEAD").exists() for p in path.parents)


# -- discovery ------------------------------------------------------------------------------------


def test_normal_repo_found_from_a_subdirectory(tmp_path: Path) -> None:
    """From repo/a/b, the repository is repo/.git, its work tree repo, its config
    repo/.git/config."""
    git_dir = make_repo(tmp_path / "repo")
    sub = tmp_path / "repo" / "a" / "b"
    sub.mkdir(parents=True)
    repo = discover(sub, NO_ENV)
    assert repo is not None
    assert (repo.git_dir, repo.common_dir, repo.work_tree, repo.how) == \
        (git_dir, git_dir, tmp_path / "repo", ".git directory")
    assert repo.config_files[0] == git_dir / "config"


def test_git_file_points_to_the_git_dir_relative_to_its_own_directory(tmp_path: Path) -> None:
    """A ``.git`` file saying ``gitdir: ../store/r.git`` makes store/r.git the repository,
    and store/r.git/config the config git reads."""
    store = make_git_dir(tmp_path / "store" / "r.git", "[core]\n\tpager = evil\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / ".git").write_text("gitdir: ../store/r.git\n")
    repo = discover(work, NO_ENV)
    assert repo is not None and repo.how == ".git file"
    assert repo.git_dir == store and repo.work_tree == work
    assert program_keys(repo) == [f"core.pager in {store / 'config'}"]


def test_invalid_git_file_means_git_stops(tmp_path: Path) -> None:
    """A ``.git`` file without ``gitdir:`` makes git stop ("invalid gitfile format"), so no
    repository, even though a parent is one."""
    make_repo(tmp_path / "outer")
    inner = tmp_path / "outer" / "inner"
    inner.mkdir()
    (inner / ".git").write_text("nonsense\n")
    assert discover(inner, NO_ENV) is None


def test_worktree_uses_the_common_dir_and_its_config_worktree(tmp_path: Path) -> None:
    """A linked worktree: gitdir main/.git/worktrees/wt, ``commondir`` ../.. makes main/.git the
    common dir; config comes from main/.git/config, then the worktree's config.worktree."""
    main_git, wt_git, wt = make_worktree(tmp_path)
    (wt_git / "config.worktree").write_text("[core]\n\tfsmonitor = ./watch.sh\n")
    repo = discover(wt, NO_ENV)
    assert repo is not None
    assert (repo.git_dir, repo.common_dir, repo.work_tree) == (wt_git, main_git, wt)
    assert repo.config_files == (main_git / "config", wt_git / "config.worktree")
    assert config_runs_program(wt, NO_ENV) == \
        f"core.fsmonitor in {wt_git / 'config.worktree'}"


def test_bare_repository_at_cwd(tmp_path: Path) -> None:
    """A plain folder holding HEAD, objects/, refs/ and config is a bare repository to git."""
    bare = make_git_dir(tmp_path / "plain", "[core]\n\tfsmonitor = touch pwned\n")
    repo = discover(bare, NO_ENV)
    assert repo is not None and repo.how == "bare" and repo.work_tree is None
    assert config_runs_program(bare, NO_ENV) == f"core.fsmonitor in {bare / 'config'}"


def test_bare_repository_at_a_parent(tmp_path: Path) -> None:
    """From plain/src, the bare repository plain/ (no .git anywhere) is the one git uses."""
    bare = make_git_dir(tmp_path / "plain")
    (bare / "src").mkdir()
    repo = discover(bare / "src", NO_ENV)
    assert repo is not None and (repo.git_dir, repo.how) == (bare, "bare")


def test_invalid_head_is_not_a_repository_so_the_walk_goes_on(tmp_path: Path) -> None:
    """HEAD must be ``ref: refs/...``, a ``refs/`` symlink or an object id: a folder whose HEAD
    says ``hello`` is skipped and the parent repository is found."""
    outer = make_repo(tmp_path / "outer")
    fake = tmp_path / "outer" / "fake"
    make_git_dir(fake)
    (fake / "HEAD").write_text("hello\n")
    repo = discover(fake, NO_ENV)
    assert repo is not None and repo.git_dir == outer


def test_git_dir_environment_variable_wins(tmp_path: Path) -> None:
    """GIT_DIR (relative to cwd) disables discovery: the repository there is used, not the
    one around cwd."""
    make_repo(tmp_path / "here")
    other = make_git_dir(tmp_path / "other.git", "[alias]\n\tx = !id\n")
    repo = discover(tmp_path / "here", {"GIT_DIR": "../other.git"})
    assert repo is not None and (repo.git_dir, repo.how) == (other, "GIT_DIR")
    assert program_keys(repo) == [f"alias.x in {other / 'config'}"]


def test_no_repository(tmp_path: Path) -> None:
    """An empty folder with no repository above it: None."""
    if not no_repo_above(tmp_path):
        pytest.skip("the temporary directory is inside a repository")
    assert discover(tmp_path, NO_ENV) is None
    assert config_runs_program(tmp_path, NO_ENV) is None


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("layout", ["subdir", "gitfile", "worktree", "bare", "bare-parent",
                                    "bad-head", "GIT_DIR"])
def test_discovery_agrees_with_real_git(tmp_path: Path, layout: str) -> None:
    """Cross-check: on benign layouts (no program keys), ``git rev-parse --absolute-git-dir``
    names the same git directory as :func:`discover` (git run with no user/system config)."""
    if not no_repo_above(tmp_path):
        pytest.skip("the temporary directory is inside a repository")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"}
    if layout == "subdir":
        make_repo(tmp_path / "r")
        cwd = tmp_path / "r" / "a"
        cwd.mkdir()
    elif layout == "gitfile":
        make_git_dir(tmp_path / "store.git")
        cwd = tmp_path / "w"
        cwd.mkdir()
        (cwd / ".git").write_text("gitdir: ../store.git\n")
    elif layout == "worktree":
        cwd = make_worktree(tmp_path)[2]
    elif layout in ("bare", "bare-parent"):
        cwd = make_git_dir(tmp_path / "b")
        if layout == "bare-parent":
            cwd = cwd / "x"
            cwd.mkdir()
    elif layout == "bad-head":
        make_repo(tmp_path / "r")
        cwd = make_git_dir(tmp_path / "r" / "fake")
        (cwd / "HEAD").write_text("hello\n")
    else:
        make_repo(tmp_path / "here")
        make_git_dir(tmp_path / "other.git")
        cwd = tmp_path / "here"
        env["GIT_DIR"] = "../other.git"
    done = subprocess.run(["git", "-c", "core.fsmonitor=false", "-c", "safe.bareRepository=all",
                           "rev-parse", "--absolute-git-dir"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=10, check=False)
    repo = discover(cwd, {k: v for k, v in env.items() if k.startswith("GIT_DIR")})
    assert done.returncode == 0, done.stderr
    assert repo is not None and str(repo.git_dir) == done.stdout.strip()


# -- keys that run a program ----------------------------------------------------------------------

RISKY = [
    ("[core]\n\tfsmonitor = ./hook.sh\n", "core.fsmonitor"),
    ("[Core] FSMonitor = /tmp/x\n", "core.fsmonitor"),
    ("[core]\n\tfsmonitor = true\n", "core.fsmonitor"),
    ("[core]\n\tfsmonitor\n", "core.fsmonitor"),
    ("[core]\n\tpager = sh -c id\n", "core.pager"),
    ("[pager]\n\tlog = sh -c id\n", "pager.log"),
    ("[core]\n\teditor = vim\n", "core.editor"),
    ("[sequence]\n\teditor = x\n", "sequence.editor"),
    ("[core]\n\tsshCommand = ssh -oProxyCommand=x\n", "core.sshcommand"),
    ("[core]\n\thooksPath = .githooks\n", "core.hookspath"),
    ("[core]\n\taskPass = x\n", "core.askpass"),
    ("[core]\n\tgitProxy = x\n", "core.gitproxy"),
    ("[core]\n\talternateRefsCommand = x\n", "core.alternaterefscommand"),
    ("[diff]\n\texternal = x\n", "diff.external"),
    ('[diff "x"]\n\ttextconv = cat\n', "diff.x.textconv"),
    ('[DIFF "Pdf"] TextConv = x\n', "diff.Pdf.textconv"),
    ("[diff.x]\n\tcommand = x\n", "diff.x.command"),
    ('[merge "m"]\n\tdriver = x %A\n', "merge.m.driver"),
    ('[filter "lfs"]\n\tclean = x\n', "filter.lfs.clean"),
    ('[filter "f"]\n\tsmudge = x\n', "filter.f.smudge"),
    ('[filter "f"]\n\tprocess = x\n', "filter.f.process"),
    ("[alias]\n\tst = !sh -c id\n", "alias.st"),
    ('[alias]\n\tst = "!sh -c id"\n', "alias.st"),
    ("[credential]\n\thelper = store\n", "credential.helper"),
    ('[credential "https://h"]\n\thelper = x\n', "credential.https://h.helper"),
    ("[gpg]\n\tprogram = x\n", "gpg.program"),
    ('[gpg "ssh"]\n\tprogram = x\n', "gpg.ssh.program"),
    ('[gpg "ssh"]\n\tdefaultKeyCommand = x\n', "gpg.ssh.defaultkeycommand"),
    ("[interactive]\n\tdiffFilter = x\n", "interactive.difffilter"),
    ("[uploadpack]\n\tpackObjectsHook = x\n", "uploadpack.packobjectshook"),
    ('[protocol "ext"]\n\tallow = always\n', "protocol.ext.allow"),
    ("[protocol]\n\tallow = always\n", "protocol.allow"),
    ('[remote "origin"]\n\tuploadpack = x\n', "remote.origin.uploadpack"),
    ('[remote "origin"]\n\treceivepack = x\n', "remote.origin.receivepack"),
    ("[sendemail]\n\tsendmailCmd = x\n", "sendemail.sendmailcmd"),
    ("[sendemail]\n\ttoCmd = x\n", "sendemail.tocmd"),
    ("[web]\n\tbrowser = x\n", "web.browser"),
    ('[browser "b"]\n\tcmd = x\n', "browser.b.cmd"),
    ('[man "m"]\n\tcmd = x\n', "man.m.cmd"),
    ('[difftool "d"]\n\tcmd = x\n', "difftool.d.cmd"),
    ('[mergetool "d"]\n\tcmd = x\n', "mergetool.d.cmd"),
    ('[hook "h"]\n\tcommand = x\n', "hook.h.command"),
    ('[submodule "s"]\n\tupdate = !x\n', "submodule.s.update"),
    ("[core] pager = x\n", "core.pager"),
    ("[core]\n\tpager = a\\\n b\n", "core.pager"),
]


@pytest.mark.parametrize(("config", "key"), RISKY)
def test_each_program_key_is_detected(tmp_path: Path, config: str, key: str) -> None:
    """Each config line naming a program (any case, quoted, legacy ``[diff.x]``, key on the
    header line, continued value) is reported as ``KEY in FILE``."""
    git_dir = make_repo(tmp_path / "r", config)
    assert config_runs_program(tmp_path / "r", NO_ENV) == f"{key} in {git_dir / 'config'}"


SAFE = [
    "[core]\n\tfsmonitor = false\n", "[core]\n\tfsmonitor = No\n", "[core]\n\tfsmonitor = 0\n",
    "[core]\n\tfsmonitor = off ; no daemon\n", "[alias]\n\tst = status -sb\n",
    "[pager]\n\tlog = false\n", "[credential]\n\thelper =\n",
    '[protocol "ext"]\n\tallow = never\n', "# [core] pager = x\n[user]\n\tname = A\n",
    '[remote "origin"]\n\turl = https://x/y\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
    '[user]\n\tname = "core.pager = x"\n', "[color]\n\tui = auto\n",
]


@pytest.mark.parametrize("config", SAFE)
def test_harmless_config_is_not_flagged(tmp_path: Path, config: str) -> None:
    """A non-``!`` alias, a false fsmonitor, a boolean pager, an empty credential helper,
    comments and look-alike values: nothing reported."""
    make_repo(tmp_path / "r", config)
    assert config_runs_program(tmp_path / "r", NO_ENV) is None


def test_parser_reads_git_syntax() -> None:
    """Quoted values with escapes and comments, continuation lines, legacy subsections and bare
    keys come out as git reads them."""
    parsed = parse_config('[a "Sub"]\n  k = " x " y # c\n[B.Sub2] K2 = p\\\nq\n[c]\n\tflag\n'
                          '\tv = "tab\\there" ; c\n')
    assert parsed.errors == ()
    got = [(e.key, e.value) for e in parsed.entries]
    assert got == [("a.Sub.k", " x  y"), ("b.sub2.k2", "pq"), ("c.flag", None),
                   ("c.v", "tab\there")]


def test_unparsable_config_counts_as_risky(tmp_path: Path) -> None:
    """A line git would reject (unknown escape) is unknown, hence reported."""
    make_repo(tmp_path / "r", "[core]\n\tpager = a\\qb\n")
    found = config_runs_program(tmp_path / "r", NO_ENV)
    assert found is not None and "git would reject" in found


# -- includes and the environment -----------------------------------------------------------------


def test_include_path_is_followed_relative_to_the_including_file(tmp_path: Path) -> None:
    """``include.path = extra.inc`` reads .git/extra.inc; its core.pager is reported there."""
    git_dir = make_repo(tmp_path / "r", "[include]\n\tpath = extra.inc\n")
    (git_dir / "extra.inc").write_text("[core]\n\tpager = sh\n")
    assert config_runs_program(tmp_path / "r", NO_ENV) == f"core.pager in {git_dir / 'extra.inc'}"


def test_include_if_and_home_relative_includes_are_followed(tmp_path: Path) -> None:
    """``includeIf.<cond>.path = ~/x`` is followed whatever the condition, ``~`` from HOME."""
    make_repo(tmp_path / "r", '[includeIf "onbranch:nope"]\n\tpath = ~/inc\n')
    (tmp_path / "inc").write_text('[diff "x"]\n\ttextconv = sh\n')
    env = {"HOME": str(tmp_path)}
    assert config_runs_program(tmp_path / "r", env) == f"diff.x.textconv in {tmp_path / 'inc'}"


def test_missing_include_is_risky(tmp_path: Path) -> None:
    """An include that cannot be read could appear later: reported."""
    make_repo(tmp_path / "r", "[include]\n\tpath = ../../nowhere.inc\n")
    found = config_runs_program(tmp_path / "r", NO_ENV)
    assert found is not None and "nowhere.inc" in found


def test_include_cycle_is_bounded_and_risky(tmp_path: Path) -> None:
    """A config that includes itself stops at git's depth limit and is reported."""
    make_repo(tmp_path / "r", "[include]\n\tpath = config\n")
    found = config_runs_program(tmp_path / "r", NO_ENV)
    assert found is not None and "nested deeper" in found


def test_include_fan_out_and_huge_files_are_bounded_and_risky(tmp_path: Path) -> None:
    """Twenty self-includes per file (20**10 visits unbounded) and a 300 KiB config each end
    quickly with a report instead of hanging or half-reading."""
    make_repo(tmp_path / "a", "[include]\n" + "\tpath = config\n" * 20)
    start = time.perf_counter()
    repo = discover(tmp_path / "a", NO_ENV)
    assert repo is not None and len(repo.configs) == 64
    assert any("more than 64" in p for p in program_keys(repo))
    make_repo(tmp_path / "b", "[user]\n\tname = x\n" + "# padding\n" * 30_000)
    found = config_runs_program(tmp_path / "b", NO_ENV)
    assert found is not None and "too large" in found
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(("env", "flagged"), [
    ({"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "core.pager",
      "GIT_CONFIG_VALUE_0": "sh"}, "GIT_CONFIG_COUNT"),
    ({"GIT_CONFIG_PARAMETERS": "'core.pager'='sh'"}, "GIT_CONFIG_PARAMETERS"),
    ({"GIT_CONFIG_GLOBAL": "/tmp/evil"}, "GIT_CONFIG_GLOBAL"),
    ({"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_COUNT": "0"}, None),
])
def test_environment_config_is_reported(tmp_path: Path, env: dict[str, str],
                                        flagged: str | None) -> None:
    """Configuration set through GIT_CONFIG_* is reported (``/dev/null`` and a zero count
    are not configuration)."""
    make_repo(tmp_path / "r")
    found = config_runs_program(tmp_path / "r", env)
    assert found == (f"{flagged} in the environment" if flagged else None)


# -- the cache ------------------------------------------------------------------------------------


def bump(path: Path) -> None:
    """Move the mtime forward explicitly so a same-tick rewrite is still a change."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_cache_sees_a_config_change(tmp_path: Path) -> None:
    """After the config gains core.fsmonitor (and back), the next call sees it."""
    git_dir = make_repo(tmp_path / "r")
    cwd = tmp_path / "r"
    assert config_runs_program(cwd, NO_ENV) is None
    (git_dir / "config").write_text("[core]\n\tfsmonitor = x\n")
    bump(git_dir / "config")
    assert config_runs_program(cwd, NO_ENV) == f"core.fsmonitor in {git_dir / 'config'}"
    (git_dir / "config").write_text("[core]\n\tfsmonitor = false\n")
    bump(git_dir / "config")
    assert config_runs_program(cwd, NO_ENV) is None


def test_cache_sees_a_planted_bare_repository(tmp_path: Path) -> None:
    """Discovery files count too: HEAD, objects/, refs/ and config appearing in cwd after a
    first answer make the next answer name the new config."""
    if not no_repo_above(tmp_path):
        pytest.skip("the temporary directory is inside a repository")
    assert config_runs_program(tmp_path, NO_ENV) is None
    make_git_dir(tmp_path, "[core]\n\tpager = sh\n")
    assert config_runs_program(tmp_path, NO_ENV) == f"core.pager in {tmp_path / 'config'}"


def test_cache_sees_a_new_include_target_and_a_new_parent_repo(tmp_path: Path) -> None:
    """Absent paths count as much as present ones: an include target appearing later, and a
    .git planted in a parent of cwd, both change the next answer."""
    git_dir = make_repo(tmp_path / "r", "[include]\n\tpath = later.inc\n")
    cwd = tmp_path / "r"
    assert "later.inc" in (config_runs_program(cwd, NO_ENV) or "")
    (git_dir / "later.inc").write_text("[user]\n\tname = x\n")
    assert config_runs_program(cwd, NO_ENV) is None
    inner = tmp_path / "r" / "deep" / "er"
    inner.mkdir(parents=True)
    assert config_runs_program(inner, NO_ENV) is None
    make_repo(tmp_path / "r" / "deep", "[core]\n\tpager = sh\n")
    assert config_runs_program(inner, NO_ENV) == \
        f"core.pager in {tmp_path / 'r' / 'deep' / '.git' / 'config'}"


def test_cache_hit_does_not_rediscover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unchanged repository is answered from the cache: discovery runs once."""
    make_repo(tmp_path / "r", "[core]\n\tpager = sh\n")
    calls = []
    real = gitrepo._discover
    monkeypatch.setattr(gitrepo, "_discover", lambda probe: calls.append(1) or real(probe))
    first = config_runs_program(tmp_path / "r", NO_ENV)
    assert config_runs_program(tmp_path / "r", NO_ENV) == first is not None
    assert calls == [1]


def test_timings_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints first-call and cached-call times (µs); the cached call must beat the first."""
    make_repo(tmp_path / "r")
    sub = tmp_path / "r" / "a" / "b"
    sub.mkdir(parents=True)
    start = time.perf_counter()
    config_runs_program(sub, NO_ENV)
    first = (time.perf_counter() - start) * 1e6
    cached = min(timeit.repeat(lambda: config_runs_program(sub, NO_ENV), number=200,
                               repeat=5)) / 200 * 1e6
    with capsys.disabled():
        print(f"\nconfig_runs_program: first {first:.0f} µs, cached {cached:.1f} µs")
    assert cached < first
