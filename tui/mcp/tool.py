"""An MCP server's tool as a Warden tool: ``mcp__<server>__<tool>``, permission class ``mcp``.

Every call goes through the permission engine like any other tool (REF §1.1: MCP tools ask by
default; ``mcp__server`` and ``mcp__server__tool`` rules allow or deny, REF §2.6).  The input is
checked against the server's JSON Schema (``jsonschema``) before the engine sees it, and the
result comes back as plain text; the agent loop wraps it as untrusted data and runs the
injection detector on it (:mod:`tui.untrusted`: an ``mcp__`` tool's output is an
``mcp_result``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from tui.toolclasses import PermissionClass
from tui.tools.base import Tool, ToolCall, ToolContext, ToolInputError, ToolResult

if TYPE_CHECKING:
    from tui.mcp.approvals import ToolInfo
    from tui.mcp.client import McpConnection

__all__ = ["MAX_NAME", "McpInput", "McpTool", "tool_name"]

MAX_NAME = 64
"""Most characters of a tool name the Messages API accepts (``^[A-Za-z0-9_-]{1,64}$``)."""
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
SUMMARY_WIDTH = 200


def tool_name(server: str, tool: str) -> str | None:
    """``mcp__<server>__<tool>``, characters the API does not accept in ``tool`` replaced by
    ``_`` (as Claude Code does); None when the result is longer than :data:`MAX_NAME`."""
    name = f"mcp__{server}__{_UNSAFE.sub('_', tool)}"
    return name if len(name) <= MAX_NAME and tool else None


class McpInput(BaseModel):
    """Any JSON object: the server's own schema is checked in :meth:`McpTool.prepare_call`."""

    model_config = ConfigDict(extra="allow")


class McpTool(Tool[McpInput]):
    """One approved, pinned tool of a connected server.

    Args:
        connection: the server's live connection.
        info: the tool as listed (and pinned).
        name: its Warden name (:func:`tool_name`).
    """

    # No class-level name: each instance has its own (and :mod:`tui.toolclasses` classes every
    # mcp__ name as "mcp" already).
    Input = McpInput
    permission_class: ClassVar[PermissionClass] = "mcp"

    def __init__(self, connection: McpConnection, info: ToolInfo, name: str) -> None:
        self.connection = connection
        self.info = info
        self.server = connection.spec.name
        self.name = name  # type: ignore[misc]  # one class, many names
        self.description = info.description  # type: ignore[misc]
        self._validator: Any = None

    def input_schema(self) -> dict[str, Any]:
        """The server's input schema, as an object schema (the API requires one)."""
        schema = dict(self.info.input_schema)
        if schema.get("type") != "object":
            schema = {"properties": {}, **schema, "type": "object"}
        return schema

    def schema(self) -> dict[str, Any]:
        """The definition sent to the model: the pinned description and schema, labelled
        with the server."""
        return {"name": self.name,
                "description": f"(MCP server {self.server}) {self.info.description}".strip(),
                "input_schema": self.input_schema()}

    def _check(self, raw: Mapping[str, Any]) -> None:
        import jsonschema

        if self._validator is None:
            schema = self.input_schema()
            try:
                cls = jsonschema.validators.validator_for(schema)
                cls.check_schema(schema)
                self._validator = cls(schema)
            except jsonschema.SchemaError as exc:
                raise ToolInputError(f"{self.name}: the server's input schema is invalid "
                                     f"({exc.message}); the call was not made") from None
        errors = sorted(self._validator.iter_errors(dict(raw)), key=lambda e: list(e.path))
        if errors:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e.path) or 'input'}: {e.message}" for e in errors[:5])
            raise ToolInputError(f"Invalid input for {self.name}: {problems}")

    async def prepare_call(self, tool_use_id: str, raw: dict[str, Any], params: McpInput,
                           ctx: ToolContext) -> ToolCall[McpInput]:
        """Check ``raw`` against the server's schema; the summary is ``tool {args}``."""
        self._check(raw)
        args = json.dumps(raw, ensure_ascii=False, separators=(", ", ": "))
        summary = f"{self.info.name} {args}"
        if len(summary) > SUMMARY_WIDTH:
            summary = summary[:SUMMARY_WIDTH - 1] + "…"
        return ToolCall(tool_use_id=tool_use_id, name=self.name, input=raw, params=params,
                        permission_class="mcp", summary=summary)

    async def run(self, call: ToolCall[McpInput], ctx: ToolContext) -> ToolResult:
        """Call the tool on its server; the text is cut to ``ctx.output_limit``."""
        outcome = await self.connection.call(self.info.name, call.input)
        text = outcome.text
        if len(text) > ctx.output_limit:
            text = (text[:ctx.output_limit]
                    + f"\n[cut: {len(outcome.text) - ctx.output_limit} more characters]")
        return ToolResult(text, is_error=outcome.is_error)
