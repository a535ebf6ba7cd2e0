"""Exercise 07-3, Python twin, reference solution: tuples."""

import sys


def sizes(items):
    """(getsizeof of a tuple, getsizeof of a list) of items."""
    return sys.getsizeof(tuple(items)), sys.getsizeof(list(items))


def groups(n):
    """n groups of three small numbers, each a tuple: no spare room, no growth."""
    return [(i % 100, i % 100 + 1, i % 100 + 2) for i in range(n)]
