"""The ``warden`` command line.

``warden`` runs the TUI in the current directory against the real API; ``warden --demo`` runs it
on a copy of the bundled sample project against a recorded model; ``warden -p PROMPT`` runs one
turn without the TUI and prints the result (:mod:`tui.headless`); ``warden login`` stores the
API key in the OS keychain.  Heavy imports (Textual, the SDK) happen only when needed, so
``--help`` and ``login`` are quick.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.cli_config import make_config  # also imported from here by callers and tests
from tui.modes import MODES


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (subcommand ``login``; everything else runs the TUI)."""
    parser = argparse.ArgumentParser(
        prog="warden",
        description="A terminal coding agent whose security you can see.",
    )
    parser.add_argument("--demo", action="store_true",
                        help="run on a copy of a sample project with a recorded model (no key)")
    parser.add_argument("--demo-dir", type=Path, metavar="DIR",
                        help="where --demo copies the sample project (replaced if present)")
    parser.add_argument("--demo-tps", type=float, default=None, metavar="N",
                        help="tokens per second of the recorded model (0: as fast as possible)")
    parser.add_argument("--record", type=Path, metavar="FILE",
                        help="record this session's model exchanges into a cassette FILE")
    parser.add_argument("--model", help="model name (default: ANTHROPIC_MODEL, settings "
                        "'model', else the newest Sonnet the SDK knows)")
    parser.add_argument("--add-dir", type=Path, action="extend", nargs="+", default=[],
                        metavar="DIR", help="additional working directories (--add-dir a b, "
                        "or repeated)")
    parser.add_argument("--permission-mode", metavar="MODE",
                        help=f"start mode: {', '.join(MODES)}")
    parser.add_argument("--dangerously-skip-permissions", action="store_true",
                        help="same as --permission-mode bypassPermissions")
    parser.add_argument("--settings", metavar="FILE_OR_JSON",
                        help="an extra settings layer for this session (command-line scope)")
    parser.add_argument("--allowedTools", "--allowed-tools", nargs="+", action="extend",
                        default=[], metavar="RULE", help="allow rules for this session "
                        "(separate ones with spaces or commas: \"Bash(git:*),Read\")")
    parser.add_argument("--disallowedTools", "--disallowed-tools", nargs="+", action="extend",
                        default=[], metavar="RULE", help="deny rules for this session "
                        "(spaces or commas)")
    parser.add_argument("--theme", metavar="NAME",
                        help="colour theme: warden-dark, warden-light, warden-high-contrast, "
                        "warden-ansi or a Textual theme (default: the last one picked, saved in "
                        "Warden's preferences.json, else warden-dark with truecolor, warden-ansi "
                        "without)")
    parser.add_argument("--mcp-config", type=Path, action="append", default=[],
                        metavar="FILE", help="also load MCP servers from FILE "
                        "({\"mcpServers\": {...}}; repeatable; check it with warden mcp check)")
    parser.add_argument("--cwd", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("-p", "--print", action="store_true",
                        help="run PROMPT (or the prompt on stdin) without the TUI, print the "
                        "result and exit; calls that would ask are denied")
    parser.add_argument("--output-format", choices=["text", "json", "stream-json"],
                        help="with -p: text (the final answer; default), json (one result "
                        "object) or stream-json (one JSON object per event, per line)")
    parser.add_argument("--max-turns", type=int, metavar="N",
                        help="with -p: stop after N model requests (exit status 1)")
    parser.add_argument("--trust-project", action="store_true",
                        help="trust this folder for this run: apply the project settings' allow "
                        "rules and additionalDirectories without asking")
    parser.add_argument("command", nargs="?", metavar="PROMPT | COMMAND",
                        help="a prompt to start with (with -p: to run and print); or a command: "
                        "login: store your API key in the OS keychain; "
                        "check: how a tool call is decided (warden check --help); "
                        "explain: what a shell command does (warden explain --help); "
                        "doctor: can the sandbox run here; "
                        "sandbox run -- CMD: run a command in the sandbox; "
                        "trust [DIR] [--revoke|--deny|--list]: workspace trust; "
                        "mcp list | mcp check FILE: MCP servers; "
                        "detect-injection [--json] FILE|-: look for prompt injection")
    return parser


def _login() -> int:
    import getpass

    from tui.credentials import store_api_key

    key = getpass.getpass("Anthropic API key (input hidden): ")
    try:
        store_api_key(key)
    except ValueError as exc:
        print(f"warden: {exc}; nothing was stored.", file=sys.stderr)
        return 2
    except Exception as exc:  # keyring backends raise their own error types
        print(f"warden: the OS keychain refused the key ({exc}). Set ANTHROPIC_API_KEY "
              "instead.", file=sys.stderr)
        return 1
    print("Stored in the OS keychain. Run `warden` in your project.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``warden`` console script; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "check":
        from tui.check import check_main

        return check_main(argv[1:])
    if argv and argv[0] == "explain":
        from tui.check import explain_main

        return explain_main(argv[1:])
    if argv and argv[0] == "doctor":
        from tui.cli_sandbox import doctor_main

        return doctor_main(argv[1:])
    if argv and argv[0] == "trust":
        from tui.trust_report import trust_main

        return trust_main(argv[1:])
    if argv and argv[0] == "detect-injection":
        from tui.injection.cli import detect_injection_main

        return detect_injection_main(argv[1:])
    if argv and argv[0] == "mcp":
        from tui.mcp.cli import mcp_main

        return mcp_main(argv[1:])
    if argv[:2] == ["sandbox", "run"]:
        from tui.cli_sandbox import sandbox_run_main

        return sandbox_run_main(argv[2:])
    args = build_parser().parse_args(argv)
    if args.command == "login" and not args.print:
        return _login()
    for d in args.add_dir:
        if not d.is_dir():
            print(f"warden: --add-dir {d}: not a directory", file=sys.stderr)
            return 2
    if args.print:
        from tui.headless import headless_main

        return headless_main(args)
    if args.output_format is not None or args.max_turns is not None:
        print("warden: --output-format and --max-turns need -p", file=sys.stderr)
        return 2
    try:
        config, server = make_config(args)
    except ValueError as exc:  # an unknown --permission-mode
        print(f"warden: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"warden: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        from tui.demo.launch import DemoSetupError

        if isinstance(exc, DemoSetupError):
            print(f"warden: {exc}", file=sys.stderr)
            return 2
        raise
    if args.command not in (None, "login", "check", "explain", "doctor", "sandbox", "trust",
                            "mcp"):
        config.initial_prompt = args.command  # `warden "PROMPT"`: the TUI starts with it
    if args.trust_project:
        config.trusted_project, config.ask_trust = True, False

    from tui.app import WardenApp

    app = WardenApp(config, theme=args.theme)
    try:
        app.run()
    finally:
        if server is not None:
            server.stop()
    if config.record_to is not None:
        from tui.demo.cassette import CassetteError

        try:
            saved = app.main_screen.save_recording()
        except CassetteError as exc:
            print(f"warden: nothing was recorded into {config.record_to}: {exc}", file=sys.stderr)
        else:
            if saved is not None:
                print(f"Recorded the session into {saved}")
    if config.is_demo:
        print(f"The demo project (with any changes you approved) is in {config.cwd}")
    return app.return_code or 0
