"""CPython reference for lab 05-weak-observers: the tutorial's two emitters.

The "bad emitter" keeps its observers in a list (strong references); the
"good emitter" keeps weakref.ref objects and prunes the dead ones on emit.
Beside them: a dict against a WeakValueDictionary whose values' owners drop
them, and weakref.finalize callbacks. The subject (or cache) is built by
setup and stays alive after the run, so live_bytes is what it still holds.
CHURN_NOTIFY_EVERY is the Rust lab's constant. Run through `heaplab bench`,
or alone with the Rust lab's constants:

  C=$(cargo run -q --release -p heaplab -- list --lab 05 --constants)
  python3 reference.py --constants "$C" --case churn/weak=1000 --repeats 3
"""

import pathlib
import sys
import weakref

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness" / "python"))
import heaplab_ref  # noqa: E402

LAB = "05-weak-observers"
# The churn workload notifies once every C.CHURN_NOTIFY_EVERY subscribe/release pairs.
C = heaplab_ref.constants(LAB, CHURN_NOTIFY_EVERY=int)


class Observer:
    __slots__ = ("id", "seen", "__weakref__")

    def __init__(self, id_):
        self.id = id_
        self.seen = 0

    def update(self, event):
        self.seen += event


class StrongSubject:
    def __init__(self):
        self.listeners = []

    def subscribe(self, id_):
        observer = Observer(id_)
        self.listeners.append(observer)
        return observer

    def notify(self, event):
        for observer in self.listeners:
            observer.update(event)
        return len(self.listeners)


class WeakSubject:
    def __init__(self):
        self.listeners = []

    def subscribe(self, id_):
        observer = Observer(id_)
        self.listeners.append(weakref.ref(observer))
        return observer

    def notify(self, event):
        self.listeners = [ref for ref in self.listeners if ref() is not None]
        for ref in self.listeners:
            observer = ref()
            if observer is not None:
                observer.update(event)
        return len(self.listeners)


def empty(kind):
    return lambda n: (kind(), n)


def subscribe_release(data):
    subject, n = data
    owners = [subject.subscribe(i) for i in range(n)]
    del owners
    return n


def subscribe_release_notify(data):
    subscribe_release(data)
    return data[0].notify(1)


def churn(data):
    subject, n = data
    every = C.CHURN_NOTIFY_EVERY
    notified = 0
    for i in range(n):
        owner = subject.subscribe(i)
        del owner
        if (i + 1) % every == 0:
            notified += subject.notify(1)
    return notified


def live(kind):
    def setup(n):
        subject = kind()
        owners = [subject.subscribe(i) for i in range(n)]
        return subject, owners

    return setup


def notify(data):
    return data[0].notify(1)


def fill(kind):
    def run(data):
        cache, n = data
        owners = [Observer(i) for i in range(n)]
        for owner in owners:
            cache[owner.id] = owner
        del owners
        return len(cache)

    return run


def finalize(n):
    closed = [0]

    def cleanup():
        closed[0] += 1

    resources = [Observer(i) for i in range(n)]
    finalizers = [weakref.finalize(resource, cleanup) for resource in resources]
    del resources
    assert all(not f.alive for f in finalizers)
    return closed[0]


CASES = []
for name, kind in (("strong", StrongSubject), ("weak", WeakSubject)):
    CASES += [
        ("subscribe-release", name, empty(kind), subscribe_release),
        ("subscribe-release-notify", name, empty(kind), subscribe_release_notify),
        ("churn", name, empty(kind), churn),
        ("notify", name, live(kind), notify),
    ]
CASES += [
    ("value-cache", "dict", lambda n: ({}, n), fill(dict)),
    ("value-cache", "weak-values", lambda n: (weakref.WeakValueDictionary(), n), fill(weakref.WeakValueDictionary)),
    ("finalize", "finalize", lambda n: n, finalize),
]


def weak_containers_left(count=1_000):
    """Entries each weak container still has once its referents died."""
    values, keys, members = weakref.WeakValueDictionary(), weakref.WeakKeyDictionary(), weakref.WeakSet()
    objects = [Observer(i) for i in range(count)]
    for obj in objects:
        values[obj.id] = obj
        keys[obj] = obj.id
        members.add(obj)
    del obj, objects
    return len(values), len(keys), len(members)


def ref_callbacks(count=1_000):
    """How many weakref.ref callbacks ran for count objects that died."""
    ran = [0]

    def callback(_ref):
        ran[0] += 1

    objects = [Observer(i) for i in range(count)]
    refs = [weakref.ref(obj, callback) for obj in objects]
    del objects
    assert all(ref() is None for ref in refs)
    return ran[0]


def proxy_raises():
    target = Observer(2)
    proxy = weakref.proxy(target)
    del target
    try:
        proxy.update("event")
    except ReferenceError:
        return True
    return False


def facts():
    observer = Observer(1)
    before = sys.getrefcount(observer)
    ref = weakref.ref(observer)
    weak_added = sys.getrefcount(observer) - before
    values, keys, members = weak_containers_left()
    return [
        ("getrefcount change from a weakref.ref", weak_added, "count"),
        ("weakref.getweakrefcount after one weakref.ref", weakref.getweakrefcount(ref()), "count"),
        ("WeakValueDictionary entries left after 1 000 values died", values, "count"),
        ("WeakKeyDictionary entries left after 1 000 keys died", keys, "count"),
        ("WeakSet members left after 1 000 members died", members, "count"),
        ("weakref.ref callbacks run for 1 000 dropped objects", ref_callbacks(), "count"),
        ("a weakref.proxy raises ReferenceError once its referent is gone", proxy_raises(), "bool"),
        ("sys.getsizeof(Observer)", sys.getsizeof(observer), "bytes"),
        ("sys.getsizeof(weakref.ref(observer))", sys.getsizeof(weakref.ref(observer)), "bytes"),
        ("finalize: callbacks run for 1 000 dropped objects", finalize(1_000), "count"),
    ]


if __name__ == "__main__":
    heaplab_ref.main(LAB, CASES, facts, default_sizes=[1_000, 10_000, 100_000])
