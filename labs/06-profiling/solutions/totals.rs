//! Exercise 06-1 — reference solution: borrow the fields, allocate a name once.
//!
//! The top site was the `collect` of owned fields: a `Vec` and three
//! `String`s per line; the second, the name cloned for every line. Both
//! only read the line: `split` yields `&str`s borrowed from it, and a
//! customer's name is allocated the first time it is seen. What is left is
//! the result itself: 16 names and the map's nodes, whatever the number of
//! lines.

use std::collections::BTreeMap;

/// The sum of the amounts per customer.
pub fn totals(lines: &[String]) -> BTreeMap<String, u64> {
    let mut totals: BTreeMap<String, u64> = BTreeMap::new();
    for line in lines {
        let mut fields = line.split(',');
        let (Some(_id), Some(customer), Some(amount)) = (fields.next(), fields.next(), fields.next())
        else {
            panic!("a line of three fields");
        };
        let amount: u64 = amount.parse().expect("an amount");
        match totals.get_mut(customer) {
            Some(total) => *total += amount,
            None => {
                totals.insert(customer.to_owned(), amount);
            }
        }
    }
    totals
}
