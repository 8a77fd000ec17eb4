"""Score :func:`tui.injection.scan` on labelled cases (the corpus format of
``../shared/corpora/injection/cases.jsonl``): the one scorer of the tests and ``make bench``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CaseScore", "score_cases"]


@dataclass
class CaseScore:
    """Counts over labelled cases, and the ids scored wrong.

    Attributes:
        tp, fp, fn, tn: true/false positives and negatives ("positive": flagged).
        missed: ids of injections not flagged.
        wrongly: ids of benign cases flagged.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    missed: list[str] = field(default_factory=list)
    wrongly: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp), or None when nothing was flagged."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn), or None when there were no injections."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def score_cases(cases: Iterable[Mapping[str, Any]]) -> CaseScore:
    """Scan each case's ``content`` (with its ``kind`` and ``filename``) and compare with its
    ``label`` (``"injection"`` or ``"benign"``)."""
    from tui.injection import scan

    score = CaseScore()
    for case in cases:
        flagged = scan(case["content"], kind=case["kind"], filename=case["filename"]).injection
        injected = case["label"] == "injection"
        if flagged and injected:
            score.tp += 1
        elif flagged:
            score.fp += 1
            score.wrongly.append(case["id"])
        elif injected:
            score.fn += 1
            score.missed.append(case["id"])
        else:
            score.tn += 1
    return score
