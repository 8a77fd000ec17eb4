"""The tool seam: what every tool the model can call looks like (UI-free).

A tool turns the model's raw ``tool_use`` input into a :class:`ToolCall` (validated, paths made
absolute, the proposed :class:`~tui.diffs.FileChange` computed for edits) in :meth:`Tool.prepare`;
the permission engine decides on that call; only then :meth:`Tool.run` performs it.  Inputs follow
Claude Code's tool inputs (``reference/claude-code-security-model.md`` §8.3).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from tui.diffs import FileChange
from tui.toolclasses import PermissionClass, declare

if TYPE_CHECKING:
    from tui.permissions.sandbox_mode import SandboxProfile
    from tui.tools.web_isolation import IsolatedModel

InputT = TypeVar("InputT", bound=BaseModel)
"""A tool's pydantic input model (``BashInput``, ``ReadInput``...)."""


class ToolInputError(ValueError):
    """The model's input for a tool is invalid; the message is returned to it as an error."""


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What goes back to the model as a ``tool_result`` block.

    ``content`` is plain text; ``is_error`` marks failures (non-zero exit, missing file, denial).
    ``findings`` are prompt-injection findings (``tui.injection``) in text the result was made
    from but does not carry (WebFetch: the fetched page, of which only the isolated model's
    answer is in ``content``), for the UI to warn about; empty when none (or not scanned).
    """

    content: str
    is_error: bool = False
    findings: tuple[Any, ...] = ()


SUMMARY_WIDTH = 120
"""Most characters of the one-line outcome shown under a call in the chat (:func:`outcome_line`)."""


def result_lines(result: ToolResult) -> list[str]:
    """The lines of ``result`` a summary is made from: its content without the sandbox's
    ``<sandbox_violations>`` block (the chat shows those notes apart), stripped."""
    return result.content.split("\n<sandbox_violations>", 1)[0].strip().splitlines()


def first_line(result: ToolResult) -> str:
    """The first line of ``result`` (:func:`result_lines`), or ``"(no output)"``."""
    lines = result_lines(result)
    return lines[0] if lines else "(no output)"


def outcome_line(tool: Tool[Any] | None, result: ToolResult, ran: bool) -> str:
    """The line under a finished call in the chat: ``tool``'s own :meth:`Tool.summarise` when
    the call ran, else ``"not run: "`` and the first line of why; at most
    :data:`SUMMARY_WIDTH` characters (cut with ``…``).  ``tool`` is ``None`` when the agent
    does not know it: the first line then."""
    if ran:
        text = tool.summarise(result) if tool is not None else first_line(result)
    else:
        text = first_line(result)
    if len(text) > SUMMARY_WIDTH:
        text = text[:SUMMARY_WIDTH - 3] + "…"
    return text if ran else f"not run: {text}"


@dataclass(frozen=True)
class ToolContext:
    """Where tools run.

    Attributes:
        cwd: the directory Warden was started in (absolute, resolved).
        additional_dirs: further working directories (``--add-dir``), absolute.
        env: environment for Bash commands; ``None`` means the current process environment.
        output_limit: maximum characters of tool output returned to the model.
        sandbox: what Bash calls with a :attr:`ToolCall.sandbox_profile` run in (the session,
            whose ``run`` picks the runner for the profile); ``None`` when the sandbox is off.
        read_denied: true for an absolute path that Grep and Glob must leave out of their
            results because a ``Read`` deny or ask rule matches it (the agent binds
            :func:`tui.permissions.globreads.read_hidden` to its policy); ``None``: nothing is
            hidden.  Called for the path as walked and for its real path when they differ.
        isolated_model: the model WebFetch asks about a fetched page in a request of its own
            (:class:`tui.tools.web_isolation.IsolatedModel`: the session's client and a small
            model); ``None``: WebFetch refuses to run (it never returns a raw page).
    """

    cwd: Path
    additional_dirs: tuple[Path, ...] = ()
    env: Mapping[str, str] | None = None
    output_limit: int = 30_000
    sandbox: Any = None
    read_denied: Callable[[Path], bool] | None = None
    isolated_model: IsolatedModel | None = None

    @property
    def working_dirs(self) -> tuple[Path, ...]:
        """The working directories: ``cwd`` first, then the additional ones."""
        return (self.cwd, *self.additional_dirs)

    def resolve(self, path: str) -> Path:
        """Make ``path`` absolute against ``cwd`` (``~`` expanded), without following symlinks."""
        p = Path(path).expanduser()
        if not p.is_absolute():
            p = self.cwd / p
        return Path(_normpath(str(p)))

    def display(self, path: Path) -> str:
        """``path`` relative to ``cwd`` when inside it, else absolute; for showing to people."""
        try:
            return str(path.relative_to(self.cwd))
        except ValueError:
            return str(path)


def _normpath(p: str) -> str:
    import os.path

    return os.path.normpath(p)


@dataclass
class ToolCall(Generic[InputT]):
    """One prepared ``tool_use``: validated and ready for the permission engine.

    The tool fills the fields up to ``change`` in :meth:`Tool.prepare`; the ones after it are
    set while the call is decided and run (their defaults mean "not set").

    Attributes:
        tool_use_id: the ``id`` of the model's ``tool_use`` block.
        name: tool name, e.g. ``"Bash"``.
        input: the raw input as the model sent it.
        params: the validated input model (the tool's ``Input``).
        permission_class: ``"read"``, ``"edit"`` or ``"shell"``.
        summary: one line for people: the command, or the display path.
        description: the model's own ``description`` of a Bash command, if any.
        paths: absolute paths the call reads or writes.
        command: the shell command for Bash.
        change: the proposed file change for Edit/Write; the agent loop replaces it with the
            version in the user's :class:`~tui.approvals.Answer` (accepted hunks only, or the
            user's own edit) before it is written.
        sandbox_profile: where a Bash command runs
            (:data:`tui.permissions.sandbox_mode.SandboxProfile`: ``"sandbox"``,
            ``"auto-allow"`` or ``"read-only"``); ``None``: plainly.
        hook_updated_input: the hook (its source) whose ``updatedInput`` this call was prepared
            from again (REF §8), or ``None``.
        edited_by_user: the user replaced the proposed change with their own version (``o``,
            ``$EDITOR``) before approving it; the model is told.
        containment_failed: why the read-only sandbox could not start for a command allowed
            as read-only (set by the Bash tool; the loop then asks whether to run it plainly,
            and clears it).
        sandbox_notes: what the sandbox blocked while the command ran (one sentence each,
            set by the Bash tool; shown in the chat).
        bash_changes: files a command that ``acceptEdits`` approved changed, as
            :class:`~tui.diffs.FileChange` (``tui.bash_changes``); they join the changes-this-turn
            review.
    """

    tool_use_id: str
    name: str
    input: dict[str, Any]
    params: InputT
    permission_class: PermissionClass
    summary: str
    description: str | None = None
    paths: tuple[Path, ...] = ()
    command: str | None = None
    change: FileChange | None = None
    sandbox_profile: SandboxProfile | None = None
    hook_updated_input: str | None = None
    edited_by_user: bool = False
    containment_failed: str | None = None
    sandbox_notes: tuple[str, ...] = ()
    bash_changes: tuple[FileChange, ...] = ()

    @property
    def sandboxed(self) -> bool:
        """True when the command runs in a sandbox (any :attr:`sandbox_profile`)."""
        return self.sandbox_profile is not None

    @property
    def record_id(self) -> str:
        """The id records list this call under (its ``tool_use_id``), as every
        :data:`~tui.approvals.ApprovalSubject` has one."""
        return self.tool_use_id


class Tool(ABC, Generic[InputT]):
    """Base class of the built-in tools, generic over the tool's input model.

    Subclasses are declared as ``class Bash(Tool[BashInput])``; they set ``name``,
    ``description`` (shown to the model), ``Input`` (the same pydantic model) and
    ``permission_class``, and implement :meth:`prepare_call` and :meth:`run`, which receive the
    validated input typed as that model.  A tool overrides :meth:`summarise` to describe its
    own results in the chat better than by their first line.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    Input: type[InputT]
    permission_class: ClassVar[PermissionClass]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A concrete tool tells :mod:`tui.toolclasses` its class, so a bare tool name
        (``warden check``, a hook's ``if``) is classed the way its calls are."""
        super().__init_subclass__(**kwargs)
        name, klass = cls.__dict__.get("name"), cls.__dict__.get("permission_class")
        if isinstance(name, str) and isinstance(klass, str):
            declare(name, klass)  # type: ignore[arg-type]

    def schema(self) -> dict[str, Any]:
        """The tool definition for the Messages API ``tools`` parameter."""
        schema = self.Input.model_json_schema(by_alias=True)
        schema.pop("title", None)
        for prop in schema.get("properties", {}).values():
            prop.pop("title", None)
        return {"name": self.name, "description": self.description, "input_schema": schema}

    async def prepare(self, tool_use_id: str, raw: dict[str, Any],
                      ctx: ToolContext) -> ToolCall[InputT]:
        """Validate ``raw`` and build the :class:`ToolCall`.

        Raises:
            ToolInputError: the input does not match the tool's schema, or names a path that
                cannot be used (the message says why, for the model).
        """
        if not isinstance(raw, dict):
            raise ToolInputError(f"{self.name} input must be a JSON object")
        try:
            params = self.Input.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'input'}: {err['msg']}"
                for err in exc.errors()
            )
            raise ToolInputError(f"Invalid input for {self.name}: {problems}") from None
        return await self.prepare_call(tool_use_id, raw, params, ctx)

    @abstractmethod
    async def prepare_call(
        self, tool_use_id: str, raw: dict[str, Any], params: InputT, ctx: ToolContext
    ) -> ToolCall[InputT]:
        """Build the call from validated ``params`` (may read files, never writes)."""

    @abstractmethod
    async def run(self, call: ToolCall[InputT], ctx: ToolContext) -> ToolResult:
        """Perform an approved call.  Failures come back as ``ToolResult(is_error=True)``."""

    def summarise(self, result: ToolResult) -> str:
        """One line for people about a result of this tool's call that ran (the chat shows
        it under the call; :func:`outcome_line` cuts it to width).  By default the result's
        first line; tools override it to say more (``read 42 lines``)."""
        return first_line(result)
