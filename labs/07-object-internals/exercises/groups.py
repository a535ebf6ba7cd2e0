"""Exercise 07-3, Python twin: a tuple, not a list, per group.

The tutorial's notebook (exercise 3): compare sys.getsizeof of a tuple and
of a list with the same elements.

Task, in two parts:

1. sizes(items): return (sys.getsizeof of a tuple of items, sys.getsizeof
   of a list of items), in that order.
2. groups(n): return a list of n groups, group i holding the three small
   numbers i % 100, i % 100 + 1, i % 100 + 2. The starting version keeps a
   list per group. Budget, at n = 10 000 and 100 000: the outer list plus
   n three-element tuples (sys.getsizeof on this interpreter).

Check it: heaplab exercise check 07-3 --python
"""


def sizes(items):
    """(getsizeof of a tuple, getsizeof of a list) of items."""
    raise NotImplementedError("return sys.getsizeof(tuple(items)), sys.getsizeof(list(items))")


def groups(n):
    """n groups of three small numbers."""
    return [[i % 100, i % 100 + 1, i % 100 + 2] for i in range(n)]
