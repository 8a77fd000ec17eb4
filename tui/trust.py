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
* What trusting a folder would grant, and ``warden trust``, are in :mod:`tui.trust_report`
  (it reads the MCP definitions, and :mod:`tui.mcp` reads decisions from here).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "TrustError", "TrustKey", "TrustRecord", "TrustStore", "data_dir", "default_store",
    "stored_decision", "trust_key",
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
        from tui.fsutil import read_json_store

        data = read_json_store(self.path, "folders", what="trust", error=TrustError,
                               forget="every folder will be asked about again")
        return {"version": STORE_VERSION, "folders": {}} if data is None else data

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
