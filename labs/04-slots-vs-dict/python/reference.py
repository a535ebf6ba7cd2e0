"""CPython reference for lab 04-slots-vs-dict: __slots__ against __dict__.

Three-attribute point classes with and without __slots__, the hybrid
(__slots__ that also lists '__dict__', one object in EXTRA_EVERY using it),
a plain dict per point, and three parallel lists. Creation keeps the objects
alive in a list, so peak_bytes / n is the memory of one object plus its list
slot. EXTRA_EVERY is the Rust lab's constant. Run through `heaplab bench`,
or alone with the Rust lab's constants:

  C=$(cargo run -q --release -p heaplab -- list --lab 04 --constants)
  python3 reference.py --constants "$C" --case create/slots=1000 --repeats 3
"""

import pathlib
import sys
import tracemalloc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness" / "python"))
import heaplab_ref  # noqa: E402

LAB = "04-slots-vs-dict"
# One hybrid object in C.EXTRA_EVERY gets a dynamic attribute.
C = heaplab_ref.constants(LAB, EXTRA_EVERY=int)


class SlotsPoint:
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


class DictPoint:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


class HybridPoint:
    __slots__ = ("x", "y", "z", "__dict__")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


def make_slots(n):
    return [SlotsPoint(i, i + 1, i + 2) for i in range(n)]


def make_dict(n):
    return [DictPoint(i, i + 1, i + 2) for i in range(n)]


def make_hybrid(n):
    points = [HybridPoint(i, i + 1, i + 2) for i in range(n)]
    for i in range(0, n, C.EXTRA_EVERY):
        points[i].label = f"p{i}"
    return points


def make_plain_dict(n):
    return [{"x": i, "y": i + 1, "z": i + 2} for i in range(n)]


def make_columns(n):
    return [i for i in range(n)], [i + 1 for i in range(n)], [i + 2 for i in range(n)]


def read_attrs(points):
    total = 0
    for p in points:
        total += p.x + p.y + p.z
    return total, points


def read_plain_dict(points):
    total = 0
    for p in points:
        total += p["x"] + p["y"] + p["z"]
    return total, points


def read_columns(columns):
    xs, ys, zs = columns
    total = 0
    for i in range(len(xs)):
        total += xs[i] + ys[i] + zs[i]
    return total, columns


def identity(n):
    return n


MAKERS = [
    ("slots", make_slots, read_attrs),
    ("dict", make_dict, read_attrs),
    ("hybrid", make_hybrid, read_attrs),
    ("plain-dict", make_plain_dict, read_plain_dict),
    ("columns", make_columns, read_columns),
]
CASES = [("create", name, identity, make) for name, make, _ in MAKERS] + [
    ("read", name, make, read) for name, make, read in MAKERS
]


class SlotsChild(SlotsPoint):
    """A subclass that does not declare __slots__ itself."""


def accepts_new_attribute(point):
    try:
        point.label = "extra"
    except AttributeError:
        return False
    return True


def shell_bytes(cls, count=10_000):
    """tracemalloc's bytes per object of cls with small-int fields (shared, so
    not counted): the object and its attribute storage, no list slot."""
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    keep = [None] * count
    before = tracemalloc.get_traced_memory()[0]
    for i in range(count):
        keep[i] = cls(1, 2, 3)
    after = tracemalloc.get_traced_memory()[0]
    if not tracing:
        tracemalloc.stop()
    return (after - before) / count


def facts():
    slots, plain = SlotsPoint(1000, 1001, 1002), DictPoint(1000, 1001, 1002)
    child = SlotsChild(1, 2, 3)
    return [
        ("tracemalloc bytes per SlotsPoint (small-int fields)", shell_bytes(SlotsPoint), "bytes"),
        ("tracemalloc bytes per DictPoint (small-int fields)", shell_bytes(DictPoint), "bytes"),
        ("SlotsPoint accepts a new attribute", accepts_new_attribute(SlotsPoint(1, 2, 3)), "bool"),
        ("DictPoint accepts a new attribute", accepts_new_attribute(DictPoint(1, 2, 3)), "bool"),
        ("HybridPoint accepts a new attribute", accepts_new_attribute(HybridPoint(1, 2, 3)), "bool"),
        ("a subclass without __slots__ has __dict__", hasattr(child, "__dict__"), "bool"),
        ("sys.getsizeof(that subclass's instance)", sys.getsizeof(child), "bytes"),
        ("sys.getsizeof(SlotsPoint)", sys.getsizeof(slots), "bytes"),
        ("sys.getsizeof(DictPoint) (object only)", sys.getsizeof(plain), "bytes"),
        ("sys.getsizeof(DictPoint().__dict__)", sys.getsizeof(plain.__dict__), "bytes"),
        ("sys.getsizeof({'x':..,'y':..,'z':..})", sys.getsizeof({"x": 1, "y": 2, "z": 3}), "bytes"),
        ("sys.getsizeof(1000) (one int attribute)", sys.getsizeof(1000), "bytes"),
    ]


if __name__ == "__main__":
    heaplab_ref.main(LAB, CASES, facts, default_sizes=[1_000, 10_000, 100_000, 1_000_000])
