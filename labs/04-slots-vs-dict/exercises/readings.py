"""Exercise 04-1, Python twin: five attributes, n objects, as small as CPython allows.

The tutorial's notebook (exercise 4) asks for a class with five attributes,
measured with and without __slots__. This starting version is a plain
class: every instance carries a __dict__.

Task: make_readings(n) returns n objects; reading i has attributes
a = i, b = 2i, c = 3i, d = 4i, e = 5i (floats), and no __dict__. Budget:
n × (sys.getsizeof of a five-slot instance + five floats) bytes, plus the
list: 200 bytes per object on CPython 3.8 to 3.13.

Check it: heaplab exercise check 04-1 --python
"""


class Reading:
    """One object with five attributes, each in the instance's __dict__."""

    def __init__(self, i):
        self.a = float(i)
        self.b = 2.0 * i
        self.c = 3.0 * i
        self.d = 4.0 * i
        self.e = 5.0 * i


def make_readings(n):
    """n readings; reading i holds i, 2i, 3i, 4i, 5i."""
    return [Reading(i) for i in range(n)]
