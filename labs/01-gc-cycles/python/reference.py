"""CPython reference for lab 01-gc-cycles: a ring of objects, with and without the collector.

A doubly linked ring of n plain objects (a value, a next link, a prev link)
is a cycle: reference counting alone never frees it. The cases:

* ring/gc-disabled: gc.disable(), build the ring, drop it: tracemalloc's
  live bytes stay at about n objects (the Rust counterparts: `rc`, and
  `dumpster-disabled`).
* ring/gc-collect: build, drop, gc.collect(): about nothing stays.
* ring/weakref: the back links (and the edge that closes the ring) are
  weakref.ref objects, so no cycle is strong: with the collector disabled,
  reference counting alone frees every node.
* collect/gc-collect: setup builds and drops a ring with the collector
  disabled (the garbage exists); the run is one gc.collect().

Each case's setup sets the collector's state it needs (so no state leaks
from one case into the next), and facts() leaves it enabled. FACT_RING is
the Rust lab's constant. Run through `heaplab bench`, or alone with the Rust
lab's constants:

  C=$(cargo run -q --release -p heaplab -- list --lab 01 --constants)
  python3 reference.py --constants "$C" --case ring/gc-disabled=1000 --repeats 3
"""

import gc
import pathlib
import sys
import weakref

# Before anything else allocates: the counts the tutorial prints at start.
START_COUNT = gc.get_count()

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness" / "python"))
import heaplab_ref  # noqa: E402

LAB = "01-gc-cycles"
# The ring whose gc.collect() count is reported as a fact: C.FACT_RING nodes.
C = heaplab_ref.constants(LAB, FACT_RING=int)


class Node:
    """A ring node: a plain class, so CPython tracks it for the collector."""

    def __init__(self, value):
        self.value = value
        self.next = None
        self.prev = None


def ring(n):
    """n nodes linked both ways, the last back to the first: returns node 0."""
    first = last = Node(0)
    for i in range(1, n):
        node = Node(i)
        node.prev = last
        last.next = node
        last = node
    last.next = first
    first.prev = last
    return first


def weak_ring(n):
    """The same ring with weak back links and a weak closing edge: node 0 owns the chain."""
    first = last = Node(0)
    for i in range(1, n):
        node = Node(i)
        node.prev = weakref.ref(last)
        last.next = node
        last = node
    last.next = weakref.ref(first)
    first.prev = weakref.ref(last)
    return first


def collector_off(n):
    gc.disable()
    return n


def collector_on(n):
    gc.enable()
    return n


def build_and_drop(n):
    """Builds a ring and drops it: nothing is returned, the ring is garbage."""
    ring(n)


def build_drop_collect(n):
    ring(n)
    return gc.collect()


def build_weak_and_drop(n):
    weak_ring(n)


def garbage_ring(n):
    """Setup of collect/gc-collect: the collector off, a ring built and dropped."""
    gc.disable()
    gc.collect()
    ring(n)
    return n


def collect_once(_n):
    return gc.collect()


CASES = [
    ("ring", "gc-disabled", collector_off, build_and_drop),
    ("ring", "gc-collect", collector_on, build_drop_collect),
    ("ring", "weakref", collector_off, build_weak_and_drop),
    ("collect", "gc-collect", garbage_ring, collect_once),
]


def dropped_ring_facts(n):
    """With the collector off: is a dropped ring of n still alive, and what does gc.collect() return?"""
    was_enabled = gc.isenabled()
    gc.disable()
    gc.collect()
    first = ring(n)
    probe = weakref.ref(first)
    del first
    alive = probe() is not None
    collected = gc.collect()
    alive_after = probe() is not None
    weak_first = weak_ring(n)
    weak_probe = weakref.ref(weak_first)
    del weak_first
    weak_alive = weak_probe() is not None
    if was_enabled:
        gc.enable()
    return alive, collected, alive_after, weak_alive


def facts():
    thresholds = gc.get_threshold()
    alive, collected, alive_after, weak_alive = dropped_ring_facts(C.FACT_RING)
    gc.enable()
    return [
        ("gc.isenabled() at start", 1 if gc.isenabled() else 0, "bool"),
        ("generations (len(gc.get_count()))", len(START_COUNT), "count"),
        ("thresholds (len(gc.get_threshold()))", len(thresholds), "count"),
        ("gc.get_threshold()[0]", thresholds[0], "count"),
        ("gc.get_threshold()[1]", thresholds[1], "count"),
        ("gc.get_threshold()[2]", thresholds[2], "count"),
        ("gc.get_count()[0] at start", START_COUNT[0], "count"),
        ("gc.get_count()[1] at start", START_COUNT[1], "count"),
        ("gc.get_count()[2] at start", START_COUNT[2], "count"),
        (f"a dropped ring of {C.FACT_RING} is alive with gc disabled", 1 if alive else 0, "bool"),
        (f"gc.collect() after dropping a ring of {C.FACT_RING}", collected, "count"),
        (f"gc.collect() per node of a ring of {C.FACT_RING}", collected / C.FACT_RING, "count"),
        (f"a dropped ring of {C.FACT_RING} is alive after gc.collect()", 1 if alive_after else 0, "bool"),
        (f"a dropped weakref ring of {C.FACT_RING} is alive with gc disabled", 1 if weak_alive else 0, "bool"),
        ("sys.getsizeof(Node(0))", sys.getsizeof(Node(0)), "bytes"),
    ]


if __name__ == "__main__":
    heaplab_ref.main(LAB, CASES, facts, default_sizes=[1_000, 10_000, 100_000])
