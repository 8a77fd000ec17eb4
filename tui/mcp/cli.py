"""``warden mcp check FILE...`` and ``warden mcp list`` (UI-free; no server is started).

``list`` prints every server this folder's session would see: its scope, its state
(``approved``, ``pending``, ``rejected``, ``disabled``, ``waiting-for-trust``) and why, its
command line or URL as written, its env names, and its pinned tools (``pinned`` or
``rejected``; new and changed tools show up once a session has connected).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from tui.mcp.manager import McpManager, ServerStatus

__all__ = ["build_manager", "mcp_main", "status_lines"]


def build_manager(cwd: Path, *, env: Mapping[str, str] | None = None,
                  mcp_configs: Sequence[Path] = (), trusted: bool | None = None,
                  settings: object = None) -> McpManager:
    """A manager for ``cwd`` with nothing connected: the definitions, the settings (loaded
    here unless ``settings`` is given), workspace trust (the stored decision unless
    ``trusted`` is given) and the store."""
    from tui.mcp.approvals import McpPolicy, default_store
    from tui.mcp.config import load_servers
    from tui.trust import stored_decision, trust_key

    env = os.environ if env is None else env
    cwd = Path(os.path.abspath(cwd))
    if trusted is None:
        trusted = stored_decision(cwd, env) is True
    if settings is None:
        from tui.settings import load_settings

        settings = load_settings(cwd, env=env, trusted_project=trusted)
    policy = McpPolicy.from_settings(settings)  # type: ignore[arg-type]
    return McpManager(load_servers(cwd, env=env, mcp_configs=mcp_configs), policy, cwd=cwd,
                      project_root=trust_key(cwd, env).root, trusted=trusted,
                      store=default_store(env), process_env=env)


def status_lines(statuses: Sequence[ServerStatus]) -> list[str]:
    """The servers as plain text lines (``warden mcp list`` and ``/mcp``)."""
    if not statuses:
        return ["No MCP servers (none in .mcp.json, ~/.claude.json or --mcp-config)."]
    lines: list[str] = []
    for s in statuses:
        connection = f", {s.connection}" if s.connection != "not started" else ""
        lines.append(f"{s.spec.name}  [{s.spec.scope}]  {s.state}{connection}: {s.why}")
        lines.append(f"  {s.spec.describe()}" + ("  (sandboxed)" if s.sandboxed
                                                     and not s.spec.sandbox else ""))
        lines.append(f"  defined in {s.spec.path}" + (f":{s.spec.line}" if s.spec.line else ""))
        if s.error:
            lines.append(f"  error: {s.error}")
        for info, status in s.tools:
            mark = " (offered)" if any(o.endswith(f"__{info.name}") for o in s.offered) else ""
            lines.append(f"  tool {info.name}: {status}{mark}")
            lines += [f"    detector: {f}" for f in info.findings]
    return lines


def mcp_main(argv: list[str]) -> int:
    """``warden mcp check FILE...`` / ``warden mcp list [--mcp-config FILE]``; returns the exit
    status (0 fine, 1 problems, 2 usage)."""
    import argparse

    if argv and argv[0] == "check":
        from tui.mcp.config import check_main

        return check_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="warden mcp", description="MCP servers: `warden mcp list` shows every server "
        "this folder's session would see, its state and pinned tools; `warden mcp check FILE` "
        "validates a definitions file.")
    parser.add_argument("action", choices=["list", "check"])
    parser.add_argument("--mcp-config", type=Path, action="append", default=[], metavar="FILE",
                        help="also read these definitions (as a session started with them)")
    args = parser.parse_args(argv)
    manager = build_manager(Path.cwd(), mcp_configs=args.mcp_config)
    for problem in manager.config.problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    print("\n".join(status_lines(manager.views())))
    if manager.store_error:
        print(f"error: {manager.store_error}", file=sys.stderr)
        return 1
    return 0
