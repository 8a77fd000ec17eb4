"""Descriptive statistics for iterables of numbers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable


class StatisticsError(ValueError):
    """Raised when a statistic is undefined for the data it was given."""


def _require_data(data: Iterable, name: str) -> list:
    values = list(data)
    if not values:
        raise StatisticsError(f"{name}() requires at least one data point")
    return values


def mean(data: Iterable[float]) -> float:
    """Return the arithmetic mean of *data*.

    >>> mean([1, 2, 3, 4])
    2.5
    """
    values = _require_data(data, "mean")
    return sum(values) / len(values)


def median(data: Iterable[float]) -> float:
    """Return the median (middle value) of *data*.

    With an even number of data points, the median is the average of the
    two middle values.

    >>> median([3, 1, 2])
    2
    """
    values = sorted(_require_data(data, "median"))
    return values[len(values) // 2]


def mode(data: Iterable[Hashable]) -> Hashable:
    """Return the most common value in *data* (the first one seen on a tie).

    >>> mode([1, 2, 2, 3])
    2
    """
    counts = Counter(_require_data(data, "mode"))
    return counts.most_common(1)[0][0]


def variance(data: Iterable[float], *, sample: bool = True) -> float:
    """Return the sample variance of *data*, or the population variance.

    The sample variance divides by ``n - 1`` and needs at least two data points.
    """
    values = _require_data(data, "variance")
    if sample and len(values) < 2:
        raise StatisticsError("sample variance requires at least two data points")
    centre = mean(values)
    squares = sum((x - centre) ** 2 for x in values)
    return squares / (len(values) - 1 if sample else len(values))
