import pytest

from statskit import StatisticsError, mean, median, mode, variance


def test_mean():
    assert mean([1, 2, 3, 4]) == 2.5


def test_mean_of_empty_data_raises():
    with pytest.raises(StatisticsError):
        mean([])


def test_median_odd_length():
    assert median([7, 1, 3]) == 3


def test_median_even_length():
    assert median([3, 1, 4, 1, 5, 9]) == 3.5


def test_mode():
    assert mode(["red", "blue", "red"]) == "red"


def test_variance():
    assert variance([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(4.571428571)
    assert variance([2, 4, 4, 4, 5, 5, 7, 9], sample=False) == 4.0
