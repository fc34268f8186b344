//! Reproducible randomness: Gaussian gradient noise, and the generator behind it and behind
//! the minibatches' shuffles.
//!
//! Each noisy run owns a [`GaussianNoise`] seeded from the scene's `seed` alone, so a run's path does
//! not depend on the thread that computes it, on the other runs, or on a crate's RNG version: the
//! generator ([`SplitMix64`]) and the transform (Marsaglia's polar method) are written out here.
//! Runs sharing a seed see the same noise sequence, which is what a side-by-side comparison wants.

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed 64-bit generator whose whole state
/// is its seed, written out so that a seed means the same stream in every version.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n ≥ 1) without bias: Lemire's multiply-and-reject.
    pub fn below(&mut self, n: u64) -> u64 {
        let threshold = n.wrapping_neg() % n;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(n);
            if (product as u64) >= threshold {
                return (product >> 64) as u64;
            }
        }
    }
}

/// A deterministic stream of standard normal samples scaled by `std`.
#[derive(Debug, Clone)]
pub struct GaussianNoise {
    rng: SplitMix64,
    std: f64,
    spare: Option<f64>,
}

impl GaussianNoise {
    pub fn new(std: f64, seed: u64) -> Self {
        GaussianNoise {
            rng: SplitMix64::new(seed),
            std,
            spare: None,
        }
    }

    /// Uniform in (−1, 1), from the top 53 bits.
    fn next_signed_unit(&mut self) -> f64 {
        let u = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        2.0 * u - 1.0
    }

    /// One sample of N(0, std²).
    pub fn sample(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z * self.std;
        }
        loop {
            let u = self.next_signed_unit();
            let v = self.next_signed_unit();
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let factor = (-2.0 * s.ln() / s).sqrt();
                self.spare = Some(v * factor);
                return u * factor * self.std;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_other_seed_other_stream() {
        let a: Vec<f64> = {
            let mut n = GaussianNoise::new(1.0, 7);
            (0..10).map(|_| n.sample()).collect()
        };
        let b: Vec<f64> = {
            let mut n = GaussianNoise::new(1.0, 7);
            (0..10).map(|_| n.sample()).collect()
        };
        let c: Vec<f64> = {
            let mut n = GaussianNoise::new(1.0, 8);
            (0..10).map(|_| n.sample()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn below_is_uniform_and_in_range() {
        let mut r = SplitMix64::new(3);
        let mut counts = [0usize; 5];
        for _ in 0..50_000 {
            counts[r.below(5) as usize] += 1;
        }
        // Each count is 10 000 ± 100·√(0.8·... ) ≈ ±90 per standard deviation.
        for c in counts {
            assert!((c as i64 - 10_000).abs() < 500, "{counts:?}");
        }
        assert_eq!(SplitMix64::new(9).below(1), 0);
    }

    #[test]
    fn moments_are_those_of_the_requested_normal() {
        let mut n = GaussianNoise::new(0.5, 42);
        let k = 200_000;
        let xs: Vec<f64> = (0..k).map(|_| n.sample()).collect();
        let mean = xs.iter().sum::<f64>() / k as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / k as f64;
        // Standard error of the mean is 0.5/√k ≈ 0.0011; of the variance ≈ 0.25·√(2/k) ≈ 0.0008.
        assert!(mean.abs() < 0.006, "mean {mean}");
        assert!((var - 0.25).abs() < 0.005, "variance {var}");
    }
}
