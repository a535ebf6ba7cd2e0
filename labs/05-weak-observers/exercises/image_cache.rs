//! Exercise 05-2 — a `Weak`-valued cache that frees its entries.
//!
//! The tutorial's `WeakValueDictionary`: a cache whose values disappear
//! when their last owner lets go, so caching never keeps an object alive.
//! This starting version is a plain map of `Rc`s: every image it ever
//! loaded (1 KiB each) stays, and `get` after everyone let go returns the
//! old image instead of loading it again.
//!
//! Task: `get(key)` returns the cached image while someone still holds it,
//! and loads it (`Image::load`) otherwise; `alive()` counts the cached images
//! still held. Budget, after n images were fetched and each dropped after
//! use (n = 1 000 and 10 000): **at most 1 KiB still live**, whatever n.
//! Floor: 0 bytes.
//!
//! Check it: `heaplab exercise check 05-2`.

use std::collections::HashMap;
use std::rc::Rc;

use lab05_weak_observers::exercises::image_cache::{Cache, Image};

/// Images by key.
pub struct ImageCache {
    images: HashMap<u64, Rc<Image>>,
}

impl Cache for ImageCache {
    fn new() -> Self {
        ImageCache {
            images: HashMap::new(),
        }
    }

    fn get(&mut self, key: u64) -> Rc<Image> {
        Rc::clone(
            self.images
                .entry(key)
                .or_insert_with(|| Rc::new(Image::load(key))),
        )
    }

    fn alive(&self) -> usize {
        self.images.len()
    }
}
