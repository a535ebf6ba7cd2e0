"""CPython reference for lab 10-arenas-and-slabs: one object per node.

CPython has no arenas for Python objects: a linked list of n nodes is n
instances, each with its own header, reference count and allocation. Two
node classes carry the same payload as the Rust lab's nodes (an integer and
a link to the next node): `object`, a plain class whose attributes live in
the instance's __dict__, and `slots`, the same class with __slots__.
Workloads as in Rust: `build` (n nodes linked from the head, kept: peak /
n is bytes per node, integers above 256 included, as the Rust node holds
its u64) and `walk` (follow the links from the head, summing the payloads;
the list is built in setup), and `churn` (n live nodes in a list of
handles; each of n operations drops the node at a seeded position and puts
a new one there: the same positions as the Rust lab, splitmix64 from SEED,
the Rust lab's constant passed by the harness). CPython frees a dropped
node at once (its count reaches zero) and pymalloc hands the block to the
next node of the same size: a free list per size class, much like a slab.
Run through `heaplab bench`, or alone with the Rust lab's constants:

  C=$(cargo run -q --release -p heaplab -- list --lab 10 --constants)
  python3 reference.py --constants "$C" --case build/slots=100000 --repeats 3
  python3 reference.py --constants "$C" --print-positions 8

--print-positions COUNT prints the churn's first positions for n = COUNT, for
comparing with the Rust lab's positions(COUNT).
"""

import argparse
import pathlib
import sys
import tracemalloc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness" / "python"))
import heaplab_ref  # noqa: E402

LAB = "10-arenas-and-slabs"
C = heaplab_ref.constants(LAB, SEED=int)
# Nodes per list in the tracemalloc fact: enough that the list's own
# bookkeeping is noise.
FACT_NODES = 10_000


class Node:
    """A list node: its attributes live in a per-instance __dict__."""

    def __init__(self, value, next_node):
        self.value = value
        self.next = next_node


class SlotNode:
    """The same node with __slots__: no __dict__."""

    __slots__ = ("value", "next")

    def __init__(self, value, next_node):
        self.value = value
        self.next = next_node


def builder(cls):
    def build(n):
        """n nodes reading 0, 1, ..., n - 1 from the head, built last first as in Rust."""
        head = None
        for value in range(n - 1, -1, -1):
            head = cls(value, head)
        return head

    return build


def identity(n):
    return n


def walk(head):
    total = 0
    node = head
    while node is not None:
        total += node.value
        node = node.next
    return total, head


def positions(n):
    """Bit-for-bit the Rust lab's positions(n)."""
    draws = heaplab_ref.splitmix64(C.SEED)
    return [next(draws) % max(n, 1) for _ in range(n)]


def churn_setup(cls):
    def setup(n):
        """[handles of n warm nodes, positions, the class]."""
        return [cls(value, None) for value in range(n)], positions(n), cls

    return setup


def churn(data):
    handles, at, cls = data
    first = len(handles)
    removed = 0
    for i, p in enumerate(at):
        removed += handles[p].value
        handles[p] = cls(first + i, None)
    return removed, data


KINDS = [("object", Node), ("slots", SlotNode)]
CASES = (
    [("build", name, identity, builder(cls)) for name, cls in KINDS]
    + [("walk", name, builder(cls), walk) for name, cls in KINDS]
    + [("churn", name, churn_setup(cls), churn) for name, cls in KINDS]
)
# The sizes without --case, for running by hand: the Rust lab's SIZES and
# WALK_SIZES.
DEFAULT_SIZES = {"build": [1_000, 10_000, 100_000], "churn": [1_000, 10_000, 100_000], "walk": [1_000, 100_000]}


def bytes_per_node(cls, count=FACT_NODES):
    """tracemalloc's bytes per node of a kept list of count nodes, payloads above 256."""
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    head = builder(cls)(count)
    after = tracemalloc.get_traced_memory()[0]
    del head
    if not tracing:
        tracemalloc.stop()
    return (after - before) / count


def print_positions():
    """--print-positions COUNT: prints positions(COUNT) and returns True; False without it."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--print-positions", type=int, metavar="COUNT")
    count = parser.parse_known_args()[0].print_positions
    if count is None:
        return False
    if count < 0:
        parser.error("--print-positions needs a count of 0 or more")
    print(positions(count))
    return True


def facts():
    plain, slotted = Node(1000, None), SlotNode(1000, None)
    return [
        ("sys.getsizeof(one Node) (object only)", sys.getsizeof(plain), "bytes"),
        ("sys.getsizeof(one Node's __dict__)", sys.getsizeof(plain.__dict__), "bytes"),
        ("sys.getsizeof(one SlotNode)", sys.getsizeof(slotted), "bytes"),
        ("sys.getsizeof(1000) (one int payload)", sys.getsizeof(1000), "bytes"),
        ("tracemalloc bytes per Node (10000 kept)", bytes_per_node(Node), "bytes"),
        ("tracemalloc bytes per SlotNode (10000 kept)", bytes_per_node(SlotNode), "bytes"),
    ]


if __name__ == "__main__":
    if not print_positions():
        heaplab_ref.main(LAB, CASES, facts, default_sizes=DEFAULT_SIZES)
