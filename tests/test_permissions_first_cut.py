"""The first-cut permission engine: reads inside the working directories run, the rest asks."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel

from tui.permissions import PermissionContext, decide
from tui.tools.base import ToolCall


class _Params(BaseModel):
    pass


def _call(name: str, cls: str, *paths: Path, summary: str = "x") -> ToolCall:
    return ToolCall("toolu_1", name, {}, _Params(), cls, summary, paths=tuple(paths))  # type: ignore[arg-type]


def test_read_inside_working_dir_is_allowed(tmp_path: Path) -> None:
    d = decide(_call("Read", "read", tmp_path / "a.py"), PermissionContext((tmp_path,)))
    assert d.behavior == "allow"
    assert "working directories" in d.reason


def test_read_outside_working_dirs_asks(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    d = decide(_call("Read", "read", tmp_path / "secret.txt"), PermissionContext((proj,)))
    assert d.behavior == "ask"


def test_read_in_additional_dir_is_allowed(tmp_path: Path) -> None:
    proj, extra = tmp_path / "proj", tmp_path / "extra"
    proj.mkdir()
    extra.mkdir()
    d = decide(_call("Grep", "read", extra / "x"), PermissionContext((proj, extra)))
    assert d.behavior == "allow"


def test_dotdot_path_escaping_the_project_asks(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    sneaky = Path(os.path.normpath(proj / ".." / "outside.txt"))
    d = decide(_call("Read", "read", sneaky), PermissionContext((proj,)))
    assert d.behavior == "ask"


def test_symlink_inside_pointing_outside_asks(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("token")
    (proj / "link.txt").symlink_to(secret)
    d = decide(_call("Read", "read", proj / "link.txt"), PermissionContext((proj,)))
    assert d.behavior == "ask"


def test_edits_and_commands_always_ask(tmp_path: Path) -> None:
    ctx = PermissionContext((tmp_path,))
    assert decide(_call("Edit", "edit", tmp_path / "a.py"), ctx).behavior == "ask"
    assert decide(_call("Write", "edit", tmp_path / "b.py"), ctx).behavior == "ask"
    assert decide(_call("Bash", "shell", summary="ls"), ctx).behavior == "ask"


def test_edit_outside_says_so(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    d = decide(_call("Write", "edit", tmp_path / "x"), PermissionContext((proj,)))
    assert d.behavior == "ask" and "outside" in d.reason


def test_read_with_no_paths_fails_closed(tmp_path: Path) -> None:
    d = decide(_call("Glob", "read"), PermissionContext((tmp_path,)))
    assert d.behavior == "ask"


def test_session_grant_allows_only_that_call(tmp_path: Path) -> None:
    ctx = PermissionContext((tmp_path,), session_allowed={("Edit", "a.py")})
    assert decide(_call("Edit", "edit", tmp_path / "a.py", summary="a.py"), ctx).behavior == "allow"
    assert decide(_call("Edit", "edit", tmp_path / "b.py", summary="b.py"), ctx).behavior == "ask"
