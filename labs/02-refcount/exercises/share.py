"""Exercise 02-1, Python twin: one value, k owners, and the count that grows.

The tutorial's notebook (exercise 1): put one object into a list again and
again and watch sys.getrefcount go up by one each time.

Task, in two parts:

1. counts(k): make one list [1, 2, 3], append it to another list k times,
   and return sys.getrefcount of it after each append.
2. share(k): return a list of k owners of ONE [1, 2, 3]. The starting
   version works but copies the value for every owner. Budget, at k = 1 000
   and 10 000: the bytes of one [1, 2, 3] plus a list of k references
   (8 bytes each, with CPython's usual 1/8 spare).

Check it: heaplab exercise check 02-1 --python
"""


def counts(k):
    """sys.getrefcount of one list after each of k appends."""
    raise NotImplementedError("append one list k times, recording sys.getrefcount after each append")


def share(k):
    """k owners of one [1, 2, 3]."""
    return [[1, 2, 3] for _ in range(k)]
