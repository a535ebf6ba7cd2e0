//! Lab 05's exercises: what each checks, and the types a student's file uses.
//!
//! The files a student edits are `exercises/*.rs` beside this crate; the
//! reference solutions are `solutions/*.rs`. Budgets are computed from
//! `size_of` and `n` here, never pasted.

use heaplab_core::exercise::Exercise;

/// The exercises, in order (ids `05-1`, `05-2`).
pub fn list() -> Vec<Exercise> {
    vec![
        Exercise::new(
            1,
            "An emitter that lets dropped observers go",
            "emitter.rs",
            "exercises::emitter::check::<answer::Emitter>()",
        )
        .hint("The emitter holds an `Rc` clone of every observer: while it does, no observer can be freed, whoever else lets go. That is the tutorial's leaking emitter.")
        .hint("Hold `Weak<Observer>` (`Rc::downgrade`) instead, and `upgrade()` each one in `notify`: a dead one gives `None`.")
        .hint("A dead `Weak` still keeps the observer's block (its counts live there) until the `Weak` itself is dropped: remove the dead ones in `notify` with `retain`. For the floor, `shrink_to_fit` when the list empties."),
        Exercise::new(
            2,
            "A Weak-valued cache that frees its entries",
            "image_cache.rs",
            "exercises::image_cache::check::<answer::ImageCache>()",
        )
        .hint("A map of `Rc<Image>` keeps every image it ever loaded: 1 KiB each, forever. The tutorial's answer is `WeakValueDictionary`: values that vanish with their last owner.")
        .hint("Store `Weak<Image>`; on `get`, `upgrade()` the entry: `Some` is a hit, `None` means load again (and replace the entry).")
        .hint("A dead entry still holds the image's `Rc` block until it is removed. Remove dead entries before the map grows — `if map.len() == map.capacity() { map.retain(|_, w| w.strong_count() > 0) }` — so the table stays small whatever n."),
    ]
}

/// Exercise 05-1: the emitter with weak listeners (the tutorial's `WeakSet` fix).
pub mod emitter {
    use std::hint::black_box;
    use std::mem::size_of;
    use std::rc::{Rc, Weak};

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    use crate::Observer;

    /// Observer counts: a thousand, and ten times as many, so a leak that
    /// grows with `n` shows.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    /// What an emitter does.
    pub trait Emit {
        /// An emitter with no listeners.
        fn new() -> Self;
        /// Registers `observer`; its owner keeps the `Rc`.
        fn subscribe(&mut self, observer: &Rc<Observer>);
        /// Calls `update(event)` on every observer still alive; returns how many.
        fn notify(&mut self, event: u64) -> usize;
    }

    /// `n` observers subscribe, every owner lets go, one notify: what the
    /// emitter still holds is what it keeps alive.
    fn subscribe_release_notify<E: Emit>(emitter: &mut E, n: usize) -> usize {
        let owners: Vec<Rc<Observer>> =
            (0..n as u64).map(|id| Rc::new(Observer::new(id))).collect();
        for owner in &owners {
            emitter.subscribe(owner);
        }
        drop(owners);
        emitter.notify(1)
    }

    /// The check of the student's emitter `E`.
    pub fn check<E: Emit + 'static>() -> Check {
        Check::new()
            .test("n = 0: notify reaches nobody", || expect_eq(E::new().notify(1), 0))
            .test("n = 3, all alive: each is notified once", || {
                let mut emitter = E::new();
                let owners: Vec<Rc<Observer>> = (0..3).map(|id| Rc::new(Observer::new(id))).collect();
                owners.iter().for_each(|o| emitter.subscribe(o));
                let reached = emitter.notify(5);
                expect_eq(
                    (reached, owners.iter().map(|o| o.seen.get()).collect::<Vec<_>>()),
                    (3, vec![5, 5, 5]),
                )
            })
            .test("n = 3, one owner lets go: notify reaches 2", || {
                let mut emitter = E::new();
                let mut owners: Vec<Rc<Observer>> = (0..3).map(|id| Rc::new(Observer::new(id))).collect();
                owners.iter().for_each(|o| emitter.subscribe(o));
                owners.remove(1);
                expect_eq(emitter.notify(1), 2)
            })
            .test("n = 1, its owner lets go: the observer is freed", || {
                let mut emitter = E::new();
                let owner = Rc::new(Observer::new(7));
                let watch: Weak<Observer> = Rc::downgrade(&owner);
                emitter.subscribe(&owner);
                drop(owner);
                expect_eq((emitter.notify(1), watch.upgrade().is_some()), (0, false))
            })
            .test("after everyone let go, new observers are notified", || {
                let mut emitter = E::new();
                let first = Rc::new(Observer::new(1));
                emitter.subscribe(&first);
                drop(first);
                emitter.notify(1);
                let second = Rc::new(Observer::new(2));
                emitter.subscribe(&second);
                expect_eq((emitter.notify(3), second.seen.get()), (1, 3))
            })
            .heap(
                HeapCheck::new(Case::in_env(
                    "subscribe n, owners let go, notify once",
                    "answer",
                    SIZES,
                    |n| (E::new(), n),
                    |(emitter, n): &mut (E, usize)| subscribe_release_notify(emitter, black_box(*n)),
                ))
                .budget(
                    HeapMetric::LiveBytes,
                    "2 × n × size_of::<Weak<Observer>>(): a list grown by doubling to n entries may keep its capacity (under 2n slots), no observer may stay",
                    |n| (2 * n * size_of::<Weak<Observer>>()) as u64,
                )
                .floor(HeapMetric::LiveBytes, "0: nothing left once every observer is gone", |_| 0),
            )
    }
}

/// Exercise 05-2: the `WeakValueDictionary` analogue.
pub mod image_cache {
    use std::cell::Cell;
    use std::hint::black_box;
    use std::rc::Rc;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, ensure, expect_eq};

    /// Image counts: a thousand, and ten times as many.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    /// Bytes of one image's pixels: 1 KiB, so a cache that keeps them shows.
    pub const IMAGE_BYTES: usize = 1024;

    /// What the cache may keep once every image is gone, in bytes: a small
    /// table and a few dead entries, whatever `n` (a table of 8 buckets of
    /// `(u64, Weak<Image>)` is 128 bytes plus 24 control bytes; a dead
    /// entry's block is 48). 1 KiB is room for any reasonable purge policy.
    pub const KEEP_BYTES: u64 = 1024;

    thread_local! {
        static LOADS: Cell<u64> = const { Cell::new(0) };
    }

    /// A decoded image: what a cache is for.
    #[derive(Debug)]
    pub struct Image {
        /// Which image.
        pub key: u64,
        /// Its pixels, [`IMAGE_BYTES`] of them.
        pub pixels: Vec<u8>,
    }

    impl Image {
        /// Loads image `key` (allocates its pixels, counts the load).
        pub fn load(key: u64) -> Image {
            LOADS.with(|l| l.set(l.get() + 1));
            Image {
                key,
                pixels: vec![key as u8; IMAGE_BYTES],
            }
        }
    }

    /// How many images were loaded so far on this thread.
    pub fn loads() -> u64 {
        LOADS.with(Cell::get)
    }

    /// What the cache does.
    pub trait Cache {
        /// An empty cache.
        fn new() -> Self;
        /// Image `key`: the cached one while someone still holds it, else a
        /// fresh [`Image::load`].
        fn get(&mut self, key: u64) -> Rc<Image>;
        /// How many cached images are still alive (held by someone).
        fn alive(&self) -> usize;
    }

    /// The check of the student's cache `C`.
    pub fn check<C: Cache + 'static>() -> Check {
        Check::new()
            .test("n = 0: an empty cache holds nothing", || {
                expect_eq(C::new().alive(), 0)
            })
            .test("held: the same key twice is one load, one image", || {
                let mut cache = C::new();
                let before = loads();
                let a = cache.get(1);
                let b = cache.get(1);
                ensure(Rc::ptr_eq(&a, &b), "both gets should return the same Rc")?;
                expect_eq((loads() - before, a.key), (1, 1))
            })
            .test("n = 1, dropped: the cache does not keep it alive", || {
                let mut cache = C::new();
                let before = loads();
                drop(cache.get(1));
                let again = cache.get(1);
                expect_eq((loads() - before, again.pixels.len()), (2, IMAGE_BYTES))
            })
            .test("alive() counts the images still held", || {
                let mut cache = C::new();
                let kept: Vec<Rc<Image>> = (0..2).map(|k| cache.get(k)).collect();
                drop(cache.get(2));
                expect_eq((cache.alive(), kept.len()), (2, 2))
            })
            .heap(
                HeapCheck::new(Case::in_env(
                    "get n images, each dropped after use",
                    "answer",
                    SIZES,
                    |n| (C::new(), n),
                    |(cache, n): &mut (C, usize)| {
                        for key in 0..*n as u64 {
                            black_box(cache.get(key));
                        }
                        cache.alive()
                    },
                ))
                .budget(
                    HeapMetric::LiveBytes,
                    "1 KiB: a small table and a few dead entries, whatever n",
                    |_| KEEP_BYTES,
                )
                .floor(
                    HeapMetric::LiveBytes,
                    "0: nothing once every image is gone",
                    |_| 0,
                ),
            )
    }
}
