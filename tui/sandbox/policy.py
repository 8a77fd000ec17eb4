"""The sandbox policy: ``sandbox.*`` settings and permission rules resolved to concrete paths.

Source: REF §6.2 (keys, path prefixes, Linux skips glob entries in write lists and expands read
lists, sandbox-level protected paths), REF §6.3 (bubblewrap binds concrete, ``realpath``'d,
existing paths only), REF §11.1 (why the protected names matter), ``SPEC.md`` §8.

Path prefixes in ``sandbox.filesystem.*`` are *not* the permission-rule prefixes: ``/x`` and
``//x`` are absolute, ``~/x`` is in the home directory, ``./x`` and ``x`` are relative to the
settings file's anchor (the project root for project and local settings, ``~/.claude`` for user
settings, a ``--settings`` file's directory, the managed directory).  Trailing ``/`` and ``/**``
are stripped.  ``Edit(...)`` / ``Read(...)`` / ``WebFetch(domain:...)`` rules keep their own
anchors (REF §2.5) and are merged into the lists here.

This module is cheap to import: the settings and permission modules are imported lazily.
"""

from __future__ import annotations

import dataclasses
import glob as globmod
import os
import shutil
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.pathutil import lexically_inside
from tui.permissions.protected import PROTECTED_DIR_KINDS, PROTECTED_FILE_KINDS, SHELL_RC_FILES
from tui.sandbox.masks import DenyPaths, DenySource, MaskUnavailable

if TYPE_CHECKING:
    from tui.settings.model import Settings, SettingsSource

__all__ = [
    "PROTECTED_TOP_DIRS",
    "PROTECTED_TOP_FILES",
    "SHELL_RC_FILES",
    "SandboxPolicy",
    "protected_write_paths",
    "refresh_masks",
    "resolve_policy",
    "sandbox_path",
]

SANDBOX_FILE_KINDS: tuple[str, ...] = ("shell start-up", "git configuration",
                                       "agent configuration")
SANDBOX_DIR_KINDS: tuple[str, ...] = ("agent configuration", "editor tasks", "hook manager")
"""Which kinds of :data:`tui.permissions.protected.PROTECTED_FILE_KINDS` and
``PROTECTED_DIR_KINDS`` the configured sandbox holds read-only at the top of each writable tree
(REF §6.2, §11.1).

Why narrower than the permission layer's list: the configured sandbox keeps the working
directories writable so that builds, package installs and editors work inside it, so it holds
read-only only what runs code by itself the next time a shell, git or an agent starts, or an
editor opens the folder.  A package manager's, build tool's or hook manager's file is still
protected where it matters: every write to one asks at the permission layer, and commands the
sandbox auto-allows see every protected name read-only (:mod:`tui.sandbox.protect`).  ``.git``
is handled apart (:data:`GIT_PROTECTED`)."""

PROTECTED_TOP_FILES: tuple[str, ...] = tuple(
    name for kind in SANDBOX_FILE_KINDS for name in PROTECTED_FILE_KINDS[kind])
"""Files made read-only at the top of each writable tree when they exist (REF §6.2, §11.1)."""

PROTECTED_TOP_DIRS: tuple[str, ...] = tuple(
    name for kind in SANDBOX_DIR_KINDS for name in PROTECTED_DIR_KINDS[kind])
"""Directories made read-only at the top of each writable tree when they exist.  ``.claude``
holds the agent's own settings (a planted ``settings.local.json`` would grant permissions);
``.vscode``/``.idea`` run tasks on open; ``.husky`` holds git hooks (REF §6.2, §11.1)."""

GIT_PROTECTED: tuple[str, ...] = ("hooks", "config", "commondir", "config.worktree")
"""Inside a ``.git`` directory (or a bare repository): what git executes or obeys (REF §6.2),
and what moves it elsewhere: ``commondir`` names the directory whose ``config`` and ``hooks``
git uses, ``config.worktree`` is read with ``extensions.worktreeConfig`` (issue 10 item 2;
gitrepository-layout(5)).  The same names are protected in each submodule's git directory
(``modules/**``) and each linked worktree's (``worktrees/*``): :func:`git_dir_candidates`.  The
rest of ``.git`` stays writable so ``git commit`` works in the sandbox (commands the sandbox
auto-allows get all of ``.git`` read-only: :mod:`tui.sandbox.protect`)."""

GIT_SUBDIR_BUDGET = 500
"""Directory entries looked at below ``modules/`` and ``worktrees/`` of one git directory."""

NESTED_NAMES: frozenset[str] = frozenset({".git", *PROTECTED_TOP_DIRS, ".mcp.json"})
"""Names also looked for below the top of a writable tree (REF §6.3: srt scans to depth 3)."""

NESTED_DEPTH = 3
"""How deep below each writable root nested protected names are looked for."""

SCAN_BUDGET = 5_000
"""Directory entries looked at per writable root when looking for nested protected names."""

GLOB_LIMIT = 1_000
"""Most concrete paths one ``allowRead`` glob entry expands to (the rest stay unreadable).
Deny entries have no such limit: :mod:`tui.sandbox.masks` finds every match or fails closed."""

_GLOB_CHARS = frozenset("*?[")
_SKIP_DESCEND = frozenset({"node_modules", ".git"})
_SYSTEM_DIRS = ("/proc", "/dev", "/sys")


@dataclass(frozen=True)
class SandboxPolicy:
    """What one session's sandbox allows (REF §6.2), with every path concrete.

    Attributes:
        enabled: ``sandbox.enabled``.
        fail_if_unavailable: ``sandbox.failIfUnavailable``: refuse Bash when bubblewrap cannot
            start instead of running unsandboxed.
        auto_allow: ``autoAllowBashIfSandboxed`` (default true).
        allow_unsandboxed: ``allowUnsandboxedCommands`` (default true): whether a
            ``dangerouslyDisableSandbox`` retry is honoured.
        excluded_commands: ``excludedCommands`` (``Bash(...)``-style patterns), every scope.
        write_paths: absolute, ``realpath``'d, existing directories or files the command may
            write: the working directories, ``filesystem.allowWrite``, concrete ``Edit(...)``
            allow rules.  No entry lies inside another.
        deny_write: read-only exceptions inside ``write_paths``: ``filesystem.denyWrite``,
            ``Edit(...)`` deny rules (expanded), and the protected paths that exist
            (:func:`protected_write_paths`; the runner looks again before each command).
        deny_read: paths hidden from the command: ``filesystem.denyRead`` entries and
            ``Read(...)`` deny rules, expanded to every existing path they cover at any depth
            (:mod:`tui.sandbox.masks`); computed again before each command
            (:func:`refresh_masks`).
        allow_read: ``filesystem.allowRead`` entries that re-open something inside
            ``deny_read``.
        allowed_domains: ``network.allowedDomains`` + ``WebFetch(domain:...)`` allow rules
            (managed ones only under ``allowManagedDomainsOnly``).
        denied_domains: ``network.deniedDomains`` + ``WebFetch(domain:...)`` deny rules.
        bwrap_path: managed ``sandbox.bwrapPath`` as written, else ``shutil.which("bwrap")``;
            None when none was found.
        bwrap_configured: ``bwrap_path`` came from managed settings.
        problems: entries skipped or narrowed, each a sentence naming the entry and why.
        working_dirs: the working directories (``realpath``'d) the policy was built for.
        home: the home directory (``~/`` in entries).
        user_dir: the user settings directory, protected when a writable tree holds it.
        filesystem_disabled: ``filesystem.disabled``: no filesystem isolation, network still
            isolated (REF §6.2; the loader allows it from user, managed and ``--settings``).
        weaker_nested: ``enableWeakerNestedSandbox``: bind the host ``/proc`` instead of a
            fresh one (for unprivileged containers; weaker).
        allow_all_unix_sockets: ``network.allowAllUnixSockets``.
        deny_paths: the deny entries behind ``deny_read`` and the ``Edit(...)`` deny part of
            ``deny_write``, with the walk cache (:class:`tui.sandbox.masks.DenyPaths`); None
            when there are none.
        mask_error: why the masks could not be computed when the policy was resolved (the
            runner refuses commands while it persists), else None.
        network_lock: the setting that makes unlisted hosts blocked instead of asked about:
            ``"sandbox.network.allowManagedDomainsOnly"`` (managed) or
            ``"sandbox.network.strictAllowlist"``; None when the user is asked (REF §6.2).
        http_proxy_port: ``network.httpProxyPort``: sandboxed HTTP(S) proxy traffic goes to
            ``127.0.0.1:<port>`` on the host (your proxy) instead of Warden's filtering proxy.
        socks_proxy_port: ``network.socksProxyPort``: SOCKS traffic goes to
            ``127.0.0.1:<port>`` (your SOCKS5 proxy); ``ALL_PROXY`` then names a SOCKS URL.
    """

    enabled: bool = False
    fail_if_unavailable: bool = False
    auto_allow: bool = True
    allow_unsandboxed: bool = True
    excluded_commands: tuple[str, ...] = ()
    write_paths: tuple[Path, ...] = ()
    deny_write: tuple[Path, ...] = ()
    deny_read: tuple[Path, ...] = ()
    allow_read: tuple[Path, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    denied_domains: tuple[str, ...] = ()
    bwrap_path: str | None = None
    problems: tuple[str, ...] = ()
    bwrap_configured: bool = False
    working_dirs: tuple[Path, ...] = ()
    home: Path | None = None
    user_dir: Path | None = None
    filesystem_disabled: bool = False
    weaker_nested: bool = False
    allow_all_unix_sockets: bool = False
    deny_paths: DenyPaths | None = field(default=None, compare=False, repr=False)
    mask_error: str | None = None
    network_lock: str | None = None
    http_proxy_port: int | None = None
    socks_proxy_port: int | None = None


# -- small path helpers -----------------------------------------------------------------------


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _has_glob(text: str) -> bool:
    return any(c in _GLOB_CHARS for c in text)


def _strip_suffixes(text: str) -> str:
    """Strip trailing ``/**`` and ``/`` (REF §6.2), keeping a lone ``/``."""
    while True:
        if text.endswith("/**") and len(text) > 3:
            text = text[:-3]
        elif text.endswith("/") and len(text) > 1:
            text = text[:-1]
        else:
            return text


def sandbox_path(entry: str, anchor: Path, home: Path) -> tuple[str | None, str | None]:
    """One ``sandbox.filesystem.*`` entry as an absolute path text (may still hold a glob).

    REF §6.2: ``/x`` and ``//x`` absolute; ``~`` / ``~/x`` home; ``./x`` and ``x`` relative to
    ``anchor``; trailing ``/`` and ``/**`` stripped; ``..`` resolved lexically.

    Returns:
        ``(path text, None)``, or ``(None, why)`` for an entry that cannot be used (empty,
        ``~user``, a NUL character).
    """
    text = entry.strip()
    if not text:
        return None, "empty entry"
    if "\x00" in text:
        return None, "contains a NUL character"
    text = _strip_suffixes(text)
    if text.startswith("//"):
        text = text[1:]
    if text == "~" or text.startswith("~/"):
        text = os.fspath(home) + text[1:]
    elif text.startswith("~"):
        return None, "~user paths are not supported; write the absolute path"
    elif not text.startswith("/"):
        text = os.fspath(anchor / text)
    return os.path.normpath(text), None


def _rule_path(spec: str, *, rule_anchor: Path, cwd: Path, home: Path) -> tuple[str, bool]:
    """A ``Read``/``Edit`` rule pattern as an absolute path text, and whether it is relative.

    REF §2.5 anchors: ``//p`` root, ``~/p`` home, ``/p`` the rule's settings source, ``./p`` and
    ``p`` the starting directory.  Trailing ``/`` and ``/**`` are stripped.
    """
    text = _strip_suffixes(spec.strip())
    if text.startswith("//"):
        return os.path.normpath(text[1:]), False
    if text == "~" or text.startswith("~/"):
        return os.path.normpath(os.fspath(home) + text[1:]), False
    if text.startswith("/"):
        return os.path.normpath(os.fspath(rule_anchor) + text), False
    if text in (".", "./"):
        return os.fspath(cwd), True
    rel = text[2:] if text.startswith("./") else text
    return os.path.normpath(os.fspath(cwd / rel)), True


def _dedupe(paths: Iterable[Path]) -> list[Path]:
    seen: set[Path] = set()
    out: list[Path] = []
    for p in paths:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _outermost(paths: Iterable[Path]) -> list[Path]:
    """The paths with every one that lies inside another removed, sorted (O(n × depth))."""
    kept: set[Path] = set()
    for p in sorted(set(paths), key=lambda q: (len(q.parts), str(q))):
        if p not in kept and not any(a in kept for a in p.parents):
            kept.add(p)
    return sorted(kept)


# -- reading the settings ---------------------------------------------------------------------


@dataclass
class _Entry:
    value: str
    key: str
    source: SettingsSource | None
    anchor: Path

    def label(self) -> str:
        where = f" ({self.source.label})" if self.source is not None else ""
        return f"sandbox.{self.key} {self.value!r}{where}"


def _sandbox_of(data: Any) -> dict[str, Any]:
    sb = data.get("sandbox") if isinstance(data, dict) else None
    return sb if isinstance(sb, dict) else {}


def _sub(obj: dict[str, Any], key: str) -> dict[str, Any]:
    val = obj.get(key)
    return val if isinstance(val, dict) else {}


def _strings(val: Any) -> list[str]:
    return [v for v in val if isinstance(v, str)] if isinstance(val, list) else []


def _layers(settings: Settings, cwd: Path) -> list[tuple[SettingsSource | None, Path, dict]]:
    """``(source, anchor, sandbox object)`` per settings source, highest scope first.

    Falls back to the merged object (anchored at ``cwd``) for a ``Settings`` built without its
    files (tests, embedders).
    """
    from tui.settings.paths import anchor_for

    out: list[tuple[SettingsSource | None, Path, dict]] = []
    for loaded in settings.files:
        sb = _sandbox_of(loaded.data)
        if sb:
            out.append((loaded.source, anchor_for(loaded.source, cwd), sb))
    if not settings.files:
        sb = _sandbox_of(settings.merged)
        if sb:
            out.append((None, cwd, sb))
    return out


def _list_entries(layers: list[tuple[SettingsSource | None, Path, dict]], group: str, key: str,
                  *, managed_only: bool = False) -> list[_Entry]:
    out: list[_Entry] = []
    for source, anchor, sb in layers:
        if managed_only and (source is None or source.scope != "managed"):
            continue
        obj = _sub(sb, group) if group else sb
        for value in _strings(obj.get(key)):
            out.append(_Entry(value, f"{group}.{key}" if group else key, source, anchor))
    return out


def _managed_flag(layers: list[tuple[SettingsSource | None, Path, dict]], group: str,
                  key: str) -> bool:
    """A managed-only lock: on when any managed source sets it to anything but false."""
    return any(source is not None and source.scope == "managed"
               and _sub(sb, group).get(key) not in (None, False)
               for source, _, sb in layers)


# -- resolving --------------------------------------------------------------------------------


def resolve_policy(settings: Settings, *, cwd: Path, working_dirs: Sequence[Path],
                   home: Path | None = None) -> SandboxPolicy:
    """Resolve the session's sandbox policy from its merged settings (REF §6.2).

    Args:
        settings: the loaded settings (``settings.merged["sandbox"]`` for scalars; each file's
            own ``sandbox`` object for path lists, so relative entries use that file's anchor;
            ``settings.rules`` for ``Edit``/``Read``/``WebFetch`` rules).
        cwd: the starting directory (anchor of ``./x`` rule patterns).
        working_dirs: the working directories (cwd and additional directories); they are
            writable.  Missing ones are skipped with a problem.
        home: the home directory for ``~/`` (default ``$HOME``).

    Never raises for any settings content: unusable entries become :attr:`problems`.  Reads
    the file system (``realpath``; a walk per deny pattern's anchor, with no depth or entry
    cap, bounded in time by :data:`tui.sandbox.masks.MASK_TIME_LIMIT_S`).  When the deny
    paths cannot all be found, :attr:`~SandboxPolicy.mask_error` says why and the runner
    refuses commands until :func:`refresh_masks` succeeds.
    """
    home = Path(home) if home is not None else Path(os.environ.get("HOME") or Path.home())
    cwd = Path(os.path.abspath(cwd))
    problems: list[str] = []
    raw = _sandbox_of(settings.merged)
    fs_raw, net_raw = _sub(raw, "filesystem"), _sub(raw, "network")
    layers = _layers(settings, cwd)

    # Working directories: always writable.
    working: list[Path] = []
    for wd in [cwd, *working_dirs]:
        real = _real(Path(os.path.abspath(wd)))
        if real.is_dir():
            working.append(real)
        else:
            problems.append(f"working directory {wd} does not exist; it is not writable")
    working = _dedupe(working)

    # Extra writable paths: filesystem.allowWrite, then Edit allow rules.
    writes: list[Path] = list(working)
    for entry in _list_entries(layers, "filesystem", "allowWrite"):
        path = _write_entry(entry, home, problems, working)
        if path is not None:
            writes.append(path)
    rules = _parsed_rules(settings)
    for rule in rules:
        if rule.tool == "Edit" and rule.kind == "path" and rule.behavior == "allow":
            path = _edit_allow_path(rule, cwd, home, problems)
            if path is not None:
                writes.append(path)
    writes = [w for w in writes if not _system_path(w, problems)]
    write_paths = _outermost(writes)

    # Read-only exceptions: filesystem.denyWrite, Edit deny rules, protected paths.
    deny_write: list[Path] = []
    for entry in _list_entries(layers, "filesystem", "denyWrite"):
        path = _write_entry(entry, home, problems)
        if path is not None:
            deny_write.append(path)
    # Read/Edit deny patterns and denyRead entries: every existing path they cover, at any
    # depth (tui.sandbox.masks); the runner computes them again before each command.
    sources = _deny_sources(layers, rules, cwd=cwd, home=home, problems=problems)
    deny_paths = DenyPaths(sources) if sources else None
    mask_error: str | None = None
    found_read: tuple[Path, ...] = ()
    if deny_paths is not None:
        try:
            masked = deny_paths.find()
        except MaskUnavailable as exc:
            mask_error = str(exc)
            problems.append(f"Sandboxed commands are refused until this is fixed: {exc}")
        else:
            found_read = masked.read
            deny_write += masked.edit
    from tui.settings.paths import user_dir as settings_user_dir

    user_dir = _real(settings_user_dir({**os.environ, "HOME": str(home)}))
    protected, _missing = protected_write_paths(write_paths, working_dirs=working, home=home,
                                                user_dir=user_dir)
    deny_write += protected
    deny_write = [p for p in _dedupe(deny_write)
                  if lexically_inside(p, *write_paths)]

    # Unreadable paths: filesystem.denyRead, Read deny rules; allowRead re-opens inside them.
    deny_read = _outermost(p for p in found_read if not _refuse_root_mask(p, problems))
    managed_reads = _managed_flag(layers, "filesystem", "allowManagedReadPathsOnly")
    if managed_reads:
        skipped = _list_entries(layers, "filesystem", "allowRead")
        kept = _list_entries(layers, "filesystem", "allowRead", managed_only=True)
        if len(skipped) > len(kept):
            problems.append(f"allowManagedReadPathsOnly: {len(skipped) - len(kept)} "
                            "filesystem.allowRead entries outside managed settings ignored")
    allow_read: list[Path] = []
    for entry in _list_entries(layers, "filesystem", "allowRead", managed_only=managed_reads):
        found = _read_entry(entry, home, problems)
        scope = entry.source.scope if entry.source is not None else None
        if scope in ("project", "local"):
            outside = [p for p in found if not lexically_inside(p, *working)]
            if outside:
                problems.append(f"{entry.label()}: a project can only re-open reads inside "
                                f"itself; {len(outside)} path(s) outside it stay unreadable")
                found = [p for p in found if p not in outside]
        allow_read += found
    allow_read = sorted(p for p in _dedupe(allow_read)
                        if any(lexically_inside(p, d) and p != d for d in deny_read))
    for w in write_paths:
        for d in deny_read:
            if w != d and lexically_inside(w, d):
                problems.append(f"writable path {w} lies inside the unreadable {d}: it is "
                                "mounted again after the masks, readable and writable")

    # Domains.  allowManagedDomainsOnly (managed) and strictAllowlist (user, managed,
    # --settings: the loader drops it elsewhere) block unlisted hosts instead of asking.
    managed_domains = _managed_flag(layers, "network", "allowManagedDomainsOnly")
    network_lock = ("sandbox.network.allowManagedDomainsOnly" if managed_domains
                    else "sandbox.network.strictAllowlist"
                    if net_raw.get("strictAllowlist") is True else None)
    allowed = [e.value.strip() for e in _list_entries(layers, "network", "allowedDomains",
                                                      managed_only=managed_domains)]
    denied = [e.value.strip() for e in _list_entries(layers, "network", "deniedDomains")]
    for rule in rules:
        if rule.tool != "WebFetch" or rule.kind != "domain" or not rule.specifier:
            continue
        host = rule.specifier.partition(":")[2].strip()
        if rule.behavior == "deny":
            denied.append(host)
        elif rule.behavior == "allow":
            scope = getattr(rule.source, "scope", None)
            if not managed_domains or scope == "managed":
                allowed.append(host)

    for key, proto in (("httpProxyPort", "HTTP(S)"), ("socksProxyPort", "SOCKS")):
        port = _port(net_raw.get(key))
        if port is not None:
            problems.append(f"sandbox.network.{key} {port}: sandboxed {proto} proxy traffic goes "
                            f"to your proxy on 127.0.0.1:{port}; Warden's allowedDomains, "
                            "deniedDomains and lock keys do not apply to it")
        elif net_raw.get(key) is not None:
            problems.append(f"sandbox.network.{key} {net_raw.get(key)!r} is not a port; ignored")

    bwrap_path, configured = _bwrap_path(layers, problems)
    excluded = _strings(raw.get("excludedCommands"))
    return SandboxPolicy(
        enabled=raw.get("enabled") is True,
        fail_if_unavailable=raw.get("failIfUnavailable") is True,
        auto_allow=raw.get("autoAllowBashIfSandboxed") is not False,
        allow_unsandboxed=raw.get("allowUnsandboxedCommands") is not False,
        excluded_commands=tuple(_dedupe_str(excluded)),
        write_paths=tuple(write_paths),
        deny_write=tuple(sorted(deny_write)),
        deny_read=tuple(deny_read),
        allow_read=tuple(allow_read),
        allowed_domains=tuple(_dedupe_str(d for d in allowed if d)),
        denied_domains=tuple(_dedupe_str(d for d in denied if d)),
        bwrap_path=bwrap_path,
        problems=tuple(_dedupe_str(problems)),
        bwrap_configured=configured,
        working_dirs=tuple(working),
        home=home,
        user_dir=user_dir,
        filesystem_disabled=fs_raw.get("disabled") is True,
        weaker_nested=raw.get("enableWeakerNestedSandbox") is True,
        allow_all_unix_sockets=net_raw.get("allowAllUnixSockets") is True,
        deny_paths=deny_paths,
        mask_error=mask_error,
        network_lock=network_lock,
        http_proxy_port=_port(net_raw.get("httpProxyPort")),
        socks_proxy_port=_port(net_raw.get("socksProxyPort")),
    )


def refresh_masks(policy: SandboxPolicy) -> SandboxPolicy:
    """``policy`` with ``deny_read`` and the ``Edit(...)`` deny part of ``deny_write`` computed
    again from its deny entries (:attr:`SandboxPolicy.deny_paths`), for the files that exist
    now.  The runner calls it before each command (off the event loop), so a ``.env`` created
    since the session started is masked too; directory listings are cached between calls.

    Returns ``policy`` itself when it has no deny entries or no file-system isolation.

    Raises:
        MaskUnavailable: the paths could not all be found (too slow, too many, a directory
            that cannot be listed); the message says why and what to do.  The command must not
            run.
    """
    finder = policy.deny_paths
    if finder is None or policy.filesystem_disabled:
        return policy
    found = finder.find()
    ignored: list[str] = []
    deny_read = tuple(_outermost(p for p in found.read if not _refuse_root_mask(p, ignored)))
    edit = [p for p in found.edit if lexically_inside(p, *policy.write_paths)]
    deny_write = tuple(sorted(set(policy.deny_write) | set(edit)))
    return dataclasses.replace(policy, deny_read=deny_read, deny_write=deny_write,
                               mask_error=None)


def _deny_sources(layers: list[tuple[SettingsSource | None, Path, dict]], rules: list[Any], *,
                  cwd: Path, home: Path, problems: list[str]) -> list[DenySource]:
    """The deny entries to resolve to paths: ``filesystem.denyRead`` entries (a path, or a
    glob read as an absolute gitignore pattern), ``Read(...)`` deny rules (masked) and
    ``Edit(...)`` deny rules (read-only).  A bare ``Read``/``Edit`` deny denies everything:
    that is the engine's job, not a mount."""
    from tui.permissions.paths import tree_programs

    out: list[DenySource] = []
    for entry in _list_entries(layers, "filesystem", "denyRead"):
        text, why = sandbox_path(entry.value, entry.anchor, home)
        if text is None:
            problems.append(f"{entry.label()}: {why}; skipped")
            continue
        if not _has_glob(text):
            if not _exists(Path(text)):
                problems.append(f"{entry.label()}: {text} does not exist yet; it is masked "
                                "from the first command after it appears")
            out.append(DenySource(entry.label(), "read", literal=Path(text)))
            continue
        programs = tree_programs("/" + text, anchor=entry.anchor, cwd=cwd, home=home)
        out.append(DenySource(entry.label(), "read", programs=tuple(programs)))
    for rule in rules:
        if (rule.tool not in ("Read", "Edit") or rule.kind != "path"
                or rule.behavior != "deny" or rule.specifier is None):
            continue
        where = getattr(rule.source, "label", None)
        label = f"{rule.text} ({where})" if where else rule.text
        programs = tree_programs(rule.specifier, anchor=Path(rule.anchor), cwd=cwd, home=home)
        out.append(DenySource(label, "read" if rule.tool == "Read" else "edit",
                              programs=tuple(programs)))
    return out


def _port(value: Any) -> int | None:
    """A ``httpProxyPort``/``socksProxyPort`` value as a port number, None when unset."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
        return None
    return value


def _dedupe_str(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _parsed_rules(settings: Settings) -> list[Any]:
    """The settings' rules parsed; ones that do not parse were reported by the loader."""
    from tui.permissions.rules import RuleSyntaxError, parse_rule

    out = []
    for entry in settings.rules:
        try:
            out.append(parse_rule(entry.text, entry.behavior, anchor=entry.anchor,
                                  source=entry.source))
        except RuleSyntaxError:
            continue
    return out


def _system_path(path: Path, problems: list[str]) -> bool:
    if lexically_inside(path, *_SYSTEM_DIRS):
        problems.append(f"{path} is a kernel file system; it is never made writable")
        return True
    return False


def _refuse_root_mask(path: Path, problems: list[str]) -> bool:
    if path == Path("/"):
        problems.append("denying reads of / would hide the whole system; that entry is skipped")
        return True
    return False


def _write_entry(entry: _Entry, home: Path, problems: list[str],
                 working: Sequence[Path] = ()) -> Path | None:
    """A concrete, existing path for an ``allowWrite``/``denyWrite`` entry, or None."""
    text, why = sandbox_path(entry.value, entry.anchor, home)
    if text is None:
        problems.append(f"{entry.label()}: {why}; skipped")
        return None
    if _has_glob(text):
        problems.append(f"{entry.label()}: glob patterns cannot be mounted on Linux; skipped "
                        "(write the concrete path)")
        return None
    path = Path(text)
    if not _exists(path):
        problems.append(f"{entry.label()}: {path} does not exist; skipped")
        return None
    real = _real(path)
    scope = entry.source.scope if entry.source is not None else None
    if (entry.key == "filesystem.allowWrite" and scope in ("project", "local")
            and (real == Path("/") or lexically_inside(home, real))):
        problems.append(f"{entry.label()}: a project cannot make {real} (your home directory "
                        "or above) writable; put it in user settings if you mean it")
        return None
    if (entry.key == "filesystem.allowWrite" and scope in ("project", "local")
            and not lexically_inside(real, *working)):
        problems.append(f"{entry.label()}: the project makes {real}, outside it, writable for "
                        "sandboxed commands")
    return real


def _read_entry(entry: _Entry, home: Path, problems: list[str]) -> list[Path]:
    """Concrete existing paths for a ``denyRead``/``allowRead`` entry (globs expanded)."""
    text, why = sandbox_path(entry.value, entry.anchor, home)
    if text is None:
        problems.append(f"{entry.label()}: {why}; skipped")
        return []
    if not _has_glob(text):
        if not _exists(Path(text)):
            problems.append(f"{entry.label()}: {text} does not exist (nothing to mount; a file "
                            "created there later in this session is not covered)")
            return []
        return [_real(Path(text))]
    found: list[Path] = []
    for i, match in enumerate(globmod.iglob(text, recursive=True, include_hidden=True)):
        if i >= GLOB_LIMIT:
            problems.append(f"{entry.label()}: more than {GLOB_LIMIT} matches; the rest are "
                            "not covered")
            break
        found.append(_real(Path(match)))
    return found


def _edit_allow_path(rule: Any, cwd: Path, home: Path, problems: list[str]) -> Path | None:
    """The concrete path an ``Edit(...)`` allow rule adds to the writable set, or None."""
    if rule.specifier is None:
        problems.append(f"{rule.text}: a bare Edit allow rule does not widen the sandbox")
        return None
    text, _relative = _rule_path(rule.specifier, rule_anchor=Path(rule.anchor), cwd=cwd,
                                 home=home)
    if _has_glob(text):
        problems.append(f"{rule.text}: glob patterns cannot be mounted on Linux; it adds no "
                        "sandbox write access")
        return None
    path = Path(text)
    if not _exists(path):
        return None
    return _real(path)


def _bwrap_path(layers: list[tuple[SettingsSource | None, Path, dict]],
                problems: list[str]) -> tuple[str | None, bool]:
    """Managed ``sandbox.bwrapPath`` (the last managed file that sets it wins; REF §4.1, §4.3),
    else the ``bwrap`` on ``PATH``.  Other scopes cannot set it (the loader drops it; this
    looks only at managed sources again so a ``Settings`` built some other way cannot either).
    """
    chosen: str | None = None
    for source, _anchor, sb in layers:  # highest first: managed files come first, in order
        if source is None or source.scope != "managed":
            continue
        value = sb.get("bwrapPath")
        if isinstance(value, str) and value.strip():
            chosen = value.strip()
    if chosen is not None:
        if not os.path.isabs(chosen):
            problems.append(f"managed sandbox.bwrapPath {chosen!r} is not an absolute path")
        return chosen, True
    return shutil.which("bwrap"), False


# -- protected paths --------------------------------------------------------------------------


def git_dir_candidates(git: Path) -> Iterator[Path]:
    """The :data:`GIT_PROTECTED` names of the git directory ``git``, of each linked worktree's
    git directory (``worktrees/*``) and of each submodule's (``modules/**``, nested modules
    included), existing or not; at most :data:`GIT_SUBDIR_BUDGET` entries looked at below
    each of ``modules`` and ``worktrees``.  Never raises."""
    for name in GIT_PROTECTED:
        yield git / name
    for sub, nested in (("worktrees", False), ("modules", True)):
        budget = GIT_SUBDIR_BUDGET
        queue = [git / sub]
        while queue:
            directory = queue.pop(0)
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError:
                continue
            for e in entries:
                budget -= 1
                if budget < 0:
                    queue = []
                    break
                if not e.is_dir(follow_symlinks=False):
                    continue
                path = Path(e.path)
                if os.path.lexists(path / "HEAD"):
                    for name in GIT_PROTECTED:
                        yield path / name
                    if nested:
                        queue.append(path / "modules")
                elif nested:  # a submodule at a/b has its git directory at modules/a/b
                    queue.append(path)


def _top_candidates(root: Path) -> Iterator[Path]:
    for name in PROTECTED_TOP_FILES + PROTECTED_TOP_DIRS:
        yield root / name
    git = root / ".git"
    if git.is_dir() and not git.is_symlink():
        yield from git_dir_candidates(git)
    elif git.is_file() and not git.is_symlink():
        yield git  # a "gitdir: PATH" file names the git directory git uses
    if is_git_dir(root):
        yield from git_dir_candidates(root)  # the root is itself a (bare) git directory


def bounded_scan(root: Path, stop: Callable[[os.DirEntry[str], int], bool],
                 skip: frozenset[str] = _SKIP_DESCEND) -> Iterator[os.DirEntry[str]]:
    """Breadth-first below ``root``: the entries for which ``stop(entry, depth)`` is true
    (not descended into), within :data:`SCAN_BUDGET` entries and :data:`NESTED_DEPTH` levels.

    ``depth`` is 0 for ``root``'s own entries.  Symlinks are not followed; directories named in
    ``skip`` are not entered; unreadable directories are passed over.  Never raises.
    """
    budget = SCAN_BUDGET
    queue: deque[tuple[Path, int]] = deque([(root, 0)])
    while queue:
        directory, depth = queue.popleft()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for e in entries:
            budget -= 1
            if budget < 0:
                return
            if stop(e, depth):
                yield e
                continue
            try:
                is_dir = e.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir and depth + 1 < NESTED_DEPTH and e.name not in skip:
                queue.append((Path(e.path), depth + 1))


def _nested_candidates(root: Path) -> Iterator[Path]:
    """Protected names below ``root`` (depth 2..:data:`NESTED_DEPTH`), bounded."""
    for e in bounded_scan(root, lambda e, depth: e.name in NESTED_NAMES and depth > 0):
        path = Path(e.path)
        if e.name == ".git":
            if e.is_dir(follow_symlinks=False):
                yield from git_dir_candidates(path)
            elif e.is_file(follow_symlinks=False):
                yield path  # a submodule's "gitdir:" file
        else:
            yield path


def protected_write_paths(write_paths: Sequence[Path], *, working_dirs: Sequence[Path],
                          home: Path, user_dir: Path | None = None
                          ) -> tuple[list[Path], list[Path]]:
    """The sandbox-level protected paths inside the writable trees (REF §6.2).

    Looked for at the top of each writable path, in each working directory's parents that are
    writable (``.claude``, ``.mcp.json``), up to :data:`NESTED_DEPTH` levels below
    (:data:`NESTED_NAMES`), and, when the home directory is writable, in it (shell start-up
    files, ``.gitconfig``, ``.config/git``, ``.claude``, ``.claude.json``) and the user
    settings directory.

    Args:
        write_paths: the writable trees (absolute, ``realpath``'d).
        working_dirs: the working directories (where a missing ``.claude`` or ``.git/hooks``
            is reported as missing).
        home: the home directory.
        user_dir: the user settings directory (``~/.claude`` or ``$WARDEN_CONFIG_DIR``).

    Returns:
        ``(existing, missing_dirs)``: existing protected paths (``realpath``'d, inside a
        writable tree, sorted), and the protected directories that do not exist yet in the
        working directories (``<wd>/.claude``, ``<wd>/.git/hooks`` when ``.git`` is a
        directory) so the runner can create them empty and mount them read-only.
    """
    roots = [Path(p) for p in write_paths]

    def writable(p: Path) -> bool:
        return lexically_inside(p, *roots)

    candidates: list[Path] = []
    for root in roots:
        candidates += _top_candidates(root)
        candidates += _nested_candidates(root)
    for wd in working_dirs:
        for parent in wd.parents:
            if writable(parent):
                candidates += [parent / ".claude", parent / ".mcp.json"]
    home_real = _real(home)
    if writable(home_real):
        candidates += _top_candidates(home_real)
        candidates += [home_real / ".config" / "git", home_real / ".ssh" / "authorized_keys"]
    if user_dir is not None and writable(user_dir):
        candidates.append(user_dir)
    existing: list[Path] = []
    for cand in _dedupe(candidates):
        if not _exists(cand):
            continue
        real = _real(cand)
        if writable(real) and _exists(real):
            existing.append(real)
    missing: list[Path] = []
    for wd in working_dirs:
        if not writable(wd):
            continue
        for cand in (wd / ".claude", wd / ".git" / "hooks"):
            if cand.name == "hooks" and not (cand.parent.is_dir()
                                             and not cand.parent.is_symlink()):
                continue
            if not _exists(cand):
                missing.append(cand)
    return sorted(_dedupe(existing)), missing


def snapshot(paths: Iterable[Path]) -> dict[Path, tuple[int, int, int] | None]:
    """``(st_dev, st_ino, file type)`` per path (``lstat``), None for a missing path.

    The runner compares a snapshot taken before and after a command to report protected paths
    that a command created, replaced or removed (:func:`snapshot_changes`).
    """
    out: dict[Path, tuple[int, int, int] | None] = {}
    for p in paths:
        try:
            st = os.lstat(p)
        except OSError:
            out[p] = None
            continue
        out[p] = (st.st_dev, st.st_ino, stat.S_IFMT(st.st_mode))
    return out


def snapshot_changes(before: dict[Path, tuple[int, int, int] | None]) -> list[str]:
    """Sentences for the protected paths that changed since ``before`` (see :func:`snapshot`)."""
    after = snapshot(before)
    out: list[str] = []
    for path, was in before.items():
        now = after[path]
        if was == now:
            continue
        if was is None:
            out.append(f"protected path created: {path} (it did not exist, so it could not be "
                       "mounted read-only; review it)")
        elif now is None:
            out.append(f"protected path removed: {path}")
        else:
            out.append(f"protected path replaced: {path} (review it)")
    return out


def audit_candidates(policy: SandboxPolicy) -> list[Path]:
    """The protected paths whose creation or replacement the runner reports: the top-level
    protected names in each working directory (existing or not; ``.git/hooks`` and
    ``.git/config`` only when ``.git`` exists, so ``git init`` is not reported) and the
    existing protected paths of the policy."""
    out: list[Path] = []
    for wd in policy.working_dirs:
        out += list(_top_candidates(wd))
    out += list(policy.deny_write)
    return _dedupe(out)


def is_git_dir(path: Path) -> bool:
    """True when ``path`` looks like a git directory to git: ``HEAD``, ``objects/``, ``refs/``.

    A command that turns a working directory into one plants a bare repository whose
    ``config`` git would obey (REF §6.2 "bare-repo plant files"); the runner reports it."""
    return ((path / "HEAD").is_file() and (path / "objects").is_dir()
            and (path / "refs").is_dir())
