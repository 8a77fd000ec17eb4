"""``warden detect-injection [--json] [--kind K] FILE|-``: the detector from the shell.

Prints the findings of :func:`tui.injection.scan` for one file (or standard input with ``-``):
a human list (technique, line, excerpt, what the text tries to do) or, with ``--json``, the
object ``{"injection": bool, "findings": [...]}`` the corpus scorer reads
(``../shared/corpora/injection/score.py``).

Exit status: 0 when the text is clean, 1 when it tries to instruct the agent, 2 on a usage or
read error (a message on standard error, no traceback).  A reader that closes the pipe early
(``warden detect-injection FILE | head -1``) ends the output quietly, with the same status.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from tui.injection import KINDS, scan

__all__ = ["detect_injection_main"]

MAX_BYTES = 64 * 1024 * 1024


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"warden detect-injection: {message}", file=sys.stderr)
        raise SystemExit(2)


def _read(path: str) -> str:
    """The text of ``path`` (``-`` is standard input), decoded as UTF-8 with replacement."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        with Path(path).open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise OSError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB; scan a smaller part")
    return data.decode("utf-8", errors="replace")


def detect_injection_main(argv: list[str]) -> int:
    """Run ``warden detect-injection`` with ``argv`` (the words after the subcommand).

    Returns the exit status: 0 clean, 1 injection found, 2 usage or read error.
    """
    parser = _Parser(
        prog="warden detect-injection",
        description="Look for text that tries to instruct the AI agent (prompt injection) in "
                    "FILE, or standard input with '-'. No model is called.")
    parser.add_argument("file", metavar="FILE|-", help="the file to scan, or - for stdin")
    parser.add_argument("--json", action="store_true",
                        help='print {"injection": bool, "findings": [...]}')
    parser.add_argument("--kind", choices=KINDS, default="file",
                        help="where the text comes from (default: file)")
    args = parser.parse_args(argv)
    try:
        text = _read(args.file)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"warden detect-injection: cannot read {args.file}: {reason}", file=sys.stderr)
        return 2
    result = scan(text, kind=args.kind,
                  filename=None if args.file == "-" else Path(args.file).name)
    try:
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False))
        elif not result.findings:
            print(f"{args.file}: no instructions to the agent found.")
        else:
            print(f"{args.file}: tries to instruct the agent ({len(result.findings)} "
                  f"finding{'s' if len(result.findings) != 1 else ''}):")
            for f in result.findings:
                print(f"  line {f.line}: {f.technique}: {f.excerpt}")
                print(f"    {f.message}")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``... | head -1``): stop quietly, as cat and grep do.  Point
        # stdout at /dev/null so the interpreter's final flush does not raise again
        # (https://docs.python.org/3/library/signal.html#note-on-sigpipe).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return 1 if result.injection else 0
