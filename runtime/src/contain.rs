//! Panics, contained: a bug in the runtime, a transport or a listener costs the flow or the
//! request it happened in, is reported, and the run goes on.
//!
//! Natively panics unwind, and so they do in a browser build made with `-Cpanic=unwind` (see
//! `scripts/build-npm.sh`). In a build where panics abort, there is nothing to catch.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `run`, turning a panic into its message.
pub(crate) fn catch<T>(run: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(run)).map_err(|panic| message(&*panic))
}

/// A task whose panic ends it, and only it: `on_panic` gets the panic's message before the
/// task's own state is dropped, so that what it reports comes before what that drop does.
pub(crate) struct Contained {
    task: Option<Pin<Box<dyn Future<Output = ()>>>>,
    on_panic: Option<Box<dyn FnOnce(String)>>,
}

impl Contained {
    pub(crate) fn new(
        task: impl Future<Output = ()> + 'static,
        on_panic: impl FnOnce(String) + 'static,
    ) -> Self {
        Self {
            task: Some(Box::pin(task)),
            on_panic: Some(Box::new(on_panic)),
        }
    }
}

impl Future for Contained {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Some(task) = self.task.as_mut() else {
            return Poll::Ready(());
        };
        match catch(|| task.as_mut().poll(cx)) {
            Ok(poll) => poll,
            Err(message) => {
                if let Some(report) = self.on_panic.take() {
                    let _ = catch(|| report(message));
                }
                self.task = None;
                Poll::Ready(())
            }
        }
    }
}

fn message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned())
}
