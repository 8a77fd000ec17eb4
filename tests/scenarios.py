"""Scripted UI scenarios, shared by the snapshot tests and ``make screenshots``.

Each scenario builds a :class:`~tui.app.WardenApp` on a copy of the demo project, replays the
demo cassette with no pacing, and drives the app with Pilot to the state worth looking at.  The
copy lives in a :class:`ShownDir`: a fresh directory of its own, whose path a screenshot names as
a fixed one (``/tmp/warden-scenarios``), so the paths on screen are the same on every run while
two runs never share a file.  Screenshots are taken with the cursors steady
(:func:`steady_cursors`).

``python -m tests.scenarios screenshots`` writes every scenario as SVG into ``screenshots/``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot

from tests.waiting import INTERVAL, timed_out
from tui.app import WardenApp
from tui.config import AppConfig
from tui.demo.cassette import load_cassette
from tui.demo.launch import DEMO_CASSETTE, DEMO_LABEL, demo_env, prepare_demo_project

SIZE = (140, 42)
THEME = "warden-dark"
ROOT = Path(__file__).resolve().parents[1]

SHOWN_SCENARIOS = "/tmp/warden-scenarios"
"""The directory the main-screen snapshots show the demo project in (``…/statskit``)."""
SHOWN_SNAPSHOTS = "/tmp/warden-snapshots"
"""The directory the ``/permissions`` snapshots show their directories in
(``…/permissions/{statskit,user,managed,home,docs}``)."""


class ShownDir:
    """A fresh directory, unique to one run, whose path a screenshot names as ``shown``.

    Paths on screen wrap and get cut by their length, so the directory's path is exactly as long
    as ``shown`` (``mkdtemp`` in ``shown``'s parent, 8 random characters ending its name): the
    screen is laid out as it would be in ``shown``, and :meth:`show` writes ``shown`` in its
    place in a screenshot.  Snapshots stay the same on every run, while two test runs (or two
    xdist workers) never share a file, which a fixed directory did.  :meth:`remove` deletes it.
    """

    def __init__(self, shown: str) -> None:
        parent, name = os.path.split(shown)
        self.path = Path(tempfile.mkdtemp(prefix=name[:-8], dir=parent))
        self.shown = shown
        if len(str(self.path)) != len(shown):  # never: mkdtemp adds 8 characters
            self.remove()
            raise RuntimeError(f"{self.path} is not as long as {shown}")

    def show(self, svg: str) -> str:
        """``svg`` with this directory's path written as ``shown``."""
        return svg.replace(str(self.path), self.shown)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def steady_cursors(app: App[object]) -> None:
    """Turn the cursor blink off in every input and text area on the screen stack, so a
    screenshot shows a focused one's cursor whenever it is taken (every snapshot goes through
    this: ``snap_compare`` in ``tests/conftest.py``, and ``make screenshots``)."""
    from textual.widgets import Input, TextArea

    for screen in app.screen_stack:
        for widget in (*screen.query(Input), *screen.query(TextArea)):
            widget.cursor_blink = False


class DemoRun:
    """A WardenApp on a fresh copy of the demo project in ``cwd``, with its replay server."""

    def __init__(self, cwd: Path, *, theme: str | None = THEME) -> None:
        from tui.demo.server import ReplayServer

        self.cwd = prepare_demo_project(cwd)
        self.cassette = load_cassette(DEMO_CASSETTE)
        self.server = ReplayServer(self.cassette, cwd=self.cwd, tokens_per_second=None)
        self.server.start()
        self.config = AppConfig(
            cwd=self.cwd, model=self.cassette.model, api_key="test-not-a-key",
            base_url=self.server.base_url, label=DEMO_LABEL,
            initial_prompt=self.cassette.prompt, extra_env=demo_env(),
            trusted_project=True,  # as `warden --demo`: Warden's own sample project
        )
        self.app = WardenApp(self.config, theme=theme)

    def close(self) -> None:
        self.server.stop()


async def wait_until(pilot: Pilot, predicate: Callable[[], object], *, what: str,
                     timeout: float = 20.0) -> None:
    """Pause the pilot until ``predicate()`` is truthy (every polling loop in a UI test is
    this; :mod:`tests.waiting` has the same for code without a pilot).

    Raises:
        TimeoutError: naming ``what`` when it does not happen within ``timeout`` seconds.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise timed_out(what, timeout)
        await pilot.pause(INTERVAL)


async def settle(pilot: Pilot) -> None:
    """Let workers and pending refreshes finish (for a stable picture)."""
    await pilot.pause(0.3)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def answer(pilot: Pilot, key: str, *, reason: str | None = None) -> None:
    """Answer the focused approval card after its accidental-key guard has passed."""
    from widgets.approval_queue import ApprovalCard

    await pilot.pause(ApprovalCard.GUARD_SECONDS + 0.05)
    await pilot.press(key)
    if reason is not None:
        await pilot.press(*reason)
        await pilot.press("enter")


async def to_pending_command(pilot: Pilot) -> None:
    """Send the demo prompt and stop when the injected `curl | sh` command waits for approval."""
    app = pilot.app
    assert isinstance(app, WardenApp)
    screen = app.main_screen
    await wait_until(pilot, lambda: screen.session.ready, what="the model connection")
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: any((c.request.call.command or "").startswith("curl") for c in screen.queue.cards),
        what="the curl approval card",
    )
    await wait_until(pilot, lambda: not screen.turn_running or screen.queue.cards, what="idle")
    await settle(pilot)


async def to_pending_two_file_edit(pilot: Pilot) -> None:
    """Deny the curl command with a reason; stop when two edits wait, diffs shown."""
    from widgets.diff_view import DiffView

    await to_pending_command(pilot)
    screen = pilot.app.main_screen  # type: ignore[attr-defined]
    await answer(pilot, "N", reason="Never run scripts from the internet")
    await wait_until(
        pilot,
        lambda: len([c for c in screen.queue.cards if c.request.call.name == "Edit"]) == 2,
        what="two edit cards",
    )
    await wait_until(pilot, lambda: bool(screen.diff.query("DiffHunk")), what="diff hunks")
    await settle(pilot)
    assert isinstance(screen.diff, DiffView)


async def to_accept_edits_review(pilot: Pilot) -> None:
    """In acceptEdits mode: deny the curl command; the two edits are written at once and shown
    in the "changes this turn" review, where the stats.py hunk is then reverted."""
    from widgets.changes_review import ChangesReview

    app = pilot.app
    assert isinstance(app, WardenApp)
    screen = app.main_screen
    await wait_until(pilot, lambda: screen.session.ready, what="the model connection")
    screen.session.set_mode("acceptEdits")
    await to_pending_command(pilot)
    await answer(pilot, "N", reason="Never run scripts from the internet")
    review = screen.query_one("#review", ChangesReview)
    await wait_until(pilot, lambda: len(review.files) == 2 and review.diff.is_ready,
                     what="the changes-this-turn review")
    await wait_until(pilot, lambda: bool(screen.queue.cards), what="the pytest card")
    hunk = review.diff.hunk_widgets(0)[0]
    hunk.focus()
    await pilot.press("space")
    await wait_until(pilot, lambda: hunk.has_class("-rejected") or bool(
        [h for h in review.diff.hunk_widgets(0) if h.has_class("-rejected")]), what="revert")
    await settle(pilot)


def permissions_dirs(base: Path, env: MutableMapping[str, str]) -> Path:
    """Fresh user, managed, home and docs directories in ``base``, named in ``env`` (the settings
    scopes Warden reads); returns the project path to give :class:`DemoRun`."""
    for name in ("user", "managed", "home", "docs"):
        (base / name).mkdir(parents=True)
    env["WARDEN_CONFIG_DIR"] = str(base / "user")
    env["WARDEN_MANAGED_DIR"] = str(base / "managed")
    env["HOME"] = str(base / "home")
    return base / "statskit"


def write_permission_settings(run: DemoRun, *, project: str | None = None) -> None:
    """Rules in four scopes (managed, user, project, local); ``project`` replaces the project
    file's text."""
    import json

    base = run.cwd.parent  # as made by permissions_dirs
    claude = run.cwd / ".claude"
    claude.mkdir(exist_ok=True)
    (base / "managed" / "managed-settings.json").write_text(
        json.dumps({"permissions": {"deny": ["Read(./secrets/**)"]}}))
    (base / "user" / "settings.json").write_text(json.dumps({"permissions": {
        "allow": ["WebFetch(domain:docs.python.org)"], "ask": ["Bash(git push *)"]}}))
    (claude / "settings.json").write_text(project or json.dumps({"permissions": {
        "allow": ["Bash(python -m pytest *)", "Read(//usr/share/doc/**)"],
        "deny": ["Bash(rm -rf *)"], "additionalDirectories": ["../docs"]}}, indent=2))
    (claude / "settings.local.json").write_text(json.dumps({"permissions": {
        "allow": ["Bash(make *)"]}}))


async def open_permissions(pilot: Pilot) -> None:
    """Type ``/permissions`` and wait for the editor."""
    from tui.screens.permissions import PermissionsScreen

    app = pilot.app
    screen = app.main_screen  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: screen.session.ready, what="connect")
    screen.prompt.value = ""
    screen.prompt.focus()
    await pilot.press(*"/permissions", "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, PermissionsScreen), what="editor")


async def to_permissions_trace(pilot: Pilot) -> None:
    """Deny the demo's curl command, open ``/permissions`` and test ``rm -rf build``."""
    await to_pending_command(pilot)
    await answer(pilot, "n")
    screen = pilot.app.main_screen  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: not screen.turn_running, what="turn end")
    await open_permissions(pilot)
    editor = pilot.app.screen
    await pilot.press("t", *"rm -rf build")
    await wait_until(pilot, lambda: editor.trace.result is not None  # type: ignore[attr-defined]
                     and editor.trace.result.decision is not None,  # type: ignore[attr-defined]
                     what="the trace")
    await settle(pilot)


def demo_run(base: Path) -> DemoRun:
    """A :class:`DemoRun` of the demo project in ``base/statskit``."""
    return DemoRun(base / "statskit")


def permissions_run(base: Path) -> DemoRun:
    """A :class:`DemoRun` with the permissions directories in ``base/permissions``, rules in
    four scopes (sets this process's environment: for ``make screenshots``, not for tests)."""
    run = DemoRun(permissions_dirs(base / "permissions", os.environ))
    write_permission_settings(run)
    return run


@dataclass(frozen=True)
class Scenario:
    """A named state of the UI, with the file name its screenshot gets."""

    name: str
    drive: Callable[[Pilot], Awaitable[None]]
    description: str
    make_run: Callable[[Path], DemoRun] = demo_run
    """Builds the run in a :class:`ShownDir` shown as :attr:`shown`."""
    shown: str = SHOWN_SCENARIOS


SCENARIOS = [
    Scenario("main_pending_command", to_pending_command,
             "The demo's injected `curl | sh` waits in the approval queue."),
    Scenario("main_pending_edit", to_pending_two_file_edit,
             "Two edits proposed in one turn, with their diffs beside the chat."),
    Scenario("accept_edits_review", to_accept_edits_review,
             "acceptEdits mode: the turn's edits were written; one hunk reverted afterwards."),
    Scenario("permissions_editor", to_permissions_trace,
             "/permissions: rules from four scopes, a trace in the test box, a recent call.",
             make_run=permissions_run, shown=SHOWN_SNAPSHOTS),
]


async def _screenshot(scenario: Scenario, out_dir: Path) -> Path:
    shown = ShownDir(scenario.shown)
    try:
        run = scenario.make_run(shown.path)
        try:
            async with run.app.run_test(size=SIZE) as pilot:
                await scenario.drive(pilot)
                steady_cursors(run.app)
                await pilot.pause()
                svg = shown.show(run.app.export_screenshot())
        finally:
            run.close()
    finally:
        shown.remove()
    path = out_dir / f"{scenario.name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    """``screenshots [OUT_DIR]``: write every scenario's SVG."""
    if not argv or argv[0] != "screenshots":
        print("usage: python -m tests.scenarios screenshots [OUT_DIR]", file=sys.stderr)
        return 2
    out_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "screenshots"
    out_dir.mkdir(parents=True, exist_ok=True)
    for scenario in SCENARIOS:
        path = asyncio.run(_screenshot(scenario, out_dir))
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
