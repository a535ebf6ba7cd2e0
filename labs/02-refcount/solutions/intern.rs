//! Exercise 02-2 — reference solution: a set of the words already made.
//!
//! `Rc<str>` borrows as `str`, so the set is looked up with the input word
//! itself; only a word never seen before is allocated.

use std::collections::HashSet;
use std::rc::Rc;

/// One handle per word; equal words share one value.
pub fn intern(words: &[String]) -> Vec<Rc<str>> {
    let mut seen: HashSet<Rc<str>> = HashSet::new();
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        let rc = match seen.get(word.as_str()) {
            Some(rc) => Rc::clone(rc),
            None => {
                let rc: Rc<str> = Rc::from(word.as_str());
                seen.insert(Rc::clone(&rc));
                rc
            }
        };
        out.push(rc);
    }
    out
}
