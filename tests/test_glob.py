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


def test_expand_braces_in_order_nested_and_literal() -> None:
    from tui.glob import expand_braces

    assert expand_braces("a.{py,pyi}") == ["a.py", "a.pyi"]
    assert expand_braces("{x,{y,z}}/f") == ["x/f", "y/f", "z/f"]
    assert expand_braces("no{brace") == ["no{brace"]
    assert expand_braces("{single}") == ["{single}"]
    assert expand_braces(r"\{a,b}") == [r"\{a,b}"]


def test_too_many_alternatives_is_a_value_error_the_tools_turn_into_input_errors() -> None:
    from tui.glob import MAX_BRACE_EXPANSIONS, TooManyAlternatives, expand_braces
    from tui.tools.base import ToolInputError
    from tui.tools.glob import expand_braces as tool_expand_braces

    huge = "{a,b,c,d}" * 5
    assert 4 ** 5 > MAX_BRACE_EXPANSIONS
    with pytest.raises(TooManyAlternatives, match="more than 256"):
        expand_braces(huge)
    with pytest.raises(ToolInputError, match="more than 256 alternatives"):
        tool_expand_braces(huge)
