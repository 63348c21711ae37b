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

/// `setTimeout` as a future. Dropped before it fires, it clears the timer and frees its
/// callback: a request answered early leaves nothing behind it, in JavaScript or in wasm
/// memory. (A `JsFuture` over a promise would not do: its state lives until the promise
/// settles, and a cleared timer's promise never does.)
#[cfg(target_arch = "wasm32")]
mod timer {
    use std::cell::{Cell, RefCell};
    use std::future::Future;
    use std::pin::Pin;
    use std::rc::Rc;
    use std::task::{Context, Poll, Waker};

    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::{JsCast, JsValue};

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = setTimeout)]
        fn set_timeout(handler: &js_sys::Function, ms: u32) -> JsValue;
        #[wasm_bindgen(js_name = clearTimeout)]
        fn clear_timeout(id: &JsValue);
    }

    #[derive(Default)]
    struct Fired {
        done: Cell<bool>,
        waker: RefCell<Option<Waker>>,
    }

    pub(super) struct Timeout {
        id: JsValue,
        fired: Rc<Fired>,
        _callback: Closure<dyn FnMut()>,
    }

    impl Timeout {
        pub(super) fn new(ms: u32) -> Self {
            let fired = Rc::new(Fired::default());
            let on_fire = Rc::clone(&fired);
            // The callback only sets a flag and wakes a task: a panic cannot leave it half
            // done.
            let callback = Closure::once_assert_unwind_safe(move || {
                on_fire.done.set(true);
                if let Some(waker) = on_fire.waker.take() {
                    waker.wake();
                }
            });
            let id = set_timeout(callback.as_ref().unchecked_ref(), ms);
            Self {
                id,
                fired,
                _callback: callback,
            }
        }
    }

    impl Future for Timeout {
        type Output = ();

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.fired.done.get() {
                return Poll::Ready(());
            }
            *self.fired.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    }

    impl Drop for Timeout {
        fn drop(&mut self) {
            if !self.fired.done.get() {
                clear_timeout(&self.id);
            }
        }
    }
}
