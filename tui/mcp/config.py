"""MCP server definitions: where they come from, what they say, and what is wrong with them.

Claude Code's scopes (https://code.claude.com/docs/en/mcp, "MCP installation scopes"; REF §7.3):

* **local**: ``projects["<project folder>"].mcpServers`` in the user's ``.claude.json``, private
  to the user in this project;
* **project**: ``.mcp.json`` in the project folder, shared through the repository (so it needs
  approval before Warden first connects, and workspace trust: :mod:`tui.mcp.approvals`);
* **user**: the top-level ``mcpServers`` of the user's ``.claude.json``;
* and Warden's **command line** scope: ``--mcp-config FILE`` (repeatable).

The user's ``.claude.json`` is ``$WARDEN_CONFIG_DIR/.claude.json`` (else
``$CLAUDE_CONFIG_DIR/.claude.json``, as Claude Code reads it), else ``~/.claude.json``.  When
two scopes define the same name, the first of command line, local, project, user wins (Claude
Code: local over project over user), and the others are reported as shadowed.

A server is ``stdio`` (``command``, ``args``, ``env``; Warden adds ``"sandbox": true`` to run
it inside the bubblewrap sandbox) or streamable HTTP (``"type": "http"``, ``url``,
``headers``).  ``${VAR}`` and ``${VAR:-default}`` are expanded in ``command``, ``args``, ``env``
values, ``url`` and ``headers`` values from Warden's environment; Warden's own credentials
(:data:`tui.session_policy.SECRET_ENV_VARS`) never expand.  SSE is not supported.

Every problem names the file, the line of the offending key and what to do
(:class:`McpProblem`); nothing here raises on bad input.  ``warden mcp check FILE`` prints the
servers of a file, or its problems (:func:`check_main`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tui.settings.jsontext import JsonPath, PositionMap, explain_decode_error

__all__ = [
    "McpConfig", "McpProblem", "SCOPES", "Scope", "ServerSpec", "TransportKind", "check_main",
    "expand", "load_servers", "parse_file", "parse_text", "user_config_path",
]

Scope = Literal["command line", "local", "project", "user"]
SCOPES: tuple[Scope, ...] = ("command line", "local", "project", "user")
"""The scopes in precedence order: a name defined in an earlier one wins."""

TransportKind = Literal["stdio", "http"]

MAX_CONFIG_BYTES = 16 * 1024 * 1024
"""A definitions file larger than this is refused (``.claude.json`` grows, but not that much)."""

SERVER_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
"""What a server name may be: Warden names its tools ``mcp__<server>__<tool>``, which the
Messages API limits to these characters, and a ``__`` inside the name would make rules such as
``mcp__a__b`` ambiguous."""

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_STDIO_KEYS = frozenset({"type", "command", "args", "env", "sandbox", "cwd"})
_HTTP_KEYS = frozenset({"type", "url", "headers", "sandbox"})
_IGNORED_KEYS = frozenset({"description", "$schema"})


@dataclass(frozen=True)
class McpProblem:
    """Something wrong in a definitions file, for the user to fix.

    Attributes:
        message: what is wrong and what to do.
        path: the file (None for problems that belong to no file).
        line: 1-based line of the offending key (or of the syntax error), when known.
        column: 1-based column, when known.
        server: the server's name, when the problem is about one server.
        severity: ``"error"`` (the server, or the whole file, is not used) or ``"warning"``.
    """

    message: str
    path: Path | None = None
    line: int | None = None
    column: int | None = None
    server: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else ""
        if where and self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        who = f'server "{self.server}"' if self.server is not None else ""
        return ": ".join(p for p in (where, who, self.message) if p)


@dataclass(frozen=True)
class ServerSpec:
    """One MCP server definition, validated and with ``${VAR}`` expanded.

    Attributes:
        name: the server's name (``mcp__<name>__<tool>``).
        scope: where it was defined (:data:`SCOPES`).
        path: the file that defines it.
        line: 1-based line of its name in that file.
        transport: ``"stdio"`` or ``"http"`` (streamable HTTP).
        command: the program (stdio), expanded.
        args: its arguments (stdio), expanded.
        env: variables added to the server's environment (stdio), values expanded.  Values may
            be secrets: show :attr:`env_keys` only.
        url: the endpoint (http), expanded.
        headers: HTTP headers (http), values expanded; may be secrets (show the names only).
        sandbox: ``"sandbox": true`` (run inside bubblewrap), False, or None (not set: the
            ``mcpSandbox`` setting decides).
        written: the definition as written in the file (before expansion): what is shown to
            people, and what an approval is bound to (:attr:`fingerprint`).
        unset: names of ``${VAR}`` references that had no value and no default (the server
            does not start until they are set).
    """

    name: str
    scope: Scope
    path: Path
    line: int | None
    transport: TransportKind
    command: str | None = None
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    url: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    sandbox: bool | None = None
    written: Mapping[str, Any] = field(default_factory=dict)
    unset: tuple[str, ...] = ()

    @property
    def env_keys(self) -> tuple[str, ...]:
        """The names of :attr:`env` (never the values)."""
        return tuple(self.env)

    @property
    def header_keys(self) -> tuple[str, ...]:
        """The names of :attr:`headers` (never the values)."""
        return tuple(self.headers)

    @property
    def target(self) -> str:
        """What starts or is reached, as written (``${VAR}`` unexpanded, so no secret from the
        environment is shown): the command line, shell-quoted, or the URL."""
        if self.transport == "http":
            return str(self.written.get("url", self.url or ""))
        args = self.written.get("args")
        args = [str(a) for a in args] if isinstance(args, list) else []
        return shlex.join([str(self.written.get("command", self.command or "")), *args])

    @property
    def fingerprint(self) -> str:
        """sha256 (hex) of the written definition, canonical JSON: an approval is bound to it,
        so a changed command, URL or env makes the server ask again."""
        text = json.dumps(self.written, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def describe(self) -> str:
        """One line for people: ``stdio  npx -y pkg  (env: A, B)``; never a value."""
        extra = ""
        if self.env_keys:
            extra += f"  (env: {', '.join(self.env_keys)})"
        if self.header_keys:
            extra += f"  (headers: {', '.join(self.header_keys)})"
        if self.sandbox:
            extra += "  (sandboxed)"
        return f"{self.transport}  {self.target}{extra}"


@dataclass
class McpConfig:
    """Every MCP server definition a session sees.

    Attributes:
        servers: the servers in use, by name, in precedence then file order.
        shadowed: definitions hidden by a same-named one of a higher scope.
        problems: every problem found (errors and warnings), file by file.
        files: the files read (existing ones only).
    """

    servers: dict[str, ServerSpec] = field(default_factory=dict)
    shadowed: list[ServerSpec] = field(default_factory=list)
    problems: list[McpProblem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def user_config_path(env: Mapping[str, str] | None = None) -> Path:
    """The user's ``.claude.json``: in ``$WARDEN_CONFIG_DIR`` or ``$CLAUDE_CONFIG_DIR`` when
    set (Claude Code keeps it there then), else in the home directory."""
    from tui.settings.paths import home_dir

    env = os.environ if env is None else env
    configured = env.get("WARDEN_CONFIG_DIR") or env.get("CLAUDE_CONFIG_DIR")
    return Path(configured) / ".claude.json" if configured else home_dir(env) / ".claude.json"


def expand(text: str, env: Mapping[str, str]) -> tuple[str, list[str], list[str]]:
    """Expand ``${VAR}`` and ``${VAR:-default}`` in ``text`` from ``env``.

    Returns:
        ``(expanded, unset, refused)``: ``unset`` names variables with no value and no default
        (they expand to the empty string); ``refused`` names Warden's own credentials, which
        never expand (as if unset; their default, if any, is used).
    """
    from tui.session_policy import SECRET_ENV_VARS

    unset: list[str] = []
    refused: list[str] = []

    def one(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = None if name in SECRET_ENV_VARS else env.get(name)
        if name in SECRET_ENV_VARS:
            refused.append(name)
        if value:
            return value
        if default is not None:
            return default
        if value is None:
            unset.append(name)
        return ""

    return _VAR.sub(one, text), unset, refused


class _Reader:
    """Validates one file's server map, collecting problems with their lines."""

    def __init__(self, path: Path, scope: Scope, positions: PositionMap | None,
                 env: Mapping[str, str]) -> None:
        self.path, self.scope, self.positions, self.env = path, scope, positions, env
        self.problems: list[McpProblem] = []

    def at(self, where: JsonPath) -> tuple[int | None, int | None]:
        if self.positions is None:
            return None, None
        return self.positions.locate(where)

    def problem(self, where: JsonPath, message: str, server: str | None = None,
                severity: Literal["error", "warning"] = "error") -> None:
        line, col = self.at(where)
        self.problems.append(McpProblem(message, self.path, line, col, server, severity))

    def expand(self, where: JsonPath, text: str, server: str, unset: list[str]) -> str:
        value, missing, refused = expand(text, self.env)
        for name in refused:
            self.problem(where, f"${{{name}}} is one of Warden's own API credentials, which it "
                         "never passes to MCP servers; it expands to its default or nothing. "
                         "Give the server its own credential", server, "warning")
        unset.extend(n for n in missing if n not in unset)
        return value

    def servers(self, obj: Any, base: JsonPath) -> list[ServerSpec]:
        """The valid servers of ``obj`` (the value of an ``mcpServers`` key at ``base``)."""
        if not isinstance(obj, dict):
            self.problem(base, '"mcpServers" must be an object of server name: definition; '
                         "fix the file")
            return []
        out = []
        for name, spec in obj.items():
            parsed = self.server(str(name), spec, (*base, name))
            if parsed is not None:
                out.append(parsed)
        return out

    def server(self, name: str, spec: Any, where: JsonPath) -> ServerSpec | None:
        if not SERVER_NAME.match(name) or "__" in name:
            self.problem(where, "a server name may use only letters, digits, '-' and '_' (no "
                         "'__'; at most 64 characters), since Warden names its tools "
                         "mcp__<server>__<tool>; rename it", name)
            return None
        if not isinstance(spec, dict):
            self.problem(where, 'the definition must be an object such as {"command": '
                         '"npx", "args": [...]} or {"type": "http", "url": "https://..."}',
                         name)
            return None
        kind = spec.get("type")
        if kind is None:
            if "command" in spec:
                kind = "stdio"
            elif "url" in spec:
                self.problem((*where, "url"), 'no "type": read as "http" (streamable HTTP); '
                             'add "type": "http" to say so', name, "warning")
                kind = "http"
            else:
                self.problem(where, 'needs "command" (a stdio server) or "type": "http" and '
                             '"url" (a streamable HTTP server)', name)
                return None
        if kind == "streamable-http":
            kind = "http"
        if kind == "sse":
            self.problem((*where, "type"), 'the SSE transport is not supported (MCP deprecated '
                         'it); if the server also serves streamable HTTP, write "type": "http" '
                         "and its streamable HTTP URL (often ending in /mcp)", name)
            return None
        if kind not in ("stdio", "http"):
            self.problem((*where, "type"), f'unknown "type" {json.dumps(kind)}: use "stdio" or '
                         '"http"', name)
            return None
        sandbox = spec.get("sandbox")
        if sandbox is not None and not isinstance(sandbox, bool):
            self.problem((*where, "sandbox"), '"sandbox" must be true or false', name)
            return None
        known = _STDIO_KEYS if kind == "stdio" else _HTTP_KEYS
        for key in spec:
            if key not in known and key not in _IGNORED_KEYS:
                self.problem((*where, key), f'Warden ignores "{key}" in a {kind} server '
                             "definition", name, "warning")
        line = self.at(where)[0]
        if kind == "stdio":
            return self.stdio(name, spec, where, line, sandbox)
        return self.http(name, spec, where, line, sandbox)

    def strings(self, value: Any, where: JsonPath, what: str, server: str) -> bool:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            bad = next((k for k, v in value.items() if not isinstance(v, str)), None) \
                if isinstance(value, dict) else None
            at = (*where, bad) if bad is not None else where
            self.problem(at, f'"{what}" must be an object of NAME: "string value"'
                         + (f' ({bad} is not a string: quote it)' if bad is not None else ""),
                         server)
            return False
        return True

    def stdio(self, name: str, spec: dict[str, Any], where: JsonPath, line: int | None,
              sandbox: bool | None) -> ServerSpec | None:
        command = spec.get("command")
        if not isinstance(command, str) or not command.strip():
            self.problem((*where, "command") if "command" in spec else where,
                         '"command" must be the program to run, a non-empty string', name)
            return None
        args = spec.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            self.problem((*where, "args"), '"args" must be a list of strings (quote numbers)',
                         name)
            return None
        env = spec.get("env", {})
        if not self.strings(env, (*where, "env"), "env", name):
            return None
        if "cwd" in spec and not isinstance(spec["cwd"], str):
            self.problem((*where, "cwd"), '"cwd" must be a string', name)
            return None
        from tui.session_policy import SECRET_ENV_VARS

        for key in env:
            if key in SECRET_ENV_VARS:
                self.problem((*where, "env", key), f"Warden never passes its API credential "
                             f"{key} to MCP servers; it is left out", name, "warning")
        env = {k: v for k, v in env.items() if k not in SECRET_ENV_VARS}
        unset: list[str] = []
        return ServerSpec(
            name=name, scope=self.scope, path=self.path, line=line, transport="stdio",
            command=self.expand((*where, "command"), command, name, unset),
            args=tuple(self.expand((*where, "args", i), a, name, unset)
                       for i, a in enumerate(args)),
            env={k: self.expand((*where, "env", k), v, name, unset) for k, v in env.items()},
            sandbox=sandbox, written=_written(spec), unset=tuple(unset))

    def http(self, name: str, spec: dict[str, Any], where: JsonPath, line: int | None,
             sandbox: bool | None) -> ServerSpec | None:
        url = spec.get("url")
        if not isinstance(url, str) or not url.strip():
            self.problem((*where, "url") if "url" in spec else where,
                         '"url" must be the server\'s streamable HTTP endpoint, a string', name)
            return None
        headers = spec.get("headers", {})
        if not self.strings(headers, (*where, "headers"), "headers", name):
            return None
        if sandbox:
            self.problem((*where, "sandbox"), '"sandbox" applies to stdio servers only (an '
                         "HTTP server runs elsewhere); ignored", name, "warning")
        unset: list[str] = []
        expanded = self.expand((*where, "url"), url, name, unset)
        scheme = expanded.split(":", 1)[0].lower() if ":" in expanded else ""
        if scheme not in ("http", "https") and not unset:
            self.problem((*where, "url"), f"the URL must start with https:// (or http://), not "
                         f"{json.dumps(url)}", name)
            return None
        return ServerSpec(
            name=name, scope=self.scope, path=self.path, line=line, transport="http",
            url=expanded,
            headers={k: self.expand((*where, "headers", k), v, name, unset)
                     for k, v in headers.items()},
            sandbox=False, written=_written(spec), unset=tuple(unset))


def _written(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The definition as written, keys Warden reads only (what approvals are bound to)."""
    return {k: v for k, v in spec.items() if k in _STDIO_KEYS | _HTTP_KEYS}


def parse_text(text: str, path: Path, scope: Scope, *, env: Mapping[str, str] | None = None,
               project: Path | None = None) -> tuple[list[ServerSpec], list[McpProblem]]:
    """The servers of one file's text.

    Args:
        text: the file's content.
        path: the file, for problems.
        scope: the scope its servers belong to.  For a ``.claude.json`` read as ``"user"`` the
            top-level ``mcpServers``; as ``"local"`` the ``projects[project].mcpServers``.
            Other scopes read ``{"mcpServers": {...}}``.
        env: the variables ``${VAR}`` expands from (default: ``os.environ``).
        project: the project folder, for the local scope.

    Returns:
        ``(servers, problems)``; a file that is not JSON gives no servers and one problem with
        the line of the syntax error.
    """
    env = os.environ if env is None else env
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message, line, col = explain_decode_error(text, exc)
        message = message.replace("settings files are plain JSON", "MCP configuration files "
                                  "are plain JSON").replace("a settings file must hold",
                                                            "an MCP configuration file must hold")
        return [], [McpProblem(message, path, line, col)]
    except RecursionError:
        return [], [McpProblem("nested too deeply to read; fix the file", path)]
    reader = _Reader(path, scope, PositionMap.scan(text), env)
    if not isinstance(data, dict):
        reader.problem((), 'the file must hold a JSON object: {"mcpServers": {...}}')
        return [], reader.problems
    if scope == "local":
        projects = data.get("projects")
        entry = projects.get(str(project)) if isinstance(projects, dict) else None
        if not isinstance(entry, dict) or "mcpServers" not in entry:
            return [], []
        return reader.servers(entry["mcpServers"], ("projects", str(project), "mcpServers")), \
            reader.problems
    if "mcpServers" not in data:
        if scope == "user":
            return [], []
        if data and all(isinstance(v, dict) and ("command" in v or "url" in v)
                        for v in data.values()):
            reader.problem((), 'no "mcpServers" object: this looks like a plugin\'s server map; '
                           'wrap it as {"mcpServers": {...}}')
        else:
            reader.problem((), 'no "mcpServers" object: the file must hold {"mcpServers": '
                           '{"name": {...}}}')
        return [], reader.problems
    servers = reader.servers(data["mcpServers"], ("mcpServers",))
    return servers, reader.problems


def parse_file(path: Path, scope: Scope, *, env: Mapping[str, str] | None = None,
               project: Path | None = None) -> tuple[list[ServerSpec], list[McpProblem], bool]:
    """:func:`parse_text` on a file.

    Returns:
        ``(servers, problems, exists)``; a missing file is no servers, no problems.
    """
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            return [], [McpProblem(f"larger than {MAX_CONFIG_BYTES // (1024 * 1024)} MiB; not "
                                   "read", path)], True
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], [], False
    except IsADirectoryError:
        return [], [McpProblem("is a directory; give the JSON file", path)], True
    except UnicodeDecodeError:
        return [], [McpProblem("not UTF-8 text; save it as UTF-8 JSON", path)], True
    except OSError as exc:
        return [], [McpProblem(f"cannot be read ({exc.strerror}); check its permissions",
                               path)], True
    servers, problems = parse_text(text, path, scope, env=env, project=project)
    return servers, problems, True


def load_servers(cwd: Path, *, env: Mapping[str, str] | None = None,
                 mcp_configs: Sequence[Path] = ()) -> McpConfig:
    """Every server a session started in ``cwd`` sees (the precedence of :data:`SCOPES`).

    Args:
        cwd: the project folder (``.mcp.json`` and the local scope's key).
        env: the process environment (paths and ``${VAR}``; default ``os.environ``).
        mcp_configs: ``--mcp-config`` files, in command-line order.
    """
    env = os.environ if env is None else env
    cwd = Path(os.path.abspath(cwd))
    user_file = user_config_path(env)
    sources: list[tuple[Path, Scope]] = [(Path(p), "command line") for p in mcp_configs]
    sources += [(user_file, "local"), (cwd / ".mcp.json", "project"), (user_file, "user")]
    out = McpConfig()
    for path, scope in sources:
        servers, problems, exists = parse_file(path, scope, env=env, project=cwd)
        if scope == "command line" and not exists:
            problems = [McpProblem("--mcp-config: no such file; check the path", path)]
        if exists and path not in out.files:
            out.files.append(path)
        out.problems += problems
        for spec in servers:
            if spec.name in out.servers:
                out.shadowed.append(spec)
            else:
                out.servers[spec.name] = spec
    return out


# -- warden mcp check --------------------------------------------------------------------------


def check_lines(path: Path, env: Mapping[str, str] | None = None) -> tuple[list[str], bool]:
    """What ``warden mcp check FILE`` prints for one file, and whether it is free of errors.

    Servers are listed with their transport and command line or URL as written, and the names
    (never the values) of their env variables and headers; each problem is one
    ``file:line:col: server "x": message`` line.
    """
    servers, problems, exists = parse_file(path, "command line", env=env)
    if not exists:
        problems = [McpProblem("no such file; check the path", path)]
    lines = [f"{path}: {len(servers)} server{'s' if len(servers) != 1 else ''}"]
    for spec in servers:
        lines.append(f"  {spec.name}  {spec.describe()}")
        if spec.unset:
            names = ", ".join(f"${{{n}}}" for n in spec.unset)
            lines.append(f"    needs {names} set in the environment before it can start")
    for problem in problems:
        lines.append(f"{'error' if problem.severity == 'error' else 'warning'}: {problem}")
    return lines, not any(p.severity == "error" for p in problems)


def check_main(argv: list[str]) -> int:
    """``warden mcp check FILE...``: exit 0 when every file is free of errors, 1 otherwise,
    2 on a usage error."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="warden mcp check",
        description="Validate MCP server definitions (.mcp.json or an --mcp-config file): list "
                    "each server, or say what is wrong and on which line.")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    ok = True
    for path in args.files:
        lines, good = check_lines(path)
        ok = ok and good
        print("\n".join(lines))
    return 0 if ok else 1
