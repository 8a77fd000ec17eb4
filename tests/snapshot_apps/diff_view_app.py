"""Snapshot app: a two-file proposed change in :class:`widgets.diff_view.DiffView`.

What a reviewer should see in the SVG (100x32, theme ``warden-dark``, unified: narrower than the
split threshold):

- A two-row file list (``src/greeting.py  +2 -2``, highlighted, and
  ``docs/GREETING.md  new file  +5 -0``).
- A header bar ``src/greeting.py  +2 -2``, then two hunks, ``@@ -4,7 +4,7 @@`` and
  ``@@ -12,7 +12,7 @@``, in blue on a faint grey band.
- Every diff line starts with a gutter of old and new line numbers, right-aligned in two columns
  (the old number blank on ``+`` lines, the new number blank on ``-`` lines), then a ``+``, ``-``
  or blank marker column, then the code.
- Added lines sit on a dark green band and removed lines on a dark red band, both reaching the
  right edge; context lines have no band.  In the first hunk's pair (line 7) only the changed
  characters have a stronger red / green background (the intra-line marks).
- Python colours: keywords purple, strings green, function names blue, the number ``1`` orange,
  the ``# f-string`` comment muted italic.  The docstring lines at the top of the second hunk
  (``Used by the --loud flag.`` and the closing quotes) are green italic: the whole file was
  highlighted, not just the hunk.
- The long ``+`` line in the second hunk folds onto a continuation row whose gutter shows ``↪``
  and which keeps the ``+`` marker and the green band.
- A second header ``docs/GREETING.md  new file  +5 -0`` with a green "new file" badge, one hunk
  ``@@ -0,0 +1,5 @@`` whose lines are all ``+`` with only new line numbers; the ``# Greeting``
  heading is blue and bold.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult

from tests.snapshot_apps.themed import ThemedApp
from tui.diffs import FileChange
from widgets.diff_view import DiffView

OLD_PY = """\
\"\"\"Greetings for the demo.\"\"\"

import sys


def greet(name):
    return "Hello, " + name + "!"


def shout(name):
    \"\"\"Greet loudly.

    Used by the --loud flag.
    \"\"\"
    return greet(name).upper()


def main():
    # Print a greeting for each argument.
    for name in sys.argv[1:]:
        print(greet(name))
    return 0
"""

NEW_PY = OLD_PY.replace(
    '    return "Hello, " + name + "!"',
    '    return f"Hello, {name}!"  # f-string',
).replace(
    "    return greet(name).upper()",
    '    return greet(name).upper() + f" ({len(name)} letters, shouted as --loud was given) " * 1',
)

NEW_MD = """\
# Greeting

Run `python src/greeting.py Ada` to print **Hello, Ada!**.

- One greeting per name.
"""

CHANGES = (
    FileChange(Path("/project/src/greeting.py"), OLD_PY, NEW_PY, "src/greeting.py"),
    FileChange(Path("/project/docs/GREETING.md"), None, NEW_MD, "docs/GREETING.md"),
)
"""A Python edit with two hunks and a new Markdown file with one."""


class DiffViewApp(ThemedApp):
    """Shows :data:`CHANGES` in a full-screen :class:`DiffView` on Warden's theme."""

    def compose(self) -> ComposeResult:
        yield DiffView(CHANGES, id="diff")


if __name__ == "__main__":
    DiffViewApp().run()
