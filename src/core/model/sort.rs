//! The standard library's stable sort, called once for every list the citizen's app orders.
//! `slice::sort_by` is generic: called on each element type (standings, regions, the draw's
//! items, set-aside keys) it compiled a copy of itself each time. Here it sorts positions
//! through one non-generic function, so the wasm carries one copy.

use std::cmp::Ordering;

/// Sorts `items` stably by `compare`.
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let order = sorted_positions(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// The positions `0..n` in stable order of `compare`.
fn sorted_positions(n: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::rng::SeededRng;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut rng = SeededRng::new(7);
        for n in [0, 1, 2, 3, 5, 16, 17, 100, 1_000] {
            // Few distinct keys, so stability is tested: the second field records the input order.
            let items: Vec<(usize, usize)> = (0..n).map(|i| (rng.below(5), i)).collect();
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std_sorted = items;
            std_sorted.sort_by_key(|x| x.0);
            assert_eq!(ours, std_sorted, "n = {n}");
        }
    }
}
