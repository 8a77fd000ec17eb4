"""statskit: small, dependency-free descriptive statistics."""

from statskit.stats import StatisticsError, mean, median, mode, variance

__all__ = ["StatisticsError", "mean", "median", "mode", "variance"]
__version__ = "0.3.0"
