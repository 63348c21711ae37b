use std::cell::RefCell;
use std::rc::Rc;

use super::{Request, Response, ResponseFuture, Transport, TransportError};

type Handler = dyn Fn(&Request) -> Result<Response, TransportError>;

/// Answers requests in memory with a handler, and keeps every request it was sent.
///
/// Answers are ready at once, so a whole chain of flows runs without a network.
///
/// # Examples
///
/// ```
/// use rhai_flow::{MemoryTransport, Response};
///
/// let transport = MemoryTransport::new(|_| Ok(Response::json(200, r#"{"id":"pi_1"}"#)));
/// assert!(transport.requests().is_empty());
/// ```
#[derive(Clone)]
pub struct MemoryTransport {
    handler: Rc<Handler>,
    requests: Rc<RefCell<Vec<Request>>>,
}

impl MemoryTransport {
    /// A transport that answers each request with `handler`.
    pub fn new(handler: impl Fn(&Request) -> Result<Response, TransportError> + 'static) -> Self {
        Self {
            handler: Rc::new(handler),
            requests: Rc::default(),
        }
    }

    /// Every request sent so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.borrow().clone()
    }
}

impl Transport for MemoryTransport {
    fn send(&self, request: Request) -> ResponseFuture {
        let answer = (self.handler)(&request);
        self.requests.borrow_mut().push(request);
        Box::pin(std::future::ready(answer))
    }
}
