"""Specs of lab 04's Python exercise twins, graded by harness/python/heaplab_exercise.py.

CHECKS maps an exercise id to a function that takes the student's module and
returns a Check. Budgets are computed from sys.getsizeof on this interpreter,
never pasted: the same exercise has a different budget on each CPython.
"""

import sys

from heaplab_exercise import Check, HeapCheck, expect_eq

# Object counts: a thousand, and ten times as many, so growth shows.
SIZES = [1_000, 10_000]


class _FiveSlots:
    """The size reference: an instance with five slots and no __dict__."""

    __slots__ = ("a", "b", "c", "d", "e")


def _list_bytes(n):
    # A list grown by append over-allocates by about 1/8: 8 bytes per slot,
    # one slot in eight spare, plus its header.
    return sys.getsizeof([]) + 8 * (n + n // 8 + 8)


def expected(i):
    """What reading i holds: i, 2i, 3i, 4i, 5i as floats."""
    return (float(i), 2.0 * i, 3.0 * i, 4.0 * i, 5.0 * i)


def check_readings(answer):
    """04-1: five attributes per object, as small as CPython allows."""

    def values(n):
        return [(r.a, r.b, r.c, r.d, r.e) for r in answer.make_readings(n)]

    def no_dict():
        reading = answer.make_readings(1)[0]
        return None if not hasattr(reading, "__dict__") else "a reading still has a __dict__"

    per_object = sys.getsizeof(_FiveSlots()) + 5 * sys.getsizeof(1.0)
    return (
        Check()
        .test("n = 0: no readings", lambda: expect_eq(values(0), []))
        .test("n = 1: reading 0 is all zeros", lambda: expect_eq(values(1), [expected(0)]))
        .test("n = 4: reading i holds i, 2i, 3i, 4i, 5i", lambda: expect_eq(values(4), [expected(i) for i in range(4)]))
        .test("no __dict__ per object", no_dict)
        .measure(
            HeapCheck("make n readings", SIZES, lambda n: n, answer.make_readings)
            .budget(
                "bytes",
                f"n × (getsizeof(five-slot instance) + 5 × getsizeof(float)) + the list = {per_object} bytes per object"
                " + about 9 for its list slot",
                lambda n: n * per_object + _list_bytes(n),
            )
            .floor("bytes", "the same: the slots, the five floats, the list", lambda n: n * per_object + _list_bytes(n))
        )
    )


CHECKS = {"04-1": check_readings}
