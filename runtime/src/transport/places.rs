//! A limit on requests in flight, for a single-threaded executor.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Places for requests on the wire; a request waits for one, and frees it when dropped.
#[derive(Clone)]
pub(crate) struct Places(Rc<RefCell<State>>);

struct State {
    free: usize,
    waiting: VecDeque<Waker>,
}

impl State {
    fn wake_next(&mut self) {
        if self.free > 0 {
            if let Some(waker) = self.waiting.pop_front() {
                waker.wake();
            }
        }
    }
}

/// One taken place, given back when dropped.
pub(crate) struct Place(Rc<RefCell<State>>);

/// Waits for a free place; waiters are served in arrival order.
pub(crate) struct Take {
    state: Rc<RefCell<State>>,
    queued: Option<Waker>,
}

impl Places {
    pub(crate) fn new(count: usize) -> Self {
        let state = State {
            free: count.max(1),
            waiting: VecDeque::new(),
        };
        Self(Rc::new(RefCell::new(state)))
    }

    pub(crate) fn take(&self) -> Take {
        Take {
            state: Rc::clone(&self.0),
            queued: None,
        }
    }
}

impl Future for Take {
    type Output = Place;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Place> {
        let state = Rc::clone(&self.state);
        let mut state = state.borrow_mut();
        let first_in_line = self.queued.is_none() || state.waiting.is_empty();
        if state.free > 0 && first_in_line {
            state.free -= 1;
            self.queued = None;
            return Poll::Ready(Place(Rc::clone(&self.state)));
        }
        state.waiting.push_back(cx.waker().clone());
        self.queued = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for Take {
    // A waiter given up on (a timeout, a stop) leaves the line, and if it had been woken
    // for a free place, the place goes to the next in line instead of being lost.
    fn drop(&mut self) {
        if let Some(waker) = self.queued.take() {
            let mut state = self.state.borrow_mut();
            state.waiting.retain(|queued| !queued.will_wake(&waker));
            state.wake_next();
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut state = self.0.borrow_mut();
        state.free += 1;
        state.wake_next();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Wake;

    struct Count(std::sync::atomic::AtomicUsize);

    impl Wake for Count {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn poll(take: &mut Take, waker: &Waker) -> Option<Place> {
        match Pin::new(take).poll(&mut Context::from_waker(waker)) {
            Poll::Ready(place) => Some(place),
            Poll::Pending => None,
        }
    }

    #[test]
    fn a_freed_place_goes_to_the_next_waiter_even_when_one_gave_up() {
        let places = Places::new(1);
        let woken = std::sync::Arc::new(Count(0.into()));
        let waker = Waker::from(std::sync::Arc::clone(&woken));
        let first = poll(&mut places.take(), &waker).unwrap();
        let (mut gives_up, mut waits) = (places.take(), places.take());
        assert!(poll(&mut gives_up, &Waker::noop().clone()).is_none());
        assert!(poll(&mut waits, &waker).is_none());
        drop(first);
        drop(gives_up);
        assert!(woken.0.load(std::sync::atomic::Ordering::SeqCst) >= 1);
        assert!(poll(&mut waits, &waker).is_some());
    }
}
