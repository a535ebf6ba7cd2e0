"""Specs of lab 07's Python exercise twins, graded by harness/python/heaplab_exercise.py.

CHECKS maps an exercise id to a function that takes the student's module and
returns a Check. Budgets are computed from sys.getsizeof on this interpreter,
never pasted.
"""

import sys

from heaplab_exercise import Check, HeapCheck, expect_eq

# Groups: ten thousand, and ten times as many, as in the Rust exercise.
SIZES = [10_000, 100_000]
# Numbers per group, the Rust lab's GROUP.
GROUP = 3


def _list_bytes(k):
    # A list of k references built by a comprehension: 8 bytes per slot,
    # about one spare slot in eight, plus its header.
    return sys.getsizeof([]) + 8 * (k + k // 8 + 8)


def _expected(i):
    small = i % 100
    return tuple(range(small, small + GROUP))


def check_groups(answer):
    """07-3: tuple against list, and n groups stored as tuples."""

    def same_groups(n):
        got = answer.groups(n)
        if len(got) != n:
            return f"expected {n} groups, got {len(got)}"
        return expect_eq([tuple(g) for g in got], [_expected(i) for i in range(n)])

    def tuple_first(items):
        want = (sys.getsizeof(tuple(items)), sys.getsizeof(list(items)))
        return expect_eq(tuple(answer.sizes(items)), want)

    tuple_bytes = sys.getsizeof(tuple(range(GROUP)))
    return (
        Check()
        .test("sizes of (): tuple first, then list", lambda: tuple_first([]))
        .test("sizes of 1, 2, 3", lambda: tuple_first([1, 2, 3]))
        .test("sizes of ten strings", lambda: tuple_first(["x"] * 10))
        .test("groups, n = 0", lambda: same_groups(0))
        .test("groups, n = 250", lambda: same_groups(250))
        .measure(
            HeapCheck("n groups of three, kept", SIZES, lambda n: n, answer.groups)
            .budget(
                "bytes",
                f"the outer list (8 bytes a slot, 1/8 spare) + n tuples of three ({tuple_bytes} bytes each)",
                lambda n: _list_bytes(n) + n * tuple_bytes,
            )
            .floor("bytes", "the same: a tuple per group", lambda n: _list_bytes(n) + n * tuple_bytes)
        )
    )


CHECKS = {"07-3": check_groups}
