"""``explain`` over the nl2bash corpus (12,607 real one-line commands): the figures the shell
analyser must reach (brief: >= 95 % explained, < 2 % fail-closed, no crash).

The full corpus runs in a few seconds; ``python -m tui.shell.corpus_report PATH`` prints the
same figures with timings and the programs not yet described.
"""

from __future__ import annotations

import pytest

from tests.conftest import SHARED
from tui.shell.corpus_report import read_corpus, run

CORPUS = SHARED / "corpora" / "nl2bash" / "all.cm"


@pytest.mark.skipif(not CORPUS.is_file(),
                    reason=f"the nl2bash corpus is not checked out at {CORPUS}")
def test_nl2bash_corpus_figures() -> None:
    lines = read_corpus(CORPUS)
    assert len(lines) > 12_000
    report = run(lines, timing=False)
    assert report.crashes == 0, report.crash_examples
    assert report.explained_share >= 0.95, (report.explained_share,
                                            report.undescribed.most_common(10))
    assert report.failed_share < 0.02, report.failed_share
