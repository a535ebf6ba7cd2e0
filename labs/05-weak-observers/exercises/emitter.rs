//! Exercise 05-1 — an emitter that lets dropped observers go.
//!
//! The tutorial's leaking emitter keeps its listeners in a list of strong
//! references: an observer whose owner has gone stays alive, and is still
//! notified. Its fix holds weak references (`weakref.WeakSet`). This
//! starting version is the leaking one: it clones every observer's `Rc`.
//!
//! Task: an `Emitter` whose `notify(event)` reaches every observer still
//! owned elsewhere and returns how many, and which keeps **no observer
//! alive**. Budget, after n observers subscribed, all their owners let go
//! and one notify (n = 1 000 and 10 000): **at most 2 × n × 8 bytes still
//! live** (the listener list may keep its capacity; not one 80-byte
//! observer block may stay). Floor: 0 bytes.
//!
//! Check it: `heaplab exercise check 05-1`.

use std::rc::Rc;

use lab05_weak_observers::Observer;
use lab05_weak_observers::exercises::emitter::Emit;

/// Notifies its listeners.
pub struct Emitter {
    listeners: Vec<Rc<Observer>>,
}

impl Emit for Emitter {
    fn new() -> Self {
        Emitter {
            listeners: Vec::new(),
        }
    }

    fn subscribe(&mut self, observer: &Rc<Observer>) {
        self.listeners.push(Rc::clone(observer));
    }

    fn notify(&mut self, event: u64) -> usize {
        for observer in &self.listeners {
            observer.update(event);
        }
        self.listeners.len()
    }
}
