""":class:`NetworkCard`: a host a sandboxed command wants to reach (REF §1.2).

The sandbox's filtering proxy holds the connection while the card waits
(:meth:`tui.agent.session.AgentSession._ask_host`); the subject is a
:class:`~tui.approvals.HostAccess`.
"""

from __future__ import annotations

from tui.approvals import AnswerKind, ApprovalRequest, HostAccess
from widgets.approval_card.base import ApprovalCard


class NetworkCard(ApprovalCard):
    """A host a command in the sandbox wants to reach.

    | Key | Answer |
    | :- | :- |
    | `y` | Allow this connection only. |
    | `s` | Allow the host until Warden exits (never saved). |
    | `a` | Always allow: edit the suggested `WebFetch(domain:…)` rule; `enter` saves it. |
    | `n` | Deny; the turn stops. |
    | `N` | Deny with a reason typed on the card; the model reads it and goes on. |
    | `escape` | Close the rule or reason input. |
    """

    BINDING_GROUP_TITLE = "Network approval"

    ASKS = "Reach a host from the sandbox"

    @classmethod
    def accepts(cls, request: ApprovalRequest) -> bool:
        """Host accesses."""
        return isinstance(request.subject, HostAccess)

    def offered(self) -> tuple[AnswerKind, ...]:
        """The base card's answers plus "this session"."""
        once, *rest = super().offered()
        return (once, "allow_session", *rest)
