"""What trusting a folder would grant (the trust screen's content), and ``warden trust``.

REF §7.3.  The decisions themselves (keys, the store) are in :mod:`tui.trust`; this module reads
a folder's repository-supplied settings files, its ``.mcp.json`` (through the MCP loader,
:mod:`tui.mcp.config`) and its git config, so it sits above both.

* ``warden trust [DIR]``, ``warden trust --revoke [DIR]``, ``warden trust --deny [DIR]``,
  ``warden trust --list`` (:func:`trust_main`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.trust import TrustError, TrustKey, default_store, trust_key

__all__ = ["TrustReport", "report_lines", "trust_main", "trust_report"]


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
