"""Each tool summarises its own results: the one line the chat shows under a finished call
(``Tool.summarise``, cut and framed by ``tui.tools.base.outcome_line``)."""

from __future__ import annotations

from tui.tools import default_tools
from tui.tools.base import SUMMARY_WIDTH, ToolResult, outcome_line

TOOLS = default_tools()


def line(name: str | None, content: str, *, ran: bool = True, error: bool = False) -> str:
    tool = TOOLS[name] if name is not None else None
    return outcome_line(tool, ToolResult(content, error), ran)


def test_read_counts_lines() -> None:
    assert line("Read", "     1\tone\n     2\ttwo\n") == "read 2 lines"


def test_glob_counts_paths_or_says_what_it_found() -> None:
    assert line("Glob", "/p/a.py\n/p/b.py\n/p/c.py") == "3 paths"
    assert line("Glob", "No files found") == "No files found"


def test_bash_shows_its_last_line_and_how_many_there_were() -> None:
    assert line("Bash", "collecting\n3 passed") == "3 passed  (2 lines of output)"
    assert line("Bash", "ok") == "ok"
    assert line("Bash", "") == "(no output)"


def test_the_sandboxs_notes_are_left_out() -> None:
    content = "denied\nExit code 1\n<sandbox_violations>\nwrite blocked: /x\n</sandbox_violations>"
    assert line("Bash", content, error=True) == "Exit code 1  (2 lines of output)"


def test_other_tools_and_unknown_ones_show_the_first_line() -> None:
    assert line("Grep", "src/a.py\nsrc/b.py") == "src/a.py"
    assert line("Edit", "Edited a.py: +1 -1 lines") == "Edited a.py: +1 -1 lines"
    assert line(None, "first\nsecond") == "first"


def test_a_call_that_did_not_run_says_why_whatever_the_tool() -> None:
    assert line("Read", "Denied by the user.\nmore", ran=False) == "not run: Denied by the user."


def test_long_lines_are_cut_to_the_width() -> None:
    text = line("Grep", "x" * 300)
    assert len(text) <= SUMMARY_WIDTH and text.endswith("…")
