"""Rule grammar (REF §2.1, §2.2, §2.6): what each written rule means, and clear errors.

Each row is a behaviour a policy author relies on.  Sources are REF sections; rows marked
"[Warden]" are choices where REF is silent (deny/ask match more, allow match less).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.permissions.rules import (
    PRIMARY_FIELDS,
    Rule,
    RuleSyntaxError,
    param_matches,
    parse_rule,
)

ANCHOR = Path("/proj")
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "claude-settings"


def rule(text: str, behavior: str = "allow") -> Rule:
    return parse_rule(text, behavior, anchor=ANCHOR, source="test")


# -- kinds ------------------------------------------------------------------------------------

KINDS = [
    # text, behavior, kind, tool, specifier
    ("Bash", "allow", "tool", "Bash", None),
    ("Bash(*)", "allow", "tool", "Bash", None),  # Tool(*) ≡ bare name (REF §2.1)
    ("Read", "deny", "tool", "Read", None),
    ("WebFetch", "allow", "tool", "WebFetch", None),
    ("WebSearch", "allow", "tool", "WebSearch", None),
    ("ExitPlanMode", "deny", "tool", "ExitPlanMode", None),
    ("*", "deny", "tool", "*", None),
    ("Bash*", "ask", "tool", "Bash*", None),
    ("Bash(npm run build)", "allow", "bash", "Bash", "npm run build"),
    ("Bash(ls:*)", "allow", "bash", "Bash", "ls:*"),
    ("Bash(git * main)", "deny", "bash", "Bash", "git * main"),
    ("Monitor(tail -f *)", "allow", "bash", "Monitor", "tail -f *"),
    ("Bash(run_in_background:true)", "deny", "param", "Bash", "run_in_background:true"),
    ("Bash(dangerouslyDisableSandbox : true)", "ask", "param", "Bash",
     "dangerouslyDisableSandbox:true"),
    ("Bash(timeout:*)", "deny", "bash", "Bash", "timeout:*"),  # legacy prefix: the command
    ("Bash(timeout:30)", "deny", "param", "Bash", "timeout:30"),
    ("Bash(description:*deploy*)", "ask", "param", "Bash", "description:*deploy*"),
    ("Agent(model:opus)", "deny", "param", "Agent", "model:opus"),
    ("Agent(isolation:worktree)", "ask", "param", "Agent", "isolation:worktree"),
    ("Read(./.env)", "deny", "path", "Read", "./.env"),
    ("Edit(/src/**/*.ts)", "allow", "path", "Edit", "/src/**/*.ts"),
    ("Read(//Users/alice/secrets/**)", "deny", "path", "Read", "//Users/alice/secrets/**"),
    ("Read(~/.zshrc)", "deny", "path", "Read", "~/.zshrc"),
    ("Edit(./Finance (2024)/**)", "allow", "path", "Edit", "./Finance (2024)/**"),
    ("Write(.env)", "deny", "path", "Write", ".env"),
    ("Glob(~/.ssh/**)", "deny", "path", "Glob", "~/.ssh/**"),
    ("NotebookEdit(x/**)", "deny", "path", "NotebookEdit", "x/**"),
    ("MultiEdit(a.py)", "deny", "path", "MultiEdit", "a.py"),
    ("Cd(~/work/**)", "allow", "path", "Cd", "~/work/**"),
    ("WebFetch(domain:example.com)", "allow", "domain", "WebFetch", "domain:example.com"),
    ("WebFetch(domain:*)", "deny", "domain", "WebFetch", "domain:*"),
    ("WebFetch(domain:[::1]:8080)", "allow", "domain", "WebFetch", "domain:[::1]:8080"),
    ("mcp__github", "allow", "mcp", "mcp__github", None),
    ("mcp__github__create_issue", "deny", "mcp", "mcp__github__create_issue", None),
    ("mcp__github__*", "allow", "mcp", "mcp__github__*", None),
    ("mcp__github__get_*", "allow", "mcp", "mcp__github__get_*", None),
    ("mcp__*", "deny", "mcp", "mcp__*", None),
    ("mcp__plugin_context7_context7__*", "allow", "mcp", "mcp__plugin_context7_context7__*",
     None),
    ("mcp__db__query(readonly:false)", "deny", "param", "mcp__db__query", "readonly:false"),
    ("Agent(Explore)", "deny", "specifier", "Agent", "Explore"),
    ("Task(Explore)", "deny", "specifier", "Agent", "Explore"),  # Task ≡ Agent (REF §1.1)
    ("Agent(superpowers:code-reviewer)", "allow", "specifier", "Agent",
     "superpowers:code-reviewer"),  # a plugin agent name, not a parameter
    ("Skill(sentry-skills:commit)", "allow", "specifier", "Skill", "sentry-skills:commit"),
    ("Skill(name *)", "allow", "specifier", "Skill", "name *"),
]


@pytest.mark.parametrize(("text", "behavior", "kind", "tool", "spec"), KINDS)
def test_rule_kinds(text: str, behavior: str, kind: str, tool: str, spec: str | None) -> None:
    r = rule(text, behavior)
    assert (r.kind, r.tool, r.specifier) == (kind, tool, spec)
    assert r.text == text and r.behavior == behavior
    assert r.anchor == ANCHOR and r.source == "test"


def test_spaced_star_is_the_bare_tool_only_where_that_matches_more() -> None:
    """``Bash( * )`` as written matches no command; a deny reads it as ``Bash`` [Warden]."""
    assert rule("Bash( * )", "deny").kind == "tool"
    allow = rule("Bash( * )", "allow")
    assert (allow.kind, allow.specifier) == ("bash", " * ")
    assert any("single spaces" in w for w in allow.warnings)


def test_escaped_parentheses_are_unescaped_in_commands() -> None:
    """Claude Code saves ``print(1)`` as ``print\\(1\\)``; the rule means the command."""
    r = rule(r'Bash(python -c "print\(1\)")')
    assert r.specifier == 'python -c "print(1)"'
    assert rule(r"Bash(echo a\\b)").specifier == r"echo a\b"


def test_path_specifiers_keep_their_backslashes() -> None:
    """gitignore gives ``\\`` its meaning in path patterns (escaped glob characters)."""
    assert rule(r"Read(//x/\[2024\] Reports/**)").specifier == r"//x/\[2024\] Reports/**"


# -- errors ------------------------------------------------------------------------------------

ERRORS = [
    # text, behavior, fragment of the message
    ("", "allow", "empty rule"),
    ("   ", "deny", "empty rule"),
    ("Bash(", "allow", "unbalanced"),
    ("Bash(ls", "deny", "unbalanced"),
    ("Bash)ls(", "deny", "unbalanced"),
    ("Bash(ls))", "allow", "unbalanced"),
    ("Bash(ls) extra", "allow", "unbalanced"),
    ("Read(a(b)", "deny", "unbalanced"),
    ("Bash()", "allow", "empty parentheses"),
    ("Read(  )", "deny", "empty parentheses"),
    ("Bash(ls\nrm -rf /)", "allow", "line break"),
    ("Bash(ls\r)", "deny", "line break"),
    ("Bash(ls\x00)", "deny", "control character"),
    ("(ls)", "allow", "no tool name"),
    ("Web Search(*)", "allow", "not a tool name"),
    ("Bash (ls)", "allow", "no space"),
    ("//etc/passwd", "deny", "not a tool name"),
    ("Read.all", "deny", "not a tool name"),
    # unanchored allow globs approve nothing (REF §2.1)
    ("*", "allow", "unanchored allow glob"),
    ("B*", "allow", "unanchored allow glob"),
    ("mcp__*", "allow", "unanchored allow glob"),
    ("mcp__plugin_context7*", "allow", "unanchored allow glob"),
    ("mcp__*__get", "allow", "unanchored allow glob"),
    ("Bash*(rm *)", "deny", "takes no specifier"),
    ("mcp__", "deny", "needs a server name"),
    ("mcp____tool", "allow", "needs a server name"),
    ("mcp__github__x(repo)", "deny", "MCP rules take no specifier"),
    # parameter rules: deny/ask only, never on a primary field (REF §2.2)
    ("Bash(run_in_background:true)", "allow", "only allowed in deny and ask"),
    ("Bash(timeout:30)", "allow", "Bash(timeout *)"),
    ("Agent(model:opus)", "allow", "only allowed in deny and ask"),
    ("mcp__db__query(readonly:true)", "allow", "only allowed in deny and ask"),
    ("Bash(command:rm *)", "deny", "primary field 'command'"),
    ("Read(file_path:/etc/passwd)", "deny", "primary field 'file_path'"),
    ("Grep(path:src)", "ask", "primary field 'path'"),
    ("mcp__fs__read(path:/etc)", "deny", "primary field 'path'"),
    ("NotebookEdit(notebook_path:*)", "deny", "primary field 'notebook_path'"),
    # WebSearch and WebFetch (REF §2.1, §2.6)
    ("WebSearch(anything)", "allow", "WebSearch takes no specifier"),
    ("WebFetch(example.com)", "allow", "domain:example.com"),
    ("WebFetch(url:https://x.com)", "deny", "domain:example.com"),
    ("WebFetch(domain:)", "allow", "empty"),
    ("WebFetch(domain:https://example.com/)", "allow", "not a domain"),
    ("WebFetch(domain:exa mple.com)", "deny", "not a domain name"),
    ("WebFetch(domain:example.com:99999)", "deny", "port"),
    ("WebFetch(domain:::1)", "deny", "brackets"),
    ("WebFetch(domain:[not-v6])", "deny", "IPv6"),
    # paths that cannot be resolved
    ("Read(**/../secrets)", "deny", "cannot resolve '..' after '**'"),
    # unknown list
    ("Bash", "maybe", "unknown rule list"),
]


@pytest.mark.parametrize(("text", "behavior", "fragment"), ERRORS)
def test_grammar_errors_say_what_is_wrong(text: str, behavior: str, fragment: str) -> None:
    with pytest.raises(RuleSyntaxError) as info:
        rule(text, behavior)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_non_string_rule_is_a_syntax_error() -> None:
    with pytest.raises(RuleSyntaxError, match="must be a string"):
        parse_rule(42, "deny", anchor=ANCHOR)  # type: ignore[arg-type]


# -- warnings ----------------------------------------------------------------------------------

WARNINGS = [
    ("Write(./secrets/**)", "deny", "never consulted; use Edit(./secrets/**)"),
    ("NotebookEdit(x)", "deny", "never consulted; use Edit(x)"),
    ("MultiEdit(x)", "allow", "never consulted; use Edit(x)"),
    ("Glob(~/.ssh/**)", "deny", "never consulted; use Read(~/.ssh/**)"),
    ("Grep(./secrets/**)", "deny", "never consulted; use Read(./secrets/**)"),
    ("Bash(git:* push)", "deny", "colon is literal"),
    ("Bash(curl :* )", "deny", "matched as Bash(curl:*)"),
    ("Bash(python -c :*)", "allow", "single spaces"),
    ("Bash( ls)", "allow", "single spaces"),
    ("Bash(timeout:30)", "deny", "Bash(timeout *)"),
    ("Read( ** /*key*)", "deny", "also matched with that whitespace removed"),
    ("Read(!sample.env)", "deny", "negation is not supported"),
    ("Read(x[a)", "deny", "guards only the literal path"),
    ("Read(x[a)", "allow", "approves nothing"),
    ("Rad", "allow", "not a tool Warden knows"),
    ("WebFetch(domain:https://evil.com/x)", "deny", "matched as WebFetch(domain:evil.com)"),
    (" Bash(ls)", "allow", "whitespace around the rule is ignored"),
]


@pytest.mark.parametrize(("text", "behavior", "fragment"), WARNINGS)
def test_warnings_for_rules_that_may_not_do_what_they_say(
    text: str, behavior: str, fragment: str
) -> None:
    r = rule(text, behavior)
    assert any(fragment in w for w in r.warnings), r.warnings


@pytest.mark.parametrize("text", ["Read(./.env)", "Edit(src/**)", "Bash(npm test)", "mcp__x",
                                  "WebFetch(domain:*.example.com)", "Bash(echo 'a  b')"])
def test_ordinary_rules_have_no_warnings(text: str) -> None:
    assert rule(text, "deny").warnings == ()
    assert rule(text, "allow").warnings == ()


def test_deny_url_domain_is_reduced_to_its_host() -> None:
    assert rule("WebFetch(domain:https://evil.com/x)", "deny").specifier == "domain:evil.com"


def test_deny_bash_whitespace_is_normalised_outside_quotes_only() -> None:
    assert rule("Bash(git  push   :* )", "deny").specifier == "git push:*"
    assert rule("Bash(echo 'a  b'  *)", "deny").specifier == "echo 'a  b' *"
    assert rule("Bash(git  push *)", "allow").specifier == "git  push *"  # allow: as written


# -- tool names --------------------------------------------------------------------------------

TOOL_MATCHES = [
    # rule, behavior, tool called, matches?
    ("Bash", "allow", "Bash", True),
    ("Bash", "allow", "BashOutput", False),
    ("Bash", "deny", "bash", False),  # case-sensitive names
    ("*", "deny", "Bash", True),
    ("*", "deny", "mcp__github__create_issue", True),
    ("Bash*", "deny", "BashOutput", True),
    ("Bash*", "deny", "Read", False),
    ("mcp__*", "deny", "mcp__github__create_issue", True),
    ("mcp__*", "deny", "Bash", False),
    ("mcp__github", "allow", "mcp__github__create_issue", True),
    ("mcp__github", "allow", "mcp__github", True),
    ("mcp__github", "allow", "mcp__github_enterprise__create_issue", False),
    ("mcp__github", "allow", "mcp__githubx__a", False),
    ("mcp__github__*", "allow", "mcp__github__create_issue", True),
    ("mcp__github__*", "allow", "mcp__gitlab__create_issue", False),
    ("mcp__github__get_*", "allow", "mcp__github__get_issue", True),
    ("mcp__github__get_*", "allow", "mcp__github__create_issue", False),
    ("mcp__github__get_*", "allow", "mcp__githubx__get_issue", False),
    ("mcp__github__create_issue", "deny", "mcp__github__create_issue", True),
    ("mcp__github__create_issue", "deny", "mcp__github__create_issues", False),
    ("Task", "deny", "Agent", True),
    ("Agent", "deny", "Task", True),
    ("Agent(Explore)", "deny", "Agent", True),
    ("Read(./.env)", "deny", "Read", True),
    ("Read(./.env)", "deny", "Edit", False),  # the engine applies Read denies to edits
]


@pytest.mark.parametrize(("text", "behavior", "tool", "expected"), TOOL_MATCHES)
def test_matches_tool(text: str, behavior: str, tool: str, expected: bool) -> None:
    assert rule(text, behavior).matches_tool(tool) is expected


# -- parameter rules ---------------------------------------------------------------------------

PARAMS = [
    # specifier, input, matches?  (REF §2.2)
    ("model:opus", {"model": "opus"}, True),
    ("model:opus", {"model": "sonnet"}, False),
    ("model:opus", {"model": "claude-opus-4"}, False),  # literal input, no normalisation
    ("model:*opus*", {"model": "claude-opus-4"}, True),
    ("model:*", {"model": "anything"}, True),
    ("model:*", {}, False),  # an omitted parameter never matches
    ("model:*", {"prompt": "model:opus"}, False),
    ("model : opus", {"model": "opus"}, True),  # whitespace around ':' ignored
    ("isolation:worktree", {"isolation": "worktree"}, True),
    ("run_in_background:true", {"run_in_background": True}, True),
    ("run_in_background:true", {"run_in_background": False}, False),
    ("run_in_background:false", {"run_in_background": False}, True),
    ("dangerouslyDisableSandbox:true", {"dangerouslyDisableSandbox": True}, True),
    ("dangerouslyDisableSandbox:true", {"command": "ls"}, False),
    ("timeout:600000", {"timeout": 600000}, True),
    ("timeout:600000", {"timeout": 600000.0}, True),
    ("timeout:6*", {"timeout": 600000}, True),
    ("timeout:1", {"timeout": 2}, False),
    ("model:null", {"model": None}, True),
    ("options:*", {"options": {"a": 1}}, True),  # non-scalars compare as JSON text
    # [Warden] deny/ask only, so err towards matching: case, spacing, lenient booleans
    ("model:opus", {"model": "Opus"}, True),
    ("model:opus", {"model": " opus "}, True),
    ("run_in_background:true", {"run_in_background": "true"}, True),
    ("run_in_background:true", {"run_in_background": "True"}, True),
    ("run_in_background:true", {"run_in_background": 1}, True),
    ("run_in_background:true", {"run_in_background": "yes"}, True),
    ("run_in_background:true", {"run_in_background": "no"}, False),
    ("run_in_background:false", {"run_in_background": 0}, True),
    # malformed specifiers never match
    ("no colon", {"no colon": "x"}, False),
    ("", {"": ""}, False),
]


@pytest.mark.parametrize(("spec", "tool_input", "expected"), PARAMS)
def test_param_matches(spec: str, tool_input: dict[str, object], expected: bool) -> None:
    assert param_matches(spec, tool_input) is expected


def test_primary_fields() -> None:
    assert PRIMARY_FIELDS == {"command", "file_path", "path", "notebook_path", "url"}


@given(st.text(max_size=40), st.dictionaries(st.text(max_size=10), st.none() | st.booleans()
                                              | st.integers() | st.floats() | st.text(max_size=10)
                                              | st.lists(st.integers(), max_size=3)))
@settings(max_examples=300, deadline=None)
def test_param_matches_never_raises(spec: str, tool_input: dict[str, object]) -> None:
    assert param_matches(spec, tool_input) in (True, False)


# -- robustness --------------------------------------------------------------------------------


@given(st.text(max_size=60), st.sampled_from(["allow", "ask", "deny"]))
@settings(max_examples=500, deadline=None)
def test_parse_rule_raises_only_rule_syntax_errors(text: str, behavior: str) -> None:
    try:
        r = parse_rule(text, behavior, anchor=ANCHOR)
    except RuleSyntaxError as exc:
        assert str(exc)
    else:
        assert r.kind in ("tool", "bash", "path", "domain", "mcp", "param", "specifier")
        r.matches_tool("Bash")


@given(st.from_regex(r"(Bash|Read|Edit|WebFetch|mcp__[a-z*]{0,4}(__[a-z*]{0,4})?|\*|Agent)"
                     r"(\([ -~]{0,20}\))?", fullmatch=True),
       st.sampled_from(["allow", "ask", "deny"]))
@settings(max_examples=500, deadline=None)
def test_rule_shaped_text_raises_only_rule_syntax_errors(text: str, behavior: str) -> None:
    try:
        parse_rule(text, behavior, anchor=ANCHOR)
    except RuleSyntaxError:
        pass


@given(st.from_regex(r"[A-Za-z_*][A-Za-z0-9_*\-]{0,12}", fullmatch=True))
@settings(max_examples=300, deadline=None)
def test_allow_name_globs_only_after_a_literal_mcp_server(name: str) -> None:
    """An allow rule never gets a glob that could reach beyond one MCP server."""
    try:
        r = parse_rule(name, "allow", anchor=ANCHOR)
    except RuleSyntaxError:
        return
    if "*" in r.tool:
        assert r.tool.startswith("mcp__")
        server, sep, _ = r.tool[5:].partition("__")
        assert server and "*" not in server and sep


def _corpus_rules() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for file in sorted(CORPUS.glob("*.json")):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        perms = data.get("permissions") if isinstance(data, dict) else None
        if not isinstance(perms, dict):
            continue
        for behavior in ("allow", "ask", "deny"):
            entries = perms.get(behavior)
            if isinstance(entries, list):
                found.extend((behavior, e) for e in entries)
    return found


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared settings corpus not present")
def test_every_rule_in_the_real_settings_corpus_parses_or_is_a_clear_error() -> None:
    rules = _corpus_rules()
    assert len(rules) > 1000
    parsed = errors = 0
    for behavior, text in rules:
        try:
            parse_rule(text, behavior, anchor=ANCHOR)  # type: ignore[arg-type]
            parsed += 1
        except RuleSyntaxError as exc:
            assert str(exc)
            errors += 1
    assert parsed > errors * 50


def test_timeout_colon_star_is_the_timeout_command(tmp_path: Path) -> None:
    """Issue 11: ``Bash(timeout:*)`` is the legacy prefix form, so it means the ``timeout``
    command, as in Claude Code; ``Bash(timeout:30)`` stays a rule on the tool's parameter."""
    from tui.check import evaluate

    deny = {"permissions": {"deny": ["Bash(timeout:*)"]}}
    d = evaluate("Bash", {"command": "timeout 5 sleep 1"}, cwd=tmp_path, settings=deny,
                 discover=False)
    assert d.behavior == "deny"
    d = evaluate("Bash", {"command": "ls", "timeout": 30000}, cwd=tmp_path, settings=deny,
                 discover=False)
    assert d.behavior == "allow"
