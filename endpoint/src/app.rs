//! The state one server shares between its connections.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::faults::{Decision, FaultConfig, Faults};
use crate::idempotency::{Begin, Idempotency, StoredReply};
use crate::ids;
use crate::log::LogEntry;
use crate::seed;
use crate::store::Store;

/// A handle on the server's state; clones share it.
#[derive(Debug, Clone)]
pub(crate) struct App {
    shared: Arc<Mutex<Shared>>,
    requests_seen: Arc<AtomicU64>,
}

#[derive(Debug)]
struct Shared {
    store: Store,
    faults: Faults,
    log: Vec<LogEntry>,
    idempotency: Idempotency,
}

impl App {
    pub(crate) fn new(faults: FaultConfig) -> Self {
        let shared = Shared {
            store: seed::seeded(),
            faults: Faults::new(faults),
            log: Vec::new(),
            idempotency: Idempotency::default(),
        };
        Self {
            shared: Arc::new(Mutex::new(shared)),
            requests_seen: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The lock is never held across an await, and no code under it panics on bad input,
    /// so a poisoned lock still holds consistent state and is used as it is.
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn with_store<T>(&self, action: impl FnOnce(&mut Store) -> T) -> T {
        action(&mut self.lock().store)
    }

    pub(crate) fn next_request_id(&self) -> String {
        let count = self.requests_seen.fetch_add(1, Ordering::Relaxed);
        format!("req_{}", ids::scrambled(count))
    }

    pub(crate) fn decide_faults(&self) -> Decision {
        self.lock().faults.decide()
    }

    pub(crate) fn fault_config(&self) -> FaultConfig {
        self.lock().faults.config().clone()
    }

    /// Replaces the fault configuration and restarts its generator from the seed.
    pub(crate) fn set_faults(&self, config: FaultConfig) {
        self.lock().faults = Faults::new(config);
    }

    pub(crate) fn record(&self, entry: LogEntry) {
        self.lock().log.push(entry);
    }

    pub(crate) fn logged_requests(&self) -> Vec<LogEntry> {
        self.lock().log.clone()
    }

    pub(crate) fn clear_log(&self) {
        self.lock().log.clear();
    }

    /// Back to the seeded objects, with no faults, no log and no idempotency keys.
    pub(crate) fn reset(&self) {
        let mut shared = self.lock();
        shared.store = seed::seeded();
        shared.faults = Faults::new(FaultConfig::default());
        shared.log.clear();
        shared.idempotency = Idempotency::default();
    }

    pub(crate) fn begin_idempotent(&self, api_key: &str, key: &str, fingerprint: String) -> Begin {
        self.lock().idempotency.begin(api_key, key, fingerprint)
    }

    pub(crate) fn finish_idempotent(&self, api_key: &str, key: &str, reply: Option<StoredReply>) {
        self.lock().idempotency.finish(api_key, key, reply);
    }
}
