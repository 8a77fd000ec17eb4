"""The workspace trust screen: what a folder's own files would grant, and the three answers.

REF §7.3: the first time Warden starts in a folder it shows everything the folder's
repository-supplied settings would grant (allow rules, additional directories, a start mode,
hooks, ``env``, helper commands, MCP servers) and the git config keys that run programs.  Until
the answer is "trust", only those files' deny and ask rules apply (:mod:`tui.settings.trustgate`).
Warden keeps running either way.

Everything shown comes from the repository, so it is rendered with markup off.
"""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.trust_report import TrustReport, report_lines

TrustAnswer = Literal["trust", "session", "no"]
"""``"trust"``: trust and remember; ``"session"``: trust until Warden exits; ``"no"``: don't
trust (remembered; ``warden trust`` changes it)."""


class TrustScreen(ModalScreen[TrustAnswer]):
    """Asks whether to trust the folder; dismissed with a :data:`TrustAnswer`.

    | Key | Answer |
    |---|---|
    | ``t`` | trust this folder (remembered) |
    | ``s`` | trust for this session only |
    | ``n``, ``escape`` | don't trust (fail closed) |

    In the home directory trust is never remembered, so ``t`` is not offered.
    """

    CSS_PATH = "trust.tcss"

    BINDINGS = [
        Binding("t", "answer('trust')", "Trust", id="trust.trust"),
        Binding("s", "answer('session')", "This session", id="trust.session"),
        Binding("n", "answer('no')", "Don't trust", id="trust.no"),
        Binding("escape", "answer('no')", "Don't trust", show=False, id="trust.escape"),
    ]

    def __init__(self, report: TrustReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        key = self.report.key
        lines = report_lines(self.report)
        with Vertical(id="trust-dialog"):
            yield Static(Content.assemble("Do you trust the files in ", (str(key.root), "bold"),
                                          "?"), id="trust-title")
            if self.report.grants_anything():
                intro = ("Its own settings would grant what follows. Until you trust it, "
                         "only their deny and ask rules apply.")
            else:
                intro = ("Its own settings grant nothing today. If they change, trust lets "
                         "them grant (allow rules, hooks, env, MCP servers) without asking "
                         "you again.")
            yield Static(intro, id="trust-intro", markup=False)
            with VerticalScroll(id="trust-grants"):
                yield Static("\n".join(lines) if lines else "(nothing)", markup=False,
                             id="trust-lines")
            with Horizontal(id="trust-buttons"):
                if key.persist:
                    yield Button("Trust (t)", id="trust", variant="primary")
                yield Button("This session only (s)", id="session")
                yield Button("Don't trust (n)", id="no", variant="error")
            hint = ("Decisions are kept in Warden's data folder, never in the repository; "
                    "`warden trust --list` shows them." if key.persist else
                    "This is your home directory: trust here lasts for this session only.")
            yield Static(hint, id="trust-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, answer: TrustAnswer) -> None:
        """Close the screen with ``answer`` (``t`` does nothing where trust cannot persist)."""
        if answer == "trust" and not self.report.key.persist:
            return
        self.dismiss(answer)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer(event.button.id)  # type: ignore[arg-type]
