"""The local prompt-injection detector: how fast it scans and how well it decides (issue 13 item 5).

* ``injection_scan_us_per_kib``: CPU time of :func:`tui.injection.scan` per KiB of content (UTF-8
  bytes), over every case of the corpus ``../shared/corpora/injection/cases.jsonl`` (1.5 MB of
  real files, tool outputs, pages and MCP results); the best of ``ROUNDS`` passes, so another
  process on the machine does not count.  Without the corpus a realistic mix (this repository's
  own Python, Markdown and JSON files) is scanned instead and ``source`` says so.
* ``injection_precision`` / ``injection_recall``: on the corpus, hard negatives included (the
  same decision ``warden detect-injection --json`` prints; the corpus's ``score.py`` runs that
  command once per case).  None without the corpus.

Targets from issue 13: precision >= 0.9, recall >= 0.9, under 200 µs per KiB.
"""

from __future__ import annotations

import json
import time
from typing import Any

from bench.common import REPO_ROOT, Target

NAME = "injection"
ROUNDS = 3

CORPUS = REPO_ROOT.parent / "shared" / "corpora" / "injection" / "cases.jsonl"

TARGETS = {
    "injection_scan_us_per_kib": Target("<", 200),
    "injection_precision": Target(">=", 0.9),
    "injection_recall": Target(">=", 0.9),
}


def _fallback_mix() -> list[tuple[str, str, str]]:
    """(kind, filename, text) of this repository's own files: a realistic benign mix."""
    out: list[tuple[str, str, str]] = []
    for pattern in ("tui/**/*.py", "*.md", "docs/**/*.md", "bench/*.json"):
        for path in sorted(REPO_ROOT.glob(pattern))[:200]:
            try:
                out.append(("file", path.name, path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    return out


def run() -> dict[str, Any]:
    """The three figures, and the corpus's misclassified case ids as detail."""
    from tui.injection import scan

    cases: list[dict[str, Any]] = []
    if CORPUS.is_file():
        with CORPUS.open(encoding="utf-8") as f:
            cases = [json.loads(line) for line in f if line.strip()]
        texts = [(c["kind"], c["filename"], c["content"]) for c in cases]
        source = str(CORPUS)
    else:
        texts = _fallback_mix()
        source = "repository files (the corpus is absent)"
    kib = sum(len(t.encode("utf-8", "surrogatepass")) for _, _, t in texts) / 1024
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.process_time()
        for kind, filename, text in texts:
            scan(text, kind=kind, filename=filename)  # type: ignore[arg-type]
        best = min(best, time.process_time() - start)
    result: dict[str, Any] = {
        "injection_scan_us_per_kib": round(best * 1e6 / kib, 1),
        "injection_precision": None,
        "injection_recall": None,
        "injection_scanned_kib": round(kib, 1),
        "injection_source": source,
    }
    if cases:
        from tui.injection.scoring import score_cases

        score = score_cases(cases)
        precision, recall = score.precision, score.recall
        result["injection_precision"] = round(precision, 3) if precision is not None else None
        result["injection_recall"] = round(recall, 3) if recall is not None else None
        result["injection_missed"] = score.missed
        result["injection_false_positives"] = score.wrongly
    return result


if __name__ == "__main__":  # pragma: no cover - manual run
    print(json.dumps(run(), indent=2))
