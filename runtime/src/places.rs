//! A limit on requests in flight, for a single-threaded executor.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Places for requests on the wire; a request waits in line for one, and frees it when
/// dropped.
#[derive(Clone)]
pub(crate) struct Places(Rc<RefCell<State>>);

#[derive(Default)]
struct State {
    free: usize,
    /// Waiters called for a free place that have not taken it yet; their places are held.
    called: usize,
    next_ticket: u64,
    /// Tickets in arrival order; a ticket leaves the line when its holder is called.
    line: VecDeque<u64>,
    /// The wakers of the tickets still in line.
    wakers: HashMap<u64, Waker>,
}

impl State {
    /// Calls the first in line, if a place is free.
    fn call_next(&mut self) {
        if self.free <= self.called {
            return;
        }
        if let Some(ticket) = self.line.pop_front() {
            if let Some(waker) = self.wakers.remove(&ticket) {
                self.called += 1;
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
    ticket: Option<u64>,
}

impl Places {
    pub(crate) fn new(count: usize) -> Self {
        let state = State {
            free: count.max(1),
            ..State::default()
        };
        Self(Rc::new(RefCell::new(state)))
    }

    /// A place now, if one is free and nobody is waiting for it.
    pub(crate) fn try_take(&self) -> Option<Place> {
        let mut state = self.0.borrow_mut();
        let free = state.free > state.called && state.line.is_empty();
        free.then(|| {
            state.free -= 1;
            Place(Rc::clone(&self.0))
        })
    }

    pub(crate) fn take(&self) -> Take {
        Take {
            state: Rc::clone(&self.0),
            ticket: None,
        }
    }
}

impl Future for Take {
    type Output = Place;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Place> {
        let shared = Rc::clone(&self.state);
        let mut state = shared.borrow_mut();
        let waiting = self
            .ticket
            .is_some_and(|ticket| state.wakers.contains_key(&ticket));
        let called = self.ticket.is_some() && !waiting;
        let may_take = match called {
            true => state.free > 0,
            false => state.free > state.called && state.line.is_empty(),
        };
        if may_take {
            state.free -= 1;
            state.called -= usize::from(called);
            self.ticket = None;
            return Poll::Ready(Place(Rc::clone(&shared)));
        }
        let ticket = match self.ticket {
            Some(ticket) => ticket,
            None => {
                state.next_ticket += 1;
                state.next_ticket
            }
        };
        if !waiting {
            // A newcomer joins the back; one called too early keeps its turn at the front.
            match called {
                true => {
                    state.called -= 1;
                    state.line.push_front(ticket);
                }
                false => state.line.push_back(ticket),
            }
        }
        state.wakers.insert(ticket, cx.waker().clone());
        self.ticket = Some(ticket);
        Poll::Pending
    }
}

impl Drop for Take {
    // A waiter given up on (a timeout, a stop) leaves the line; if it had been called for a
    // free place, the place goes to the next in line instead of being lost.
    fn drop(&mut self) {
        let Some(ticket) = self.ticket.take() else {
            return;
        };
        let mut state = self.state.borrow_mut();
        if state.wakers.remove(&ticket).is_some() {
            state.line.retain(|queued| *queued != ticket);
        } else {
            state.called -= 1;
            state.call_next();
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut state = self.0.borrow_mut();
        state.free += 1;
        state.call_next();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    use super::*;

    #[derive(Default)]
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn poll(take: &mut Take, waker: &Waker) -> Option<Place> {
        match Pin::new(take).poll(&mut Context::from_waker(waker)) {
            Poll::Ready(place) => Some(place),
            Poll::Pending => None,
        }
    }

    #[test]
    fn waiters_are_served_in_order_as_places_free_up() {
        let places = Places::new(1);
        let waker = Waker::from(Arc::new(Count::default()));
        let first = poll(&mut places.take(), &waker).unwrap();
        let mut takes: Vec<Take> = (0..100).map(|_| places.take()).collect();
        for take in &mut takes {
            assert!(poll(take, &waker).is_none());
        }
        let mut held = first;
        for take in &mut takes {
            drop(held);
            held = poll(take, &waker).expect("the first in line gets the freed place");
        }
    }

    #[test]
    fn a_newcomer_does_not_jump_the_line() {
        let places = Places::new(1);
        let waker = Waker::from(Arc::new(Count::default()));
        let first = poll(&mut places.take(), &waker).unwrap();
        let mut waiting = places.take();
        assert!(poll(&mut waiting, &waker).is_none());
        drop(first);
        assert!(poll(&mut places.take(), &waker).is_none());
        assert!(poll(&mut waiting, &waker).is_some());
    }

    #[test]
    fn a_freed_place_goes_to_the_next_waiter_even_when_one_gave_up() {
        let places = Places::new(1);
        let woken = Arc::new(Count::default());
        let waker = Waker::from(Arc::clone(&woken));
        let first = poll(&mut places.take(), &waker).unwrap();
        let (mut gives_up, mut waits) = (places.take(), places.take());
        assert!(poll(&mut gives_up, &waker).is_none());
        assert!(poll(&mut waits, &waker).is_none());
        drop(first);
        drop(gives_up);
        assert_eq!(woken.0.load(Ordering::SeqCst), 2);
        assert!(poll(&mut waits, &waker).is_some());
    }
}
