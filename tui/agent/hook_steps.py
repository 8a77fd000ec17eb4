"""The agent loop's hook steps (REF §8): where each event fires and what its outcome does.

:class:`HookSteps` is a mixin of :class:`tui.agent.loop.Agent`; it uses the agent's ``hooks``
(a :class:`~tui.hooks.runner.HookRunner` or None), ``sink``, ``tool_ctx``, ``perm_ctx``,
``notes``, ``tools``, ``describe`` and ``_analyze``.  Order within a tool call (``SPEC.md`` §3:
hooks come first): prepare → PreToolUse → (``updatedInput``: prepare again) → the engine →
PreToolUse ``ask``/``allow`` combined (:func:`tui.hooks.calls.with_pre_tool_use`) → if it asks,
PermissionRequest → the card → the tool → PostToolUse.  Turn level: UserPromptSubmit before the
prompt is sent, Stop when the model ends its turn; session level: SessionStart
(:meth:`HookSteps.session_start`) and ConfigChange (:meth:`HookSteps.config_change`).

Part of the agent, not of :mod:`tui.hooks`: it reports through the agent's events and works on
the loop's pending calls; the hooks package (settings, runner, protocol, gate, the pure
:mod:`tui.hooks.calls`) stays below the agent.  Never imports Textual.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tui.agent import events as ev
from tui.permissions import decide
from tui.permissions.decision import Decision

if TYPE_CHECKING:
    from tui.agent.loop import _Pending
    from tui.hooks.protocol import HookOutcome
    from tui.hooks.runner import HookRunner
    from tui.permissions.context import PermissionContext
    from tui.tools.base import Tool, ToolCall, ToolContext

__all__ = ["MAX_STOP_CONTINUATIONS", "HookSteps"]

MAX_STOP_CONTINUATIONS = 8
"""Stop hooks may continue a turn this many times in a row (REF §8.4)."""


class HookSteps:
    """The hook events of the agent loop; see the module docstring for where each fires."""

    if TYPE_CHECKING:  # provided by the Agent dataclass
        hooks: HookRunner | None
        sink: Any
        tool_ctx: ToolContext
        perm_ctx: PermissionContext
        notes: list[str]
        _hook_stop: str | None
        _hooks_reported: object

        def describe(self, call: ToolCall, detailed: Any = None) -> Any: ...
        def _analyze(self, call: ToolCall) -> Any: ...
        def _append_user(self, blocks: list[dict[str, Any]]) -> None: ...

    async def session_start(self, source: str = "startup") -> None:
        """Run SessionStart hooks; call once after connecting (``"startup"``) and after
        ``/clear`` (``"clear"``).  Their ``additionalContext`` (and plain stdout) becomes a
        note sent with the next prompt; hook settings problems are reported as notices."""
        if self.hooks is None:
            return
        self._report_hook_problems()
        if not self.hooks.has("SessionStart"):
            return
        outcome = await self._hook("SessionStart", {"source": source}, match=source)
        self.notes += [f"Context from a SessionStart hook: {c}" for c in outcome.context]

    async def config_change(self, source: str, file_path: str) -> bool:
        """Run ConfigChange hooks before a changed settings file is applied (REF §8.4).

        Args:
            source: ``"user_settings"``, ``"project_settings"``, ``"local_settings"``,
                ``"policy_settings"`` or ``"skills"`` (what the matcher filters).
            file_path: the changed file, absolute.

        Returns:
            True when a hook blocked the change (do not apply it).  Managed settings
            (``policy_settings``) cannot be blocked: False, with a notice.
        """
        if self.hooks is None or not self.hooks.has("ConfigChange"):
            return False
        outcome = await self._hook("ConfigChange", {"source": source, "file_path": file_path},
                                   match=source)
        if not outcome.blocked:
            return False
        if source == "policy_settings":
            self.sink(ev.Notice(f"A ConfigChange hook{outcome.where} tried to block a change "
                                f"to managed settings ({file_path}); managed settings always "
                                "apply.", "warning"))
            return False
        self.sink(ev.Notice(f"A ConfigChange hook{outcome.where} blocked the change to "
                            f"{file_path}; it is not applied.", "warning"))
        return True

    def _report_hook_problems(self) -> None:
        """Each problem of the current hook configuration as a notice, once per HookSet."""
        assert self.hooks is not None
        hooks = self.hooks.hooks
        if self._hooks_reported is hooks:
            return
        self._hooks_reported = hooks
        for problem in hooks.problems:
            self.sink(ev.Notice(f"Hook settings: {problem}", problem.severity))

    async def _hook(self, event: str, fields: dict[str, Any], *, match: str | None = None,
                    call: ToolCall | None = None, analysis: Any = None) -> HookOutcome:
        """Run ``event``'s hooks; their notices (errors, ``systemMessage``) go to the sink."""
        assert self.hooks is not None
        if_match = None
        if call is not None:
            from tui.hooks.condition import if_matches

            ctx = self.perm_ctx

            def if_match(text: str) -> bool | None:
                return if_matches(text, call, ctx, analysis)

        outcome = await self.hooks.run(event, cwd=self.tool_ctx.cwd, env=self.tool_ctx.env,
                                       mode=self.perm_ctx.mode, fields=fields, match=match,
                                       if_match=if_match)
        for text, severity in outcome.notices:
            self.sink(ev.Notice(text, severity))
        if outcome.stop and event != "UserPromptSubmit":
            why = outcome.stop_reason.strip()
            self.sink(ev.Notice(f"A {event} hook stopped the turn" + (f": {why}" if why else
                                                                       "."), "warning"))
        return outcome

    async def _tool_hook(self, event: str, call: ToolCall, analysis: Any = None,
                         **extra: Any) -> HookOutcome:
        """A tool event's hooks for ``call``: ``tool_name``, ``tool_input`` (absolute paths),
        ``tool_use_id`` (not for PermissionRequest) and ``extra`` fields."""
        from tui.hooks.calls import tool_fields

        fields = tool_fields(call, self.tool_ctx)
        if event == "PermissionRequest":
            del fields["tool_use_id"]
        fields.update(extra)
        return await self._hook(event, fields, match=call.name, call=call, analysis=analysis)

    def _hook_stopped(self, p: _Pending, outcome: HookOutcome) -> None:
        """``continue: false``: this call is not run, nor any other of the turn."""
        from tui.hooks.calls import HOOK_STOPPED

        why = outcome.stop_reason.strip()
        self._hook_stop = why or "a hook stopped the turn"
        text = f"A {outcome.event} hook stopped the turn" + (f": {why}" if why else ".")
        p.decision = Decision("deny", text, source=outcome.source, trace=(f"→ deny: {text}",))
        p.denial = HOOK_STOPPED + (f" Reason: {why}" if why else "")

    async def _reprepare(self, p: _Pending, tool: Tool, new_input: dict[str, Any],
                         source: str) -> bool:
        """Prepare ``p`` again from a hook's ``updatedInput``; False (and an error result for
        the model) when the tool rejects it."""
        from tui.tools.base import ToolInputError, ToolResult

        try:
            p.call = await tool.prepare(p.tool_use_id, new_input, self.tool_ctx)
        except ToolInputError as exc:
            text = f"A hook ({source}) replaced this call's input with one that is not valid: {exc}"
            p.result = ToolResult(text, is_error=True)
            self.sink(ev.ToolCallInvalid(p.tool_use_id, p.name, text))
            return False
        p.call.hook_updated_input = source
        return True

    async def _decide(self, p: _Pending, tool: Tool) -> Any:
        """PreToolUse hooks, then the engine (REF §2.7: hooks come before the rules).

        A hook's deny (or exit 2) denies without asking the engine; ``updatedInput`` is
        prepared again and decided by the engine like the model's own input; ``ask`` and
        ``allow`` are combined with the engine's decision (:func:`tui.hooks.calls.
        with_pre_tool_use`).  Sets ``p.decision`` (or ``p.result`` for invalid new input);
        returns the command's detailed analysis.
        """
        assert p.call is not None
        outcome = None
        if self.hooks is not None and self.hooks.has("PreToolUse"):
            from tui.hooks.calls import denial_text, deny_decision

            outcome = await self._tool_hook("PreToolUse", p.call)
            if outcome.stop:
                self._hook_stopped(p, outcome)
                return None
            if outcome.decision == "deny":
                p.decision = deny_decision(outcome)
                p.denial = denial_text(outcome)
                return None
            if outcome.updated_input is not None and \
                    not await self._reprepare(p, tool, outcome.updated_input, outcome.source):
                return None
        assert p.call is not None
        detailed = self._analyze(p.call)
        analysis = detailed.analysis if detailed is not None else None
        p.decision = decide(p.call, self.perm_ctx, analysis)
        if outcome is not None:
            from tui.hooks.calls import with_pre_tool_use

            if outcome.updated_input is not None:
                p.decision = replace(p.decision, trace=(
                    (f"input replaced by {outcome.source} (updatedInput); decided on the new "
                     "input"), *p.decision.trace))
            p.decision = with_pre_tool_use(p.decision, outcome, p.call, self.perm_ctx, analysis)
        return detailed

    async def _permission_request(self, p: _Pending, tool: Tool, detailed: Any,
                                  suggested: list[str]) -> Any:
        """PermissionRequest hooks for a call that would ask, before its card is shown.

        ``allow`` runs it without the card (an ``updatedInput`` is prepared and decided again:
        a deny rule still wins; an ask rule keeps the card); ``deny`` denies it with the
        hook's message for the model.  Returns the (possibly new) detailed analysis.
        """
        from tui.hooks.calls import (
            denial_text,
            deny_decision,
            permission_request_allows,
            permission_suggestions,
        )

        assert p.call is not None and p.decision is not None
        analysis = detailed.analysis if detailed is not None else None
        outcome = await self._tool_hook("PermissionRequest", p.call, analysis,
                                        permission_suggestions=permission_suggestions(suggested))
        if outcome.stop:
            self._hook_stopped(p, outcome)
            return detailed
        if outcome.decision == "deny":
            p.decision = deny_decision(outcome, p.decision.trace)
            p.denial = denial_text(outcome)
            return detailed
        if outcome.decision != "allow":
            return detailed
        asked = p.decision
        if outcome.updated_input is not None and asked.rule is None:
            if not await self._reprepare(p, tool, outcome.updated_input, outcome.source):
                return None
            detailed = self._analyze(p.call)
            analysis = detailed.analysis if detailed is not None else None
            asked = decide(p.call, self.perm_ctx, analysis)
            asked = replace(asked, trace=((f"input replaced by {outcome.source} (updatedInput); "
                                           "decided on the new input"), *asked.trace))
            if asked.behavior != "ask":
                p.decision = asked  # a deny rule wins; rules allow the new input anyway
                return detailed
        p.decision = permission_request_allows(asked, outcome)
        return detailed

    async def _post_tool_use(self, p: _Pending) -> None:
        """PostToolUse hooks after a call ran: their block reason (exit 2's stderr) and
        ``additionalContext`` are added to what the model sees (REF §8.4)."""
        from tui.hooks.calls import post_tool_feedback, tool_response
        from tui.tools.base import ToolResult

        assert p.call is not None and p.result is not None
        outcome = await self._tool_hook("PostToolUse", p.call,
                                        tool_response=tool_response(p.call, p.result))
        feedback = post_tool_feedback(outcome)
        if feedback:
            p.result = ToolResult(f"{p.result.content}\n\n{feedback}", p.result.is_error)
        if outcome.stop:
            why = outcome.stop_reason.strip()
            self._hook_stop = why or "a hook stopped the turn"

    async def _stop_hook(self, content: list[dict[str, Any]], continuations: int) -> bool:
        """Stop hooks when the model ends its turn; True when one blocks with a reason and the
        turn continues with that reason as a new user message (at most
        :data:`MAX_STOP_CONTINUATIONS` times in a row, REF §8.4)."""
        if self.hooks is None or not self.hooks.has("Stop"):
            return False
        text = "\n".join(b["text"] for b in content if b["type"] == "text")
        outcome = await self._hook("Stop", {"stop_hook_active": continuations > 0,
                                            "last_assistant_message": text})
        self.notes += [f"Context from a Stop hook: {c}" for c in outcome.context]
        reason = outcome.reason.strip()
        if outcome.stop or not outcome.blocked or not reason:
            return False
        if continuations >= MAX_STOP_CONTINUATIONS:
            self.sink(ev.Notice(f"Stop hooks asked the model to continue "
                                f"{MAX_STOP_CONTINUATIONS} times in a row; Warden ends the turn "
                                "here.", "warning"))
            return False
        first = reason.splitlines()[0]
        self.sink(ev.Notice(f"A Stop hook{outcome.where} asked the model to continue: "
                            f"{first}"))
        self._append_user([{"type": "text", "text": f"Stop hook feedback: {reason}"}])
        return True
