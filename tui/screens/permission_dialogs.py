"""The small dialogs of ``/permissions``: a rule (add or edit), a directory (add), confirm
delete, pick a scope.

Each is a :class:`~textual.screen.ModalScreen` that dismisses with a typed result (None when
cancelled with escape); the permissions screen does the writing.  Rule text is the user's own
but may be pasted from anywhere: it is shown with markup off.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from tui.permissions.editor import SCOPE_HELP, WRITABLE_SCOPES, check_rule_text


@dataclass(frozen=True)
class RuleDialogResult:
    """What the rule dialog returns: the rule text and the scope to write it to."""

    text: str
    scope: str


class RuleDialog(ModalScreen[RuleDialogResult | None]):
    """Type a rule (validated as you type); for a new rule, choose its scope.  Enter saves."""

    CSS_PATH = "permission_dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="rule_dialog.cancel")]

    def __init__(self, behavior: str, anchor: Path, *, text: str = "",
                 scope: str | None = None) -> None:
        super().__init__()
        self.behavior = behavior
        self.rule_anchor = anchor
        """Where the rule's relative paths start (not ``anchor``: Textual's widgets have an
        ``anchor()`` method)."""
        self.initial = text
        self.editing = scope is not None
        self.scope = scope or "local"

    def compose(self) -> ComposeResult:
        verb = "Edit the" if self.editing else "Add an" if self.behavior in ("allow", "ask") \
            else "Add a"
        with Vertical(classes="dialog"):
            yield Label(f"{verb} {self.behavior} rule", classes="dialog--title")
            yield Input(self.initial, placeholder="e.g. Bash(npm test *), Read(./.env), WebFetch"
                        "(domain:docs.python.org)", id="rule-text", select_on_focus=False)
            yield Static("", id="rule-problem", markup=False)
            if self.editing:
                yield Static(f"In {self.scope} settings ({SCOPE_HELP[self.scope]}).",
                             classes="dialog--hint", markup=False)
            else:
                with RadioSet(id="rule-scope"):
                    for scope in WRITABLE_SCOPES:
                        yield RadioButton(f"{scope}: {SCOPE_HELP[scope]}", value=scope == "local",
                                          name=scope)
            yield Static("enter: save · tab: scope · esc: cancel", classes="dialog--hint")

    def on_mount(self) -> None:
        self.query_one("#rule-text", Input).focus()
        self._validate(self.initial)

    def _validate(self, text: str) -> str | None:
        problem = check_rule_text(text, self.behavior, self.rule_anchor) if text else None
        self.query_one("#rule-problem", Static).update(
            Content.styled(problem or "", "$text-error"))
        return problem

    @on(Input.Changed, "#rule-text")
    def _changed(self, event: Input.Changed) -> None:
        self._validate(event.value)

    @on(RadioSet.Changed, "#rule-scope")
    def _scope(self, event: RadioSet.Changed) -> None:
        self.scope = event.pressed.name or "local"

    @on(Input.Submitted, "#rule-text")
    def _submitted(self, event: Input.Submitted) -> None:
        problem = check_rule_text(event.value, self.behavior, self.rule_anchor)
        if problem is not None:
            self._validate(event.value or " ")
            return
        self.dismiss(RuleDialogResult(event.value, self.scope))

    def action_cancel(self) -> None:
        self.dismiss(None)


DirectoryCheck = Callable[[str, str], tuple[Path | None, str | None]]
"""``(text, scope) -> (resolved path, problem)``: see :func:`tui.permissions.workspace.
check_directory` (it touches the file system, so the dialog calls it in a thread)."""


class DirectoryDialog(ModalScreen[RuleDialogResult | None]):
    """Type a directory and choose the settings file that lists it; the resolved path (or why
    it cannot be added) shows as you type.  Enter adds."""

    CSS_PATH = "permission_dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="directory_dialog.cancel")]

    def __init__(self, check: DirectoryCheck) -> None:
        super().__init__()
        self.check = check
        self.scope = "local"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Add a working directory", classes="dialog--title")
            yield Static("Files there are treated like the project's: read without asking, "
                         "edited per the mode.", classes="dialog--hint", markup=False)
            yield Input(placeholder="e.g. ../docs, ~/notes, /srv/data", id="dir-path",
                        select_on_focus=False)
            yield Static("", id="dir-preview", markup=False)
            with RadioSet(id="dir-scope"):
                for scope in WRITABLE_SCOPES:
                    yield RadioButton(f"{scope}: {SCOPE_HELP[scope]}", value=scope == "local",
                                      name=scope)
            yield Static("enter: add · tab: scope · esc: cancel", classes="dialog--hint")

    def on_mount(self) -> None:
        self.query_one("#dir-path", Input).focus()

    @property
    def path_text(self) -> str:
        return self.query_one("#dir-path", Input).value

    def _preview(self, path: Path | None, problem: str | None) -> None:
        preview = self.query_one("#dir-preview", Static)
        if problem is not None:
            preview.update(Content.styled(problem, "$text-error"))
        elif path is not None:
            preview.update(Content.assemble(("→ ", "dim"), str(path)))
        else:
            preview.update("")

    @on(Input.Changed, "#dir-path")
    @on(RadioSet.Changed, "#dir-scope")
    def _changed(self, event: Input.Changed | RadioSet.Changed) -> None:
        if isinstance(event, RadioSet.Changed):
            self.scope = event.pressed.name or "local"
        self._validate(quiet_empty=True)

    @work(exclusive=True, group="directory-check")
    async def _validate(self, quiet_empty: bool = False) -> None:
        text = self.path_text
        if not text and quiet_empty:
            self._preview(None, None)
            return
        self._preview(*await asyncio.to_thread(self.check, text, self.scope))

    @on(Input.Submitted, "#dir-path")
    async def _submitted(self, event: Input.Submitted) -> None:
        text, scope = event.value, self.scope
        path, problem = await asyncio.to_thread(self.check, text, scope)
        if problem is not None:
            self._preview(path, problem)
            return
        self.dismiss(RuleDialogResult(text, scope))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: ``y`` confirms, ``n`` or escape cancels."""

    CSS_PATH = "permission_dialogs.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False)
            yield Static("y: yes · n: no", classes="dialog--hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ScopeDialog(ModalScreen[str | None]):
    """Pick the scope to move a rule to (the other writable scopes); enter picks."""

    CSS_PATH = "permission_dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="scope_dialog.cancel")]

    def __init__(self, rule: str, current: str, notes: dict[str, str | None]) -> None:
        super().__init__()
        self.rule = rule
        self.current = current
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.assemble("Move ", (self.rule, "bold"),
                                          f" from {self.current} settings to:"))
            yield OptionList(*(Option(f"{s}: {SCOPE_HELP[s]}", id=s) for s in WRITABLE_SCOPES
                               if s != self.current), id="scopes")
            yield Static("", id="scope-note", markup=False)
            yield Static("enter: move · esc: cancel", classes="dialog--hint")

    def on_mount(self) -> None:
        self.query_one("#scopes", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#scopes")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        note = self.notes.get(event.option.id or "")
        self.query_one("#scope-note", Static).update(Content.styled(note or "", "$text-warning"))

    @on(OptionList.OptionSelected, "#scopes")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
