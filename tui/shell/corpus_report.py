"""Measure ``explain`` over a corpus of real one-line commands (nl2bash's ``all.cm``).

``python -m tui.shell.corpus_report PATH`` prints: the number of commands, the share
*explained* (the analysis is ok, every program is in the description table, the paragraph names
every program, and every command has at least one effect: a path it reads, writes or deletes,
what it executes, a host, or a listing/printing effect such as "standard input"), the share
that failed closed (``ok=False``: Warden asks), the number of crashes (``explain`` raised; must
be 0), the 30 programs most often not described, and p50/p99 of ``analyze()`` in microseconds.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tui.shell.analyzer import analyze
from tui.shell.explain import Explanation, explain

CWD = Path("/home/user/project")
HOME = Path("/home/user")


@dataclass
class Report:
    """Counts from one run over a corpus."""

    total: int = 0
    explained: int = 0
    failed_closed: int = 0
    crashes: int = 0
    undescribed: collections.Counter[str] = field(default_factory=collections.Counter)
    micros: list[float] = field(default_factory=list)
    crash_examples: list[str] = field(default_factory=list)

    @property
    def explained_share(self) -> float:
        """Explained commands as a fraction of the total."""
        return self.explained / self.total if self.total else 0.0

    @property
    def failed_share(self) -> float:
        """Failed-closed commands as a fraction of the total."""
        return self.failed_closed / self.total if self.total else 0.0


def is_explained(result: Explanation) -> bool:
    """The criterion described in the module docstring."""
    if not result.analysis.ok or not result.commands:
        return False
    for ce in result.commands:
        if not ce.described or not ce.has_effect:
            return False
        if ce.program and ce.program not in result.summary:
            return False
    return True


def run(lines: list[str], *, timing: bool = True) -> Report:
    """Explain every line; time ``analyze`` separately when ``timing``."""
    report = Report()
    for line in lines:
        report.total += 1
        try:
            result = explain(line, cwd=CWD, home=HOME, working_dirs=(CWD,))
        except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
            report.crashes += 1
            if len(report.crash_examples) < 10:
                report.crash_examples.append(f"{line!r}: {type(exc).__name__}: {exc}")
            continue
        if timing:
            start = time.perf_counter()
            analyze(line, cwd=CWD, home=HOME, working_dirs=(CWD,))
            report.micros.append((time.perf_counter() - start) * 1e6)
        if not result.analysis.ok:
            report.failed_closed += 1
        if is_explained(result):
            report.explained += 1
        for ce in result.commands:
            if not ce.described and ce.program:
                report.undescribed[ce.program] += 1
    return report


def read_corpus(path: Path) -> list[str]:
    """The non-empty lines of ``path``."""
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def main(argv: list[str] | None = None) -> int:
    """Print the report for the corpus at ``argv[0]``; exit status 1 on any crash."""
    parser = argparse.ArgumentParser(prog="python -m tui.shell.corpus_report")
    parser.add_argument("path", type=Path, help="one command per line (nl2bash all.cm)")
    args = parser.parse_args(argv)
    report = run(read_corpus(args.path))
    micros = sorted(report.micros)
    p50 = statistics.median(micros) if micros else 0.0
    p99 = micros[min(len(micros) - 1, int(len(micros) * 0.99))] if micros else 0.0
    print(f"total:               {report.total}")
    print(f"explained:           {report.explained} ({report.explained_share:.2%})")
    print(f"unknown (fail-closed): {report.failed_closed} ({report.failed_share:.2%})")
    print(f"crashes:             {report.crashes}")
    for example in report.crash_examples:
        print(f"  crash: {example}")
    print(f"analyze() p50: {p50:.0f} µs   p99: {p99:.0f} µs")
    print("top 30 programs not described:")
    for name, count in report.undescribed.most_common(30):
        print(f"  {count:5d}  {name}")
    return 1 if report.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
