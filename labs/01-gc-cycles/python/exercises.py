"""Specs of lab 01's Python exercise twins, graded by harness/python/heaplab_exercise.py.

CHECKS maps an exercise id to a function that takes the student's module and
returns a Check. Expectations are computed on this interpreter (what its
gc.collect() reports for one cycle of the student's Pair objects), never
pasted.
"""

import gc

from heaplab_exercise import Check, HeapCheck, expect_eq

# Cycles made in the heap check: a thousand, and ten times as many.
SIZES = [1_000, 10_000]
# Bytes that may still be held when collect_cycles returns: the int it
# returns and CPython's free lists, never the cycles.
HELD_ALLOWANCE = 4096


def _per_cycle(pair):
    """What this interpreter's gc.collect() reports for one dropped two-node cycle of `pair`."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        a, b = pair(0), pair(1)
        a.partner, b.partner = b, a
        del a, b
        return gc.collect()
    finally:
        if was_enabled:
            gc.enable()


def check_collect(answer):
    """01-2: what gc.collect() finds once k cycles are dropped."""
    per_cycle = _per_cycle(answer.Pair)

    def found(k):
        gc.enable()
        gc.collect()
        got = answer.collect_cycles(k)
        return expect_eq(got, k * per_cycle)

    def restored():
        gc.enable()
        answer.collect_cycles(10)
        return None if gc.isenabled() else "the collector is left disabled: restore it (gc.enable()) before returning"

    return (
        Check()
        .test("k = 0: nothing found", lambda: found(0))
        .test(f"k = 1: one cycle ({per_cycle} objects on this interpreter)", lambda: found(1))
        .test("k = 100", lambda: found(100))
        .test("k = 5 000: more than the collector's first threshold", lambda: found(5_000))
        .test("the collector is enabled again afterwards", restored)
        .measure(
            HeapCheck("k cycles made, dropped and collected", SIZES, lambda k: k, answer.collect_cycles).budget(
                "bytes", "4 KiB: nothing held when it returns, every cycle freed", lambda k: HELD_ALLOWANCE
            )
        )
    )


CHECKS = {"01-2": check_collect}
