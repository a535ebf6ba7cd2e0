"""Exercise 01-2, Python twin, reference solution: the collector off while the cycles pile up.

With the collector enabled, thousands of new objects trigger automatic
collections that free the earlier cycles before the explicit gc.collect()
runs, so it reports only the rest. Disabled, nothing is collected until
asked; the collector's state is restored however the function ends.
"""

import gc


class Pair:
    """One half of a two-node cycle."""

    def __init__(self, value):
        self.value = value
        self.partner = None


def collect_cycles(k):
    """Makes k two-node cycles, drops them, and returns what gc.collect() found."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        # Whatever was garbage before is not ours to count.
        gc.collect()
        for i in range(k):
            a = Pair(2 * i)
            b = Pair(2 * i + 1)
            a.partner = b
            b.partner = a
        a = b = None
        return gc.collect()
    finally:
        if was_enabled:
            gc.enable()
