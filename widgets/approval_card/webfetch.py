""":class:`WebFetchCard`: a page the model wants fetched (``WebFetch``, permission class
"network").

It shows the URL that will be fetched (``https``; the model's ``http`` URL is named when it was
upgraded), the host, a warning when the host is a loopback, private or link-local address (the
fetch then reaches this machine or its network, not the internet), and the prompt the separate
model will answer about the page.  "Always allow" saves the suggested ``WebFetch(domain:host)``
rule (:func:`tui.permissions.suggest.suggest_rules`); "this session" grants the same rule until
Warden exits.  Every text on it comes from the model and is shown with markup off.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui.approvals import Answer, AnswerKind, ApprovalRequest
from widgets.approval_card.base import AnswerKey, ApprovalCard

_KIND_WORDS = {
    "loopback": "a loopback address: the page comes from this machine",
    "private": "a private address: the page comes from your local network",
    "link-local": "a link-local address (where cloud metadata services answer)",
    "non-public": "an address that is not on the public internet",
}


class WebFetchCard(ApprovalCard):
    """A web page the model wants fetched and read by a separate model.

    | Key | Answer |
    | :- | :- |
    | `y` | Allow this fetch once. |
    | `s` | Allow this domain until Warden exits (never saved). |
    | `a` | Allow for this domain: edit the suggested `WebFetch(domain:…)` rule; `enter` saves it. |
    | `n` | Deny; the turn stops. |
    | `N` | Deny with a reason typed on the card; the model reads it and goes on. |
    | `escape` | Close the rule or reason input. |
    """

    BINDING_GROUP_TITLE = "Web fetch approval"

    ASKS = "Fetch a web page"

    DEFAULT_CSS = """
    WebFetchCard > .approval-card--local {
        color: $text-warning; background: $warning-muted; padding: 0 1;
    }
    """

    @classmethod
    def accepts(cls, request: ApprovalRequest) -> bool:
        """WebFetch calls."""
        call = request.call
        return call is not None and call.name == "WebFetch"

    def offered(self) -> tuple[AnswerKind, ...]:
        """The base card's answers, plus "this session" when a domain rule is suggested."""
        once, *rest = super().offered()
        session: tuple[AnswerKind, ...] = (
            ("allow_session",) if self.request.suggested_rules else ())
        return (once, *session, *rest)

    def key_hint(self, key: AnswerKey) -> str:
        """``a`` allows for this domain; ``s`` for this domain, this session."""
        if key.kind == "allow_always":
            return "allow for this domain…"
        if key.kind == "allow_session":
            return "this domain, this session"
        return key.hint

    def allowing(self, kind: AnswerKind) -> Answer:
        """"This session" grants the suggested domain rule until Warden exits."""
        if kind == "allow_session":
            return Answer(kind, rules=self.request.suggested_rules)
        return Answer(kind)

    def _url(self) -> str:
        call = self.request.call
        return str(call.input.get("url", "")) if call is not None else ""

    def subject_line(self) -> str:
        """The URL that will be fetched."""
        return self._url()

    def compose_details(self) -> ComposeResult:
        """The host (and what kind of address it is), the upgrade, and the prompt."""
        from tui.tools.web_http import FetchProblem, target_of

        call = self.request.call
        try:
            target = target_of(self._url())
        except FetchProblem as exc:  # the tool refused it already; say so rather than guess
            yield Static(Content.assemble(("Host: ", "dim"), f"unreadable ({exc})"),
                         classes="approval-card--why", markup=False)
            target = None
        if target is not None:
            port = "" if target.port == 443 else f"  port {target.port}"
            yield Static(Content.assemble(("Host: ", "dim"), (target.host, "bold"), port),
                         classes="approval-card--why", markup=False)
            if target.kind is not None:
                yield Static(Content.assemble(("⚠ ", "bold"), f"{target.host} is "
                                              f"{_KIND_WORDS[target.kind]}."),
                             classes="approval-card--local", markup=False)
        asked = str(call.params.url) if call is not None else ""
        if asked and asked.strip() != self._url():
            yield Static(Content.assemble(("Model asked for: ", "dim"), asked,
                                          ("  (fetched over HTTPS)", "dim")),
                         classes="approval-card--why", markup=False)
        prompt = str(call.input.get("prompt", "")) if call is not None else ""
        yield Static(Content.assemble(("Prompt: ", "dim"), prompt),
                     classes="approval-card--explain", markup=False)
        yield Static(Content("A separate model with no tools reads the page and answers the "
                             "prompt; only its answer reaches the conversation."),
                     classes="approval-card--why", markup=False)
