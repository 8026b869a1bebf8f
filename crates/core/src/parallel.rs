//! Independent work split over the machine's cores, the results kept in order: a whole list
//! checked at once is 10,000 candidates, and the machines this runs on have few cores.

/// `work` applied to consecutive chunks of `items` (one per core, each of at least
/// `at_least` items), on scoped threads; the results in the order of the chunks.
pub fn map_chunks<I: Sync, R: Send>(
    items: &[I],
    at_least: usize,
    work: impl Fn(&[I]) -> R + Sync,
) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let size = items.len().div_ceil(cores).max(at_least.max(1));
    if items.len() <= size {
        return vec![work(items)];
    }
    std::thread::scope(|scope| {
        let running: Vec<_> = items
            .chunks(size)
            .map(|chunk| scope.spawn(|| work(chunk)))
            .collect();
        running
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::map_chunks;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        // (at least, whether the work may be split)
        for at_least in [0, 1, 7, 999, 1000, 5000] {
            let parts = map_chunks(&items, at_least, |chunk| chunk.to_vec());
            assert_eq!(parts.concat(), items, "at least {at_least}");
            if at_least >= 1000 {
                assert_eq!(parts.len(), 1, "too few items to split");
            }
        }
        assert_eq!(map_chunks(&[] as &[u32], 1, <[u32]>::len), vec![0]);
    }
}
