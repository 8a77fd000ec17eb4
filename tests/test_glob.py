"""tui.glob.star_match: ``*`` is the only wildcard; one home, re-exported by the rules."""

from __future__ import annotations

import pytest

from tui.glob import star_match


@pytest.mark.parametrize(("pattern", "text", "expected"), [
    ("npm run *", "npm run test", True),
    ("npm run *", "npm run ", True),
    ("npm run *", "npm run", False),
    ("*", "", True),
    ("", "", True),
    ("", "x", False),
    ("a*b*c", "abc", True),
    ("a*b*c", "acb", False),
    ("a**c", "ac", True),
    ("*.example.com", "api.example.com", True),
    ("*.example.com", "example.com", False),
    ("a?c", "abc", False),
    ("a?c", "a?c", True),
    ("[ab]", "a", False),
    ("*/x", "a/b/x", True),
    ("Git *", "git status", False),
    ("ab*ba", "aba", False),
])
def test_star_match(pattern: str, text: str, expected: bool) -> None:
    assert star_match(pattern, text) is expected


def test_a_hostile_pattern_stays_fast() -> None:
    assert not star_match("*a" * 2000 + "b", "a" * 5000)


def test_rules_and_domains_use_this_one() -> None:
    from tui.permissions import domains, rules

    assert rules.star_match is star_match and domains.star_match is star_match
