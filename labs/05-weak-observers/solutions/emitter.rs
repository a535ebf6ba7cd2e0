//! Exercise 05-1 — reference solution: weak listeners, pruned on notify.
//!
//! A `Weak` does not keep the observer alive; `retain` drops the dead ones
//! (and with them the observers' blocks), and an emptied list gives its
//! buffer back.

use std::rc::{Rc, Weak};

use lab05_weak_observers::Observer;
use lab05_weak_observers::exercises::emitter::Emit;

/// Notifies its listeners.
pub struct Emitter {
    listeners: Vec<Weak<Observer>>,
}

impl Emit for Emitter {
    fn new() -> Self {
        Emitter {
            listeners: Vec::new(),
        }
    }

    fn subscribe(&mut self, observer: &Rc<Observer>) {
        self.listeners.push(Rc::downgrade(observer));
    }

    fn notify(&mut self, event: u64) -> usize {
        self.listeners.retain(|weak| match weak.upgrade() {
            Some(observer) => {
                observer.update(event);
                true
            }
            None => false,
        });
        if self.listeners.is_empty() {
            self.listeners.shrink_to_fit();
        }
        self.listeners.len()
    }
}
