"""Whether an MCP server may start, and which of its tools the model may see (UI-free).

**Server states** (:func:`server_state`), in the order they are decided:

1. ``disabled``: a ``deniedMcpServers`` entry matches (any settings file), or managed settings
   hold an ``allowedMcpServers`` list that does not (REF §4.1: an invalid list is an empty list,
   fail closed); or the server is a ``.mcp.json`` one named in ``disabledMcpjsonServers``.
2. ``waiting-for-trust``: a ``.mcp.json`` server in a folder that is not trusted
   (REF §7.3: an untrusted folder's servers never start).
3. ``rejected`` / ``approved``: the user's decision about this definition, stored in Warden's data
   directory (an approval is bound to the definition's :attr:`~tui.mcp.config.ServerSpec.
   fingerprint`: a changed command, URL or env asks again), else ``approved`` by
   ``enableAllProjectMcpServers`` or ``enabledMcpjsonServers`` (both trust-gated in a
   repository's own settings file: :mod:`tui.settings.trustgate`).
4. ``pending``: a ``.mcp.json`` server nobody decided about (REF §7.3: approval before Warden
   first connects).  Servers of the user's own configuration (local, user, ``--mcp-config``)
   are ``approved``.

**Pinned tools**, beyond Claude Code: when a tool is approved, a sha256 of its name,
description and input schema (canonical JSON) is stored with the description text
(:class:`McpStore`).  A tool whose hash later differs (a "rug pull") or that is new is not
offered to the model until the user approves it; :func:`description_diff` shows what changed.
This applies to every server, whatever its scope: the first listing of a user's own server is
pinned without asking, later changes ask like any other.

The store is ``mcp.json`` in Warden's data directory (``WARDEN_DATA_DIR`` overrides it, as for
:mod:`tui.trust`), written atomically; a store that cannot be read fails closed
(:class:`McpStoreError`: no server starts and nothing is overwritten).
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from tui.mcp.config import ServerSpec
    from tui.settings.model import Settings

__all__ = [
    "McpPolicy", "McpStore", "McpStoreError", "ServerRecord", "ServerState", "ToolInfo",
    "ToolPin", "ToolStatus", "default_store", "description_diff", "server_key", "server_state",
    "tool_hash", "tool_status",
]

ServerState = Literal["approved", "pending", "rejected", "disabled", "waiting-for-trust"]
ToolStatus = Literal["pinned", "new", "changed", "rejected"]
"""``pinned``: approved and unchanged (offered to the model); ``new``: never approved;
``changed``: approved once, since changed (disabled until approved again); ``rejected``: the
user said no to exactly this version."""

STORE_VERSION = 1


class McpStoreError(Exception):
    """The approvals store cannot be read or written; the message names the file and the fix."""


@dataclass(frozen=True)
class ToolInfo:
    """One tool as a server lists it (what is pinned and shown for approval).

    Attributes:
        name: the server's name for it.
        description: its description (untrusted text: render with markup off).
        input_schema: its JSON Schema for the arguments.
        findings: what the injection detector found in the description (one line each:
            technique, line and excerpt), empty when clean or when there is no detector.
    """

    name: str
    description: str
    input_schema: Mapping[str, Any]
    findings: tuple[str, ...] = ()

    @property
    def sha256(self) -> str:
        """:func:`tool_hash` of this tool."""
        return tool_hash(self.name, self.description, self.input_schema)


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def tool_hash(name: str, description: str, input_schema: Mapping[str, Any]) -> str:
    """sha256 (hex) of ``[name, description, input_schema]`` as canonical JSON."""
    return hashlib.sha256(canonical_json([name, description, dict(input_schema)])
                          .encode()).hexdigest()


def description_diff(old: str, new: str, name: str = "tool") -> list[str]:
    """A unified diff of a tool's approved description and its new one, line by line
    (``---``/``+++`` headers, ``-``/``+``/space prefixes); empty when equal."""
    return list(difflib.unified_diff(old.splitlines(), new.splitlines(),
                                     fromfile=f"{name} (approved)", tofile=f"{name} (now)",
                                     lineterm="", n=3))


# -- settings ---------------------------------------------------------------------------------


@dataclass
class McpPolicy:
    """The MCP settings of a session.

    Attributes:
        enable_all: ``enableAllProjectMcpServers``.
        enabled: ``enabledMcpjsonServers``.
        disabled: ``disabledMcpjsonServers`` (from any file; always wins).
        allowed: the managed ``allowedMcpServers`` entries, or None when no managed file sets
            it (every server allowed).  An empty tuple allows none.
        denied: ``deniedMcpServers`` entries from every file.
        deny_all: a ``deniedMcpServers`` entry could not be read (fail closed: none starts).
        sandbox: ``sandbox.mcpServers``: run every stdio server inside the sandbox unless
            its definition says ``"sandbox": false``.
        problems: one sentence per ignored or invalid value.
    """

    enable_all: bool = False
    enabled: frozenset[str] = frozenset()
    disabled: frozenset[str] = frozenset()
    allowed: tuple[Mapping[str, Any], ...] | None = None
    denied: tuple[Mapping[str, Any], ...] = ()
    deny_all: bool = False
    sandbox: bool = False
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_settings(cls, settings: Settings | None) -> McpPolicy:
        """Read the MCP keys of loaded settings (REF §4.1, §7.3; Claude Code's
        ``allowedMcpServers``/``deniedMcpServers`` entries: ``{"serverName": ...}``,
        ``{"serverCommand": [...]}``, ``{"serverUrl": "https://*.example.com/*"}``)."""
        out = cls()
        if settings is None:
            return out
        merged = settings.merged
        out.enable_all = merged.get("enableAllProjectMcpServers") is True
        out.enabled = frozenset(_names(merged.get("enabledMcpjsonServers"),
                                       "enabledMcpjsonServers", out.problems))
        out.disabled = frozenset(_names(merged.get("disabledMcpjsonServers"),
                                        "disabledMcpjsonServers", out.problems))
        sandbox = merged.get("sandbox")
        out.sandbox = isinstance(sandbox, dict) and sandbox.get("mcpServers") is True
        allowed: list[Mapping[str, Any]] | None = None
        denied: list[Mapping[str, Any]] = []
        for loaded in settings.files:
            data = loaded.data if isinstance(loaded.data, dict) else {}
            label = loaded.source.label
            if loaded.source.scope == "managed" and "allowedMcpServers" in data:
                allowed = allowed if allowed is not None else []
                entries = _entries(data["allowedMcpServers"])
                if entries is None:
                    out.problems.append(f"{label}: allowedMcpServers is not a list of "
                                        "{serverName|serverCommand|serverUrl} entries; no MCP "
                                        "server may start until it is fixed")
                else:
                    allowed += entries
            if "deniedMcpServers" in data:
                entries = _entries(data["deniedMcpServers"])
                if entries is None:
                    out.deny_all = True
                    out.problems.append(f"{label}: deniedMcpServers is not a list of "
                                        "{serverName|serverCommand|serverUrl} entries; no MCP "
                                        "server may start until it is fixed")
                else:
                    denied += entries
        out.allowed = tuple(allowed) if allowed is not None else None
        out.denied = tuple(denied)
        return out

    def blocked(self, spec: ServerSpec) -> str | None:
        """Why the managed or deny lists keep ``spec`` from starting, or None."""
        if self.deny_all:
            return "deniedMcpServers could not be read (fail closed)"
        for entry in self.denied:
            if _entry_matches(entry, spec):
                return f"deniedMcpServers: {canonical_json(entry)}"
        if self.allowed is None:
            return None
        kind = "serverCommand" if spec.transport == "stdio" else "serverUrl"
        specific = [e for e in self.allowed if kind in e]
        candidates = specific if specific else self.allowed
        if any(_entry_matches(e, spec) for e in candidates):
            return None
        if specific:
            return f"not in the managed allowedMcpServers (no {kind} entry matches)"
        return "not in the managed allowedMcpServers"


def _names(value: Any, key: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    problems.append(f"{key} must be a list of server names; ignored")
    return []


def _entries(value: Any) -> list[Mapping[str, Any]] | None:
    """The entries of an allow/deny list, or None when any is invalid."""
    if not isinstance(value, list):
        return None
    out: list[Mapping[str, Any]] = []
    for entry in value:
        if not isinstance(entry, dict) or len(entry) != 1:
            return None
        (key, spec), = entry.items()
        if key == "serverName" and isinstance(spec, str):
            out.append(entry)
        elif key == "serverCommand" and isinstance(spec, list) and spec \
                and all(isinstance(s, str) for s in spec):
            out.append(entry)
        elif key == "serverUrl" and isinstance(spec, str):
            out.append(entry)
        else:
            return None
    return out


def _entry_matches(entry: Mapping[str, Any], spec: ServerSpec) -> bool:
    if "serverName" in entry:
        return bool(entry["serverName"] == spec.name)
    if "serverCommand" in entry:
        return spec.transport == "stdio" and \
            list(entry["serverCommand"]) == [spec.command, *spec.args]
    if "serverUrl" in entry:
        return spec.transport == "http" and spec.url is not None and \
            fnmatch.fnmatchcase(spec.url, str(entry["serverUrl"]))
    return False


# -- the store --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolPin:
    """One tool's stored decision.

    Attributes:
        sha256: :func:`tool_hash` of the version decided about.
        description: that version's description (for the diff when it changes).
        approved: True (pinned) or False (the user rejected this version).
        decided_at: ISO 8601, UTC.
    """

    sha256: str
    description: str
    approved: bool
    decided_at: str = ""


@dataclass
class ServerRecord:
    """What is stored about one server: the decision and its pinned tools.

    Attributes:
        approved: the user approved (True) or rejected (False) starting it; None: no decision
            (only tools pinned, for a server that needs none).
        fingerprint: the definition the decision is about.
        how: ``"approve"``, ``"approve all"``, ``"reject"``, ``"first connection"``...
        decided_at: ISO 8601, UTC.
        tools: pins by tool name.
    """

    approved: bool | None = None
    fingerprint: str = ""
    how: str = ""
    decided_at: str = ""
    tools: dict[str, ToolPin] = field(default_factory=dict)


def server_key(spec: ServerSpec, project_root: Path | None) -> str:
    """The store's key for a server: its scope, where that scope lives and its name
    (``"project|/repo|github"``, ``"user||github"``, ``"command line|/abs/file.json|x"``)."""
    if spec.scope in ("project", "local"):
        where = str(project_root or "")
    elif spec.scope == "command line":
        where = str(spec.path)
    else:
        where = ""
    return f"{spec.scope}|{where}|{spec.name}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class McpStore:
    """Approvals and pins: ``{"version": 1, "servers": {key: {"approved", "fingerprint",
    "how", "decided_at", "tools": {name: {"sha256", "description", "approved",
    "decided_at"}}}}}`` in one JSON file.

    A missing file holds nothing.  A file that is not this format raises
    :class:`McpStoreError` (fail closed) and is never overwritten.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, Any]:
        from tui.fsutil import read_json_store

        data = read_json_store(self.path, "servers", what="MCP approvals", error=McpStoreError,
                               forget="every MCP server and tool will be asked about again")
        return {"version": STORE_VERSION, "servers": {}} if data is None else data

    def get(self, key: str) -> ServerRecord | None:
        """The record of ``key``, or None.

        Raises:
            McpStoreError: the file is unreadable or not Warden's format.
        """
        entry = self._read()["servers"].get(key)
        if not isinstance(entry, dict):
            return None
        approved = entry.get("approved")
        tools: dict[str, ToolPin] = {}
        raw_tools = entry.get("tools")
        for name, pin in (raw_tools.items() if isinstance(raw_tools, dict) else ()):
            if isinstance(pin, dict) and isinstance(pin.get("sha256"), str) \
                    and isinstance(pin.get("approved"), bool):
                tools[str(name)] = ToolPin(pin["sha256"], str(pin.get("description", "")),
                                           pin["approved"], str(pin.get("decided_at", "")))
        return ServerRecord(approved if isinstance(approved, bool) else None,
                            str(entry.get("fingerprint", "")), str(entry.get("how", "")),
                            str(entry.get("decided_at", "")), tools)

    def keys(self) -> list[str]:
        """Every stored key, sorted.

        Raises:
            McpStoreError: the file is unreadable or not Warden's format.
        """
        return sorted(self._read()["servers"])

    def decide(self, key: str, spec: ServerSpec, approved: bool, how: str) -> None:
        """Store the decision about starting ``spec`` (its pins are kept).

        Raises:
            McpStoreError: the file is broken, or cannot be written.
        """
        data = self._read()
        entry = data["servers"].setdefault(key, {})
        entry.update({"approved": approved, "fingerprint": spec.fingerprint, "how": how,
                      "decided_at": _now()})
        entry.setdefault("tools", {})
        self._write(data)

    def pin(self, key: str, tools: Iterable[ToolInfo], approved: bool = True) -> None:
        """Store a decision about exactly these versions of ``tools`` (approve: they are
        offered to the model while unchanged; reject: they are not, and not asked about again).

        Raises:
            McpStoreError: the file is broken, or cannot be written.
        """
        data = self._read()
        entry = data["servers"].setdefault(key, {})
        pins = entry.setdefault("tools", {})
        if not isinstance(pins, dict):
            pins = entry["tools"] = {}
        for tool in tools:
            pins[tool.name] = {"sha256": tool.sha256, "description": tool.description,
                               "approved": approved, "decided_at": _now()}
        self._write(data)

    def forget(self, key: str) -> bool:
        """Remove ``key``'s decision and pins; returns whether there were any.

        Raises:
            McpStoreError: the file is broken, or cannot be written.
        """
        data = self._read()
        if data["servers"].pop(key, None) is None:
            return False
        self._write(data)
        return True

    def _write(self, data: dict[str, Any]) -> None:
        from tui.fsutil import atomic_write_text

        data["version"] = STORE_VERSION
        try:
            atomic_write_text(self.path, json.dumps(data, indent=2, sort_keys=True) + "\n")
        except OSError as exc:
            raise McpStoreError(f"{self.path}: cannot write it ({exc.strerror})") from None


def default_store(env: Mapping[str, str] | None = None) -> McpStore:
    """The store in Warden's data directory (:func:`tui.trust.data_dir`)."""
    from tui.trust import data_dir

    return McpStore(data_dir(os.environ if env is None else env) / "mcp.json")


# -- decisions --------------------------------------------------------------------------------


def server_state(spec: ServerSpec, policy: McpPolicy, *, trusted: bool,
                 record: ServerRecord | None) -> tuple[ServerState, str]:
    """Whether ``spec`` may start (see the module docstring for the order).

    Returns:
        ``(state, why)``: ``why`` is one sentence for people.
    """
    blocked = policy.blocked(spec)
    if blocked:
        return "disabled", blocked
    if spec.scope != "project":
        return "approved", f"defined in your own configuration ({spec.scope} scope)"
    if spec.name in policy.disabled:
        return "disabled", "disabledMcpjsonServers names it"
    if not trusted:
        return "waiting-for-trust", ("this folder is not trusted: its .mcp.json servers wait "
                                     "for workspace trust (`warden trust`)")
    if record is not None and record.approved is not None:
        if record.fingerprint == spec.fingerprint:
            if record.approved:
                return "approved", f"you approved it ({record.how}, {record.decided_at})"
            return "rejected", f"you rejected it ({record.decided_at})"
        if record.approved:
            return "pending", "its definition changed since you approved it"
    if policy.enable_all:
        return "approved", "enableAllProjectMcpServers"
    if spec.name in policy.enabled:
        return "approved", "enabledMcpjsonServers names it"
    return "pending", "a project server nobody has approved yet"


def tool_status(record: ServerRecord | None, tool: ToolInfo) -> ToolStatus:
    """How ``tool`` stands against the pins in ``record``."""
    pin = record.tools.get(tool.name) if record is not None else None
    if pin is None:
        return "new"
    if pin.sha256 == tool.sha256:
        return "pinned" if pin.approved else "rejected"
    return "changed"
