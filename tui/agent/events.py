"""What the agent loop reports while a turn runs.

The agent calls its sink with these plain dataclasses; the TUI wraps each in a Textual message,
tests collect them in a list.  The order within a turn is::

    TurnStarted, (TextDelta* TextDone)?, (ToolCallPrepared, ApprovalNeeded?)*,
    (ToolFinished InjectionFlagged?)*, ...,
    TurnFinished | AgentError
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.approvals import ApprovalRequest
    from tui.permissions.decision import Decision
    from tui.tools.base import ToolCall, ToolResult
    from tui.untrusted import Flagged


@dataclass(frozen=True, slots=True)
class TurnStarted:
    """A user prompt was accepted and the model is being asked."""

    prompt: str


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the model's Markdown answer, as it streams."""

    text: str


@dataclass(frozen=True, slots=True)
class TextDone:
    """The current text block of the model's answer is complete."""


@dataclass(frozen=True, slots=True)
class ToolCallPrepared:
    """The model asked for a tool call; the engine has decided on it."""

    call: ToolCall
    decision: Decision


@dataclass(frozen=True, slots=True)
class ToolCallInvalid:
    """The model asked for a tool call that could not be prepared (bad input, unknown tool)."""

    tool_use_id: str
    name: str
    error: str


@dataclass(frozen=True, slots=True)
class ApprovalNeeded:
    """A call waits for the user; resolve ``request.future`` with an Answer."""

    request: ApprovalRequest


@dataclass(frozen=True, slots=True)
class ToolFinished:
    """A call ran, was denied, or was not run; ``result`` is what the model receives."""

    call: ToolCall
    result: ToolResult
    ran: bool


@dataclass(frozen=True, slots=True)
class TurnFinished:
    """The turn ended: ``stop_reason`` from the API, or ``"interrupted"``/``"denied"``."""

    stop_reason: str


@dataclass(frozen=True, slots=True)
class AgentError:
    """The turn failed (API error after the SDK's retries, connection refused...)."""

    message: str


@dataclass(frozen=True, slots=True)
class ModelResolved:
    """The model name in use is known (the default needs the SDK's model list)."""

    model: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should read: a settings problem, a saved rule, a refused mode."""

    text: str
    severity: str = "information"


@dataclass(frozen=True, slots=True)
class ModeChanged:
    """The permission mode in force changed (settings loaded, Shift+Tab)."""

    mode: str


@dataclass(frozen=True, slots=True)
class SettingsReloaded:
    """Settings files changed and the policy was reloaded; it applies from the next tool call.

    ``paths``: the files (or directories) that changed; ``problems``: every current settings
    problem and rule warning (``path:line:col: message``); ``new_problems``: those not reported
    before; ``external``: True when someone other than Warden changed a file.
    """

    paths: tuple[str, ...]
    problems: tuple[str, ...] = ()
    new_problems: tuple[str, ...] = ()
    external: bool = True


@dataclass(frozen=True, slots=True)
class ReadOnlyChecks:
    """How commands Warden judges read-only are checked (issue 10 item 1): ``contained`` when
    they run in the read-only sandbox; otherwise the analysis alone decides and ``reason`` says
    why bubblewrap cannot run (``warden doctor`` says how to fix it)."""

    contained: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class InjectionFlagged:
    """The injection detector found text in a tool's result that tries to instruct the agent
    (issue 13 item 4).  Reported after the call's :class:`ToolFinished`; the chat shows a
    warning, and every approval card that follows in the same turn says so."""

    call: ToolCall
    flagged: Flagged


AgentEvent = (
    TurnStarted | TextDelta | TextDone | ToolCallPrepared | ToolCallInvalid | ApprovalNeeded
    | ToolFinished | TurnFinished | AgentError | ModelResolved | Notice | ModeChanged
    | SettingsReloaded | ReadOnlyChecks | InjectionFlagged
)
