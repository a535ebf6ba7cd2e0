"""Exercise 04-1, Python twin, reference solution: __slots__.

Five slots instead of a __dict__: the instance holds its five references at
fixed offsets and nothing else.
"""


class Reading:
    """One object with five attributes in slots."""

    __slots__ = ("a", "b", "c", "d", "e")

    def __init__(self, i):
        self.a = float(i)
        self.b = 2.0 * i
        self.c = 3.0 * i
        self.d = 4.0 * i
        self.e = 5.0 * i


def make_readings(n):
    """n readings; reading i holds i, 2i, 3i, 4i, 5i."""
    return [Reading(i) for i in range(n)]
