"""Exercise 02-1, Python twin, reference solution: one list, k references."""

import sys


def counts(k):
    """sys.getrefcount of one list after each of k appends."""
    value = [1, 2, 3]
    owners = []
    seen = []
    for _ in range(k):
        owners.append(value)
        seen.append(sys.getrefcount(value))
    return seen


def share(k):
    """k owners of one [1, 2, 3]."""
    value = [1, 2, 3]
    return [value for _ in range(k)]
