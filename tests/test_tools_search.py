"""Glob and Grep: ordering, caps, modes, case folding and what they skip."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.tools import Glob, Grep, ToolContext, ToolInputError, ToolResult
from tui.tools.glob import expand_braces, plan_glob


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return ToolContext(cwd=tmp_path)


def touch(path: Path, text: str = "", mtime: float | None = None) -> Path:
    """Create ``path`` (and parents) with ``text``; set its modification time if given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


async def glob(ctx: ToolContext, **raw: object) -> ToolResult:
    tool = Glob()
    return await tool.run(await tool.prepare("toolu_g", dict(raw), ctx), ctx)


async def grep(ctx: ToolContext, **raw: object) -> ToolResult:
    tool = Grep()
    return await tool.run(await tool.prepare("toolu_r", dict(raw), ctx), ctx)


# --- Glob -------------------------------------------------------------------------------------


async def test_glob_newest_first_absolute_paths(tmp_path: Path, ctx: ToolContext) -> None:
    old = touch(tmp_path / "old.py", mtime=1_000_000)
    new = touch(tmp_path / "pkg" / "new.py", mtime=3_000_000)
    mid = touch(tmp_path / "pkg" / "deep" / "mid.py", mtime=2_000_000)
    touch(tmp_path / "notes.md")
    result = await glob(ctx, pattern="**/*.py")
    assert result.content.splitlines() == [str(new), str(mid), str(old)]


async def test_glob_star_stays_in_one_directory(tmp_path: Path, ctx: ToolContext) -> None:
    top = touch(tmp_path / "top.py")
    touch(tmp_path / "pkg" / "inner.py")
    result = await glob(ctx, pattern="*.py")
    assert result.content.splitlines() == [str(top)]


async def test_glob_braces_path_and_prefix(tmp_path: Path, ctx: ToolContext) -> None:
    a = touch(tmp_path / "src" / "a.ts", mtime=2_000_000)
    b = touch(tmp_path / "src" / "sub" / "b.tsx", mtime=1_000_000)
    touch(tmp_path / "src" / "c.js")
    touch(tmp_path / "other" / "d.ts")
    result = await glob(ctx, pattern="src/**/*.{ts,tsx}")
    assert result.content.splitlines() == [str(a), str(b)]
    in_dir = await glob(ctx, pattern="**/*.tsx", path=str(tmp_path / "src"))
    assert in_dir.content.splitlines() == [str(b)]


async def test_glob_caps_at_100_and_says_how_many_more(tmp_path: Path, ctx: ToolContext) -> None:
    for i in range(130):
        touch(tmp_path / f"f{i:03d}.txt", mtime=1_000_000 + i)
    result = await glob(ctx, pattern="*.txt")
    lines = result.content.splitlines()
    assert len([line for line in lines if line.startswith("/")]) == 100
    assert lines[0] == str(tmp_path / "f129.txt")
    assert "30 more" in result.content


async def test_glob_skips_git_and_reports_nothing_found(tmp_path: Path, ctx: ToolContext) -> None:
    touch(tmp_path / ".git" / "config.py")
    kept = touch(tmp_path / "real.py")
    result = await glob(ctx, pattern="**/*.py")
    assert result.content.splitlines() == [str(kept)]
    none = await glob(ctx, pattern="**/*.rs")
    assert not none.is_error and none.content == "No files found"


async def test_glob_missing_directory_is_an_error(tmp_path: Path, ctx: ToolContext) -> None:
    result = await glob(ctx, pattern="*", path=str(tmp_path / "absent"))
    assert result.is_error and "does not exist" in result.content


async def test_glob_call_paths_name_the_searched_directory(
    tmp_path: Path, ctx: ToolContext
) -> None:
    call = await Glob().prepare("t", {"pattern": "/etc/**/*.conf"}, ctx)
    assert call.paths == (Path("/etc"),)
    call = await Glob().prepare("t", {"pattern": "src/*.py", "path": "undefined"}, ctx)
    assert call.paths == (tmp_path / "src",)
    assert call.permission_class == "read"
    with pytest.raises(ToolInputError):
        await Glob().prepare("t", {"pattern": "  "}, ctx)


async def test_search_honours_gitignore_inside_a_repo(tmp_path: Path, ctx: ToolContext) -> None:
    (tmp_path / ".git").mkdir()
    touch(tmp_path / ".gitignore", "node_modules/\n*.log\n!keep.log\n/build\n")
    touch(tmp_path / "src" / ".gitignore", "gen_*.js\n")
    expected = {
        touch(tmp_path / "src" / "app.js", "needle\n"),
        touch(tmp_path / "src" / "keep.log", "needle\n"),
        touch(tmp_path / "src" / "build" / "out.js", "needle\n"),  # /build is anchored
    }
    touch(tmp_path / "node_modules" / "lib" / "x.js", "needle\n")
    touch(tmp_path / "src" / "debug.log", "needle\n")
    touch(tmp_path / "build" / "out.js", "needle\n")
    touch(tmp_path / "src" / "gen_a.js", "needle\n")
    found = await glob(ctx, pattern="**/*.{js,log}")
    assert {Path(line) for line in found.content.splitlines()} == expected
    matches = await grep(ctx, pattern="needle")
    assert {Path(line) for line in matches.content.splitlines()[1:]} == expected
    explicit = await grep(ctx, pattern="needle", path=str(tmp_path / "node_modules"))
    assert explicit.content.splitlines()[1:] == [str(tmp_path / "node_modules" / "lib" / "x.js")]
    inner = await glob(ctx, pattern="*.js", path=str(tmp_path / "src"))
    assert inner.content.splitlines() == [str(tmp_path / "src" / "app.js")]


async def test_gitignore_outside_a_repo_is_not_applied(tmp_path: Path, ctx: ToolContext) -> None:
    touch(tmp_path / ".gitignore", "*.log\n")
    log = touch(tmp_path / "app.log")
    assert (await glob(ctx, pattern="*.log")).content == str(log)


def test_brace_expansion_and_plan() -> None:
    assert expand_braces("a.{py,pyi}") == ["a.py", "a.pyi"]
    assert expand_braces("{x,{y,z}}/f") == ["x/f", "y/f", "z/f"]
    assert expand_braces("no{brace") == ["no{brace"]
    plan = plan_glob("{src,tests}/**/*.py", Path("/r"))
    assert plan.base == Path("/r")
    assert plan.patterns == ["src/**/*.py", "tests/**/*.py"]


# --- Grep -------------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    touch(tmp_path / "a.py", "import os\ndef Alpha():\n    return os.sep\n", mtime=1_000_000)
    touch(tmp_path / "pkg" / "b.py", "def beta():\n    alpha = 1\n    return alpha\n", mtime=2e6)
    touch(tmp_path / "notes.md", "alpha notes\n", mtime=3_000_000)
    touch(tmp_path / ".git" / "HEAD.py", "alpha in git\n")
    (tmp_path / "image.bin").write_bytes(b"alpha\x00\x01\x02")
    return tmp_path


async def test_grep_files_with_matches_default(tree: Path, ctx: ToolContext) -> None:
    result = await grep(ctx, pattern="alpha")
    lines = result.content.splitlines()
    assert lines[0] == "Found 2 files"
    assert lines[1:3] == [str(tree / "notes.md"), str(tree / "pkg" / "b.py")]
    assert ".git" not in result.content and "image.bin" not in result.content


async def test_grep_skips_files_over_2_mb_and_says_so(tmp_path: Path, ctx: ToolContext) -> None:
    touch(tmp_path / "huge.txt", "alpha\n" + "z" * (2 * 1024 * 1024 + 10))
    result = await grep(ctx, pattern="alpha")
    assert result.content == "No files found\n(1 file over 2 MB was not searched.)"


async def test_grep_case_insensitive_flag(tree: Path, ctx: ToolContext) -> None:
    result = await grep(ctx, pattern="alpha", **{"-i": True})
    assert str(tree / "a.py") in result.content
    assert result.content.startswith("Found 3 files")


async def test_grep_content_mode_path_line_text(tree: Path, ctx: ToolContext) -> None:
    result = await grep(ctx, pattern=r"alpha\b", output_mode="content", glob="*.py")
    assert result.content.splitlines() == [
        f"{tree / 'pkg' / 'b.py'}:2:    alpha = 1",
        f"{tree / 'pkg' / 'b.py'}:3:    return alpha",
    ]


async def test_grep_content_context_lines(tree: Path, ctx: ToolContext) -> None:
    path = tree / "pkg" / "b.py"
    result = await grep(ctx, pattern="beta", path=str(path), output_mode="content", **{"-A": 1})
    assert result.content.splitlines() == [f"{path}:1:def beta():", f"{path}-2-    alpha = 1"]


async def test_grep_count_mode(tree: Path, ctx: ToolContext) -> None:
    result = await grep(ctx, pattern="alpha", output_mode="count", **{"-i": True})
    lines = result.content.splitlines()
    assert f"{tree / 'a.py'}:1" in lines
    assert f"{tree / 'pkg' / 'b.py'}:2" in lines
    assert f"{tree / 'notes.md'}:1" in lines
    assert "Found 4 matching lines in 3 files" in result.content


async def test_grep_multiline(tree: Path, ctx: ToolContext) -> None:
    flat = await grep(ctx, pattern=r"beta\(\):.*alpha", output_mode="content")
    assert flat.content == "No matches found"
    spanning = await grep(ctx, pattern=r"beta\(\):.*?alpha", output_mode="content", multiline=True)
    path = tree / "pkg" / "b.py"
    assert spanning.content.splitlines() == [f"{path}:1:def beta():", f"{path}:2:    alpha = 1"]


async def test_grep_head_limit(tree: Path, ctx: ToolContext) -> None:
    result = await grep(ctx, pattern="alpha", output_mode="content", head_limit=1, **{"-i": True})
    lines = result.content.splitlines()
    assert lines[0].endswith(":2:def Alpha():")
    assert "not shown" in lines[-1]
    assert len(lines) == 2


async def test_grep_errors(tmp_path: Path, ctx: ToolContext) -> None:
    with pytest.raises(ToolInputError, match="regular expression"):
        await Grep().prepare("t", {"pattern": "(unclosed"}, ctx)
    with pytest.raises(ToolInputError, match="output_mode"):
        await Grep().prepare("t", {"pattern": "x", "output_mode": "lines"}, ctx)
    missing = await grep(ctx, pattern="x", path=str(tmp_path / "gone"))
    assert missing.is_error and "does not exist" in missing.content


async def test_grep_call_shape(tmp_path: Path, ctx: ToolContext) -> None:
    call = await Grep().prepare("t", {"pattern": "TODO", "path": "/srv/app", "-i": True}, ctx)
    assert call.permission_class == "read"
    assert call.paths == (Path("/srv/app"),)
    assert call.params.case_insensitive is True  # type: ignore[attr-defined]
    default = await Grep().prepare("t", {"pattern": "TODO"}, ctx)
    assert default.paths == (tmp_path,)
