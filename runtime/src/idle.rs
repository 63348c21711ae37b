//! The signal that a run is done: no request in flight and no flow waiting to run.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::runtime::Shared;

/// Resolves once the runtime has no request in flight and no flow waiting to run.
///
/// Returned by [`Runtime::idle`](crate::Runtime::idle). Awaiting it is how hosts and
/// tests learn that a run is over, instead of sleeping.
#[must_use = "futures do nothing unless awaited"]
pub struct Idle {
    pub(crate) shared: Rc<Shared>,
}

impl Future for Idle {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.shared.wait_idle(cx.waker()) {
            true => Poll::Ready(()),
            false => Poll::Pending,
        }
    }
}
