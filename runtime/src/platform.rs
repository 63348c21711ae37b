//! What differs between the browser and a native host: spawning, clocks and randomness.
//!
//! In the browser, `std::time` and threads do not exist (they panic), so every use of time
//! in the runtime goes through here.

use std::future::Future;

use crate::contain::Contained;

/// Runs `task` on the current thread's executor: the browser's microtask queue, or a tokio
/// `LocalSet` natively. A panic ends the task alone and is handed to `on_panic`.
pub(crate) fn spawn(
    task: impl Future<Output = ()> + 'static,
    on_panic: impl FnOnce(String) + 'static,
) {
    let task = Contained::new(task, on_panic);
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_futures::spawn_local(task);
    #[cfg(not(target_arch = "wasm32"))]
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
    timer::Timeout::new(ms).await;
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

/// `setTimeout` as a future, cleared when dropped: a request answered early leaves no timer
/// pending behind it.
#[cfg(target_arch = "wasm32")]
mod timer {
    use std::future::Future;
    use std::panic::AssertUnwindSafe;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use js_sys::{Function, Promise};
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::JsValue;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = setTimeout)]
        fn set_timeout(handler: &Function, ms: u32) -> JsValue;
        #[wasm_bindgen(js_name = clearTimeout)]
        fn clear_timeout(id: &JsValue);
    }

    pub(super) struct Timeout {
        id: Option<JsValue>,
        fired: JsFuture,
    }

    impl Timeout {
        pub(super) fn new(ms: u32) -> Self {
            let mut id = None;
            let mut slot = AssertUnwindSafe(&mut id);
            let promise = Promise::new(&mut move |resolve, _| {
                **slot = Some(set_timeout(&resolve, ms));
            });
            Self {
                id,
                fired: JsFuture::from(promise),
            }
        }
    }

    impl Future for Timeout {
        type Output = ();

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let fired = Pin::new(&mut self.fired).poll(cx).map(|_| ());
            if fired.is_ready() {
                self.id = None;
            }
            fired
        }
    }

    impl Drop for Timeout {
        fn drop(&mut self) {
            if let Some(id) = self.id.take() {
                clear_timeout(&id);
            }
        }
    }
}
