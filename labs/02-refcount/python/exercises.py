"""Specs of lab 02's Python exercise twins, graded by harness/python/heaplab_exercise.py.

CHECKS maps an exercise id to a function that takes the student's module and
returns a Check. Budgets are computed from sys.getsizeof on this interpreter,
never pasted.
"""

import sys

from heaplab_exercise import Check, HeapCheck, expect_eq

# Owner counts: a thousand, and ten times as many, so growth shows.
SIZES = [1_000, 10_000]


def _list_bytes(k):
    # A list of k references built by append or a comprehension: 8 bytes per
    # slot, about one spare slot in eight, plus its header.
    return sys.getsizeof([]) + 8 * (k + k // 8 + 8)


def check_share(answer):
    """02-1: k owners of one list, and the count that grows with them."""

    def steps(k):
        seen = answer.counts(k)
        if len(seen) != k:
            return f"expected {k} counts, got {len(seen)}"
        steps = [b - a for a, b in zip(seen, seen[1:])]
        return expect_eq(steps, [1] * (k - 1) if k else [])

    def one_value(k):
        owners = answer.share(k)
        if len(owners) != k:
            return f"expected {k} owners, got {len(owners)}"
        if any(o is not owners[0] for o in owners):
            return "every owner should be the same object (is), not a copy"
        return expect_eq(owners[0] if owners else [1, 2, 3], [1, 2, 3])

    value_bytes = sys.getsizeof([1, 2, 3])
    return (
        Check()
        .test("counts, k = 0: nothing appended", lambda: expect_eq(answer.counts(0), []))
        .test("counts, k = 1: one count", lambda: expect_eq(len(answer.counts(1)), 1))
        .test("counts, k = 5: one more per append", lambda: steps(5))
        .test("share, k = 0: no owners", lambda: one_value(0))
        .test("share, k = 1: one owner of [1, 2, 3]", lambda: one_value(1))
        .test("share, k = 4: four owners of one list", lambda: one_value(4))
        .measure(
            HeapCheck("share one value among k owners", SIZES, lambda k: k, answer.share)
            .budget(
                "bytes",
                f"one list [1, 2, 3] ({value_bytes} bytes) + a list of k references (8 bytes each, 1/8 spare)",
                lambda k: value_bytes + _list_bytes(k),
            )
            .floor("bytes", "the same: nothing is copied", lambda k: value_bytes + _list_bytes(k))
        )
    )


CHECKS = {"02-1": check_share}
