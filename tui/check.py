"""``warden check`` and ``warden explain``: the permission engine and the command analysis from
the command line, for people who write policy and for CI.

``warden check --tool Bash --input '{"command": "git push"}' [--permission-mode M]
[--allowedTools R...] [--disallowedTools R...] [--add-dir D...] [--settings FILE|JSON]
[--trust-project | --no-trust-project] [--cwd DIR] [--json]`` prints the decision and its
trace.  The policy is built exactly as a session's (:mod:`tui.session_policy`): without
``--settings`` from the settings files that apply in ``--cwd`` (every scope), with the folder's
stored workspace-trust decision; with ``--settings``, that file or JSON object is the only
source, so a result does not depend on the machine it runs on.

``warden check --jsonl FILE|-`` reads one case per line (``{"id"?, "tool", "input", "settings"?,
"mode"?, "files"?}``), evaluates each in a fresh temporary project directory holding ``files``
with the case's ``settings`` as the only settings source, and prints one JSON object per line:
``{"id"?, "decision", "reason", "rule", "source"}``, or ``{"id"?, "error": "..."}`` for a line it
cannot use.

``warden explain "COMMAND" [--json] [--cwd DIR]`` prints what a shell command does, derived from
its parse, with a risk level.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO

from tui.permissions.decision import Decision


class CaseError(ValueError):
    """A check case that cannot be evaluated; the message says what is wrong with it."""


def evaluate(tool: str, tool_input: Mapping[str, Any], *, cwd: Path,
             settings: str | Mapping[str, Any] | None = None, mode: str | None = None,
             discover: bool = True, allowed_tools: tuple[str, ...] = (),
             disallowed_tools: tuple[str, ...] = (), add_dirs: tuple[Path, ...] = (),
             trusted_project: bool | None = None) -> Decision:
    """Decide one call as a Warden session started in ``cwd`` would.

    The policy comes from :func:`tui.session_policy.build_session_policy`, the builder the
    session uses, so the command-line flags, workspace trust and the start-mode checks
    (``disableBypassPermissionsMode``, root) mean what they mean there.

    Args:
        tool: tool name, e.g. ``"Bash"``.
        tool_input: the tool's input object.
        cwd: the working directory.
        settings: a settings object, JSON text or a file path used as the command-line scope.
        mode: ``--permission-mode`` (default: settings ``defaultMode``, else ``default``).
        discover: also load the settings files that apply in ``cwd`` (all scopes).
        allowed_tools / disallowed_tools: ``--allowedTools`` / ``--disallowedTools`` rules.
        add_dirs: ``--add-dir`` directories.
        trusted_project: workspace trust; None uses the folder's stored decision, as the
            session does (undecided counts as untrusted).

    A start mode that policy refuses (``disableBypassPermissionsMode``) falls back to
    ``default`` as in the session, and the reason is in the decision's trace; the root check
    is left out, since it is about the machine a session runs on, not the policy.

    Raises:
        CaseError: an unknown mode, or settings that are not an object.
    """
    from tui.modes import ModeError, normalise_mode
    from tui.permissions.engine import PermissionContext
    from tui.permissions.probe import decide_input
    from tui.session_policy import PolicyRequest, build_session_policy
    from tui.settings.model import CliSettings

    if isinstance(settings, Mapping):
        settings = json.dumps(settings)
    if mode is not None:
        try:
            mode = normalise_mode(mode)
        except ModeError as exc:
            raise CaseError(str(exc)) from None
    if trusted_project is None:
        from tui.trust import stored_decision

        trusted_project = bool(stored_decision(cwd)) if discover else False
    cli = CliSettings(settings=settings, allowed_tools=tuple(allowed_tools),
                      disallowed_tools=tuple(disallowed_tools))
    built = build_session_policy(PolicyRequest(
        cwd=cwd, cli=cli, add_dirs=tuple(add_dirs), permission_mode=mode,
        trusted_project=trusted_project, only=None if discover else (), check_root=False))
    ctx = PermissionContext(working_dirs=built.working_dirs, mode=built.mode,
                            policy=built.policy)
    problems = [text for text, _ in built.notices]
    import tui.tools  # noqa: F401  (Warden's tools declare their classes: tui.toolclasses)

    return decide_input(tool, tool_input, ctx, problems=problems)


def _write_files(root: Path, files: Mapping[str, Any]) -> None:
    """Create a case's files below ``root``, in order; refuses paths that leave it.

    Each value is the text of a file, ``{"symlink": "target"}`` (the target as written, so it
    may point anywhere, like a link shipped in a cloned repository), or ``{"hardlink":
    "path"}`` (another file of the case, listed earlier).

    Raises:
        CaseError: a path leaves the project, or a value is none of these.
    """
    for rel, content in files.items():
        target = Path(os.path.normpath(root / rel))
        if not str(target).startswith(str(root) + os.sep):
            raise CaseError(f"files: {rel!r} leaves the project directory")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        elif isinstance(content, Mapping) and isinstance(content.get("symlink"), str):
            os.symlink(content["symlink"], target)
        elif isinstance(content, Mapping) and isinstance(content.get("hardlink"), str):
            original = Path(os.path.normpath(root / content["hardlink"]))
            if not str(original).startswith(str(root) + os.sep) or not original.is_file():
                raise CaseError(f"files: {rel!r}: a hard link needs an existing file of the "
                                "case, listed before it")
            os.link(original, target)
        else:
            raise CaseError(f"files: {rel!r} must be a string, {{\"symlink\": target}} or "
                            "{\"hardlink\": existing file of the case}")


def run_case(case: Any) -> dict[str, Any]:
    """Evaluate one ``--jsonl`` case (already parsed) in a fresh temporary project directory."""
    if not isinstance(case, dict):
        raise CaseError("each line must be a JSON object")
    tool, tool_input = case.get("tool"), case.get("input")
    if not isinstance(tool, str) or not tool:
        raise CaseError('"tool" must be a non-empty string')
    if not isinstance(tool_input, dict):
        raise CaseError('"input" must be a JSON object')
    settings = case.get("settings", {})
    if not isinstance(settings, dict):
        raise CaseError('"settings" must be a settings object, as in settings.json')
    mode = case.get("mode")
    if mode is not None and not isinstance(mode, str):
        raise CaseError('"mode" must be a string')
    files = case.get("files") or {}
    if not isinstance(files, dict):
        raise CaseError('"files" must be an object of relative path -> content')
    with tempfile.TemporaryDirectory(prefix="warden-check-") as tmp:
        root = Path(os.path.realpath(tmp)) / "project"
        root.mkdir()
        _write_files(root, files)
        decision = evaluate(tool, tool_input, cwd=root, settings=settings, mode=mode,
                            discover=False)
    return decision.to_json()


def run_jsonl(lines: Iterable[str], out: TextIO) -> int:
    """Evaluate every line; returns the number of lines that gave an error object."""
    errors = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        case: Any = None
        result: dict[str, Any]
        try:
            case = json.loads(line)
            result = run_case(case)
        except json.JSONDecodeError as exc:
            result = {"error": f"line {number}: not JSON ({exc.msg} at column {exc.colno})"}
        except CaseError as exc:
            result = {"error": f"line {number}: {exc}"}
        if "error" in result:
            errors += 1
        if isinstance(case, dict) and isinstance(case.get("id"), str):
            result = {"id": case["id"], **result}
        out.write(json.dumps(result) + "\n")
        out.flush()
    return errors


def check_main(argv: list[str]) -> int:
    """``warden check``; returns the exit status (0, or 2 for a usage error)."""
    parser = argparse.ArgumentParser(prog="warden check",
                                     description="Show how Warden decides a tool call.")
    parser.add_argument("--tool", help="tool name, e.g. Bash, Read, Edit, WebFetch")
    parser.add_argument("--input", help="the tool input as a JSON object")
    parser.add_argument("--mode", "--permission-mode", dest="mode",
                        help="permission mode (default: settings, else default)")
    parser.add_argument("--settings", help="a settings file or JSON object: the only source")
    parser.add_argument("--allowedTools", "--allowed-tools", nargs="+", action="extend",
                        default=[], metavar="RULE", help="allow rules, as for warden")
    parser.add_argument("--disallowedTools", "--disallowed-tools", nargs="+", action="extend",
                        default=[], metavar="RULE", help="deny rules, as for warden")
    parser.add_argument("--add-dir", type=Path, action="extend", nargs="+", default=[],
                        metavar="DIR", help="additional working directories")
    trust = parser.add_mutually_exclusive_group()
    trust.add_argument("--trust-project", action="store_true", default=None,
                       help="count the folder as trusted (default: its stored decision)")
    trust.add_argument("--no-trust-project", dest="trust_project", action="store_false",
                       help="count the folder as not trusted")
    parser.add_argument("--cwd", type=Path, default=None, help="working directory")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--jsonl", metavar="FILE", help="evaluate one case per line ('-': stdin)")
    args = parser.parse_args(argv)
    if args.jsonl:
        if args.jsonl == "-":
            run_jsonl(sys.stdin, sys.stdout)
        else:
            try:
                with open(args.jsonl, encoding="utf-8") as fh:
                    run_jsonl(fh, sys.stdout)
            except OSError as exc:
                print(f"warden check: {args.jsonl}: {exc.strerror}", file=sys.stderr)
                return 2
        return 0
    if not args.tool or args.input is None:
        parser.error("--tool and --input are required (or use --jsonl)")
    try:
        tool_input = json.loads(args.input)
    except json.JSONDecodeError as exc:
        parser.error(f"--input is not JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(tool_input, dict):
        parser.error("--input must be a JSON object")
    cwd = (args.cwd or Path.cwd()).resolve()
    from tui.settings.model import split_tool_list

    for d in args.add_dir:
        if not (cwd / d).is_dir():
            parser.error(f"--add-dir {d}: not a directory")
    try:
        decision = evaluate(args.tool, tool_input, cwd=cwd, settings=args.settings,
                            mode=args.mode, discover=args.settings is None,
                            allowed_tools=split_tool_list(args.allowedTools),
                            disallowed_tools=split_tool_list(args.disallowedTools),
                            add_dirs=tuple((cwd / d).resolve() for d in args.add_dir),
                            trusted_project=args.trust_project)
    except CaseError as exc:
        parser.error(str(exc))
    if args.json:
        print(json.dumps(decision.to_json()))
        return 0
    print(f"{decision.behavior.upper()}: {decision.reason}")
    print(f"  rule:   {decision.rule or '(none)'}")
    print(f"  source: {decision.source}")
    print("trace:")
    for step in decision.trace:
        print(f"  {step}")
    return 0


def explain_main(argv: list[str]) -> int:
    """``warden explain "COMMAND"``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="warden explain",
                                     description="Explain what a shell command does.")
    parser.add_argument("command", help="the shell command, quoted")
    parser.add_argument("--cwd", type=Path, default=None, help="working directory")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    from tui.shell.explain import explain

    cwd = (args.cwd or Path.cwd()).resolve()
    result = explain(args.command, cwd=cwd, working_dirs=(cwd,))
    if args.json:
        print(json.dumps(result.to_json()))
        return 0
    print(f"risk: {result.risk}")
    print(result.summary)
    for cmd in result.commands:
        print(f"- {cmd.program}: {cmd.summary}")
        for label in ("reads", "writes", "deletes", "executes", "hosts"):
            values = getattr(cmd, label)
            if values:
                print(f"    {label}: {', '.join(values)}")
    for warning in result.warnings:
        print(f"! {warning}")
    return 0
