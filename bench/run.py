"""Run Warden's benchmarks: ``make bench`` (``python bench/run.py [--only GROUP]``).

Each group is a module in ``bench/`` with ``NAME``, ``TARGETS`` (figure name ->
:class:`~bench.common.Target`) and ``run() -> dict``: numbers in the dict it returns are
figures, anything else (lists, dicts, strings) is detail kept in the results file.  The figures
are merged into ``bench/results.json`` (figures of groups not run this time are kept) with the
machine's description, and printed as a table ``figure | value | target | ok``.

Exit status: 0 when every group ran (even if a target is missed; see ``--strict``), 1 when a
group failed to measure, 2 with ``--strict`` when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``tui`` importable, and
    # take ``bench/`` itself off the path, where bench/<group>.py would shadow a package of
    # the same name (bench/mcp.py once hid the mcp SDK from the MCP group).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.common import Target  # noqa: E402

GROUPS = ("startup", "streaming", "keypress", "permissions", "sandbox", "reload", "diff",
          "headless", "trust", "hooks", "long_stream", "long_session", "webfetch",
          "mcp_call", "injection")
"""Benchmark modules under ``bench/``, in the order they run.  Add new groups here."""
EXTRA_GROUPS = ("oracle",)
"""Groups run only when named with ``--only`` (the dynamic oracle takes minutes; ``make
oracle`` runs it with its own options)."""

RESULTS = Path(__file__).resolve().parent / "results.json"


def machine_info() -> dict[str, Any]:
    """What the figures were measured on."""
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    try:
        from importlib.metadata import version

        info["textual"] = version("textual")
    except Exception:  # not installed: the benchmarks will say so
        info["textual"] = None
    return info


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def load_group(name: str) -> ModuleType:
    """The benchmark module ``bench.<name>``."""
    return importlib.import_module(f"bench.{name}")


def is_figure(value: object) -> bool:
    """Numbers (and None, a figure that could not be computed) are figures."""
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def run_group(module: ModuleType) -> tuple[dict[str, Any], str | None, float]:
    """Run one group; returns (its results, an error message or None, seconds taken)."""
    started = time.monotonic()
    try:
        results = module.run()
    except Exception as exc:
        detail = "".join(traceback.format_exception_only(exc)).strip()
        if not isinstance(exc, _expected_errors()):
            detail = traceback.format_exc()
        return {}, detail, time.monotonic() - started
    return results, None, time.monotonic() - started


def _expected_errors() -> tuple[type[BaseException], ...]:
    from bench.common import BenchError

    return (BenchError,)


def merge(
    previous: dict[str, Any], module: ModuleType, results: dict[str, Any], error: str | None,
    now: str,
) -> None:
    """Merge one group's results (or error) into the results file's data, in place."""
    name: str = module.NAME
    targets: dict[str, Target] = module.TARGETS
    figures: dict[str, Any] = previous.setdefault("figures", {})
    details: dict[str, Any] = previous.setdefault("details", {})
    errors: dict[str, Any] = previous.setdefault("errors", {})
    if error is not None:
        errors[name] = {"error": error, "date": now}
        for entry in figures.values():
            if entry.get("group") == name:
                entry["stale"] = True
        return
    errors.pop(name, None)
    for figure in [f for f, e in figures.items() if e.get("group") == name]:
        del figures[figure]
    for figure, value in results.items():
        if not is_figure(value):
            continue
        target = targets.get(figure)
        figures[figure] = {
            "value": value,
            "target": str(target) if target else None,
            "ok": (target.met(value) if value is not None else False) if target else None,
            "group": name,
            "date": now,
        }
    details[name] = {k: v for k, v in results.items() if not is_figure(v)}


def table(figures: dict[str, Any], groups: Sequence[str], errors: dict[str, Any]) -> str:
    """The ``figure | value | target | ok`` table of the given groups' figures."""
    rows = [("figure", "value", "target", "ok")]
    for name, entry in figures.items():
        if entry.get("group") not in groups:
            continue
        value = entry["value"]
        shown = "n/a" if value is None else f"{value:g}"
        ok = {True: "yes", False: "NO", None: ""}[entry["ok"]]
        if entry.get("stale"):
            ok = (ok + " (stale)").strip()
        rows.append((name, shown, entry["target"] or "", ok))
    for group in groups:
        if group in errors:
            rows.append((f"[{group}]", "FAILED", "", "NO"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def write_results(data: dict[str, Any], path: Path) -> None:
    """Stamp ``data`` with the machine and the time and write it to ``path`` atomically."""
    data["machine"] = machine_info()
    data["updated"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    ordered = {k: data[k] for k in ("updated", "machine", "figures", "errors", "details")
               if k in data}
    tmp = path.with_name(path.name + ".tmp")  # atomic: never a half file
    tmp.write_text(json.dumps(ordered, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark groups, update ``bench/results.json`` and print the table."""
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=GROUPS + EXTRA_GROUPS, action="append",
                        metavar="GROUP", help="run only this group (repeatable): "
                        f"{', '.join(GROUPS + EXTRA_GROUPS)}")
    parser.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the results file")
    args = parser.parse_args(argv)
    groups = args.only or list(GROUPS)
    # Let the pty reader thread timestamp output promptly while the parser thread is busy.
    sys.setswitchinterval(0.001)

    try:
        data = json.loads(args.results.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"warning: the machine is busy (load average {load:.2f}); timings will be noisy",
              file=sys.stderr)
    failed = False
    for name in groups:
        module = load_group(name)
        print(f"running {name}...", file=sys.stderr, flush=True)
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        results, error, seconds = run_group(module)
        print(f"  {name}: {'FAILED' if error else 'done'} in {seconds:.1f} s",
              file=sys.stderr, flush=True)
        if error:
            failed = True
            print(error, file=sys.stderr)
        merge(data, module, results, error, now)
    write_results(data, args.results)

    print(table(data.get("figures", {}), groups, data.get("errors", {})))
    print(f"\nwritten to {args.results}")
    if failed:
        return 1
    missed = any(e["ok"] is False for e in data["figures"].values() if e["group"] in groups)
    return 2 if args.strict and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
