"""The agent loop: stream a reply, prepare its tool calls, ask the engine, run what is allowed.

``DESIGN.md`` "One turn, as data".  The loop is a plain object: it reports through a sink
callable (``sink(event)``), and waits on approval futures that whoever shows the requests
resolves.  It never imports Textual.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.agent import events as ev
from tui.agent.hook_steps import HookSteps
from tui.approvals import Answer, ApprovalRequest
from tui.permissions import PermissionContext, decide
from tui.permissions.decision import Decision
from tui.tool_results import INTERRUPTED, NOT_RUN_TURN_STOPPED, denied_text
from tui.untrusted import Flagged, new_tag

if TYPE_CHECKING:  # the tools import pydantic; the loop module must stay cheap to import
    from tui.hooks.runner import HookRunner
    from tui.tools.base import Tool, ToolCall, ToolContext, ToolResult

Sink = Callable[[ev.AgentEvent], None]

_READ_GUTTER = re.compile(r"^ *\d+\t", re.MULTILINE)
"""The line-number gutter of Read's output (``tui.tools.read``)."""


@dataclass
class _Pending:
    """One tool_use of the current reply, through preparation, decision and result."""

    tool_use_id: str
    name: str
    call: ToolCall | None = None
    decision: Decision | None = None
    request: ApprovalRequest | None = None
    result: ToolResult | None = None
    ran: bool = False
    denial: str | None = None
    """The tool_result text when a hook denied the call (its reason, for the model)."""
    data_end: int | None = None
    """How much of ``result.content`` the tool itself wrote (set when it ran): that part goes
    to the model as untrusted data, what Warden appended after it (hooks' feedback, "the user
    edited your change") stays outside the envelope."""
    flagged: Flagged | None = None
    """What the injection detector found in the tool's output, if anything."""


@dataclass
class Agent(HookSteps):
    """Runs turns of the conversation against the Messages API.

    Attributes:
        client: an ``anthropic.AsyncAnthropic`` (or anything with the same ``messages.stream``).
        model: the model name sent with each request.
        tools: tool name → tool.
        tool_ctx: where tools run.
        perm_ctx: what the permission engine needs.
        sink: receives every :mod:`tui.agent.events` event, in order.
        system: the system prompt.
        max_tokens: ``max_tokens`` of each request.
        messages: the conversation so far, in the API's shape (user/assistant dicts).  Only
            the last message is ever changed in place (tool results and notes join it); the
            client keeps the JSON of the others between requests
            (:class:`tui.agent.sdk_client.HistoryEncoder`).
    """

    client: Any
    model: str
    tools: dict[str, Tool]
    tool_ctx: ToolContext
    perm_ctx: PermissionContext
    sink: Sink
    system: str = ""
    max_tokens: int = 8192
    messages: list[dict[str, Any]] = field(default_factory=list)
    grant: Callable[[str, tuple[str, ...]], None] = lambda kind, rules: None
    """Called with ``("allow_session" | "allow_always", rules)`` when the user grants rules."""
    notes: list[str] = field(default_factory=list)
    """Things the user did between turns (reverted hunks), sent before the next prompt."""
    max_turns: int | None = None
    """At most this many model requests per turn (``warden -p --max-turns``); None: no limit.
    A turn that would need one more ends with the stop reason ``"max_turns"``."""
    hooks: HookRunner | None = None
    """Settings hooks (REF §8; :class:`tui.hooks.HookRunner`), or None for none.  They run in
    ``tool_ctx.cwd`` with ``tool_ctx.env``; see :meth:`session_start` and
    :meth:`config_change` for the two events the session fires."""
    untrusted_tag: str = field(default_factory=new_tag)
    """The data envelope's tag for this conversation (:mod:`tui.untrusted`); the system
    prompt must name it (:func:`tui.untrusted.system_prompt_note`)."""
    scan_results: bool = True
    """Run the injection detector on every tool result (issue 13 item 4)."""
    _flagged: list[Flagged] = field(default_factory=list, init=False, repr=False)
    """Results flagged by the detector in the current turn; approval cards that follow say so."""
    _hook_stop: str | None = field(default=None, init=False, repr=False)
    _hooks_reported: object = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.tool_ctx.read_denied is None:
            from dataclasses import replace

            # Grep and Glob leave out what Read deny/ask rules cover; the bound method reads
            # self.perm_ctx at each call, so reloaded settings apply at once.
            self.tool_ctx = replace(self.tool_ctx, read_denied=self._read_denied)

    def _read_denied(self, path: Any) -> bool:
        """Whether Grep and Glob must hide ``path`` (``globreads.read_hidden``)."""
        from tui.permissions.globreads import read_hidden

        return read_hidden(path, self.perm_ctx)

    def _analyze(self, call: ToolCall) -> Any:
        """The Bash command's detailed analysis, made once per call with the engine's inputs."""
        if call.command is None:
            return None
        from tui.shell.analyzer import analyze_detailed

        ctx = self.perm_ctx
        return analyze_detailed(call.command, cwd=ctx.cwd, home=ctx.home,
                                working_dirs=ctx.working_dirs)

    def describe(self, call: ToolCall, detailed: Any = None) -> tuple[list[str], object | None]:
        """Suggested "always allow" rules and Warden's explanation for a call that asks."""
        from tui.permissions.engine import CallView
        from tui.permissions.suggest import suggest_rules

        view = CallView.of(call)
        explanation = None
        analysis = None
        if call.command is not None:
            from tui.shell.explain import explain

            ctx = self.perm_ctx
            explanation = explain(call.command, cwd=ctx.cwd, home=ctx.home,
                                  working_dirs=ctx.working_dirs,
                                  detailed=detailed or self._analyze(call))
            analysis = explanation.analysis
        if self.perm_ctx.policy.allow_managed_only:
            return [], explanation
        return suggest_rules(view, analysis, self.tool_ctx.cwd), explanation

    def _session_rules(self, call: ToolCall) -> tuple[str, ...]:
        """"Allow edits this session" for an edit: Edit rules for every working directory."""
        if call.permission_class != "edit":
            return ()
        from tui.permissions.suggest import escape_path

        return tuple(f"Edit(//{escape_path(str(d)).lstrip('/')}/**)"
                     for d in self.tool_ctx.working_dirs)

    def clear(self) -> None:
        """Forget the conversation (``/clear``)."""
        self.messages.clear()

    async def run_turn(self, prompt: str) -> str:
        """Send ``prompt`` and loop until the model stops asking for tools.

        Returns:
            The final stop reason: the API's (``"end_turn"``, ``"max_tokens"``...), ``"denied"``
            when the user denied a call without a reason, ``"interrupted"`` when cancelled
            (the cancellation is re-raised after the conversation is left consistent),
            ``"error"`` after an :class:`~tui.agent.events.AgentError`, ``"max_turns"`` when
            :attr:`max_turns` requests were made and the model still wanted tools,
            ``"blocked"`` when a UserPromptSubmit hook blocked the prompt (it was not sent), or
            ``"hook_stopped"`` when a hook answered ``"continue": false``.
        """
        self._hook_stop = None
        self._flagged.clear()
        context: list[str] = []
        if self.hooks is not None:
            self._report_hook_problems()
            if self.hooks.has("UserPromptSubmit"):
                try:
                    outcome = await self._hook("UserPromptSubmit", {"prompt": prompt})
                except asyncio.CancelledError:
                    self.sink(ev.TurnFinished("interrupted"))
                    raise
                if outcome.blocked or outcome.stop:
                    why = (outcome.reason or outcome.stop_reason).strip()
                    self.sink(ev.Notice(f"A UserPromptSubmit hook{outcome.where} blocked "
                                        "this prompt; it was not sent to the model"
                                        + (f": {why}" if why else "."), "warning"))
                    self.sink(ev.TurnFinished("blocked"))
                    return "blocked"
                context = outcome.context
        notes = [{"type": "text", "text": f"(Note from Warden: {note})"} for note in self.notes]
        self.notes.clear()
        hook_context = [{"type": "text", "text": f"(Context from a UserPromptSubmit hook: {c})"}
                        for c in context]
        self._append_user([*notes, *hook_context, {"type": "text", "text": prompt}])
        self.sink(ev.TurnStarted(prompt))
        pending: list[_Pending] = []
        requests = 0
        continuations = 0
        try:
            while True:
                pending = []
                if self.max_turns is not None and requests >= self.max_turns:
                    self.sink(ev.TurnFinished("max_turns"))
                    return "max_turns"
                requests += 1
                try:
                    content, stop_reason = await self._stream_reply()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the SDK's errors, after its own retries
                    self.sink(ev.AgentError(_describe_api_error(exc)))
                    self.sink(ev.TurnFinished("error"))
                    return "error"
                self.messages.append({"role": "assistant", "content": content})
                tool_uses = [b for b in content if b["type"] == "tool_use"]
                if not tool_uses:
                    if await self._stop_hook(content, continuations):
                        continuations += 1
                        continue
                    self.sink(ev.TurnFinished(stop_reason or "end_turn"))
                    return stop_reason or "end_turn"
                pending = [_Pending(b["id"], b["name"]) for b in tool_uses]
                stopped = await self._run_tools(tool_uses, pending)
                self._append_user([self._result_block(p) for p in pending])
                pending = []
                if self._hook_stop is not None:
                    self.sink(ev.TurnFinished("hook_stopped"))
                    return "hook_stopped"
                if stopped:
                    self.sink(ev.TurnFinished("denied"))
                    return "denied"
        except asyncio.CancelledError:
            self._close_interrupted(pending)
            self.sink(ev.TurnFinished("interrupted"))
            raise

    # -- streaming --------------------------------------------------------------------------

    async def _stream_reply(self) -> tuple[list[dict[str, Any]], str | None]:
        """Stream one assistant reply; returns its content blocks (API dicts) and stop reason."""
        text_open = False
        partial: list[str] = []
        kwargs: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "messages": self.messages,
            "tools": [t.schema() for t in self.tools.values()],
        }
        if self.system:
            kwargs["system"] = self.system
        try:
            async with self.client.messages.stream(**kwargs) as stream:
                async for event in stream:
                    etype = event.type
                    if etype == "text":
                        text_open = True
                        partial.append(event.text)
                        self.sink(ev.TextDelta(event.text))
                    elif etype == "content_block_stop" and text_open:
                        text_open = False
                        self.sink(ev.TextDone())
                final = await stream.get_final_message()
        except asyncio.CancelledError:
            if text_open:
                self.sink(ev.TextDone())
            text = "".join(partial)
            if text:
                # Keep what arrived, so the model knows what it had said when interrupted.
                self.messages.append(
                    {"role": "assistant", "content": [{"type": "text", "text": text}]}
                )
            raise
        content: list[dict[str, Any]] = []
        for block in final.content:
            if block.type == "text":
                if block.text:
                    content.append({"type": "text", "text": block.text})
            elif block.type == "tool_use":
                content.append(
                    {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
                )
        return content, final.stop_reason

    # -- tools ------------------------------------------------------------------------------

    async def _run_tools(self, tool_uses: list[dict[str, Any]], pending: list[_Pending]) -> bool:
        """Prepare and decide every call, post all approvals at once, then run in order.

        Returns True when the user stopped the turn (deny without a reason).
        """
        from tui.tools.base import ToolInputError, ToolResult

        loop = asyncio.get_running_loop()
        for block, p in zip(tool_uses, pending, strict=True):
            if self._hook_stop is not None:
                from tui.hooks.calls import HOOK_STOPPED

                p.result = ToolResult(HOOK_STOPPED, is_error=True)
                continue
            tool = self.tools.get(block["name"])
            if tool is None:
                p.result = ToolResult(f"Unknown tool {block['name']!r}.", is_error=True)
                self.sink(ev.ToolCallInvalid(p.tool_use_id, p.name, p.result.content))
                continue
            try:
                p.call = await tool.prepare(block["id"], block["input"], self.tool_ctx)
            except ToolInputError as exc:
                p.result = ToolResult(str(exc), is_error=True)
                self.sink(ev.ToolCallInvalid(p.tool_use_id, p.name, str(exc)))
                continue
            # PreToolUse hooks, then the engine; the command is parsed once and the analysis
            # shared by the engine, the sandbox check and the card.
            detailed = await self._decide(p, tool)
            described: tuple[list[str], object | None] | None = None
            if (p.result is None and p.decision is not None and p.decision.behavior == "ask"
                    and self.hooks is not None and self.hooks.has("PermissionRequest")):
                asked_call = p.call
                described = self.describe(p.call, detailed)
                detailed = await self._permission_request(p, tool, detailed, described[0])
                if p.call is not asked_call:
                    described = None
            if p.result is not None or p.call is None or p.decision is None:
                continue  # a hook's updatedInput was not valid input for the tool
            analysis = detailed.analysis if detailed is not None else None
            if analysis is not None and p.call.command is not None:
                # Where it runs: the read-only sandbox for what Warden judged read-only, the
                # configured sandbox, or plainly (issue 10; sandbox_mode.sandbox_profile).
                from tui.permissions.sandbox_mode import sandbox_profile

                profile = sandbox_profile(self.perm_ctx.sandbox, p.decision, p.call.command,
                                          p.call.input, analysis)
                p.call.sandbox_profile = profile
            self.sink(ev.ToolCallPrepared(p.call, p.decision))
            if p.decision.behavior == "ask":
                suggested, explanation = described or self.describe(p.call, detailed)
                p.request = ApprovalRequest(p.call, p.decision, loop.create_future(),
                                            suggested_rules=tuple(suggested),
                                            explanation=explanation,
                                            warnings=self._card_warnings())
                self.sink(ev.ApprovalNeeded(p.request))

        stopped = False
        for p in pending:
            if p.result is not None or p.call is None:
                continue
            proposed_hunks = 0  # hunks of the model's change, once the answer replaced it
            if stopped:
                self._not_run(p, NOT_RUN_TURN_STOPPED)
                continue
            assert p.decision is not None
            if self._hook_stop is not None and p.denial is None:
                from tui.hooks.calls import HOOK_STOPPED

                self._cancel_requests(pending)
                self._not_run(p, HOOK_STOPPED)
                continue
            if p.decision.behavior == "deny":
                self._not_run(p, p.denial or denied_text(None, by_rule=p.decision.rule
                                                         or p.decision.source))
                continue
            if p.request is not None:
                answer: Answer = await p.request.future
                if not answer.allowed:
                    reason = answer.reason if answer.kind == "deny_with_reason" else None
                    self._not_run(p, denied_text(reason))
                    if answer.kind == "deny":
                        stopped = True
                        self._cancel_requests(pending)
                    continue
                if answer.kind in ("allow_session", "allow_always"):
                    rules = answer.rules or self._session_rules(p.call)
                    if rules:
                        self.grant(answer.kind, rules)
                if answer.change is not None:
                    # What will be written is not what was decided on: decide again.
                    if p.call.change is not None:
                        proposed_hunks = len(p.call.change.hunks)
                    p.call.change = answer.change
                    p.call.edited_by_user = answer.edited_by_user
                    recheck = decide(p.call, self.perm_ctx)
                    if recheck.behavior == "deny":
                        self._not_run(p, denied_text(None, by_rule=recheck.rule or recheck.source))
                        continue
            if await self._execute(p):
                stopped = True
                self._cancel_requests(pending)
            if self._hook_stop is not None:
                self._cancel_requests(pending)
            if p.call.edited_by_user and p.result is not None and not p.result.is_error:
                from tui.tools.base import ToolResult

                p.result = ToolResult(
                    f"{p.result.content}\nThe user edited your proposed change in their editor "
                    "before approving it; read the file again before changing it further.")
            if p.request is not None and p.result is not None and not p.result.is_error:
                answered = p.request.future.result()
                rejected = answered.rejected_hunks
                if rejected:
                    from tui.tools.base import ToolResult

                    total = answered.hunks_reviewed or proposed_hunks
                    names = ", ".join(str(i + 1) for i in rejected)
                    p.result = ToolResult(
                        f"{p.result.content}\nThe user rejected hunk(s) {names} of {total}; "
                        "those parts of the change were not written.")
        return stopped

    async def _execute(self, p: _Pending) -> bool:
        """Run an allowed call and report it; True when the user stopped the turn (a deny
        when asked whether to run a command whose read-only sandbox could not start)."""
        assert p.call is not None
        tool = self.tools[p.call.name]
        snap = self._accept_edits_snapshot(p)
        p.result = await self._call_tool(p, tool)
        if p.call.containment_failed:
            stopped = await self._ask_uncontained(p, tool)
            if not p.ran:
                return stopped
        p.ran = True
        p.data_end = len(p.result.content)
        await self._scan(p)
        if snap is not None:
            changes = await asyncio.to_thread(snap.changes)
            if changes:
                p.call.bash_changes = tuple(changes)
        if self.hooks is not None and self.hooks.has("PostToolUse"):
            await self._post_tool_use(p)
        self.sink(ev.ToolFinished(p.call, p.result, ran=True))
        if p.flagged is not None:
            self.sink(ev.InjectionFlagged(p.call, p.flagged))
        state = self.perm_ctx.sandbox
        if (p.call.command is not None and p.call.input.get("dangerouslyDisableSandbox") is True
                and state is not None and state.enabled and not p.call.sandboxed):
            self.sink(ev.Notice(f"Ran outside the sandbox at the model's request "
                                f"(dangerouslyDisableSandbox), approved by you: "
                                f"{p.call.command}", "warning"))
        return False

    async def _ask_uncontained(self, p: _Pending, tool: Tool) -> bool:
        """Fail closed when the read-only sandbox could not start for a command allowed as
        read-only: ask the user; run it plainly only if they allow it (issue 10 item 1).

        Sets ``p.result`` (and ``p.ran`` when it ran); returns True when the user denied with
        ``deny`` (stop the turn)."""
        assert p.call is not None
        why, p.call.containment_failed = p.call.containment_failed, None
        decision = Decision("ask", f"Warden judged this command read-only, but the read-only "
                            f"sandbox it runs in could not start ({why}). Run it without the "
                            "sandbox?", source="sandbox: containment unavailable")
        request = ApprovalRequest(p.call, decision, asyncio.get_running_loop().create_future(),
                                  warnings=self._card_warnings())
        p.request = request  # so that an interrupted turn cancels it
        p.result = None  # ... and reports this call as interrupted
        self.sink(ev.ApprovalNeeded(request))
        answer: Answer = await request.future
        if not answer.allowed:
            reason = answer.reason if answer.kind == "deny_with_reason" else None
            self._not_run(p, denied_text(reason))
            return answer.kind == "deny"
        p.call.sandbox_profile = None
        p.result = await self._call_tool(p, tool)
        p.ran = True
        return False

    async def _scan(self, p: _Pending) -> None:
        """Run the injection detector on what the tool returned; remember a finding for the
        rest of the turn (:meth:`_card_warnings`).  A detector crash is reported and treated as
        a finding-free scan: the content is enveloped as data either way."""
        if not self.scan_results or p.call is None or p.result is None or not p.result.content:
            return
        from tui.injection import scan
        from tui.untrusted import content_kind, source_label, where_label

        text, kind = p.result.content, content_kind(p.call)
        if kind == "file":
            # Read numbers its lines ("    28\tline"): scan the file's own text, so excerpts
            # quote the file; the lines stay where they were, so line numbers still match.
            text = _READ_GUTTER.sub("", text)
        # A file's name tells the detector what kind of text it is (AGENTS.md and CLAUDE.md
        # address agents by design; their build and test conventions are not injections).
        name = p.call.paths[0].name if kind == "file" and p.call.paths else None
        try:
            if len(text) > 32_768:  # about 6 ms per 32 KiB: keep the event loop responsive
                found = await asyncio.to_thread(scan, text, kind=kind, filename=name)
            else:
                found = scan(text, kind=kind, filename=name)
        except Exception as exc:  # never lose a result to a detector bug
            self.sink(ev.Notice(f"The injection detector failed on {p.call.name}'s result "
                                f"({type(exc).__name__}: {exc}); it was not checked.",
                                "warning"))
            return
        # With what the tool scanned itself in text the result does not carry (WebFetch's
        # page, of which only the isolated model's answer is in the result).
        findings = (*p.result.findings, *found.findings)
        if findings:
            p.flagged = Flagged(source_label(p.call), where_label(p.call), findings)
            self._flagged.append(p.flagged)

    def _card_warnings(self) -> tuple[str, ...]:
        """The approval card's warning when the detector flagged text earlier in this turn."""
        from tui.untrusted import card_warning

        line = card_warning(self._flagged)
        return (line,) if line else ()

    def _result_block(self, p: _Pending) -> dict[str, Any]:
        """The ``tool_result`` block for ``p``: what a tool that ran wrote goes inside the data
        envelope (:mod:`tui.untrusted`), Warden's own words after it stay outside."""
        block = _result_block(p)
        if not p.ran or p.data_end is None or p.call is None or p.result is None:
            return block
        from tui.untrusted import detector_note, source_label, wrap

        content = p.result.content
        data, rest = content[:p.data_end], content[p.data_end:]
        parts = [wrap(data, source=source_label(p.call), tag=self.untrusted_tag)]
        if p.flagged is not None:
            parts.append(detector_note(p.flagged))
        if rest.strip():
            parts.append(rest.strip("\n"))
        block["content"] = "\n".join(parts)
        return block

    async def _call_tool(self, p: _Pending, tool: Tool) -> ToolResult:
        """``tool.run``; a tool's bug becomes an error result the model and the user see."""
        from tui.tools.base import ToolResult

        assert p.call is not None
        try:
            return await tool.run(p.call, self.tool_ctx)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a tool bug must reach the model and the user, not crash
            return ToolResult(f"{p.call.name} failed: {type(exc).__name__}: {exc}", True)

    def _accept_edits_snapshot(self, p: _Pending) -> Any:
        """Before a Bash command that ``acceptEdits`` approved runs: its write targets' texts,
        so that what it changed joins the changes-this-turn review (``tui.bash_changes``)."""
        if (p.call is None or p.call.command is None or p.decision is None
                or p.decision.source != "mode: acceptEdits"):
            return None
        from tui.bash_changes import snapshot
        from tui.shell import analyze_cached

        ctx = self.perm_ctx
        analysis = analyze_cached(p.call.command, ctx.cwd, ctx.home, tuple(ctx.working_dirs))
        return snapshot(analysis, ctx.working_dirs)

    def _not_run(self, p: _Pending, text: str) -> None:
        from tui.tools.base import ToolResult

        p.result = ToolResult(text, is_error=True)
        if p.call is not None:
            self.sink(ev.ToolFinished(p.call, p.result, ran=False))

    @staticmethod
    def _cancel_requests(pending: list[_Pending]) -> None:
        for p in pending:
            if p.request is not None and not p.request.future.done():
                p.request.future.cancel()

    # -- conversation bookkeeping -----------------------------------------------------------

    def _append_user(self, blocks: list[dict[str, Any]]) -> None:
        """Append a user message, merging into the previous one if it is also from the user."""
        if self.messages and self.messages[-1]["role"] == "user":
            self.messages[-1]["content"].extend(blocks)
        else:
            self.messages.append({"role": "user", "content": list(blocks)})

    def _close_interrupted(self, pending: list[_Pending]) -> None:
        """After Esc: every tool_use of the last reply gets a result, so the history stays valid."""
        from tui.tools.base import ToolResult

        self._cancel_requests(pending)
        if not pending:
            return
        for p in pending:
            if p.result is None:
                p.result = ToolResult(INTERRUPTED, is_error=True)
                if p.call is not None:
                    self.sink(ev.ToolFinished(p.call, p.result, ran=False))
        self._append_user([_result_block(p) for p in pending])


def _result_block(p: _Pending) -> dict[str, Any]:
    assert p.result is not None
    block: dict[str, Any] = {
        "type": "tool_result",
        "tool_use_id": p.tool_use_id,
        "content": p.result.content,
    }
    if p.result.is_error:
        block["is_error"] = True
    return block


def _describe_api_error(exc: BaseException) -> str:
    """One line for the user: the API's own message where there is one."""
    status = getattr(exc, "status_code", None)
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    name = type(exc).__name__
    return f"{name} ({status}): {message}" if status else f"{name}: {message}"
