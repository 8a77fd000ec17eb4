"""Workspace trust: which folders may grant through their own settings, and the decisions.

REF §7.3: the first time Warden starts in a folder it asks whether to trust it, showing what
the folder's repository-supplied settings would grant.  Until the answer is "trust", those files
contribute only their deny and ask rules (:mod:`tui.settings.trustgate`).

* **Keyed on the git root.** A linked worktree counts as its main checkout; a nested repository
  (a submodule, a clone inside another) needs its own decision.  Outside git a decision covers
  the folder and its subfolders.  In the home directory trust lasts for the session only.
* **Stored in Warden's data directory**, never in the repository: ``trust.json`` under
  ``platformdirs.user_data_dir("warden")`` (``WARDEN_DATA_DIR`` overrides it), written
  atomically.
* ``warden trust [DIR]``, ``warden trust --revoke [DIR]``, ``warden trust --list``
  (:func:`trust_main`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "TrustError", "TrustKey", "TrustRecord", "TrustReport", "TrustStore", "default_store",
    "stored_decision", "trust_key", "trust_main", "trust_report",
]

STORE_VERSION = 1


class TrustError(Exception):
    """The trust store cannot be read or written; the message names the file and the fix."""


@dataclass(frozen=True)
class TrustKey:
    """The folder a trust decision is about.

    Attributes:
        root: the git root (the main checkout for a linked worktree), else the start folder;
            absolute and real.
        in_git: whether ``root`` is a git working tree.
        persist: False in the home directory (trust lasts for the session only).
    """

    root: Path
    in_git: bool
    persist: bool


@dataclass(frozen=True)
class TrustRecord:
    """One stored decision: ``trusted`` or not, when (ISO 8601, UTC) and how."""

    root: Path
    trusted: bool
    decided_at: str
    how: str


def _home(env: Mapping[str, str]) -> Path:
    from tui.settings.paths import home_dir

    return Path(os.path.realpath(home_dir(env)))


def trust_key(cwd: Path, env: Mapping[str, str] | None = None) -> TrustKey:
    """The folder whose decision applies in ``cwd`` (REF §7.3).

    Reads the file system only (no ``git`` process): :func:`tui.shell.gitrepo.discover`.
    """
    from tui.shell.gitrepo import discover, without_git_env

    env = os.environ if env is None else env
    real = Path(os.path.realpath(cwd))
    repo = discover(real, without_git_env(env))
    root, in_git = real, False
    if repo is not None and repo.work_tree is not None:
        in_git = True
        common = repo.common_dir
        # A linked worktree's common dir is the main checkout's .git: trust that checkout.
        root = common.parent if common.name == ".git" else repo.work_tree
        root = Path(os.path.realpath(root))
    return TrustKey(root=root, in_git=in_git, persist=root != _home(env))


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """Warden's data directory: ``WARDEN_DATA_DIR``, else ``platformdirs.user_data_dir``."""
    env = os.environ if env is None else env
    override = env.get("WARDEN_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("warden", appauthor=False))


class TrustStore:
    """The stored decisions: ``{"version": 1, "folders": {root: {"trusted", "decided_at",
    "how"}}}`` in one JSON file.

    Reading a missing file gives no decisions.  A file that is not Warden's format raises
    :class:`TrustError` (fail closed: nothing counts as trusted, and nothing is overwritten).
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"version": STORE_VERSION, "folders": {}}
        except OSError as exc:
            raise TrustError(f"{self.path}: cannot read it ({exc.strerror}); check its "
                             "permissions") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TrustError(f"{self.path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}); "
                             "fix or delete the file (every folder will be asked about "
                             "again)") from None
        if not isinstance(data, dict) or not isinstance(data.get("folders"), dict):
            raise TrustError(f"{self.path}: not a Warden trust file (no \"folders\" object); "
                             "fix or delete it")
        return data

    def records(self) -> list[TrustRecord]:
        """Every decision, sorted by folder.

        Raises:
            TrustError: the file is unreadable or not Warden's format.
        """
        out = []
        for root, entry in sorted(self._read()["folders"].items()):
            if isinstance(entry, dict) and isinstance(entry.get("trusted"), bool):
                out.append(TrustRecord(Path(root), entry["trusted"],
                                       str(entry.get("decided_at", "")),
                                       str(entry.get("how", ""))))
        return out

    def get(self, root: Path) -> bool | None:
        """The decision for exactly ``root``, or None.

        Raises:
            TrustError: the file is unreadable or not Warden's format.
        """
        entry = self._read()["folders"].get(str(root))
        if isinstance(entry, dict) and isinstance(entry.get("trusted"), bool):
            return entry["trusted"]
        return None

    def set(self, root: Path, trusted: bool, how: str) -> None:
        """Store a decision for ``root`` (atomically; other folders kept).

        Raises:
            TrustError: the file is broken, or cannot be written.
        """
        data = self._read()
        data["version"] = STORE_VERSION
        data["folders"][str(root)] = {
            "trusted": trusted, "how": how,
            "decided_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self._write(data)

    def remove(self, root: Path) -> bool:
        """Forget the decision for ``root``; returns whether there was one.

        Raises:
            TrustError: the file is broken, or cannot be written.
        """
        data = self._read()
        if data["folders"].pop(str(root), None) is None:
            return False
        self._write(data)
        return True

    def _write(self, data: dict[str, Any]) -> None:
        from tui.fsutil import atomic_write_text

        try:
            atomic_write_text(self.path, json.dumps(data, indent=2, sort_keys=True) + "\n")
        except OSError as exc:
            raise TrustError(f"{self.path}: cannot write it ({exc.strerror})") from None


def default_store(env: Mapping[str, str] | None = None) -> TrustStore:
    """The store in :func:`data_dir`."""
    return TrustStore(data_dir(env) / "trust.json")


def stored_decision(cwd: Path, env: Mapping[str, str] | None = None,
                    store: TrustStore | None = None) -> bool | None:
    """The stored decision that applies in ``cwd``: True, False, or None (never decided).

    Inside git only the repository root's own decision counts; outside git the nearest
    decided folder at or above ``cwd`` (that is not itself a git root).  In the home
    directory there is never a stored decision.  A broken store counts as "not trusted"
    (False; fail closed) so no trust is assumed, and Warden does not ask again either.
    """
    key = trust_key(cwd, env)
    if not key.persist:
        return None
    store = store or default_store(env)
    try:
        if key.in_git:
            return store.get(key.root)
        for folder in (key.root, *key.root.parents):
            if folder == _home(os.environ if env is None else env):
                break
            found = store.get(folder)
            if found is not None:
                return found
    except TrustError:
        return False
    return None


# -- what a folder would grant -------------------------------------------------------------


@dataclass
class TrustReport:
    """Everything a folder's own files would grant once trusted (the trust screen's content).

    Attributes:
        key: the folder the decision is about.
        files: ``(label, Grants)`` per repository-supplied settings file that exists.
        notes: what is ignored even when trusted (a repository's ``bypassPermissions``) and
            files that could not be read.
        mcp_servers: ``"name: command args"`` / ``"name: url"`` from ``.mcp.json``, with env
            key names (never values).
        git_programs: git config keys of the repository that make git run a program.
    """

    key: TrustKey
    files: list[tuple[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mcp_servers: list[str] = field(default_factory=list)
    git_programs: list[str] = field(default_factory=list)

    def grants_anything(self) -> bool:
        """Whether trusting the folder would change anything."""
        return bool(self.mcp_servers or any(not g.is_empty() for _, g in self.files))


def _mcp_servers(path: Path) -> tuple[list[str], list[str]]:
    """``(servers, notes)`` from one ``.mcp.json``, read by the MCP loader
    (:func:`tui.mcp.config.parse_file`): each server as ``name: transport  target  (env:
    KEYS)``, as written (``${VAR}`` unexpanded, env and header names only), and every problem
    as a note."""
    from tui.mcp.config import parse_file

    servers, problems, _ = parse_file(path, "project", env={})
    return ([f"{spec.name}: {spec.describe()}" for spec in servers],
            [str(problem) for problem in problems])


def trust_report(cwd: Path, env: Mapping[str, str] | None = None) -> TrustReport:
    """What trusting ``cwd``'s folder would grant (reads its settings files, ``.mcp.json``
    and git config; runs ``git ls-files`` once for a local settings file)."""
    from tui.settings import load_settings
    from tui.settings.paths import discover_sources
    from tui.settings.trustgate import grants_of, is_repository_supplied
    from tui.shell.gitrepo import discover, program_keys, without_git_env

    env = os.environ if env is None else env
    cwd = Path(os.path.abspath(cwd))
    report = TrustReport(key=trust_key(cwd, env))
    repo_sources = [s for s in discover_sources(cwd, env)
                    if s.scope in ("project", "local") and s.path is not None
                    and (s.path.exists() or s.path.is_symlink())
                    and is_repository_supplied(s, env)]
    for source in repo_sources:
        loaded = load_settings(cwd, env=env, only=[source], trusted_project=True)
        for file in loaded.files:
            report.files.append((file.source.label, grants_of(file.data)))
            report.notes += [str(p) for p in file.problems
                             if p.code in ("trust", "json", "io")]
    servers, notes = _mcp_servers(cwd / ".mcp.json")
    report.mcp_servers, report.notes = servers, report.notes + notes
    repo = discover(cwd, without_git_env(env))
    if repo is not None:
        report.git_programs = program_keys(repo)
    return report


def report_lines(report: TrustReport) -> list[str]:
    """The report as plain text lines (``warden trust`` and the trust screen's body)."""
    lines: list[str] = []
    titles = (("allow_rules", "Allow rules"), ("additional_directories",
              "Additional directories"), ("hooks", "Hooks"), ("env", "Environment (env)"),
              ("helpers", "Helper commands"), ("mcp", "MCP approvals"),
              ("sandbox", "Sandbox settings"), ("other", "Other keys"))
    for label, grants in report.files:
        if grants.is_empty():
            continue
        lines.append(f"{label}:")
        if grants.default_mode:
            lines.append(f"  Start mode: {grants.default_mode}")
        for attr, title in titles:
            values = getattr(grants, attr)
            if values:
                lines.append(f"  {title}:")
                lines += [f"    {v}" for v in values]
    if report.mcp_servers:
        lines.append(f"MCP servers ({report.key.root / '.mcp.json'}):")
        lines += [f"  {s}" for s in report.mcp_servers]
    if report.git_programs:
        lines.append("Git config that runs programs (applies whatever you answer; Warden asks "
                     "before git commands here):")
        lines += [f"  {k}" for k in report.git_programs]
    if report.notes:
        lines.append("Notes:")
        lines += [f"  {n}" for n in report.notes]
    return lines


# -- warden trust ------------------------------------------------------------------------------


def trust_main(argv: list[str]) -> int:
    """``warden trust [DIR]``, ``warden trust --revoke [DIR]``, ``warden trust --list``.

    Returns the exit status: 0, 1 when the store cannot be used, 2 on a usage error.
    """
    import argparse

    parser = argparse.ArgumentParser(
        prog="warden trust",
        description="Trust a folder, so its own settings may grant (allow rules, hooks, env, "
                    "additional directories); or take trust back, or list the decisions.")
    parser.add_argument("dir", nargs="?", type=Path, default=None,
                        help="the folder (default: the current directory)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--revoke", action="store_true", help="forget the folder's decision")
    group.add_argument("--deny", action="store_true",
                       help="store \"don't trust\" (Warden will not ask again)")
    group.add_argument("--list", action="store_true", help="show every stored decision")
    args = parser.parse_args(argv)
    store = default_store()
    try:
        if args.list:
            if args.dir is not None:
                parser.error("--list takes no folder")
            records = store.records()
            if not records:
                print(f"No decisions stored ({store.path}).")
            for record in records:
                verdict = "trusted" if record.trusted else "not trusted"
                print(f"{verdict:12} {record.root}  ({record.decided_at}, {record.how})")
            return 0
        folder = (args.dir or Path.cwd())
        if not folder.is_dir():
            parser.error(f"{folder}: not a directory")
        key = trust_key(folder)
        if args.revoke:
            removed = store.remove(key.root)
            print(f"Forgot the decision for {key.root}; Warden will ask again there." if removed
                  else f"No decision was stored for {key.root}.")
            return 0
        if not key.persist:
            print(f"warden trust: {key.root} is your home directory; trust there lasts one "
                  "session only (answer the trust screen).", file=sys.stderr)
            return 2
        if args.deny:
            store.set(key.root, False, "warden trust --deny")
            print(f"Stored: {key.root} is not trusted; only its deny and ask rules apply.")
            return 0
        report = trust_report(key.root)
        lines = report_lines(report)
        if lines:
            print(f"Trusting {key.root} lets its own files grant:")
            print("\n".join(lines))
        store.set(key.root, True, "warden trust")
        print(f"Stored: {key.root} is trusted.")
        return 0
    except TrustError as exc:
        print(f"warden trust: {exc}", file=sys.stderr)
        return 1
