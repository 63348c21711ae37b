//! Object ids that look random but repeat from one run to the next.

use std::time::{SystemTime, UNIX_EPOCH};

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// How many characters follow the prefix: as many as Stripe's shortest ids.
const ID_LENGTH: usize = 16;

/// Hands out ids from a counter, scrambled so that neighbouring ids share no visible pattern.
#[derive(Debug, Default)]
pub(crate) struct IdGenerator {
    counter: u64,
}

impl IdGenerator {
    pub(crate) fn next(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", scrambled(self.counter))
    }
}

/// The base62 text of two mixes of `counter`, cut to [`ID_LENGTH`] characters.
pub(crate) fn scrambled(counter: u64) -> String {
    let mut text = String::with_capacity(ID_LENGTH);
    for round in [mix(counter), mix(counter ^ 0xA5A5_5A5A_C3C3_3C3C)] {
        let mut value = round;
        for _ in 0..ID_LENGTH / 2 {
            text.push(char::from(ALPHABET[(value % 62) as usize]));
            value /= 62;
        }
    }
    text
}

/// SplitMix64's output function: a bijection on `u64` with good avalanche.
pub(crate) fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Unix seconds, as in every object's `created`.
pub(crate) fn now() -> i64 {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_the_prefix_and_sixteen_alphanumerics() {
        let id = IdGenerator::default().next("cus_");
        let suffix = id.strip_prefix("cus_").unwrap();
        assert_eq!(suffix.len(), 16);
        assert!(suffix.chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn ids_are_distinct_and_repeat_across_generators() {
        let mut first = IdGenerator::default();
        let mut second = IdGenerator::default();
        let a: Vec<String> = (0..100).map(|_| first.next("pi_")).collect();
        let b: Vec<String> = (0..100).map(|_| second.next("pi_")).collect();
        assert_eq!(a, b);
        let unique: std::collections::HashSet<_> = a.iter().collect();
        assert_eq!(unique.len(), 100);
    }
}
