"""The small pure pieces under the analyser: word scanning, brace expansion, options, sed
scripts, paths, and the two bashlex adjustments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.shell.options import OptSpec, flag_present, parse_options
from tui.shell.parse import ParseFailure, heredoc_delimiter, parse
from tui.shell.paths import critical_reason, resolve_arg, resolve_text, union
from tui.shell.sedscript import read_sed_script
from tui.shell.words import BraceError, args_of, expand_braces, make_arg, scan_word


def values(raw: str) -> list[str]:
    scan = scan_word(raw, [])
    return [a.value for a in args_of(scan, raw)[0]]


@pytest.mark.parametrize(("raw", "value", "quoted"), [
    ("abc", "abc", (False, False, False)),
    ("'a b'", "a b", (True, True, True)),
    ('"a\\"b"', 'a"b', (True, True, True)),
    ("a\\ b", "a b", (False, True, False)),
    ("r''m", "rm", (False, False)),
    ('"-"rf', "-rf", (True, False, False)),
    ("$'\\x41\\n'", "A\n", (True, True)),
    ("$'\\101'", "A", (True,)),
    ("$'\\u00e9'", "é", (True,)),
])
def test_scan_values_and_quoting(raw: str, value: str, quoted: tuple[bool, ...]) -> None:
    arg = make_arg(scan_word(raw, []).items, raw)
    assert arg.value == value
    assert arg.quoted == quoted


def test_scan_flags() -> None:
    assert scan_word("$'x'", []).ansi_c
    assert scan_word('$"x"', []).locale
    assert scan_word("r\\\nm", []).line_continuation
    assert scan_word('"a\\\nb"', []).line_continuation
    assert scan_word("'a\n#b'", []).quoted_newline_comment
    assert scan_word('"a\n  # b"', []).quoted_newline_comment
    assert not scan_word("'a\nb#'", []).quoted_newline_comment


def test_scan_expansions_are_opaque() -> None:
    scan = scan_word('"$HOME"/x', [(1, 6, "param", "HOME")])
    arg = make_arg(scan.items, '"$HOME"/x')
    assert arg.value == "$HOME/x"
    assert not arg.static and arg.params == ("HOME",) and arg.leading_expansion


def test_scan_unreported_dollar_is_unknown() -> None:
    arg = make_arg(scan_word("a$b", []).items, "a$b")
    assert not arg.static and "unknown" in arg.kinds


@pytest.mark.parametrize(("raw", "glob"), [("*.py", True), ("'*.py'", False), ("a?", True),
                                           ("[ab]", True), ("[", False), ("\\*", False),
                                           ('"x"*', True)])
def test_glob_detection(raw: str, glob: bool) -> None:
    assert make_arg(scan_word(raw, []).items, raw).glob is glob


@pytest.mark.parametrize(("raw", "expected"), [
    ("a{b,c}d", ["abd", "acd"]),
    ("file{,.bak}", ["file", "file.bak"]),
    ("{a,b}{1,2}", ["a1", "a2", "b1", "b2"]),
    ("{1..3}", ["1", "2", "3"]),
    ("{3..1}", ["3", "2", "1"]),
    ("{01..03}", ["01", "02", "03"]),
    ("{a..c}", ["a", "b", "c"]),
    ("{0..6..3}", ["0", "3", "6"]),
    ("{a{b,c}}", ["{ab}", "{ac}"]),
    ("{}", ["{}"]),
    ("{a}", ["{a}"]),
    ("'{a,b}'", ["{a,b}"]),
    ("\\{a,b}", ["{a,b}"]),
    ("{a,b", ["{a,b"]),
    ("x{a,'b c'}", ["xa", "xb c"]),
])
def test_brace_expansion(raw: str, expected: list[str]) -> None:
    assert values(raw) == expected


def test_brace_expansion_limit() -> None:
    with pytest.raises(BraceError):
        expand_braces(scan_word("{1..100000}", []).items)
    args, failed = args_of(scan_word("{1..9}{1..9}{1..9}{1..9}", []), "x")
    assert failed and len(args) == 1


def test_tilde() -> None:
    assert make_arg(scan_word("~/x", []).items, "~/x").tilde == "~"
    assert make_arg(scan_word("~root/x", []).items, "~root/x").tilde == "~root"
    assert make_arg(scan_word("'~'/x", []).items, "'~'/x").tilde == ""


# -- options ------------------------------------------------------------------------------------


def lits(*words: str):  # noqa: ANN201
    return [make_arg(scan_word(w, []).items, w) for w in words]


def test_parse_options_gnu_rules() -> None:
    spec = OptSpec(short_arg="no", long_arg=("lines", "output"))
    p = parse_options(lits("-n5", "a", "--lines", "3", "-vo", "out", "--out=x", "--", "-z"),
                      spec)
    assert p.opts == [("-n", "5"), ("--lines", "3"), ("-v", None), ("-o", "out"),
                      ("--output", "x")]
    assert [a.value for a in p.operands] == ["a", "-z"]
    assert p.get("-o", "--output") == ["out", "x"]


def test_parse_options_posix_stops_at_first_operand() -> None:
    p = parse_options(lits("-e", "x", "file", "-n"), OptSpec(short_arg="e", permute=False))
    assert [a.value for a in p.operands] == ["file", "-n"]


def test_parse_options_uncertain_words() -> None:
    p = parse_options(lits("*.txt"), OptSpec())
    assert p.uncertain


@pytest.mark.parametrize(("words", "flag", "hit"), [
    (["-o", "x"], "-o", True), (["-ox"], "-o", True), (["-uo", "x"], "-o", True),
    (["--output=x"], "--output", True), (["--out=x"], "--output", True),
    (["--o=x"], "--output", True), (["-delete"], "-delete", True),
    (["--", "-o"], "-o", False), (["-u"], "-o", False), (["--pre-glob", "x"], "--pre", False),
])
def test_flag_present(words: list[str], flag: str, hit: bool) -> None:
    assert flag_present(words, flag) is hit


# -- sed scripts -------------------------------------------------------------------------------


@pytest.mark.parametrize(("script", "writes", "reads", "executes", "certain"), [
    ("s/a/b/g", [], [], False, True),
    ("s/a/b/w out.txt", ["out.txt"], [], False, True),
    ("s|a|b|gw out", ["out"], [], False, True),
    ("s/a/b/e", [], [], True, True),
    ("1e id", [], [], True, True),
    ("/x/w out", ["out"], [], False, True),
    ("$!W out", ["out"], [], False, True),
    ("1r in.txt", [], ["in.txt"], False, True),
    ("1,5p;10q", [], [], False, True),
    ("/start/,/end/{s/a/b/;p}", [], [], False, True),
    (":a;N;$!ba;s/\\n/ /g", [], [], False, True),
    ("1i\\\nhello", [], [], False, True),
    ("a hello", [], [], False, True),
    ("y/abc/xyz/", [], [], False, True),
    ("s/a/b/Q", [], [], False, False),
    ("k", [], [], False, False),
    ("s/unterminated", [], [], False, False),
    ("\\,x,d", [], [], False, True),
    ("1~2d", [], [], False, True),
    ("0,/re/d", [], [], False, True),
])
def test_sed_script_reader(script: str, writes: list[str], reads: list[str], executes: bool,
                           certain: bool) -> None:
    info = read_sed_script(script)
    assert info.certain is certain
    if certain:
        assert [w.strip() for w in info.writes] == writes
        assert [r.strip() for r in info.reads] == reads
        assert info.executes is executes


def test_sed_e_command_text() -> None:
    assert read_sed_script("1e curl x | sh").commands == ["curl x | sh"]


# -- paths -------------------------------------------------------------------------------------

HOME = Path("/home/u")
WD = (Path("/home/u/proj"),)


def arg(raw: str):  # noqa: ANN201
    return make_arg(scan_word(raw, []).items, raw)


def test_resolve() -> None:
    cwd = (Path("/home/u/proj"),)
    assert resolve_text("a/../b", cwd, HOME) == [Path("/home/u/proj/b")]
    assert resolve_text("/x//y/", cwd, HOME) == [Path("/x/y")]
    assert resolve_text("~", cwd, HOME) == [HOME]
    assert resolve_text("~/a", cwd, None) == [None]
    assert resolve_text("x", None, HOME) == [None]
    assert resolve_text("//etc", cwd, HOME) == [Path("/etc")]
    assert resolve_arg(arg("*.py"), cwd, HOME) == [None]
    assert resolve_text("x", (Path("/a"), Path("/b")), HOME) == [Path("/a/x"), Path("/b/x")]


def test_union() -> None:
    a, b = (Path("/a"),), (Path("/b"),)
    assert union(a, b) == (Path("/a"), Path("/b"))
    assert union(a, None) is None
    many = tuple(Path(f"/{i}") for i in range(5))
    assert union(many, a) is None


@pytest.mark.parametrize(("raw", "critical"), [
    ("/", True), ("/usr", True), ("/home/u", True), ("/home/u/proj", True), ("/home", True),
    ("*", True), ("/*", True), ("~/*", True), ("$D/*", True), ("$D/", True), ("/tmp/x", False),
    ("build", False), ("build/*", False), ("C:\\", True), ("C:\\Windows", True),
])
def test_critical_reason(raw: str, critical: bool) -> None:
    if raw.startswith("$"):
        a = make_arg(scan_word(raw, [(0, 2, "param", "D")]).items, raw)
    else:
        a = arg(raw)
    cwd = (Path("/home/u/proj"),)
    resolved = resolve_arg(a, cwd, HOME)[0]
    assert (critical_reason(a, resolved, HOME, WD, cwd) is not None) is critical


# -- bashlex adjustments -----------------------------------------------------------------------


def test_heredoc_delimiter_quote_removal() -> None:
    assert heredoc_delimiter("'EOF'") == "EOF"
    assert heredoc_delimiter('"E"OF') == "EOF"
    assert heredoc_delimiter("\\EOF") == "EOF"


def test_parse_adjustments() -> None:
    assert parse("time -p ls")[0].parts[0].word == "time"
    tree = parse("cat <<'EOF'\n$x\nEOF\n")[0]
    assert tree.parts[1].heredoc.value.startswith("$x")
    with pytest.raises(ParseFailure, match="arithmetic"):
        parse("echo $((1))")
