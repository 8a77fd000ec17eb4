"""Headless runs: ``warden -p PROMPT`` runs one agent session without the TUI and prints the result.

The same :class:`~tui.agent.session.AgentSession` as the TUI runs one turn; this module is its
sink.  Nobody can answer a prompt, so every call the engine would ask about is **denied**
(fail closed): the model receives a denial ``tool_result`` saying why and continues, and the
call is listed in the result's ``permission_denials``.  Calls a deny rule refuses are listed
too.  Sources: REF §4.6 ("Non-interactive ``-p``") and §2.7 ("in ``-p`` without a prompt tool
the call does not run and the run continues (recorded in the result's
``permission_denials``)"); Claude Code's https://code.claude.com/docs/en/headless and
https://code.claude.com/docs/en/cli-reference for the flags and the output formats.

Output (``--output-format``):

* ``text`` (default): the final assistant text on stdout.
* ``json``: one result object, shaped like Claude Code's result message::

      {"type": "result", "subtype": "success" | "error_max_turns" | "error_during_execution",
       "is_error": bool, "result": str, "stop_reason": str, "num_turns": int,
       "duration_ms": int, "session_id": str, "permission_denials": [Denial...],
       "usage": {"input_tokens": int, "output_tokens": int, ...}, "errors": [str...]?}

  ``num_turns`` counts model responses; ``usage`` sums the token counts of every response
  (keys the API reported); ``errors`` is present on the error subtypes.
* ``stream-json``: one JSON object per line as things happen: ``{"type": "system",
  "subtype": "init", ...}``, then ``{"type": "assistant", "message": <API message>}`` for each
  model response and ``{"type": "user", "message": {"role": "user", "content":
  [<tool_result>]}}`` for each tool result (denials included), then the result object.

A ``Denial`` is ``{"tool_name", "tool_use_id", "tool_input", "reason", "decision",
"source"}``: ``decision`` is ``"ask"`` (it would have asked: denied because nobody can answer)
or ``"deny"`` (a rule or the mode denied it); ``reason`` is the engine's sentence.  A sandboxed
command's request to reach a host outside ``sandbox.network.allowedDomains`` is denied the same
way and listed with ``tool_name`` ``"Network"`` and ``tool_input`` ``{"host", "port"}``.

Exit status: 0 on success; 1 for a runtime error (no API key, API error, ``--max-turns``
reached, the session could not start); 2 for a usage error (bad flags, no prompt).  Messages
and settings problems go to stderr; secrets are never printed.

Workspace trust (REF §7.3, ``SPEC.md`` §7): a headless run never asks.  The project's settings
may grant (allow rules, ``additionalDirectories``) only with ``--trust-project``, when the
folder has a stored "trusted" decision (:mod:`tui.trust`), or for the demo's bundled sample;
otherwise the loader drops those grants and the warning is printed on stderr.

This module never imports Textual.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tui.agent import events as ev
from tui.approvals import Answer

if TYPE_CHECKING:
    import argparse

    from tui.config import AppConfig

OUTPUT_FORMATS = ("text", "json", "stream-json")
"""Values of ``--output-format``."""

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
"""Exit statuses: success, runtime error, usage error."""

_USAGE_KEYS = ("input_tokens", "output_tokens", "cache_creation_input_tokens",
               "cache_read_input_tokens")


class UsageError(Exception):
    """The command line cannot run (no prompt, a bad flag value): exit status 2."""


def stored_trust(cwd: Path) -> bool | None:
    """The folder's stored workspace-trust decision, or None when there is none.

    Uses :func:`tui.trust.stored_decision` (``(cwd: Path) -> bool | None``) when that module
    exists; without it, or when the store cannot be read, there is no decision (None), so the
    project is not trusted (fail closed).
    """
    try:
        from tui.trust import stored_decision
    except ImportError:
        return None
    try:
        return stored_decision(cwd)
    except (OSError, ValueError):
        return None


def read_prompt(given: str | None, stdin: TextIO | None, *, demo_prompt: str | None = None) -> str:
    """The prompt of a headless run.

    Args:
        given: the prompt from the command line, or None.
        stdin: read when ``given`` is None and it is not a TTY (``echo PROMPT | warden -p``).
        demo_prompt: with ``--demo``, the recorded prompt: used when no prompt is given, and
            the only prompt accepted (the replay answers its recorded conversation whatever it
            is sent, so another prompt would get answers to a question that was not asked).

    Raises:
        UsageError: no prompt (or only white space), or a demo prompt other than the recorded.
    """
    prompt = given
    if prompt is None and stdin is not None and not stdin.isatty():
        prompt = stdin.read()
    if demo_prompt is not None:
        if prompt is None or not prompt.strip():
            return demo_prompt
        if prompt.strip() != demo_prompt:
            raise UsageError(
                f"--demo: the recorded model only answers its recorded prompt, {demo_prompt!r}; "
                "leave the prompt out to run it (warden --demo -p)")
        return demo_prompt
    if prompt is None or not prompt.strip():
        raise UsageError('-p needs a prompt: warden -p "PROMPT", or the prompt on stdin')
    return prompt


# -- the model's responses ----------------------------------------------------------------------


class _TapClient:
    """Wraps the Anthropic client so that every complete model response is seen.

    ``messages.stream(...)`` is used by :class:`tui.agent.loop.Agent` as an async context
    manager whose stream is iterated and then asked ``get_final_message()``; the final
    message (an ``anthropic.types.Message``) is passed to ``on_message`` before the loop gets
    it.  Everything else is the wrapped client's.
    """

    def __init__(self, client: Any, on_message: Callable[[Any], None]) -> None:
        self._client = client
        self.messages = _TapMessages(client.messages, on_message)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class _TapMessages:
    def __init__(self, messages: Any, on_message: Callable[[Any], None]) -> None:
        self._messages = messages
        self._on_message = on_message

    def stream(self, **kwargs: Any) -> _TapStreamManager:
        return _TapStreamManager(self._messages.stream(**kwargs), self._on_message)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._messages, name)


class _TapStreamManager:
    def __init__(self, manager: Any, on_message: Callable[[Any], None]) -> None:
        self._manager = manager
        self._on_message = on_message

    async def __aenter__(self) -> _TapStream:
        return _TapStream(await self._manager.__aenter__(), self._on_message)

    async def __aexit__(self, *exc_info: Any) -> Any:
        return await self._manager.__aexit__(*exc_info)


class _TapStream:
    def __init__(self, stream: Any, on_message: Callable[[Any], None]) -> None:
        self._stream = stream
        self._on_message = on_message

    def __aiter__(self) -> Any:
        return self._stream.__aiter__()

    async def get_final_message(self) -> Any:
        message = await self._stream.get_final_message()
        self._on_message(message)
        return message

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _message_json(message: Any) -> dict[str, Any]:
    """An SDK ``Message`` (or a plain dict) as JSON data, without null fields."""
    if isinstance(message, dict):
        return message
    return message.model_dump(mode="json", exclude_none=True)


# -- the run ------------------------------------------------------------------------------------


class HeadlessRun:
    """The session's sink for one headless run: denies approvals, collects the result.

    Args:
        output_format: one of :data:`OUTPUT_FORMATS`.
        out: where the output goes (stdout).
        err: where notices and errors go (stderr).
        session_id: the run's id (a UUID string), repeated in every JSON object.

    Attributes:
        denials: the ``permission_denials`` entries, in order (see the module docstring).
        errors: :class:`~tui.agent.events.AgentError` messages.
        num_turns: model responses received.
        usage: token counts summed over the responses.
        last_text: the text of the last model response ("" when it had none).
    """

    def __init__(self, output_format: str, out: TextIO, err: TextIO, session_id: str) -> None:
        self.output_format = output_format
        self.out = out
        self.err = err
        self.session_id = session_id
        self.denials: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.num_turns = 0
        self.usage: dict[str, int] = {}
        self.last_text = ""
        self.started = time.monotonic()
        self.trust_notices: set[str] = set()
        """Notices of settings held back by workspace trust: printed with the
        ``--trust-project`` hint."""

    # -- output --

    def emit(self, obj: dict[str, Any]) -> None:
        """Write one JSON line (``stream-json`` only)."""
        if self.output_format == "stream-json":
            self.out.write(json.dumps(obj, ensure_ascii=False) + "\n")
            self.out.flush()

    def warn(self, text: str, severity: str = "warning") -> None:
        """One line on stderr: ``warden: <severity>: <text>``."""
        label = "" if severity == "information" else f"{severity}: "
        print(f"warden: {label}{text}", file=self.err, flush=True)

    def init(self, config: AppConfig, session: Any, model: str) -> None:
        """The ``system``/``init`` line of ``stream-json``."""
        agent = session.agent
        self.emit({
            "type": "system", "subtype": "init", "session_id": self.session_id,
            "cwd": str(config.cwd), "model": model,
            "permissionMode": session.perm_ctx.mode,
            "tools": sorted(agent.tools) if agent is not None else [],
            "additionalDirectories": [str(d) for d in session.perm_ctx.working_dirs[1:]],
            "trustedProject": config.trusted_project,
        })

    # -- the sink --

    def on_message(self, message: Any) -> None:
        """A complete model response (from :class:`_TapClient`)."""
        data = _message_json(message)
        self.num_turns += 1
        usage = data.get("usage")
        if isinstance(usage, dict):
            for key in _USAGE_KEYS:
                value = usage.get(key)
                if isinstance(value, int):
                    self.usage[key] = self.usage.get(key, 0) + value
        self.last_text = "".join(b.get("text", "") for b in data.get("content", ())
                                 if isinstance(b, dict) and b.get("type") == "text")
        self.emit({"type": "assistant", "message": data, "parent_tool_use_id": None,
                   "session_id": self.session_id})

    def sink(self, event: ev.AgentEvent) -> None:
        """Receives every agent event (the :class:`AgentSession` sink)."""
        match event:
            case ev.ApprovalNeeded(request=request):
                subject, decision = request.subject, request.decision
                self._deny(subject.name, subject.record_id, subject.input, decision.reason, "ask",
                           decision.source)
                request.answer(Answer("deny_with_reason", reason=(
                    "this is a non-interactive run (warden -p), so calls that need approval "
                    f"are not run. It needed approval because: {decision.reason}")))
            case ev.ToolCallPrepared(call=call, decision=decision) if decision.behavior == "deny":
                self._deny(call.name, call.tool_use_id, call.input, decision.reason, "deny",
                           decision.source)
            case ev.ToolFinished(call=call, result=result):
                self._tool_result(call.tool_use_id, result.content, result.is_error)
            case ev.ToolCallInvalid(tool_use_id=tool_use_id, error=error):
                self._tool_result(tool_use_id, error, True)
            case ev.AgentError(message=message):
                self.errors.append(message)
            case ev.Notice(text=text, severity=severity):
                if text in self.trust_notices:
                    text += "; with -p, pass --trust-project"
                self.warn(text, "warning" if severity == "error" else severity)
            case ev.SettingsReloaded(new_problems=problems):
                for problem in problems:
                    self.warn(f"settings reloaded: {problem}")
            case ev.InjectionFlagged(flagged=flagged):
                from tui.untrusted import chat_warning

                self.warn(chat_warning(flagged), "warning")
            case _:
                pass

    def _deny(self, tool_name: str, tool_use_id: str, tool_input: Any, reason: str,
              decision: str, source: str) -> None:
        self.denials.append({"tool_name": tool_name, "tool_use_id": tool_use_id,
                             "tool_input": tool_input, "reason": reason, "decision": decision,
                             "source": source})

    def _tool_result(self, tool_use_id: str, content: str, is_error: bool) -> None:
        block: dict[str, Any] = {"type": "tool_result", "tool_use_id": tool_use_id,
                                 "content": content}
        if is_error:
            block["is_error"] = True
        self.emit({"type": "user", "message": {"role": "user", "content": [block]},
                   "parent_tool_use_id": None, "session_id": self.session_id})

    # -- the end --

    def result(self, stop_reason: str, errors: list[str] | None = None) -> dict[str, Any]:
        """The result object (see the module docstring) for a run that ended this way."""
        errors = [*self.errors, *(errors or [])]
        if stop_reason == "max_turns":
            subtype = "error_max_turns"
        elif stop_reason == "error" or errors:
            subtype = "error_during_execution"
        else:
            subtype = "success"
        obj: dict[str, Any] = {
            "type": "result", "subtype": subtype, "is_error": subtype != "success",
            "result": self.last_text, "stop_reason": stop_reason, "num_turns": self.num_turns,
            "duration_ms": round((time.monotonic() - self.started) * 1000),
            "session_id": self.session_id, "permission_denials": self.denials,
            "usage": self.usage,
        }
        if subtype != "success":
            obj["errors"] = errors
        return obj

    def finish(self, result: dict[str, Any], max_turns: int | None) -> int:
        """Print the result in the output format; errors also to stderr.  Returns the status."""
        if self.output_format == "text":
            if not result["is_error"]:
                self.out.write(result["result"].rstrip("\n") + "\n")
                self.out.flush()
        else:
            self.out.write(json.dumps(result, ensure_ascii=False) + "\n")
            self.out.flush()
        if result["subtype"] == "error_max_turns":
            self.warn(f"stopped after {max_turns} model request"
                      f"{'' if max_turns == 1 else 's'} (--max-turns {max_turns}); the model "
                      "still wanted to use tools", "error")
        for message in result.get("errors", ()):
            self.warn(message, "error")
        return EXIT_OK if not result["is_error"] else EXIT_ERROR


async def run_session(config: AppConfig, prompt: str, *, output_format: str = "text",
                      max_turns: int | None = None, out: TextIO | None = None,
                      err: TextIO | None = None) -> int:
    """Run one agent turn on ``prompt`` without the TUI and print its result.

    Args:
        config: the session's configuration (``trusted_project`` already settled).
        prompt: the user's prompt.
        output_format: ``text``, ``json`` or ``stream-json``.
        max_turns: at most this many model requests (None: no limit).
        out: stdout (default ``sys.stdout``); err: stderr (default ``sys.stderr``).

    Returns:
        The exit status: 0 on success, 1 on a runtime error (see the module docstring).
        Never raises for API or connection errors; they become ``error_during_execution``.
    """
    from tui.agent.session import AgentSession, NoApiKey

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    run = HeadlessRun(output_format, out, err, str(uuid.uuid4()))
    session = AgentSession(config, run.sink)
    try:
        try:
            model = await session.connect()
        except NoApiKey as exc:
            detail = f" ({exc.detail})" if exc.detail else ""
            return run.finish(run.result("error", [
                f"no API key{detail}: set ANTHROPIC_API_KEY, or run `warden login`"]), max_turns)
        except Exception as exc:  # the replay server, the sandbox or the SDK could not start
            return run.finish(run.result("error", [
                f"the session could not start: {type(exc).__name__}: {exc}"]), max_turns)
        assert session.agent is not None
        session.agent.client = _TapClient(session.agent.client, run.on_message)
        session.agent.max_turns = max_turns
        if not config.trusted_project and session.settings is not None:
            run.trust_notices = {str(p) for p in session.settings.problems
                                 if "not trusted" in p.message}
        session.mark_ready(model)
        run.init(config, session, model)
        stop_reason = await session.run_turn(prompt)
        return run.finish(run.result(stop_reason), max_turns)
    finally:
        await session.aclose()


def headless_config(config: AppConfig, args: argparse.Namespace) -> AppConfig:
    """``config`` for a headless run: trust settled without asking (module docstring).

    For ``--demo`` the permission flags are applied here (the TUI's demo configuration leaves
    them out): ``--permission-mode``/``--dangerously-skip-permissions``, ``--settings``,
    ``--allowedTools``, ``--disallowedTools`` and ``--add-dir``, as for any folder.

    Raises:
        ValueError: an unknown ``--permission-mode``.
    """
    trusted = (args.trust_project or config.trusted_project or config.is_demo
               or stored_trust(config.cwd) is True)
    changes: dict[str, Any] = {}
    if config.is_demo:
        mode = "bypassPermissions" if args.dangerously_skip_permissions else args.permission_mode
        if mode is not None:
            from tui.modes import normalise_mode

            changes["permission_mode"] = normalise_mode(mode)
        if args.settings or args.allowedTools or args.disallowedTools:
            from tui.settings.model import CliSettings, split_tool_list

            changes["cli_settings"] = CliSettings(
                settings=args.settings, allowed_tools=split_tool_list(args.allowedTools),
                disallowed_tools=split_tool_list(args.disallowedTools))
        changes["additional_dirs"] = tuple(p.resolve() for p in args.add_dir)
    return dataclasses.replace(config, trusted_project=trusted, ask_trust=False,
                               initial_prompt="", **changes)


def headless_main(args: argparse.Namespace, *, stdin: TextIO | None = None,
                  out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``warden -p``: check the flags, read the prompt, build the config, run, print.

    Args:
        args: the parsed command line (:func:`tui.cli.build_parser`); ``args.command`` is the
            prompt, ``args.output_format``, ``args.max_turns`` and ``args.trust_project`` the
            headless flags.
        stdin, out, err: default to the process's streams.

    Returns:
        The exit status (0, 1 or 2: see the module docstring).
    """
    from tui.cli_config import make_config

    stdin = sys.stdin if stdin is None else stdin
    err = sys.stderr if err is None else err
    output_format = args.output_format or "text"
    try:
        if output_format not in OUTPUT_FORMATS:
            raise UsageError(f"--output-format must be one of {', '.join(OUTPUT_FORMATS)}")
        if args.max_turns is not None and args.max_turns < 1:
            raise UsageError("--max-turns must be 1 or more")
        demo_prompt = None
        if args.demo:
            from tui.demo.launch import DEMO_PROMPT

            demo_prompt = DEMO_PROMPT
        prompt = read_prompt(args.command, stdin, demo_prompt=demo_prompt)
    except UsageError as exc:
        print(f"warden: {exc}", file=err)
        return EXIT_USAGE
    try:
        config, server = make_config(args)
    except ValueError as exc:  # an unknown --permission-mode
        print(f"warden: {exc}", file=err)
        return EXIT_USAGE
    except OSError as exc:
        print(f"warden: {exc}", file=err)
        return EXIT_ERROR
    except Exception as exc:
        from tui.demo.launch import DemoSetupError

        if isinstance(exc, DemoSetupError):
            print(f"warden: {exc}", file=err)
            return EXIT_USAGE
        raise
    try:
        config = headless_config(config, args)
    except ValueError as exc:  # an unknown --permission-mode (with --demo)
        print(f"warden: {exc}", file=err)
        if server is not None:
            server.stop()
        return EXIT_USAGE
    try:
        return asyncio.run(run_session(config, prompt, output_format=output_format,
                                       max_turns=args.max_turns, out=out, err=err))
    except KeyboardInterrupt:
        print("warden: interrupted", file=err)
        return 130
    finally:
        if server is not None:
            server.stop()
        if config.is_demo:
            print(f"warden: the demo project (with the changes that ran) is in {config.cwd}",
                  file=err)
