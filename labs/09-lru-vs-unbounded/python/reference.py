"""CPython reference for lab 09-lru-vs-unbounded: the tutorial's caches on one trace.

The same seeded Zipf trace as the Rust lab (splitmix64, exponent 1.0, key
space twice the capacity, capacity = ops / 10), replayed through a plain dict
(never evicts), the tutorial's list-based LRU (list.remove on every hit) and
functools.lru_cache. Workloads as in Rust: `trace` (a cold cache replays the
whole trace and is kept: peak / n is memory per operation, live is the cache
left at the end) and `warm` (the second half after a warming first half).
Run through `heaplab bench`, or alone: python3 reference.py --sizes 10000
"""

import argparse
import bisect
import functools
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness" / "python"))
import heaplab_ref  # noqa: E402

OPS_PER_SLOT = 10  # trace length / capacity, as in the Rust lab
KEYS_PER_SLOT = 2  # key space / capacity
ZIPF_EXPONENT = 1.0
SEED = 0x5EED_0009
VALUE_BYTES = 256
# The distinct-keys workload's fixed capacity, as in the Rust lab.
STREAM_CAPACITY = 1_000
# The list-based LRU shifts its list on every hit: above this it takes minutes.
LIST_LRU_MAX_OPS = 100_000
MASK = (1 << 64) - 1


def capacity(ops):
    return max(ops // OPS_PER_SLOT, 1)


@functools.lru_cache(maxsize=8)
def zipf_trace(ops, key_space):
    """Bit-for-bit the Rust lab's zipf_trace (a tuple; cached, since setups repeat)."""
    total = 0.0
    cumulative = []
    for rank in range(1, key_space + 1):
        total += 1.0 / float(rank) ** ZIPF_EXPONENT
        cumulative.append(total)
    state = SEED
    keys = []
    for _ in range(ops):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        unit = (z >> 11) / float(1 << 53)
        keys.append(min(bisect.bisect_right(cumulative, unit * total), key_space - 1))
    return tuple(keys)


def compute(key):
    return bytes([key % 256]) * VALUE_BYTES


class DictCache:
    """The tutorial's bad cache."""

    def __init__(self, _capacity):
        self.data = {}

    def lookup(self, key):
        if key in self.data:
            return True
        self.data[key] = compute(key)
        return False


class ListLru:
    """The tutorial's good cache: a dict and an access-order list."""

    def __init__(self, capacity_):
        self.data = {}
        self.order = []
        self.capacity = capacity_

    def lookup(self, key):
        if key in self.data:
            self.order.remove(key)
            self.order.append(key)
            return True
        if len(self.data) >= self.capacity:
            oldest = self.order.pop(0)
            del self.data[oldest]
        self.data[key] = compute(key)
        self.order.append(key)
        return False


class FunctoolsLru:
    """functools.lru_cache around the computation; a miss is a call of compute."""

    def __init__(self, capacity_):
        self.misses = 0

        def counted(key):
            self.misses += 1
            return compute(key)

        self.get = functools.lru_cache(maxsize=capacity_)(counted)

    def lookup(self, key):
        before = self.misses
        self.get(key)
        return self.misses == before


def replay(cache, keys):
    return sum(1 for key in keys if cache.lookup(key))


def trace_setup(n):
    """[keys, capacity, slot for the cache]: the cache outlives the run, as in Rust."""
    return [zipf_trace(n, KEYS_PER_SLOT * capacity(n)), capacity(n), None]


def cold(kind):
    def run(data):
        keys, capacity_, _ = data
        cache = kind(capacity_)
        hits = replay(cache, keys)
        data[2] = cache
        return hits

    return run


def warm_setup(kind):
    def setup(n):
        keys = zipf_trace(2 * n, KEYS_PER_SLOT * capacity(n))  # same capacity as `trace` at n
        cache = kind(capacity(n))
        replay(cache, keys[:n])
        return cache, keys[n:]

    return setup


def warm_run(data):
    cache, keys = data
    return replay(cache, keys), data


KINDS = [("dict", DictCache, None), ("list-lru", ListLru, LIST_LRU_MAX_OPS), ("lru_cache", FunctoolsLru, None)]
def stream_setup(n):
    return [n, None]


def stream(kind):
    def run(data):
        cache = kind(STREAM_CAPACITY)
        for key in range(data[0]):
            cache.lookup(key)
        data[1] = cache
        return data[0]

    return run


CASES = (
    [("trace", name, trace_setup, cold(kind), limit) for name, kind, limit in KINDS]
    + [("warm", name, warm_setup(kind), warm_run, limit) for name, kind, limit in KINDS]
    + [("distinct-keys", name, stream_setup, stream(kind), limit) for name, kind, limit in KINDS]
)


def facts():
    return [
        ("sys.getsizeof(one cached value)", sys.getsizeof(compute(1)), "bytes"),
        ("ZIPF_EXPONENT", ZIPF_EXPONENT, ""),
    ]


if __name__ == "__main__":
    if "--print-trace" in sys.argv:
        parser = argparse.ArgumentParser()
        parser.add_argument("--print-trace", type=int, required=True)
        count = parser.parse_args().print_trace
        print(list(zipf_trace(count, 2_000)))
    else:
        heaplab_ref.main("09-lru-vs-unbounded", CASES, facts, default_sizes=[10_000, 100_000, 1_000_000])
