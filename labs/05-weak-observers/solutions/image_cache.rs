//! Exercise 05-2 — reference solution: `Weak` values, purged before the map grows.
//!
//! A dead entry keeps only the image's small `Rc` block (its pixels went
//! with the last owner); removing the dead entries whenever the table is
//! full keeps it small whatever n, at no cost per `get`.

use std::collections::HashMap;
use std::rc::{Rc, Weak};

use lab05_weak_observers::exercises::image_cache::{Cache, Image};

/// Images by key, held weakly.
pub struct ImageCache {
    images: HashMap<u64, Weak<Image>>,
}

impl Cache for ImageCache {
    fn new() -> Self {
        ImageCache {
            images: HashMap::new(),
        }
    }

    fn get(&mut self, key: u64) -> Rc<Image> {
        if let Some(image) = self.images.get(&key).and_then(Weak::upgrade) {
            return image;
        }
        if self.images.len() == self.images.capacity() {
            self.images.retain(|_, weak| weak.strong_count() > 0);
        }
        let image = Rc::new(Image::load(key));
        self.images.insert(key, Rc::downgrade(&image));
        image
    }

    fn alive(&self) -> usize {
        self.images
            .values()
            .filter(|weak| weak.strong_count() > 0)
            .count()
    }
}
