"""Edit and Write: proposals, uniqueness, atomic writes and the on-disk-changed refusal."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui.diffs import FileChange
from tui.tools import Edit, ToolCall, ToolContext, ToolInputError, Write
from tui.tools.files import TextFileError, atomic_write_text, read_text_checked

SOURCE = "".join(f"line {i}\n" for i in range(1, 21))


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return ToolContext(cwd=tmp_path)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "mod.py"
    path.parent.mkdir()
    path.write_text(SOURCE)
    return path


async def prepare_edit(
    ctx: ToolContext, path: Path, old: str, new: str, **extra: object
) -> ToolCall:
    raw = {"file_path": str(path), "old_string": old, "new_string": new, **extra}
    return await Edit().prepare("toolu_e", raw, ctx)


def leftovers(directory: Path) -> list[str]:
    """Temporary files a write may have left behind."""
    return [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]


# --- Edit: prepare ----------------------------------------------------------------------------


async def test_edit_proposes_a_change_with_hunks(source: Path, ctx: ToolContext) -> None:
    call = await prepare_edit(ctx, source, "line 10\n", "line ten\nline 10.5\n")
    assert call.permission_class == "edit"
    assert call.paths == (source,)
    assert call.summary == "src/mod.py"
    change = call.change
    assert change is not None
    assert change.path == source and change.display_path == "src/mod.py"
    assert change.old_text == SOURCE
    assert change.new_text == SOURCE.replace("line 10\n", "line ten\nline 10.5\n")
    (hunk,) = change.hunks
    assert hunk.header == "@@ -7,7 +7,8 @@"
    assert [(line.tag, line.text) for line in hunk.lines if line.tag != " "] == [
        ("-", "line 10"),
        ("+", "line ten"),
        ("+", "line 10.5"),
    ]
    assert source.read_text() == SOURCE, "prepare must not write"


async def test_edit_not_found_and_not_unique(source: Path, ctx: ToolContext) -> None:
    with pytest.raises(ToolInputError, match=r"old_string not found in src/mod\.py"):
        await prepare_edit(ctx, source, "line 99", "x")
    with pytest.raises(ToolInputError, match=r"occurs 11 times.*replace_all"):
        await prepare_edit(ctx, source, "line 1", "LINE 1")
    with pytest.raises(ToolInputError, match="same"):
        await prepare_edit(ctx, source, "line 3", "line 3")
    with pytest.raises(ToolInputError, match="absolute"):
        await Edit().prepare(
            "t", {"file_path": "mod.py", "old_string": "a", "new_string": "b"}, ctx
        )
    with pytest.raises(ToolInputError, match="does not exist"):
        await prepare_edit(ctx, source.with_name("absent.py"), "a", "b")


async def test_edit_replace_all(source: Path, ctx: ToolContext) -> None:
    call = await prepare_edit(ctx, source, "line", "row", replace_all=True)
    result = await Edit().run(call, ctx)
    assert not result.is_error
    assert source.read_text() == SOURCE.replace("line", "row")
    assert result.content == "Edited src/mod.py: +20 -20 lines"


async def test_edit_refuses_binary_file(tmp_path: Path, ctx: ToolContext) -> None:
    blob = tmp_path / "blob.dat"
    blob.write_bytes(b"abc\x00def")
    with pytest.raises(ToolInputError, match="binary"):
        await prepare_edit(ctx, blob, "abc", "xyz")


async def test_edit_matches_lf_old_string_in_crlf_file(tmp_path: Path, ctx: ToolContext) -> None:
    path = tmp_path / "win.txt"
    path.write_bytes(b"one\r\ntwo\r\nthree\r\n")
    call = await prepare_edit(ctx, path, "one\ntwo\n", "uno\ndos\n")
    await Edit().run(call, ctx)
    assert path.read_bytes() == b"uno\r\ndos\r\nthree\r\n"


async def test_edit_empty_old_string_creates_file(tmp_path: Path, ctx: ToolContext) -> None:
    path = tmp_path / "new" / "file.txt"
    call = await prepare_edit(ctx, path, "", "hello\n")
    assert call.change is not None and call.change.is_new
    result = await Edit().run(call, ctx)
    assert path.read_text() == "hello\n"
    assert result.content == "Created new/file.txt: +1 lines"


# --- Edit: run --------------------------------------------------------------------------------


async def test_edit_writes_atomically_keeping_mode(source: Path, ctx: ToolContext) -> None:
    source.chmod(0o640)
    call = await prepare_edit(ctx, source, "line 2\n", "line two\n")
    result = await Edit().run(call, ctx)
    assert not result.is_error
    assert result.content == "Edited src/mod.py: +1 -1 lines"
    assert source.read_text() == SOURCE.replace("line 2\n", "line two\n")
    assert stat.S_IMODE(source.stat().st_mode) == 0o640
    assert leftovers(source.parent) == []


async def test_edit_refuses_when_file_changed_on_disk(source: Path, ctx: ToolContext) -> None:
    call = await prepare_edit(ctx, source, "line 5\n", "line five\n")
    source.write_text(SOURCE + "appended by someone else\n")
    result = await Edit().run(call, ctx)
    assert result.is_error
    assert "changed on disk since the edit was proposed" in result.content
    assert "read it again" in result.content
    assert source.read_text().endswith("appended by someone else\n")


async def test_edit_refuses_when_file_deleted(source: Path, ctx: ToolContext) -> None:
    call = await prepare_edit(ctx, source, "line 5\n", "line five\n")
    source.unlink()
    result = await Edit().run(call, ctx)
    assert result.is_error and "changed on disk" in result.content
    assert not source.exists()


async def test_edit_writes_the_ui_trimmed_change(source: Path, ctx: ToolContext) -> None:
    """The UI may replace call.change with one where only some hunks were accepted."""
    call = await prepare_edit(ctx, source, "line", "row", replace_all=True)
    assert call.change is not None
    accepted_first_only = SOURCE.replace("line 1\n", "row 1\n", 1)
    call.change = FileChange(source, SOURCE, accepted_first_only, display_path="src/mod.py")
    result = await Edit().run(call, ctx)
    assert source.read_text() == accepted_first_only
    assert result.content == "Edited src/mod.py: +1 -1 lines"


async def test_edit_with_every_hunk_rejected_writes_nothing(source: Path, ctx: ToolContext) -> None:
    call = await prepare_edit(ctx, source, "line 3\n", "")
    before = source.stat().st_mtime_ns
    call.change = FileChange(source, SOURCE, SOURCE, display_path="src/mod.py")
    result = await Edit().run(call, ctx)
    assert not result.is_error and result.content.startswith("No changes written")
    assert source.stat().st_mtime_ns == before


# --- Write ------------------------------------------------------------------------------------


async def test_write_new_file_creates_parents(tmp_path: Path, ctx: ToolContext) -> None:
    path = tmp_path / "a" / "b" / "c.txt"
    call = await Write().prepare("toolu_w", {"file_path": str(path), "content": "x\ny\n"}, ctx)
    assert call.permission_class == "edit" and call.paths == (path,)
    assert call.change is not None and call.change.old_text is None and call.change.is_new
    assert not path.parent.exists(), "prepare must not create anything"
    result = await Write().run(call, ctx)
    assert not result.is_error
    assert result.content == "Created a/b/c.txt: +2 lines"
    assert path.read_text() == "x\ny\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()


async def test_write_overwrites_existing(source: Path, ctx: ToolContext) -> None:
    call = await Write().prepare("t", {"file_path": str(source), "content": "fresh\n"}, ctx)
    assert call.change is not None and call.change.old_text == SOURCE
    result = await Write().run(call, ctx)
    assert result.content == "Wrote src/mod.py: +1 -20 lines"
    assert source.read_text() == "fresh\n"
    assert leftovers(source.parent) == []


async def test_write_refuses_if_file_appeared_meanwhile(tmp_path: Path, ctx: ToolContext) -> None:
    path = tmp_path / "race.txt"
    call = await Write().prepare("t", {"file_path": str(path), "content": "mine\n"}, ctx)
    path.write_text("theirs\n")
    result = await Write().run(call, ctx)
    assert result.is_error and "changed on disk" in result.content
    assert path.read_text() == "theirs\n"


async def test_write_refuses_directory_target(tmp_path: Path, ctx: ToolContext) -> None:
    with pytest.raises(ToolInputError, match="directory"):
        await Write().prepare("t", {"file_path": str(tmp_path), "content": "x"}, ctx)


# --- helpers ----------------------------------------------------------------------------------


def test_atomic_write_keeps_mode_and_follows_symlink(tmp_path: Path) -> None:
    target = tmp_path / "real.sh"
    target.write_text("echo old\n")
    target.chmod(0o755)
    link = tmp_path / "link.sh"
    link.symlink_to(target)
    atomic_write_text(link, "echo new\n")
    assert link.is_symlink()
    assert target.read_text() == "echo new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert leftovers(tmp_path) == []


def test_atomic_write_failure_leaves_original_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("original\n")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "bad \ud800 surrogate")
    assert target.read_text() == "original\n"
    assert leftovers(tmp_path) == []


def test_read_text_checked_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_text_checked(tmp_path / "nope")
    with pytest.raises(TextFileError, match="directory"):
        read_text_checked(tmp_path)
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9")
    with pytest.raises(TextFileError, match="UTF-8"):
        read_text_checked(tmp_path / "latin1.txt")
    assert read_text_checked(tmp_path / "latin1.txt", errors="replace") == "caf\ufffd"
    (tmp_path / "crlf.txt").write_bytes(b"a\r\nb")
    assert read_text_checked(tmp_path / "crlf.txt") == "a\r\nb"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
