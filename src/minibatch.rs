//! Minibatches: which data points each step's gradient is taken over, on surfaces made from
//! data (`linear_regression`).
//!
//! An optimizer entry with `batch = B` (and `shuffle_seed = S`) steps with the gradient of the
//! mean squared error over B points at a time: each epoch visits every point once, in an order
//! shuffled afresh from the run's own seeded generator, cut into consecutive batches of B (the
//! epoch's last batch is smaller when B does not divide the number of points, as a torch
//! `DataLoader` with `drop_last=False` makes it). One optimizer step per batch. The generator
//! is the run's own ([`SplitMix64`] seeded with S), so the batches do not depend on the
//! thread count or on the other runs; a batch's points are listed in data order, so that a
//! batch of every point sums exactly as the full-data gradient does.

use crate::noise::SplitMix64;

/// A run's minibatch setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minibatch {
    /// Points per step (at most the number of points).
    pub size: usize,
    /// Seeds the shuffle.
    pub seed: u64,
}

/// The batches of one run, one per step, epoch after epoch.
#[derive(Debug, Clone)]
pub struct Batches {
    rng: SplitMix64,
    /// This epoch's visiting order.
    order: Vec<usize>,
    /// Where the next batch starts in `order`.
    next: usize,
    size: usize,
    /// The batch handed out last, in data order.
    batch: Vec<usize>,
}

impl Batches {
    /// The batches of `setting` over `points` data points (`setting.size` is clamped to
    /// 1..=points).
    pub fn new(points: usize, setting: Minibatch) -> Self {
        Batches {
            rng: SplitMix64::new(setting.seed),
            order: (0..points).collect(),
            next: points,
            size: setting.size.clamp(1, points.max(1)),
            batch: Vec::with_capacity(setting.size),
        }
    }

    /// The next step's batch: indices into the data, increasing. A new epoch (a fresh
    /// Fisher–Yates shuffle of every index) starts when the last one is used up.
    pub fn next_batch(&mut self) -> &[usize] {
        if self.next >= self.order.len() {
            self.shuffle();
            self.next = 0;
        }
        let end = (self.next + self.size).min(self.order.len());
        self.batch.clear();
        self.batch.extend_from_slice(&self.order[self.next..end]);
        self.batch.sort_unstable();
        self.next = end;
        &self.batch
    }

    /// A uniform random permutation of 0..n (Fisher–Yates from the end).
    fn shuffle(&mut self) {
        for (i, index) in self.order.iter_mut().enumerate() {
            *index = i;
        }
        for i in (1..self.order.len()).rev() {
            let j = self.rng.below(i as u64 + 1) as usize;
            self.order.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each epoch's batches cover every point exactly once, sized as documented, and the
    /// shuffle differs from epoch to epoch.
    #[test]
    fn every_epoch_is_a_permutation_cut_into_batches() {
        let n = 23;
        for size in [1, 4, 5, 23] {
            let mut b = Batches::new(n, Minibatch { size, seed: 11 });
            let per_epoch = n.div_ceil(size);
            let mut orders = Vec::new();
            for _ in 0..4 {
                let mut seen = Vec::new();
                for k in 0..per_epoch {
                    let batch = b.next_batch().to_vec();
                    let expected = if k + 1 < per_epoch {
                        size
                    } else {
                        n - size * k
                    };
                    assert_eq!(batch.len(), expected, "size {size}, batch {k}");
                    assert!(batch.windows(2).all(|w| w[0] < w[1]), "in data order");
                    seen.extend(batch);
                }
                let mut sorted = seen.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "a permutation");
                orders.push(seen);
            }
            if size < n {
                assert_ne!(orders[0], orders[1], "a new shuffle each epoch");
            } else {
                assert!(orders.iter().all(|o| *o == orders[0]), "the full batch");
            }
        }
    }

    #[test]
    fn the_seed_decides_the_batches() {
        let draw = |seed| {
            let mut b = Batches::new(10, Minibatch { size: 3, seed });
            (0..8).map(|_| b.next_batch().to_vec()).collect::<Vec<_>>()
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
    }
}
