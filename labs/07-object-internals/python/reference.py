"""CPython reference for lab 07-object-internals: headers, growth, compact storage.

Facts: sys.getsizeof of each kind the tutorial lists (examples 18-19), the
garbage collector's extra header, a list's size at the tutorial's lengths,
and how many times a list and a dict resize while growing to a thousand.
Workloads, as in the Rust lab (every output kept, so peak / n is bytes per
element):

* grow: a list grown by n appends of one shared small int (`list-append`,
  only the list's own slots count), the same list made at its final length
  (`list-preallocated`), and a dict grown by n inserts of keys made in setup
  (`dict-insert`, only the table counts).
* store: n numbers as array.array('i') (`array-i`) and as a list of int
  objects (`list-int`, the ints above 256 are objects of their own).
* small: n groups of GROUP (the Rust lab's constant) as tuples and as lists.

Run through `heaplab bench`, or alone with the Rust lab's constants:

  C=$(cargo run -q --release -p heaplab -- list --lab 07 --constants)
  python3 reference.py --constants "$C" --case store/list-int=100000 --repeats 3
"""

import array
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness" / "python"))
import heaplab_ref  # noqa: E402

LAB = "07-object-internals"
C = heaplab_ref.constants(LAB, GROUP=int)
# The tutorial's growth loop: up to a thousand items.
GROWTH_UP_TO = 1_000
# The lengths the tutorial prints a list's size at.
GROWTH_LENGTHS = (0, 1, 5, 10, 50, 100)


class Point:
    """The tutorial's small class instance: two floats in a __dict__."""

    def __init__(self, x, y):
        self.x = x
        self.y = y


def identity(n):
    return n


def append_all(n):
    items = []
    for _ in range(n):
        items.append(0)
    return items


def preallocated(n):
    return [0] * n


def keys(n):
    return list(range(n))


def insert_all(ks):
    table = {}
    for k in ks:
        table[k] = None
    return table, ks


def array_i(n):
    return array.array("i", range(n))


def list_int(n):
    return list(range(n))


def tuples(n):
    width = C.GROUP
    return [tuple(range(i, i + width)) for i in range(n)]


def lists(n):
    width = C.GROUP
    return [list(range(i, i + width)) for i in range(n)]


CASES = [
    ("grow", "list-append", identity, append_all),
    ("grow", "list-preallocated", identity, preallocated),
    ("grow", "dict-insert", keys, insert_all),
    ("store", "array-i", identity, array_i),
    ("store", "list-int", identity, list_int),
    ("small", "tuple", identity, tuples),
    ("small", "list", identity, lists),
]
# The Rust lab's SIZES, for running by hand.
DEFAULT_SIZES = [1_000, 10_000, 100_000]


def growth(grow, count=GROWTH_UP_TO):
    """(length, sys.getsizeof) at each resize while grow(container, i) runs for i < count."""
    container = grow(None, -1)
    seen, steps = sys.getsizeof(container), []
    for i in range(count):
        grow(container, i)
        size = sys.getsizeof(container)
        if size != seen:
            seen = size
            steps.append((i + 1, size))
    return steps


def grow_list(items, i):
    if items is None:
        return []
    items.append(i)
    return items


def grow_dict(table, i):
    if table is None:
        return {}
    table[i] = i
    return table


def facts():
    point = Point(1.0, 2.0)
    rows = [
        ("sys.getsizeof(object())", sys.getsizeof(object())),
        ("sys.getsizeof(0)", sys.getsizeof(0)),
        ("sys.getsizeof(1)", sys.getsizeof(1)),
        ("sys.getsizeof(2**100)", sys.getsizeof(2**100)),
        ("sys.getsizeof(0.0)", sys.getsizeof(0.0)),
        ("sys.getsizeof(True)", sys.getsizeof(True)),
        ("sys.getsizeof(None)", sys.getsizeof(None)),
        ("sys.getsizeof('')", sys.getsizeof("")),
        ("sys.getsizeof('a' * 10)", sys.getsizeof("a" * 10)),
        ("sys.getsizeof('\\U0001F600' * 10)", sys.getsizeof("\U0001f600" * 10)),
        ("sys.getsizeof(b'a' * 10)", sys.getsizeof(b"a" * 10)),
        ("sys.getsizeof([])", sys.getsizeof([])),
        ("sys.getsizeof([1])", sys.getsizeof([1])),
        ("sys.getsizeof(())", sys.getsizeof(())),
        ("sys.getsizeof((1,))", sys.getsizeof((1,))),
        ("sys.getsizeof({})", sys.getsizeof({})),
        ("sys.getsizeof({1: 1})", sys.getsizeof({1: 1})),
        ("sys.getsizeof(set())", sys.getsizeof(set())),
        ("sys.getsizeof({1})", sys.getsizeof({1})),
        ("sys.getsizeof((1, 2, 3))", sys.getsizeof((1, 2, 3))),
        ("sys.getsizeof([1, 2, 3])", sys.getsizeof([1, 2, 3])),
        ("sys.getsizeof(Point(1.0, 2.0))", sys.getsizeof(point)),
        ("sys.getsizeof(Point(1.0, 2.0).__dict__)", sys.getsizeof(point.__dict__)),
        ("GC header bytes (sys.getsizeof([]) - list.__basicsize__)", sys.getsizeof([]) - list.__basicsize__),
        ("sys.getsizeof(list(range(1000)))", sys.getsizeof(list(range(1000)))),
        ("sys.getsizeof(array('i', range(1000)))", sys.getsizeof(array.array("i", range(1000)))),
        (f"list resizes appending {GROWTH_UP_TO}", len(growth(grow_list))),
        (f"dict resizes inserting {GROWTH_UP_TO}", len(growth(grow_dict))),
    ]
    rows += [(f"sys.getsizeof(list) after append #{k}", size) for k, size in growth(grow_list)]
    rows += [(f"sys.getsizeof(dict) after insert #{k}", size) for k, size in growth(grow_dict)]
    rows += [(f"sys.getsizeof(list(range({k})))", sys.getsizeof(list(range(k)))) for k in GROWTH_LENGTHS]
    return [(name, value, "count" if "resizes" in name else "bytes") for name, value in rows]


if __name__ == "__main__":
    heaplab_ref.main(LAB, CASES, facts, default_sizes=DEFAULT_SIZES)
