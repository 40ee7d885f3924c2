//! One stable sort for every list the citizen's app orders. The standard library's sorts are
//! generic, and each element type sorted cost the wasm a few kilobytes of its own copy; this
//! merge sort works on positions through one compiled function.

/// Sorts `items` stably: `a` goes before `b` when `less(a, b)`.
pub fn sort_by<T>(items: &mut Vec<T>, less: impl Fn(&T, &T) -> bool) {
    let order = sorted_positions(items.len(), &|a, b| less(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// The positions `0..n` in stable order of `less` (a bottom-up merge sort).
fn sorted_positions(n: usize, less: &dyn Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged = Vec::with_capacity(n);
    let mut width = 1;
    while width < n {
        merged.clear();
        for start in (0..n).step_by(2 * width) {
            let (mid, end) = ((start + width).min(n), (start + 2 * width).min(n));
            let (mut i, mut j) = (start, mid);
            while i < mid || j < end {
                // Take from the right run only when it is strictly less: equal items keep their order.
                if j < end && (i == mid || less(order[j], order[i])) {
                    merged.push(order[j]);
                    j += 1;
                } else {
                    merged.push(order[i]);
                    i += 1;
                }
            }
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::SeededRng;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut rng = SeededRng::new(7);
        for n in [0, 1, 2, 3, 5, 16, 17, 100, 1_000] {
            // Few distinct keys, so stability is tested: the second field records the input order.
            let items: Vec<(usize, usize)> = (0..n).map(|i| (rng.below(5), i)).collect();
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| a.0 < b.0);
            let mut std_sorted = items;
            std_sorted.sort_by_key(|x| x.0);
            assert_eq!(ours, std_sorted, "n = {n}");
        }
    }
}
