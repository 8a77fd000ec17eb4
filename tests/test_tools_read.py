"""Read: numbering, offset/limit, truncation and the errors a model would see."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.tools import Read, ToolContext, ToolInputError, ToolResult


async def read(ctx: ToolContext, **raw: object) -> ToolResult:
    """Prepare and run one Read call."""
    tool = Read()
    call = await tool.prepare("toolu_1", dict(raw), ctx)
    return await tool.run(call, ctx)


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return ToolContext(cwd=tmp_path)


async def test_numbers_lines_like_cat_n(tmp_path: Path, ctx: ToolContext) -> None:
    (tmp_path / "a.txt").write_text("alpha\nbeta\n\tgamma\n")
    result = await read(ctx, file_path=str(tmp_path / "a.txt"))
    assert not result.is_error
    assert result.content == "     1\talpha\n     2\tbeta\n     3\t\tgamma"


async def test_last_line_without_newline_and_crlf(tmp_path: Path, ctx: ToolContext) -> None:
    (tmp_path / "w.txt").write_bytes(b"one\r\ntwo\r\nthree")
    result = await read(ctx, file_path=str(tmp_path / "w.txt"))
    assert result.content == "     1\tone\n     2\ttwo\n     3\tthree"


async def test_offset_and_limit(tmp_path: Path, ctx: ToolContext) -> None:
    (tmp_path / "n.txt").write_text("".join(f"line {i}\n" for i in range(1, 51)))
    result = await read(ctx, file_path=str(tmp_path / "n.txt"), offset=10, limit=3)
    lines = result.content.splitlines()
    assert lines[:3] == ["    10\tline 10", "    11\tline 11", "    12\tline 12"]
    assert "Showing lines 10-12 of 50" in result.content
    assert "offset=13" in result.content


async def test_default_limit_is_2000_lines(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("".join(f"{i}\n" for i in range(1, 2501)))
    ctx = ToolContext(cwd=tmp_path, output_limit=1_000_000)
    result = await read(ctx, file_path=str(tmp_path / "big.txt"))
    numbered = [line for line in result.content.splitlines() if "\t" in line]
    assert len(numbered) == 2000
    assert numbered[-1] == "  2000\t2000"
    assert "Showing lines 1-2000 of 2500" in result.content
    assert "offset=2001" in result.content


async def test_long_lines_are_truncated(tmp_path: Path, ctx: ToolContext) -> None:
    (tmp_path / "long.txt").write_text("x" * 5000 + "\nshort\n")
    result = await read(ctx, file_path=str(tmp_path / "long.txt"))
    first, second = result.content.splitlines()[:2]
    assert first.startswith("     1\t" + "x" * 2000)
    assert "x" * 2001 not in first
    assert "truncated" in first
    assert second == "     2\tshort"


async def test_output_limit_cuts_at_a_whole_line(tmp_path: Path) -> None:
    (tmp_path / "wide.txt").write_text("".join(f"{i:04d} " + "y" * 95 + "\n" for i in range(500)))
    ctx = ToolContext(cwd=tmp_path, output_limit=5_000)
    result = await read(ctx, file_path=str(tmp_path / "wide.txt"))
    assert len(result.content) <= 5_000
    body, note = result.content.rsplit("\n\n", 1)
    last_number = int(body.splitlines()[-1].split("\t")[0])
    assert body.splitlines()[-1].endswith("y" * 95)
    assert f"offset={last_number + 1}" in note
    assert "of 500" in note


async def test_empty_file_and_offset_past_end(tmp_path: Path, ctx: ToolContext) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = await read(ctx, file_path=str(tmp_path / "empty.txt"))
    assert not result.is_error and "empty" in result.content
    (tmp_path / "three.txt").write_text("a\nb\nc\n")
    result = await read(ctx, file_path=str(tmp_path / "three.txt"), offset=10)
    assert "only 3 lines" in result.content


async def test_relative_path_is_refused(ctx: ToolContext) -> None:
    with pytest.raises(ToolInputError, match="absolute"):
        await Read().prepare("toolu_1", {"file_path": "src/a.py"}, ctx)


async def test_invalid_input_is_a_tool_input_error(ctx: ToolContext) -> None:
    with pytest.raises(ToolInputError, match="file_path"):
        await Read().prepare("toolu_1", {"offset": 3}, ctx)
    with pytest.raises(ToolInputError, match="limit"):
        await Read().prepare("toolu_1", {"file_path": "/x", "limit": 0}, ctx)


async def test_missing_directory_and_binary_are_errors(tmp_path: Path, ctx: ToolContext) -> None:
    missing = await read(ctx, file_path=str(tmp_path / "nope.txt"))
    assert missing.is_error and "does not exist" in missing.content
    (tmp_path / "sub").mkdir()
    directory = await read(ctx, file_path=str(tmp_path / "sub"))
    assert directory.is_error and "directory" in directory.content
    (tmp_path / "blob.bin").write_bytes(b"PK\x03\x04\x00\x00binary")
    binary = await read(ctx, file_path=str(tmp_path / "blob.bin"))
    assert binary.is_error and "binary" in binary.content


async def test_invalid_utf8_is_replaced_not_fatal(tmp_path: Path, ctx: ToolContext) -> None:
    (tmp_path / "latin.txt").write_bytes(b"caf\xe9\n")
    result = await read(ctx, file_path=str(tmp_path / "latin.txt"))
    assert not result.is_error
    assert result.content == "     1\tcaf\ufffd"


async def test_call_shape(tmp_path: Path, ctx: ToolContext) -> None:
    call = await Read().prepare("toolu_9", {"file_path": str(tmp_path / "src/../a.py")}, ctx)
    assert call.permission_class == "read"
    assert call.paths == (tmp_path / "a.py",)
    assert call.summary == "a.py"
    outside = await Read().prepare("toolu_9", {"file_path": "/etc/hostname"}, ctx)
    assert outside.summary == "/etc/hostname"
