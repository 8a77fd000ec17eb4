"""Warden's benchmarks: ``make bench`` runs ``bench/run.py``.

Each module here (``startup``, ``streaming``...) measures one group of figures by running the
real app in a pseudo-terminal (:mod:`bench.ptyterm`) and returns them as a dict;
``bench/run.py`` merges them into ``bench/results.json`` and prints a table.
"""
