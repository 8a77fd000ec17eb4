"""The Workspace tab of ``/permissions``: additional working directories, added and removed.

REF §4.5: the dialog manages the working directories besides the rules (Claude Code's
"Workspace" tab).  :class:`WorkspaceTab` is a mixin of
:class:`~tui.screens.permissions.PermissionsScreen` (it uses the screen's ``session``,
``snapshot``, ``tabs`` and ``_write``); its message handler follows Textual's
``on_<namespace>_<message>`` naming so it is found through the class hierarchy.  The writing is
:mod:`tui.permissions.workspace`; the session's reload then changes the working directories from
the next tool call, and the screen redraws in place.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from textual.content import Content
from textual.widgets import Static

from tui.permissions import editor, workspace
from tui.permissions.editor import DirectoryRow, EditorSnapshot
from tui.screens.permission_dialogs import ConfirmDialog, DirectoryDialog
from widgets.directory_table import DirectoryTable


class WorkspaceTab:
    """Showing, adding (``w``) and removing (``d`` on the table) additional directories."""

    session: Any
    snapshot: EditorSnapshot
    tabs: Any
    app: Any
    query_one: Any
    notify: Any
    _write: Any

    @property
    def directories(self) -> DirectoryTable:
        """The Workspace tab's table."""
        return self.query_one("#dirs", DirectoryTable)

    def _show_directories(self, snapshot: EditorSnapshot) -> None:
        """The table, the tab's count and the line above the table."""
        cwd = self.session.config.cwd
        rows = snapshot.directories
        self.directories.show(rows, lambda r: editor.display_path(r.file, cwd))
        self.tabs.get_tab("tab-workspace").label = f"Workspace ({len(rows)})"
        hint = self.query_one("#dirs-hint", Static)
        if rows:
            hint.update(Content.assemble(
                "Working directories: the project ", (str(cwd), "bold"),
                (" and these: files there are read without asking and edited per the mode.",
                 "dim")))
        else:
            hint.update(Content.assemble(
                "No additional directories: the agent works in ", (str(cwd), "bold"),
                " only. Press w to add one."))

    def _show_directory_detail(self, detail: Static) -> None:
        """The highlighted directory's file, or why it cannot be removed."""
        row = self.directories.current_row
        if row is None:
            detail.update(Content.styled("w: add a directory", "dim"))
        elif row.read_only:
            detail.update(Content.assemble((f"{editor.LOCK} ", ""), (str(row.path), "bold"),
                                           "  ", (f"{row.source}: {row.why_read_only}", "dim")))
        else:
            detail.update(Content.assemble((str(row.path), "bold"), "  ", (row.source, "dim")))

    def action_add_directory(self) -> None:
        """``w``: add a working directory to a chosen scope's settings file."""
        if self.snapshot.managed_only:
            self.notify("Managed settings allow only managed rules and directories "
                        "(allowManagedPermissionRulesOnly); a directory added here would not "
                        "apply.", severity="warning")
            return
        files, cwd = self.snapshot.files, self.session.config.cwd

        def check(text: str, scope: str) -> tuple[Path | None, str | None]:
            return workspace.check_directory(text, scope, files, cwd=cwd)

        async def done(result: Any) -> None:
            if result is None:
                return
            if await self._write(partial(workspace.add_directory, cwd=cwd), files,
                                 result.scope, result.text):
                self.tabs.active = "tab-workspace"
                if result.scope == "project" and not self.session.config.trusted_project:
                    self.notify(f"Added {result.text} to the project settings, but this folder "
                                "is not trusted: its additionalDirectories wait until you "
                                "trust it (`warden trust`).", severity="warning", markup=False)
                    return
                self.notify(f"Added {result.text} to {result.scope} settings: a working "
                            "directory from the next tool call.", markup=False)

        self.app.push_screen(DirectoryDialog(check), done)

    def on_directory_table_remove_requested(self, message: DirectoryTable.RemoveRequested) -> None:
        """``d`` on a directory: refuse a read-only one, else confirm and remove it."""
        row: DirectoryRow = message.row
        if row.read_only:
            self.notify(f"{editor.LOCK} {row.path} comes from {row.source}: "
                        f"{row.why_read_only}.", severity="warning", markup=False, timeout=8)
            return
        cwd = self.session.config.cwd

        async def done(yes: bool | None) -> None:
            if yes:
                await self._write(partial(workspace.remove_directory, cwd=cwd), row)

        where = editor.display_path(row.file, cwd)
        self.app.push_screen(ConfirmDialog(
            f"Remove the working directory {row.path} from {row.scope} settings ({where})? "
            "From the next tool call it is no longer a working directory (unless another "
            "settings file lists it too)."), done)
