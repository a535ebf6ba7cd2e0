//! Lab 05 — weak references: observers that do not outlive their owners.
//!
//! The tutorial's event emitter keeps strong references to its listeners, so
//! a listener its owner has dropped lives on, and is still notified; its fix
//! holds weak references and prunes the dead ones on every emit. Rust offers
//! the same pair (`Rc` and `Weak`) and a third answer many Rust programs use
//! instead: a registry of listeners on a `slab` that hands out a token, and an
//! explicit unsubscribe. Beside them: a `Weak`-valued cache (the
//! `WeakValueDictionary` analogue) and a `Drop`-based finalizer (the
//! `weakref.finalize` analogue).
//!
//! The subject (or cache) is the case's long-lived *environment*: it exists
//! before the measured run and after it, so `live_bytes` is what it still
//! holds once the observers' owners have let go.
//!
//! See `README.md` beside this crate for the claims and the measured numbers.

use std::cell::Cell;
use std::hint::black_box;
use std::mem::size_of;
use std::rc::{Rc, Weak};

use heaplab_core::{Case, Fact, FixedMap, Lab};
use slab::Slab;

pub mod claims;
pub mod exercises;

/// Observer counts: 1 000 is a busy UI's listener count, 100 000 a server's
/// per-connection callbacks; 10 000 sits between. A leak shows as a line
/// growing with `n`.
pub const SIZES: &[usize] = &[1_000, 10_000, 100_000];

/// In the churn workload, the subject notifies once every this many
/// subscribe/drop pairs: often enough that weak entries get pruned, rarely
/// enough that dead ones pile up in between.
pub const CHURN_NOTIFY_EVERY: usize = 64;

/// Why CPython's strong emitter is measured in the churn workload at
/// 10 000 pairs only (run 20261204T143646: one run at 100 000 took 4.7 s).
const CHURN_PYTHON: &str = "one run of CPython's strong emitter at 100 000 subscribe/release pairs takes about 5 s \
     (its list keeps every observer, so each notify walks all of them: quadratic); \
     its growth already shows from 1 000 to 10 000";

/// A listener with a little state: what a real observer carries (an id, a
/// counter, a few fields), 64 bytes in all.
#[derive(Debug, Default)]
pub struct Observer {
    /// Who this is.
    pub id: u64,
    /// How many notifications it has received.
    pub seen: Cell<u64>,
    /// Some state of its own.
    pub state: [u64; 6],
}

impl Observer {
    /// Observer number `id`.
    pub fn new(id: u64) -> Self {
        Self {
            id,
            ..Self::default()
        }
    }

    /// Receives one notification.
    pub fn update(&self, event: u64) {
        self.seen.set(self.seen.get() + black_box(event));
    }
}

/// What every subject can do, so one generic workload serves all three.
pub trait Subject {
    /// What the observer's owner keeps: an `Rc` or a token.
    type Owner;
    /// An empty subject with room for `capacity` listeners.
    fn with_capacity(capacity: usize) -> Self;
    /// Creates observer `id`, registers it, returns what its owner keeps.
    fn subscribe(&mut self, id: u64) -> Self::Owner;
    /// The owner lets go (drops its `Rc`, or unsubscribes its token).
    fn release(&mut self, owner: Self::Owner);
    /// Notifies every live listener; returns how many were notified.
    fn notify(&mut self, event: u64) -> usize;
}

/// The tutorial's "bad emitter": listeners held by strong references.
pub struct StrongSubject(Vec<Rc<Observer>>);

impl Subject for StrongSubject {
    type Owner = Rc<Observer>;
    fn with_capacity(capacity: usize) -> Self {
        Self(Vec::with_capacity(capacity))
    }
    fn subscribe(&mut self, id: u64) -> Rc<Observer> {
        let observer = Rc::new(Observer::new(id));
        self.0.push(Rc::clone(&observer));
        observer
    }
    fn release(&mut self, owner: Rc<Observer>) {
        drop(owner);
    }
    fn notify(&mut self, event: u64) -> usize {
        self.0.iter().for_each(|o| o.update(event));
        self.0.len()
    }
}

/// The tutorial's "good emitter" (a `WeakSet`): weak references, pruned on notify.
pub struct WeakSubject(Vec<Weak<Observer>>);

impl Subject for WeakSubject {
    type Owner = Rc<Observer>;
    fn with_capacity(capacity: usize) -> Self {
        Self(Vec::with_capacity(capacity))
    }
    fn subscribe(&mut self, id: u64) -> Rc<Observer> {
        let observer = Rc::new(Observer::new(id));
        self.0.push(Rc::downgrade(&observer));
        observer
    }
    fn release(&mut self, owner: Rc<Observer>) {
        drop(owner);
    }
    fn notify(&mut self, event: u64) -> usize {
        // Dropping a dead `Weak` frees its block: the value went with its
        // last `Rc`, the allocation goes with its last `Weak`.
        self.0.retain(|weak| match weak.upgrade() {
            Some(observer) => {
                observer.update(event);
                true
            }
            None => false,
        });
        self.0.len()
    }
}

/// What Rust code often does instead: the subject owns its listeners in a
/// slab; subscribing returns a token, unsubscribing removes the entry.
pub struct SlabSubject(Slab<Observer>);

impl Subject for SlabSubject {
    type Owner = usize;
    fn with_capacity(capacity: usize) -> Self {
        Self(Slab::with_capacity(capacity))
    }
    fn subscribe(&mut self, id: u64) -> usize {
        self.0.insert(Observer::new(id))
    }
    fn release(&mut self, token: usize) {
        self.0.remove(token);
    }
    fn notify(&mut self, event: u64) -> usize {
        self.0.iter().for_each(|(_, o)| o.update(event));
        self.0.len()
    }
}

/// Subscribe `n` observers, then every owner lets go; no notify yet.
fn subscribe_release<S: Subject>(subject: &mut S, n: usize) -> usize {
    let owners: Vec<S::Owner> = (0..n as u64).map(|id| subject.subscribe(id)).collect();
    owners.into_iter().for_each(|owner| subject.release(owner));
    n
}

/// Subscribe `n`, release all, then one notify: returns how many were
/// still notified (strong: all `n`; weak and slab: none).
fn subscribe_release_notify<S: Subject>(subject: &mut S, n: usize) -> usize {
    subscribe_release(subject, n);
    subject.notify(1)
}

/// `n` subscribe/release pairs, a notify every [`CHURN_NOTIFY_EVERY`].
fn churn<S: Subject>(subject: &mut S, n: usize) -> usize {
    let mut notified = 0;
    for id in 0..n {
        let owner = subject.subscribe(id as u64);
        subject.release(owner);
        if (id + 1).is_multiple_of(CHURN_NOTIFY_EVERY) {
            notified += subject.notify(1);
        }
    }
    notified
}

/// A subject with `n` live observers whose owners keep them.
fn live_subject<S: Subject>(n: usize) -> (S, Vec<S::Owner>, usize) {
    let mut subject = S::with_capacity(n);
    let owners = (0..n as u64).map(|id| subject.subscribe(id)).collect();
    (subject, owners, n)
}

/// The environment for the subscribe workloads: an empty subject with room
/// for `n`. The room is the subject's own, made before the run: pruning
/// frees the observers, not the slots, so it never churns the allocator.
fn empty<S: Subject>(n: usize) -> (S, usize) {
    (S::with_capacity(n), n)
}

/// Registers `run` for the three subjects.
fn subject_cases(
    workload: &'static str,
    about: &'static str,
    run: fn(&mut dyn SubjectRun, usize) -> usize,
) -> [Case; 3] {
    fn one<S: Subject + 'static>(
        workload: &'static str,
        strategy: &'static str,
        about: &'static str,
        run: fn(&mut dyn SubjectRun, usize) -> usize,
    ) -> Case {
        Case::in_env(
            workload,
            strategy,
            SIZES,
            empty::<S>,
            move |(subject, n): &mut (S, usize)| run(subject, *n),
        )
        .about(about)
    }
    [
        one::<StrongSubject>(workload, "strong", about, run).with_python("strong"),
        one::<WeakSubject>(workload, "weak", about, run).with_python("weak"),
        one::<SlabSubject>(workload, "slab", about, run),
    ]
}

/// The three workloads, object-safe, so [`subject_cases`] needs no copy per subject.
pub trait SubjectRun {
    /// [`subscribe_release`] on this subject.
    fn subscribe_release(&mut self, n: usize) -> usize;
    /// [`subscribe_release_notify`] on this subject.
    fn subscribe_release_notify(&mut self, n: usize) -> usize;
    /// [`churn`] on this subject.
    fn churn(&mut self, n: usize) -> usize;
}

impl<S: Subject> SubjectRun for S {
    fn subscribe_release(&mut self, n: usize) -> usize {
        subscribe_release(self, n)
    }
    fn subscribe_release_notify(&mut self, n: usize) -> usize {
        subscribe_release_notify(self, n)
    }
    fn churn(&mut self, n: usize) -> usize {
        churn(self, n)
    }
}

/// The `notify` workload: one notify of `n` live observers.
fn notify_case<S: Subject + 'static>(strategy: &'static str) -> Case {
    Case::in_env(
        "notify",
        strategy,
        SIZES,
        live_subject::<S>,
        |(subject, _, _): &mut (S, Vec<S::Owner>, usize)| subject.notify(1),
    )
    .about("one notify of n live observers: time per live observer")
}

/// The `WeakValueDictionary` analogue: a map whose values vanish with their
/// last strong owner. Returns the number of entries left after a sweep.
pub struct WeakCache(FixedMap<u64, Weak<Observer>>);

impl WeakCache {
    /// Looks `key` up; a dead entry is removed and reported as a miss.
    pub fn get(&mut self, key: u64) -> Option<Rc<Observer>> {
        let found = self.0.get(&key)?.upgrade();
        if found.is_none() {
            self.0.remove(&key);
        }
        found
    }

    /// Removes every dead entry (the table keeps its capacity, like a dict).
    pub fn sweep(&mut self) -> usize {
        self.0.retain(|_, weak| weak.strong_count() > 0);
        self.0.len()
    }
}

/// Fill a cache with `n` values whose owners then drop them, and sweep.
fn weak_cache_fill(cache: &mut WeakCache, n: usize) -> usize {
    let owners: Vec<Rc<Observer>> = (0..n as u64).map(|id| Rc::new(Observer::new(id))).collect();
    for owner in &owners {
        cache.0.insert(owner.id, Rc::downgrade(owner));
    }
    drop(owners);
    cache.sweep()
}

/// The same with strong values (a plain dict): every value stays.
fn strong_cache_fill(cache: &mut FixedMap<u64, Rc<Observer>>, n: usize) -> usize {
    let owners: Vec<Rc<Observer>> = (0..n as u64).map(|id| Rc::new(Observer::new(id))).collect();
    for owner in &owners {
        cache.insert(owner.id, Rc::clone(owner));
    }
    drop(owners);
    cache.len()
}

/// The `weakref.finalize` analogue: runs `cleanup` exactly once, when dropped.
pub struct Finalizer<F: FnOnce()>(Option<F>);

impl<F: FnOnce()> Finalizer<F> {
    /// Arms `cleanup` to run when the finalizer is dropped.
    ///
    /// ```
    /// use std::cell::Cell;
    /// let closed = Cell::new(false);
    /// let guard = lab05_weak_observers::Finalizer::new(|| closed.set(true));
    /// assert!(!closed.get());
    /// drop(guard);
    /// assert!(closed.get());
    /// ```
    pub fn new(cleanup: F) -> Self {
        Self(Some(cleanup))
    }
}

impl<F: FnOnce()> Drop for Finalizer<F> {
    fn drop(&mut self) {
        if let Some(cleanup) = self.0.take() {
            cleanup();
        }
    }
}

/// `n` resources, each with a finalizer counting its cleanup; returns how
/// many ran (must be `n`).
fn finalize(n: usize) -> usize {
    let closed = Cell::new(0usize);
    let resources: Vec<_> = (0..n)
        .map(|id| {
            (
                Observer::new(id as u64),
                Finalizer::new(|| closed.set(closed.get() + 1)),
            )
        })
        .collect();
    drop(black_box(resources));
    closed.get()
}

fn facts() -> Vec<Fact> {
    let mut facts = vec![
        Fact::new("size_of::<Observer>()", size_of::<Observer>(), "bytes"),
        Fact::new(
            "Rc<Observer> block: observer + strong and weak counts",
            size_of::<Observer>() + 2 * size_of::<usize>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<Weak<Observer>>() (one subject slot)",
            size_of::<Weak<Observer>>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<slab::Entry<Observer>> (approx.: observer + tag)",
            size_of::<Option<Observer>>(),
            "bytes",
        ),
        Fact::new("CHURN_NOTIFY_EVERY", CHURN_NOTIFY_EVERY, "count"),
    ];
    let strong = Rc::new(Observer::new(1));
    let weak = Rc::downgrade(&strong);
    facts.push(Fact::new(
        "Rc::strong_count after Rc::downgrade",
        Rc::strong_count(&strong),
        "count",
    ));
    facts.push(Fact::new(
        "Rc::weak_count after Rc::downgrade",
        Rc::weak_count(&strong),
        "count",
    ));
    drop(strong);
    facts.push(Fact::new(
        "Weak::upgrade() is None after the last Rc drops",
        usize::from(weak.upgrade().is_none()),
        "bool",
    ));
    facts.push(Fact::new(
        "Drop guards run for 1 000 dropped objects",
        finalize(1_000),
        "count",
    ));
    facts
}

/// The lab, for the harness's registry.
pub fn lab() -> Lab {
    let lab = Lab::new(
        "05-weak-observers",
        "Weak observers",
        "Weak References (examples 13–15); leak pattern 1 (example 9)",
    )
    .claims(claims::claims())
    .facts(facts)
    .constant("CHURN_NOTIFY_EVERY", CHURN_NOTIFY_EVERY)
    .cases(subject_cases(
        "subscribe-release",
        "subscribe n, every owner lets go, no notify yet: what the subject still holds",
        |s, n| s.subscribe_release(n),
    ))
    .cases(subject_cases(
        "subscribe-release-notify",
        "subscribe n, every owner lets go, one notify: after pruning",
        |s, n| s.subscribe_release_notify(n),
    ))
    .cases({
        let [strong, weak, slab] = subject_cases(
            "churn",
            "n subscribe/release pairs, a notify every 64",
            |s, n| s.churn(n),
        );
        [
            strong.measure_python_up_to(10_000, CHURN_PYTHON),
            weak,
            slab,
        ]
    })
    .cases([
        notify_case::<StrongSubject>("strong").with_python("strong"),
        notify_case::<WeakSubject>("weak").with_python("weak"),
        notify_case::<SlabSubject>("slab"),
    ])
    .cases([
        Case::in_env(
            "value-cache",
            "strong",
            SIZES,
            |n| (FixedMap::with_capacity_and_hasher(n, Default::default()), n),
            |(cache, n): &mut (FixedMap<u64, Rc<Observer>>, usize)| strong_cache_fill(cache, *n),
        )
        .with_python("dict")
        .about("a plain map of n values whose owners drop them: all stay"),
        Case::in_env(
            "value-cache",
            "weak",
            SIZES,
            |n| {
                (
                    WeakCache(FixedMap::with_capacity_and_hasher(n, Default::default())),
                    n,
                )
            },
            |(cache, n): &mut (WeakCache, usize)| weak_cache_fill(cache, *n),
        )
        .with_python("weak-values")
        .about("a Weak-valued map (WeakValueDictionary): entries go with their owners"),
        Case::new("finalize", "drop-guard", SIZES, |n| n, finalize)
            .with_python("finalize")
            .about("n objects with a Drop finalizer: every cleanup runs, observably"),
    ]);
    exercises::list().into_iter().fold(lab, Lab::exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_strong_subject_still_notifies_dropped_observers() {
        let mut strong = StrongSubject::with_capacity(8);
        let mut weak = WeakSubject::with_capacity(8);
        let mut slab = SlabSubject::with_capacity(8);
        assert_eq!(subscribe_release_notify(&mut strong, 8), 8);
        assert_eq!(subscribe_release_notify(&mut weak, 8), 0);
        assert_eq!(subscribe_release_notify(&mut slab, 8), 0);
    }

    #[test]
    fn weak_subject_keeps_no_dead_entries_after_one_notify() {
        let mut weak = WeakSubject::with_capacity(4);
        let keep = weak.subscribe(1);
        drop(weak.subscribe(2));
        assert_eq!(weak.0.len(), 2, "a dead entry waits for the next notify");
        assert_eq!(weak.notify(1), 1);
        assert_eq!(weak.0.len(), 1);
        assert_eq!(keep.seen.get(), 1);
    }

    #[test]
    fn weak_cache_entries_go_with_their_owner() {
        let mut cache = WeakCache(FixedMap::default());
        let owner = Rc::new(Observer::new(7));
        cache.0.insert(7, Rc::downgrade(&owner));
        assert!(cache.get(7).is_some());
        drop(owner);
        assert!(cache.get(7).is_none());
        assert!(cache.0.is_empty(), "a dead entry is removed when looked up");
    }

    #[test]
    fn every_finalizer_runs_once() {
        assert_eq!(finalize(100), 100);
    }
}
