"""Which repository git would use from a directory, and whether its config runs a program.

Pure Python, no subprocess: the answer comes from reading the files git reads, so an
attacker's configuration never runs.  Discovery follows gitrepository-layout(5)
(https://git-scm.com/docs/gitrepository-layout) and git's ``setup.c``:

* ``GIT_DIR`` (a directory, or a ``gitdir:`` file) disables discovery;
* otherwise, from the real path of ``cwd`` upwards, each directory ``D`` is tried as
  ``D/.git`` (a ``gitdir: PATH`` file, PATH relative to ``D``; or a directory), then as a bare
  repository ``D`` itself;
* a git directory needs a valid ``HEAD`` (a ``refs/...`` symlink, ``ref: refs/...`` or an
  object id), and ``objects`` and ``refs`` (git checks search permission) in its common
  directory, which a ``commondir`` file (or ``GIT_COMMON_DIR``) may move.

``GIT_CEILING_DIRECTORIES``, ``GIT_DISCOVERY_ACROSS_FILESYSTEM``, ``safe.directory`` and
``safe.bareRepository`` are not applied: each can only stop git earlier, so ignoring them
can only add warnings.  The configuration read is the repository's own (``config``,
``config.worktree`` whenever it exists, and what they include, conditions not evaluated);
the user's ``~/.gitconfig`` and ``/etc/gitconfig`` are theirs and are not judged.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tui.shell.gitconfig import (
    MAX_INCLUDE_DEPTH,
    ParsedConfig,
    include_path,
    parse_config,
    runs_program,
)

ENV_CONFIG_VARS: tuple[str, ...] = ("GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
                                    "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG")
"""Environment variables that add configuration (git-config(1) ENVIRONMENT): each could set
``core.pager`` and the like, so each counts as a program-running key when set."""

_ENV_KEYS: tuple[str, ...] = (*ENV_CONFIG_VARS, "GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR",
                              "GIT_OBJECT_DIRECTORY", "HOME")
_HEX_OID = re.compile(r"[0-9a-fA-F]{40}")
_MAX_READ = 256 * 1024
"""Bytes read from one file; a config file longer than this is reported, not half-read."""
_MAX_CONFIG_FILES = 64
"""Config files read per repository (includes fan out: ten levels of two includes each)."""
_MAX_TOTAL = 512 * 1024
"""Config bytes parsed per repository (about half a second of parsing at worst); beyond, the
rest is reported instead of read."""

SAFE_GIT_OPTIONS: tuple[str, ...] = (
    "--no-pager", "-c", "safe.bareRepository=explicit", "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
)
"""Options for Warden's own ``git`` calls, placed right after ``git``: no pager, no planted
bare repository, no fsmonitor hook, no hooks.  Filters and textconv from the repository's
config are not covered: check :func:`config_runs_program` first."""


@dataclass(frozen=True)
class GitRepo:
    """The repository git would use.

    Attributes:
        git_dir: the (per-worktree) git directory.
        common_dir: where ``objects``, ``refs`` and ``config`` live (``git_dir`` except in a
            linked worktree).
        work_tree: the top of the working tree; ``None`` for a bare repository.
        how: ``"GIT_DIR"``, ``".git directory"``, ``".git file"`` or ``"bare"``.
        configs: (file, parsed) for every config file read, in git's order, includes inline.
        problems: ``"what in FILE"`` strings for what could not be read or resolved
            (an include that is missing, a parse error, includes nested too deep) and for
            configuration set through the environment; each counts as risky.
        consulted: every path looked at, for :func:`config_runs_program`'s cache.
    """

    git_dir: Path
    common_dir: Path
    work_tree: Path | None
    how: str
    configs: tuple[tuple[Path, ParsedConfig], ...]
    problems: tuple[str, ...]
    consulted: tuple[Path, ...]

    @property
    def config_files(self) -> tuple[Path, ...]:
        """The config files that apply, in the order git reads them."""
        return tuple(path for path, _ in self.configs)


_Stamp = tuple[int, ...] | None


def _stamp(path: str | Path) -> _Stamp:
    """(mtime, ctime, size, inode, mode) of ``path``, and of its target when it is a symlink;
    None when absent.  ctime cannot be set back, so even an ``os.utime`` rewrite is seen."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    own = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_mode)
    if not stat.S_ISLNK(st.st_mode):
        return own
    try:
        st = os.stat(path)
    except OSError:
        return own
    return (*own, st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_mode)


class _Probe:
    """File-system questions, each path recorded for the cache."""

    def __init__(self, env: Mapping[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.seen: dict[Path, _Stamp] = {}

    def note(self, path: Path) -> Path:
        """Record ``path`` with its stamp taken *before* it is used: a change after the stamp
        makes the cached answer stale, never wrongly fresh.  An absent path is recorded as its
        nearest existing ancestor directory, whose mtime/ctime change when an entry appears:
        one stat then covers every absent name tried there (``.git``, ``HEAD``...)."""
        here = path
        while True:
            if here in self.seen:
                return path
            found = _stamp(here)
            if found is not None or here.parent == here:
                self.seen[here] = found
                return path
            here = here.parent

    def read_bytes(self, path: Path) -> bytes | None:
        """Up to one byte more than :data:`_MAX_READ` (so "too large" shows), None if unreadable."""
        self.note(path)
        try:
            with open(path, "rb") as fh:
                return fh.read(_MAX_READ + 1)
        except OSError:
            return None

    def read(self, path: Path) -> str | None:
        data = self.read_bytes(path)
        return None if data is None else data.decode("utf-8", "surrogateescape")

    def is_file(self, path: Path) -> bool:
        return os.path.isfile(self.note(path))

    def is_dir(self, path: Path) -> bool:
        return os.path.isdir(self.note(path))

    def searchable(self, path: Path) -> bool:
        return os.access(self.note(path), os.X_OK)

    def env_path(self, name: str) -> Path | None:
        value = self.env.get(name)
        return Path(os.path.realpath(os.path.join(self.cwd, value))) if value else None


def _valid_head(probe: _Probe, head: Path) -> bool:
    """git's ``validate_headref``: a ``refs/`` symlink, ``ref: refs/...``, or an object id."""
    probe.note(head)
    try:
        if os.path.islink(head):
            return os.readlink(head).startswith("refs/")
        with open(head, "rb") as fh:
            text = fh.read(255).decode("latin-1")
    except OSError:
        return False
    if text.startswith("ref:") and text[4:].lstrip(" \t\n\r\f\v").startswith("refs/"):
        return True
    return _HEX_OID.match(text) is not None


def _common_dir(probe: _Probe, git_dir: Path) -> Path | None:
    """``GIT_COMMON_DIR``, else the ``commondir`` file's target, else ``git_dir``."""
    from_env = probe.env_path("GIT_COMMON_DIR")
    if from_env is not None:
        return from_env
    marker = probe.note(git_dir / "commondir")
    if not os.path.lexists(marker):
        return git_dir
    text = probe.read(marker)
    if text is None or not text.rstrip("\r\n"):
        return None  # git stops: "failed to read commondir"
    return Path(os.path.realpath(git_dir / text.rstrip("\r\n")))


def _is_git_directory(probe: _Probe, path: Path) -> Path | None:
    """git's ``is_git_directory``: the common directory when ``path`` is one, else None."""
    if not _valid_head(probe, path / "HEAD"):
        return None
    common = _common_dir(probe, path)
    if common is None:
        return None
    objects = probe.env_path("GIT_OBJECT_DIRECTORY") or common / "objects"
    if not probe.searchable(objects) or not probe.searchable(common / "refs"):
        return None
    return common


def _gitfile_target(probe: _Probe, dotgit: Path) -> Path | None:
    """The directory a ``gitdir: PATH`` file names (PATH relative to the file's directory)."""
    text = probe.read(dotgit)
    if text is None or not text.startswith("gitdir: "):
        return None
    target = text[len("gitdir: "):].rstrip("\r\n")
    return Path(os.path.realpath(dotgit.parent / target)) if target else None


def _locate(probe: _Probe, cwd: Path) -> tuple[Path, Path, Path | None, str] | None:
    """(git_dir, common_dir, work_tree, how) as git's setup would find them, or None."""
    from_env = probe.env_path("GIT_DIR")
    if from_env is not None:
        git_dir: Path | None = from_env
        common = _is_git_directory(probe, from_env)
        if common is None and probe.is_file(from_env):
            git_dir = _gitfile_target(probe, from_env)
            common = _is_git_directory(probe, git_dir) if git_dir else None
        if git_dir is None or common is None:
            return None  # git stops: "not a git repository"
        work = probe.env_path("GIT_WORK_TREE") or cwd
        return git_dir, common, work, "GIT_DIR"
    for directory in (cwd, *cwd.parents):
        dotgit = directory / ".git"
        if probe.is_file(dotgit):
            target = _gitfile_target(probe, dotgit)
            common = _is_git_directory(probe, target) if target else None
            if target is None or common is None:
                return None  # git stops: "invalid gitfile format" / "not a git repository"
            return target, common, directory, ".git file"
        if probe.is_dir(dotgit):
            common = _is_git_directory(probe, dotgit)
            if common is not None:
                return dotgit, common, directory, ".git directory"
        common = _is_git_directory(probe, directory)
        if common is not None:
            return directory, common, None, "bare"
    return None


def _home(env: Mapping[str, str]) -> str:
    return env.get("HOME") or os.path.expanduser("~")


def _read_configs(probe: _Probe, files: list[Path]) -> tuple[list[tuple[Path, ParsedConfig]],
                                                             list[str]]:
    """Read ``files`` and, inline, everything they include."""
    configs: list[tuple[Path, ParsedConfig]] = []
    problems: list[str] = []
    total = [0]

    def visit(path: Path, depth: int, required: bool) -> None:
        if len(configs) >= _MAX_CONFIG_FILES:
            problems.append(f"more than {_MAX_CONFIG_FILES} included config files ({path})")
            return
        data = probe.read_bytes(path)
        if data is None:
            if required:
                problems.append(f"an include that cannot be read ({path})")
            return
        total[0] += len(data)
        if len(data) > _MAX_READ or total[0] > _MAX_TOTAL:
            problems.append(f"a config file too large to check ({path})")
            return
        parsed = parse_config(data.decode("utf-8", "surrogateescape"))
        configs.append((path, parsed))
        problems.extend(f"a line git would reject ({err}) in {path}" for err in parsed.errors)
        for entry in parsed.entries:
            is_include, value = include_path(entry)
            if not is_include:
                continue
            where = f"{entry.key} in {path}"
            if not value:
                problems.append(f"{where} (no path)")
            elif depth + 1 > MAX_INCLUDE_DEPTH:
                problems.append(f"{where} (includes nested deeper than {MAX_INCLUDE_DEPTH})")
            else:
                if value.startswith("~/") or value == "~":
                    value = _home(probe.env) + value[1:]
                visit(path.parent / value, depth + 1, True)  # the OS resolves "..", as for git

    for path in files:
        visit(path, 0, False)
    return configs, problems


def without_git_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without ``GIT_*`` variables: for finding the repository on disk (workspace trust,
    where the local settings file lives) and for Warden's own ``git`` calls there, never one a
    ``GIT_DIR``-style variable points at."""
    return {k: v for k, v in env.items() if not k.startswith("GIT_")}


def env_config_problems(env: Mapping[str, str]) -> list[str]:
    """``GIT_CONFIG_*`` variables that add configuration (``/dev/null`` files excepted)."""
    out = []
    for name in ENV_CONFIG_VARS:
        value = env.get(name)
        if value is None or value.strip() in ("", "/dev/null") or \
                (name == "GIT_CONFIG_COUNT" and value.strip() == "0"):
            continue
        out.append(f"{name} in the environment")
    return out


def discover(cwd: Path, env: Mapping[str, str] | None = None) -> GitRepo | None:
    """The repository git would use when run in ``cwd``, or None when git finds none.

    Args:
        cwd: the directory git runs in (made absolute and real, as git's ``getcwd`` is).
        env: the environment git sees; ``None`` means ``os.environ``.

    Returns:
        A :class:`GitRepo`, or None: no repository, or one git would refuse to use (a bad
        ``.git`` file, ``GIT_DIR`` naming no repository), so git runs no repository config.
        Never raises for file-system errors: what cannot be read does not exist, except
        includes, which are reported in :attr:`GitRepo.problems`.
    """
    env = os.environ if env is None else env
    return _discover(_Probe(env, Path(os.path.realpath(cwd))))


def _discover(probe: _Probe) -> GitRepo | None:
    env = probe.env
    found = _locate(probe, probe.cwd)
    if found is None:
        return None
    git_dir, common, work, how = found
    files = [common / "config", git_dir / "config.worktree"]
    configs, problems = _read_configs(probe, files)
    problems[:0] = env_config_problems(env)
    return GitRepo(git_dir=git_dir, common_dir=common, work_tree=work, how=how,
                   configs=tuple(configs), problems=tuple(problems),
                   consulted=tuple(probe.seen))


def program_keys(repo: GitRepo) -> list[str]:
    """Every key in the repository's own config that makes git run a program.

    Returns:
        ``"KEY in FILE"`` strings (``"core.fsmonitor in /r/.git/config"``), problems first
        (:attr:`GitRepo.problems`), then keys in the order git reads them.  The keys are
        :data:`tui.shell.gitconfig.PROGRAM_KEYS`.
    """
    found = list(repo.problems)
    for path, parsed in repo.configs:
        found.extend(f"{entry.key} in {path}" for entry in parsed.entries
                     if runs_program(entry))
    return found


# -- cached answer for decide() -----------------------------------------------------------------

_CACHE: dict[tuple[str, tuple[str | None, ...]],
             tuple[tuple[str, ...], tuple[_Stamp, ...], str | None]] = {}
"""(cwd, env values) -> (paths consulted, their stamps, answer)."""
_CACHE_MAX = 256


def config_runs_program(cwd: Path, env: Mapping[str, str] | None = None) -> str | None:
    """The first reason git run in ``cwd`` may run a program its repository config names.

    Returns:
        ``"core.fsmonitor in /x/.git/config"`` (or a problem, see :func:`program_keys`), or
        None when there is no repository or its config names no program.

    Cached by ``cwd`` and the environment variables that matter; an entry is reused only while
    every path consulted (``cwd``, each ``.git`` and ``HEAD`` tried, ``commondir``, config
    files, includes, whether present or not) keeps its (mtime, ctime, size, inode, mode).
    """
    env = os.environ if env is None else env
    where = os.fspath(cwd)
    key = (where, tuple([env.get(name) for name in _ENV_KEYS]))
    hit = _CACHE.get(key)
    if hit is not None and list(map(_stamp, hit[0])) == list(hit[1]):
        return hit[2]
    cwd_stamp = _stamp(where)
    probe = _Probe(env, Path(os.path.realpath(where)))
    repo = _discover(probe)
    found = program_keys(repo) if repo is not None else []
    result = found[0] if found else None
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    stamps = {where: cwd_stamp, **{str(path): st for path, st in probe.seen.items()}}
    _CACHE[key] = (tuple(stamps), tuple(stamps.values()), result)
    return result


def clear_cache() -> None:
    """Forget every cached answer (tests; a settings reload)."""
    _CACHE.clear()
