"""CPython reference for lab 02-refcount: the tutorial's reference-count loops.

Every CPython object carries a reference count that every binding, container
slot and argument changes. These loops mirror the tutorial's three
(one name, three names, a list holding ten references) plus the copy of a
handle and interning, at the sizes the harness asks for. The interned text
is the Rust lab's INTERN_TEXT, passed with its other constants. Run through
`heaplab bench`, or alone with the Rust lab's constants:

  C=$(cargo run -q --release -p heaplab -- list --lab 02 --constants)
  python3 reference.py --constants "$C" --case intern/copies=1000 --repeats 3
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness" / "python"))
import heaplab_ref  # noqa: E402

LAB = "02-refcount"
C = heaplab_ref.constants(LAB, INTERN_TEXT=str)

# The text in two halves, joined at run time: every join makes a new string
# object (a literal, or a join of one piece, would be shared). A text of one
# character would defeat this: CPython shares those too.
_HALF = len(C.INTERN_TEXT) // 2
INTERN_PARTS = (C.INTERN_TEXT[:_HALF], C.INTERN_TEXT[_HALF:])


def sizes_only(n):
    return n


def owners_1(n):
    for _ in range(n):
        triple = [1, 2, 3]
        del triple
    return n


def owners_3(n):
    for _ in range(n):
        triple = [1, 2, 3]
        second = triple
        third = triple
        del triple, second, third
    return n


def list_of_10(n):
    for _ in range(n):
        triple = [1, 2, 3]
        holders = [triple] * 10
        del holders, triple
    return n


def clone_setup(n):
    return [1, 2, 3], n


def clone_drop(data):
    original, n = data
    for _ in range(n):
        another = original
        del another
    return original


def copies(n):
    return ["".join(INTERN_PARTS) for _ in range(n)]


def interned(n):
    return [sys.intern("".join(INTERN_PARTS)) for _ in range(n)]


CASES = [
    ("owners-1", "refcount", sizes_only, owners_1),
    ("owners-3", "refcount", sizes_only, owners_3),
    ("list-of-10", "refcount", sizes_only, list_of_10),
    ("clone-drop", "refcount", clone_setup, clone_drop),
    ("intern", "copies", sizes_only, copies),
    ("intern", "interned", sizes_only, interned),
]


def count_inside(obj):
    """The count as seen from inside a function the object was passed to."""
    return sys.getrefcount(obj) - 1


def same_literals():
    """The tutorial's test of a large int: two equal literals in one code object."""
    first = 1000
    second = 1000
    return first is second


def facts():
    """The tutorial's refcount walk (example 5) and interning tests (example 6)."""

    class Tracked:
        pass

    obj = Tracked()
    alone = sys.getrefcount(obj) - 1
    in_list = [obj]
    with_list = sys.getrefcount(obj) - 1
    in_dict = {"obj": obj}
    with_dict = sys.getrefcount(obj) - 1
    del in_list, in_dict
    after = sys.getrefcount(obj) - 1
    # Built at run time, so the compiler cannot share them as constants.
    small, large = str(100), str(1000)
    short = "".join(("hel", "lo"))
    return [
        ("getrefcount(obj) - 1, one name", alone, "count"),
        ("... after adding it to a list", with_list, "count"),
        ("... after adding it to a dict too", with_dict, "count"),
        ("... after deleting the list and the dict", after, "count"),
        ("... inside a function it is passed to", count_inside(obj), "count"),
        ("int(100) is int(100), built at run time", int(small) is int(small), "bool"),
        ("int(1000) is int(1000), built at run time", int(large) is int(large), "bool"),
        ("two literals 1000 in one function are one object", same_literals(), "bool"),
        ("a short string built at run time is the literal", short is sys.intern("hello"), "bool"),
        ("sys.intern of it is the literal", sys.intern(short) is sys.intern("hello"), "bool"),
        ("sys.getsizeof([1, 2, 3])", sys.getsizeof([1, 2, 3]), "bytes"),
        ("sys.getsizeof(object())", sys.getsizeof(object()), "bytes"),
        ("sys.getsizeof(INTERN_TEXT)", sys.getsizeof(C.INTERN_TEXT), "bytes"),
    ]


if __name__ == "__main__":
    heaplab_ref.main(LAB, CASES, facts, default_sizes=[1_000, 10_000, 100_000])
