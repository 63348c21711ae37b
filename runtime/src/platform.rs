//! What differs between the browser and a native host: spawning, clocks and randomness.
//!
//! In the browser, `std::time` and threads do not exist (they panic), so every use of time
//! in the runtime goes through here.

use std::future::Future;

/// Runs `task` on the current thread's executor: the browser's microtask queue, or a tokio
/// `LocalSet` natively.
#[cfg(target_arch = "wasm32")]
pub(crate) fn spawn(task: impl Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(task);
}

/// Runs `task` on the current thread's executor: the browser's microtask queue, or a tokio
/// `LocalSet` natively.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn spawn(task: impl Future<Output = ()> + 'static) {
    tokio::task::spawn_local(task);
}

/// Milliseconds on a clock that only moves forward.
#[cfg(target_arch = "wasm32")]
pub(crate) fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Milliseconds on a clock that only moves forward.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn now_ms() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;

    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// Resolves after `ms` milliseconds.
#[cfg(target_arch = "wasm32")]
pub(crate) async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Resolves after `ms` milliseconds.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) async fn sleep(ms: u32) {
    tokio::time::sleep(std::time::Duration::from_millis(u64::from(ms))).await;
}

/// 48 random bits, enough to keep idempotency keys of separate runtimes apart.
#[cfg(target_arch = "wasm32")]
pub(crate) fn random_bits() -> u64 {
    (js_sys::Math::random() * (1u64 << 48) as f64) as u64
}

/// 48 random bits, enough to keep idempotency keys of separate runtimes apart.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn random_bits() -> u64 {
    use std::hash::{BuildHasher, RandomState};

    RandomState::new().hash_one(now_ms().to_bits()) >> 16
}
