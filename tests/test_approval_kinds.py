"""Typed approvals (pure, no app): the subjects a request asks about, the hunk review an edit
card shares with the diff view, and the card registry with its answer keys."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from textual.binding import Binding

from tui.approvals import Answer, ApprovalRequest, HostAccess, HunkReview
from tui.diffs import FileChange
from tui.permissions.decision import Decision
from tui.tools.base import ToolCall
from widgets.approval_card import (
    ANSWER_KEYS,
    CARD_CLASSES,
    ApprovalCard,
    CommandCard,
    EditCard,
    NetworkCard,
    WebFetchCard,
    card_for,
)

OLD = "".join(f"line {n}\n" for n in range(1, 41))
NEW = OLD.replace("line 3\n", "LINE THREE\n").replace("line 20\n", "").replace(
    "line 38\n", "line 38\nextra\n")


def three_hunks() -> FileChange:
    change = FileChange(Path("/p/notes.txt"), OLD, NEW, "notes.txt")
    assert len(change.hunks) == 3
    return change


def request(subject: object, rules: tuple[str, ...] = ()) -> ApprovalRequest:
    """A request for ``subject`` (call it from an async test: the future needs the loop)."""
    future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
    return ApprovalRequest(subject, Decision("ask", "asks"), future,  # type: ignore[arg-type]
                           suggested_rules=rules)


def tool_call(name: str, **fields: object) -> ToolCall:
    return ToolCall("toolu_1", name, {}, None, "read", "notes.txt", **fields)  # type: ignore[arg-type]


# --- subjects ---------------------------------------------------------------------------------


async def test_a_host_access_has_what_records_and_cards_read() -> None:
    access = HostAccess("example.com", 443)
    assert (access.name, access.summary, access.record_id) == (
        "Network", "example.com:443", "network-example.com-443")
    assert access.input == {"host": "example.com", "port": 443}
    assert access.rule == "WebFetch(domain:example.com)"
    assert request(access).call is None


async def test_a_tool_call_is_its_own_subject() -> None:
    call = tool_call("Read")
    assert request(call).call is call and call.record_id == "toolu_1"


# --- the hunk review ----------------------------------------------------------------------------


def test_an_untouched_review_allows_the_proposal_as_it_is() -> None:
    assert HunkReview(three_hunks()).answer("allow_once") == Answer("allow_once")


def test_rejected_hunks_leave_only_the_accepted_ones_in_the_answer() -> None:
    review = HunkReview(three_hunks())
    review.toggle(1)
    answer = review.answer("allow_once")
    assert answer.rejected_hunks == (1,) and answer.hunks_reviewed == 3
    assert answer.change is not None and "line 20\n" in answer.change.new_text
    assert "LINE THREE" in answer.change.new_text and not answer.edited_by_user


def test_rejecting_every_hunk_denies_with_a_reason() -> None:
    review = HunkReview(three_hunks())
    review.set_all(accept=False)
    assert review.answer("allow_once").kind == "deny_with_reason"
    review.set_all(accept=True)
    assert review.rejected == frozenset()


def test_the_users_own_version_travels_in_the_answer_and_resets_the_hunks() -> None:
    review = HunkReview(three_hunks())
    review.toggle(0)
    mine = FileChange(Path("/p/notes.txt"), OLD, OLD + "mine\n", "notes.txt")
    review.replace(mine)
    assert review.rejected == frozenset() and review.edited
    assert review.answer("allow_once") == Answer("allow_once", change=mine, edited_by_user=True)


def test_a_change_over_the_cap_has_no_hunks_to_choose() -> None:
    review = HunkReview(three_hunks(), max_lines=2)
    assert review.hunk_count == 0
    review.set_rejected({0, 1})
    assert review.rejected == frozenset()


# --- cards ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("subject", "card_class"), [
    (tool_call("Read"), ApprovalCard),
    (tool_call("Bash", command="ls"), CommandCard),
    (tool_call("Write", change=FileChange(Path("/p/a"), None, "x\n", "a")), EditCard),
    (HostAccess("example.com", 443), NetworkCard),
    (tool_call("WebFetch"), WebFetchCard),
])
async def test_the_registry_picks_one_card_class_per_kind(
        subject: object, card_class: type[ApprovalCard]) -> None:
    assert type(card_for(request(subject))) is card_class


async def test_the_answers_offered_follow_the_request() -> None:
    read = card_for(request(tool_call("Read")))
    assert read.offered() == ("allow_once", "deny", "deny_with_reason")
    suggested = card_for(request(tool_call("Read"), rules=("Read(//p/**)",)))
    assert "allow_always" in suggested.offered()
    host = card_for(request(HostAccess("example.com", 443), rules=("WebFetch(domain:x)",)))
    assert host.offered() == ("allow_once", "allow_session", "allow_always", "deny",
                              "deny_with_reason")
    for card in (read, suggested, host):
        for key in ANSWER_KEYS:
            assert card.check_action(key.kind, ()) is (key.kind in card.offered())


def _bindings(card_class: type[ApprovalCard]) -> list[Binding]:
    seen: dict[str, Binding] = {}
    for cls in reversed(card_class.__mro__):
        for binding in cls.__dict__.get("BINDINGS", ()):
            assert isinstance(binding, Binding)
            seen[binding.key] = binding
    return list(seen.values())


@pytest.mark.parametrize("card_class", [ApprovalCard, *CARD_CLASSES])
def test_every_key_a_card_offers_is_in_its_docstring_table(
        card_class: type[ApprovalCard]) -> None:
    table = re.findall(r"^\s*\| (.+?) \| .+ \|$", card_class.__doc__ or "", re.MULTILINE)
    documented = {key.strip("`") for row in table for key in row.split(" / ")}
    keys = {b.key for b in _bindings(card_class)}
    # "s" (this session) is offered for hosts and web fetches only: the other kinds leave it
    # out of the table.
    assert keys - {"s"} <= documented
    assert ("s" in documented) is (card_class in (ApprovalCard, NetworkCard, WebFetchCard))


def test_answer_bindings_come_from_the_table() -> None:
    bindings = {b.action: b for b in _bindings(ApprovalCard)}
    for key in ANSWER_KEYS:
        assert bindings[key.kind].key == key.key and bindings[key.kind].id == \
            f"approval.{key.kind}"
