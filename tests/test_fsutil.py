"""tui.fsutil: the one atomic writer (modes, symlinks, CRLF, parents, failures, dir fsync)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui import fsutil
from tui.fsutil import atomic_write_bytes, atomic_write_text, default_file_mode, fsync_dir


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_defaults_create_parents_and_owner_only_mode(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "state.json"
    atomic_write_text(target, "{}\n")
    assert target.read_text() == "{}\n"
    assert mode_of(target) == 0o600
    assert leftovers(target.parent) == []


def test_text_is_written_byte_for_byte_crlf_included(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    atomic_write_text(target, '{\r\n  "k": "é"\r\n}\r\n')
    assert target.read_bytes() == '{\r\n  "k": "é"\r\n}\r\n'.encode()


def test_bytes_variant(tmp_path: Path) -> None:
    target = tmp_path / "blob"
    atomic_write_bytes(target, b"\x00\xff\r\n", mode=0o640)
    assert target.read_bytes() == b"\x00\xff\r\n" and mode_of(target) == 0o640


def test_fixed_mode_replaces_the_old_bits(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("old")
    target.chmod(0o755)
    atomic_write_text(target, "new", mode=0o644)
    assert mode_of(target) == 0o644


def test_keep_mode_keeps_an_existing_files_bits_and_uses_mode_for_a_new_one(
        tmp_path: Path) -> None:
    old = tmp_path / "script.sh"
    old.write_text("echo old\n")
    old.chmod(0o751)
    atomic_write_text(old, "echo new\n", mode=0o644, keep_mode=True)
    assert old.read_text() == "echo new\n" and mode_of(old) == 0o751
    new = tmp_path / "new.txt"
    atomic_write_text(new, "x", mode=0o604, keep_mode=True)
    assert mode_of(new) == 0o604


def test_mode_none_is_the_umask_default(tmp_path: Path) -> None:
    target = tmp_path / "n"
    atomic_write_text(target, "x", mode=None)
    assert mode_of(target) == default_file_mode()
    mask = os.umask(0o022)
    os.umask(mask)
    assert default_file_mode() == 0o666 & ~mask


def test_a_symlink_is_replaced_by_default(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("target")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert not link.is_symlink() and link.read_text() == "new"
    assert real.read_text() == "target"


def test_follow_symlinks_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    other = tmp_path / "dotfiles"
    other.mkdir()
    real = other / "real.txt"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    atomic_write_text(link, "new", mode=None, keep_mode=True, follow_symlinks=True)
    assert link.is_symlink() and real.read_text() == "new"
    assert mode_of(real) == 0o640
    assert leftovers(tmp_path) == [] and leftovers(other) == []


def test_make_parents_false_needs_the_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write_text(tmp_path / "missing" / "f", "x", make_parents=False)
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_refuse_read_only_keeps_a_protected_file(tmp_path: Path) -> None:
    target = tmp_path / "ro.txt"
    target.write_text("keep")
    target.chmod(0o444)
    with pytest.raises(PermissionError, match="not writable"):
        atomic_write_text(target, "new", refuse_read_only=True)
    assert target.read_text() == "keep" and leftovers(tmp_path) == []
    atomic_write_text(target, "new")  # without the option the rename replaces it
    assert target.read_text() == "new"


def test_refuse_read_only_checks_the_mode_bits_even_as_root(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    target = tmp_path / "ro.txt"
    target.write_text("keep")
    monkeypatch.setattr(fsutil.os, "access", lambda path, how: False)
    with pytest.raises(PermissionError):
        atomic_write_text(target, "new", refuse_read_only=True)
    assert target.read_text() == "keep"


def test_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "bad \ud800")
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_failed_rename_removes_the_temporary(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old")

    def refuse(src: str, dst: object) -> None:
        raise OSError(5, "simulated I/O error")

    monkeypatch.setattr(fsutil.os, "replace", refuse)
    with pytest.raises(OSError, match="simulated"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_the_directory_is_fsynced_after_the_rename(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[Path] = []
    monkeypatch.setattr(fsutil, "fsync_dir", synced.append)
    atomic_write_text(tmp_path / "d" / "f", "x")
    assert synced == [tmp_path / "d"]


def test_fsync_dir_tolerates_a_missing_directory(tmp_path: Path) -> None:
    fsync_dir(tmp_path / "gone")
    fsync_dir(tmp_path)
