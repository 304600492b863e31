/// SplitMix64: tiny, fast, and good enough for text synthesis. Written here
/// rather than pulled in so that a seed's output can never change under us
/// with a dependency upgrade; benchmarks compare runs across versions.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0). Multiply-shift instead of `%`
    /// avoids both the modulo bias and the division.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An index in `0..n` with probability roughly proportional to
    /// `1 / (index + 1)`: Zipf with exponent 1, which is how word frequencies
    /// in real text fall off. Lists are ordered most-common first for this.
    pub(crate) fn zipf(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let x = ((n + 1) as f64).powf(self.unit()) - 1.0;
        (x as usize).min(n - 1)
    }

    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub(crate) fn pick_zipf<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.zipf(items.len())]
    }

    /// An index chosen with the given relative weights.
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut roll = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if roll < w {
                return i;
            }
            roll -= w;
        }
        weights.len().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_favours_the_head_but_reaches_the_tail() {
        let mut rng = SplitMix64::new(7);
        let mut counts = [0u32; 50];
        for _ in 0..100_000 {
            counts[rng.zipf(50)] += 1;
        }
        assert!(counts[0] > counts[5] && counts[5] > counts[40]);
        assert!(counts.iter().all(|&c| c > 0));
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = SplitMix64::new(1);
        assert!((0..10_000).all(|_| rng.below(7) < 7));
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn weighted_respects_zero_weights() {
        let mut rng = SplitMix64::new(3);
        assert!((0..10_000).all(|_| rng.weighted(&[0, 5, 0, 1]) % 2 == 1));
    }
}
