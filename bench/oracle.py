"""The dynamic oracle: run what Warden allows, for real, and catch what its analysis missed.

``make oracle`` (``python bench/oracle.py [--limit N] [--seed S] [--only-variants] [--json P]``).

Inputs: the 12,607 NL2Bash commands (``../shared/corpora/nl2bash/all.cm``), :data:`EXTRA`
(commands a coding agent runs in a project, which NL2Bash lacks: git above all), and at least
20,000 variants of them (:mod:`bench.oracle_variants`, seeded).  Each input is decided by
Warden's engine (:mod:`bench.oracle_runner`); each one it allows runs in a throwaway bubblewrap
sandbox under strace (:mod:`bench.oracle_sandbox`) with a hostile fixture project and a fake
HOME full of canaries (:mod:`bench.oracle_fixture`), and its log is checked against the analysis
(:mod:`bench.oracle_strace`): an unlisted exec, a write, a connect or a canary read is a defect.

Output: a table of counts and defects on stdout, the full report as JSON (default
``bench/oracle_report.json``: every defect with its command, variant kind, reason, syscall lines
and a line to paste into a regression test), and the figures ``oracle_commands`` (commands
run), ``oracle_defects`` (commands with at least one defect; target 0) and ``oracle_seconds``
(wall time; target under 20 minutes) merged into ``bench/results.json`` after a full run (a
``--limit`` or ``--only-variants`` run leaves it alone).  Two worker processes (``--jobs``).

Not in ``make bench``'s default groups: the full run takes minutes (``bench/run.py --only
oracle`` runs it with the defaults).
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``tui`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BenchError, Target  # noqa: E402
from bench.oracle_fixture import build_fixture, policy_json  # noqa: E402
from bench.oracle_runner import Settings, init_worker, judge  # noqa: E402
from bench.oracle_sandbox import default_hidden, probe  # noqa: E402
from bench.oracle_variants import generate  # noqa: E402

NAME = "oracle"
REPO_ROOT = Path(__file__).resolve().parents[1]
CORPORA = REPO_ROOT.parent / "shared" / "corpora"
NL2BASH = CORPORA / "nl2bash" / "all.cm"
REPORT = Path(__file__).resolve().parent / "oracle_report.json"
FAMILIES = ("exec", "write", "connect", "canary")
VARIANTS = 20000

TARGETS = {"oracle_defects": Target("<=", 0), "oracle_seconds": Target("<", 1200)}

EXTRA: tuple[str, ...] = (
    "git status", "git status --short", "git log --oneline -5", "git log -p -1", "git diff",
    "git diff --stat", "git show HEAD --stat", "git show", "git branch -a", "git st", "git lg",
    "git blame README.md", "git grep foo", "git ls-files", "git rev-parse HEAD",
    "git config --list", "git diff data/notes.txt", "git log --stat -- src", "ls -la",
    "ls -R src", "cat README.md", "cat .env", "head -n 3 data/2024.csv", "wc -l data/*.csv",
    "grep -rn foo .", "grep -R WARDEN .", "find . -name '*.py'", "find -L . -name config",
    "sort data/2023.csv", "cat latest.csv", "cat .secrets", "cat lib/main.py",
    "tail -n 2 data/app.log", "npm test", "du -sh .", "file README.md", "stat README.md",
    "diff data/2023.csv data/2024.csv", "md5sum data/*.csv", "less README.md", "cat ~/.netrc",
    "ls ~/.ssh", "grep -r token ~", "cat home-link/.aws/credentials",
)
"""Commands a coding agent runs in a project, exercising the fixture (NL2Bash has few)."""


def inputs(seed: int = 0, *, only_variants: bool = False, limit: int | None = None,
           variants: int = VARIANTS) -> list[tuple[int, str, str, str]]:
    """The oracle's inputs as ``(index, command, kind, base)``; ``kind`` is ``"nl2bash"``,
    ``"extra"`` or a variant kind (:data:`bench.oracle_variants.KINDS`).

    ``limit`` keeps a seeded random sample of that many inputs (in their original order).

    Raises:
        BenchError: the NL2Bash corpus is missing.
    """
    if not NL2BASH.is_file():
        raise BenchError(f"{NL2BASH} is missing (clone without ../shared?)")
    bases = [line for line in NL2BASH.read_text(encoding="utf-8").splitlines() if line.strip()]
    originals = [(c, "nl2bash", c) for c in bases] + [(c, "extra", c) for c in EXTRA]
    generated = [(v.text, v.kind, v.base)
                 for v in generate([c for c, _, _ in originals], seed=seed, target=variants)]
    chosen = generated if only_variants else originals + generated
    items = [(i, text, kind, base) for i, (text, kind, base) in enumerate(chosen)]
    if limit is not None and limit < len(items):
        keep = set(random.Random(seed).sample(range(len(items)), limit))
        items = [item for item in items if item[0] in keep]
    return items


def run_oracle(items: Sequence[tuple[int, str, str, str]], *, jobs: int = 2,
               timeout: float = 5.0, seed: int = 0,
               progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Decide every input, run the allowed ones traced, and return the report.

    Args:
        items: from :func:`inputs` (or hand-made ``(index, command, kind, base)`` tuples).
        jobs: worker processes.
        timeout: seconds each command may run.
        seed: makes the canary contents unique.
        progress: called with ``(done, total)`` now and then.

    Returns:
        ``{"figures": {...}, "defects": [...], "regressions": [...], "by_reason": [...],
        "timeouts": [...], "errors": [...], "benign": {...}}`` (see :func:`summarize`).

    Raises:
        BenchError: bubblewrap or strace cannot run here (the message says how to fix it).
    """
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="warden-oracle-") as tmp:
        scratch = Path(tmp).resolve()
        ok, why = probe(scratch)
        if not ok:
            raise BenchError(f"the oracle cannot run here: {why}")
        fixture = build_fixture(scratch / "ws", seed=seed)
        settings = Settings(
            workspace=str(fixture.root), project=str(fixture.project), home=str(fixture.home),
            canaries=tuple(fixture.canaries), trace_root=str(scratch / "traces"),
            policy_json=policy_json(), timeout=timeout,
            bwrap=shutil.which("bwrap") or "bwrap", strace=shutil.which("strace") or "strace",
            hide=default_hidden())
        records: list[dict[str, Any]] = []
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                 initializer=init_worker, initargs=(settings,)) as pool:
            for record in pool.map(judge, items, chunksize=8):
                records.append(record)
                if progress and len(records) % 500 == 0:
                    progress(len(records), len(items))
    return summarize(records, time.monotonic() - started)


def summarize(records: Sequence[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """The report of :func:`run_oracle` from the per-input records of
    :meth:`bench.oracle_runner.Judge.judge`."""
    ran = [r for r in records if r["ran"]]
    bad = [r for r in ran if r["defects"]]
    figures: dict[str, Any] = {
        "oracle_commands": len(ran),
        "oracle_defects": len(bad),
        "oracle_seconds": round(seconds, 1),
        "oracle_inputs": len(records),
        "oracle_allowed_by_rule": sum(1 for r in ran if not r["source"].startswith("built-in")),
        "oracle_timeouts": sum(1 for r in ran if r["timed_out"]),
        "oracle_warden_errors": sum(1 for r in records if r["behavior"] == "error"),
    }
    for family in FAMILIES:
        figures[f"oracle_defects_{family}"] = sum(
            1 for r in bad if any(d["family"] == family for d in r["defects"]))
    by_reason: Counter[tuple[str, str]] = Counter()
    regressions: list[str] = []
    defects = []
    for r in bad:
        for d in r["defects"]:
            by_reason[(d["family"], d["reason"])] += 1
        why = "; ".join(f"{d['family']}: {d['reason']}" for d in r["defects"])
        regressions.append(f"    ({r['command']!r}, {why!r}),")
        defects.append({k: r[k] for k in ("command", "kind", "base", "source", "programs",
                                          "defects")})
    benign: Counter[str] = Counter(d["reason"] for r in ran for d in r["benign"])
    return {
        "figures": figures,
        "kinds_run": dict(Counter(r["kind"] for r in ran)),
        "by_reason": [{"family": f, "reason": why, "commands": n}
                      for (f, why), n in by_reason.most_common()],
        "defects": defects,
        "regressions": regressions,
        "benign": dict(benign.most_common()),
        "timeouts": [r["command"] for r in ran if r["timed_out"]],
        "slowest": [{"command": r["command"], "seconds": r["seconds"]}
                    for r in sorted(ran, key=lambda r: -r["seconds"])[:20]],
        "run_seconds_total": round(sum(r["seconds"] for r in ran), 1),
        "errors": [{"command": r["command"], "error": r["error"]} for r in ran if "error" in r],
        "warden_errors": [{"command": r["command"], "error": r["source"]} for r in records
                          if r["behavior"] == "error"],
    }


def _cell(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def format_report(report: dict[str, Any], show: int = 40) -> str:
    """The report as text: figures, defects per reason, up to ``show`` defects per family with
    their command, variant kind, reason and first offending syscall line, then the regression
    lines (``(command, reason),``)."""
    lines = ["figure | value", "-------+------"]
    lines += [f"{k} | {v:g}" for k, v in report["figures"].items()]
    lines += ["", "family  | commands | reason", "--------+----------+-------"]
    lines += [f"{e['family']:<7} | {e['commands']:>8} | {_cell(e['reason'], 100)}"
              for e in report["by_reason"]]
    for family in FAMILIES:
        rows = [(r, d) for r in report["defects"] for d in r["defects"] if d["family"] == family]
        if not rows:
            continue
        lines += ["", f"{family} defects ({len(rows)}):",
                  "kind     | command | reason | syscall"]
        for r, d in rows[:show]:
            lines.append(f"{r['kind']:<8} | {_cell(r['command'], 70)} | {_cell(d['reason'], 60)}"
                         f" | {_cell(d['lines'][0], 110)}")
        if len(rows) > show:
            lines.append(f"... {len(rows) - show} more in the JSON report")
    if report["regressions"]:
        lines += ["", "regression cases (command, reason), to paste into a test:",
                  *report["regressions"][:show * len(FAMILIES)]]
        if len(report["regressions"]) > show * len(FAMILIES):
            lines.append(f"    # ... {len(report['regressions']) - show * len(FAMILIES)} more "
                         "in the JSON report")
    if report["benign"]:
        lines += ["", "exempted execs (not defects): " + ", ".join(
            f"{k} x{v}" for k, v in list(report["benign"].items())[:10])]
    return "\n".join(lines)


def run() -> dict[str, Any]:
    """The full run with the defaults (``bench/run.py --only oracle``): figures plus a short
    detail (the 30 most frequent reasons); the full report goes to :data:`REPORT`."""
    report = run_oracle(inputs())
    _write_json(REPORT, report)
    return {**report["figures"], "top_reasons": report["by_reason"][:30],
            "report": str(REPORT.relative_to(REPO_ROOT))}


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _merge_results(path: Path, report: dict[str, Any]) -> None:
    """Merge the figures into ``bench/results.json`` the way ``bench/run.py`` does."""
    from bench import run as bench_run

    module = sys.modules[__name__]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    results = {**report["figures"], "top_reasons": report["by_reason"][:30]}
    bench_run.merge(data, module, results, None, now)
    bench_run.write_results(data, path)
    print(bench_run.table(data["figures"], [NAME], data.get("errors", {})))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the oracle, print the report, write the JSON and the figures.

    Exit status: 0 when it ran (defects or not; see ``--strict``), 1 when it could not run,
    2 with ``--strict`` when a defect was found.
    """
    parser = argparse.ArgumentParser(prog="bench/oracle.py", description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="a seeded sample of N inputs (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="variants, sample and canaries")
    parser.add_argument("--only-variants", action="store_true", help="skip the base commands")
    parser.add_argument("--variants", type=int, default=VARIANTS, help="variants to aim for")
    parser.add_argument("--json", type=Path, default=REPORT, help="the report file")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per command")
    parser.add_argument("--show", type=int, default=40, help="defects printed per family")
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "bench" / "results.json",
                        help="figures file to merge into")
    parser.add_argument("--no-results", action="store_true", help="do not touch the figures")
    parser.add_argument("--strict", action="store_true", help="exit 2 when a defect is found")
    parser.add_argument("--commands", type=Path,
                        help="run only these commands (one per line, e.g. the defects of an "
                             "earlier report); the figures are not updated")
    args = parser.parse_args(argv)
    try:
        if args.commands is not None:
            lines = [c for c in args.commands.read_text(encoding="utf-8").splitlines()
                     if c.strip()]
            items = [(i, c, "given", c) for i, c in enumerate(lines)]
            args.no_results = True
        else:
            items = inputs(args.seed, only_variants=args.only_variants, limit=args.limit,
                           variants=args.variants)
        print(f"oracle: {len(items)} inputs, {args.jobs} workers", file=sys.stderr, flush=True)
        report = run_oracle(items, jobs=args.jobs, timeout=args.timeout, seed=args.seed,
                            progress=lambda d, t: print(f"  {d}/{t}", file=sys.stderr,
                                                        flush=True))
    except BenchError as exc:
        print(f"oracle: {exc}", file=sys.stderr)
        return 1
    report["options"] = {"seed": args.seed, "limit": args.limit, "variants": args.variants,
                         "only_variants": args.only_variants, "timeout": args.timeout}
    print(format_report(report, args.show))
    _write_json(args.json, report)
    print(f"\nreport written to {args.json}")
    if args.limit is not None or args.only_variants:
        print("a partial run (--limit, --only-variants): bench/results.json not updated")
    elif not args.no_results:
        _merge_results(args.results, report)
    return 2 if args.strict and report["figures"]["oracle_defects"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
