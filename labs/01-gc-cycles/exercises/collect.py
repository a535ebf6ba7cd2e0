"""Exercise 01-2, Python twin: what gc.collect() returns once cycles are dropped.

The tutorial's notebook (exercise 2): drop circular references, then check
the return value of gc.collect(): the number of unreachable objects it found.

Task: collect_cycles(k) makes k two-node cycles (each Pair the other's
partner), drops them, and returns what one gc.collect() reports for exactly
those k cycles: k times what this interpreter counts for one cycle of Pair
objects. The starting version below answers right for a few cycles, and
wrong for thousands: find out why. Leave the collector as you found it
(enabled), and nothing held once it returns.

Check it: heaplab exercise check 01-2 --python
"""

import gc


class Pair:
    """One half of a two-node cycle."""

    def __init__(self, value):
        self.value = value
        self.partner = None


def collect_cycles(k):
    """Makes k two-node cycles, drops them, and returns what gc.collect() found."""
    for i in range(k):
        a = Pair(2 * i)
        b = Pair(2 * i + 1)
        a.partner = b
        b.partner = a
    a = b = None
    return gc.collect()
