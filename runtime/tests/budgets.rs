//! The performance budgets of `BENCHMARKS.md`, checked cheaply on every test run.
//!
//! The bounds here are several times looser than the targets on purpose: these tests run a
//! few hundred events, unoptimised (the test profile), on machines shared with other builds,
//! so a tight bound would fail on noise. They catch a budget broken by a wide margin, such
//! as a per-event engine or compile coming back, or a cost that grows with the flow set.
//! The real figures come from `scripts/bench.sh`.

#![cfg(not(target_arch = "wasm32"))]

#[path = "../benches/fixtures/mod.rs"]
mod fixtures;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use fixtures::*;

/// Held by each test while it measures: tests timed in parallel would slow each other.
static MEASURING: Mutex<()> = Mutex::new(());

/// Events per measured round.
const EVENTS: u32 = 200;

/// The best of a few rounds of `EVENTS` events: the least disturbed by other work.
fn per_event(mut event: impl FnMut(u32)) -> Duration {
    let _alone = MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    event(0);
    (0..3)
        .map(|_| {
            let started = Instant::now();
            (0..EVENTS).for_each(&mut event);
            started.elapsed() / EVENTS
        })
        .min()
        .expect("three rounds")
}

fn dispatch_time(runtime: &rhai_flow::Runtime, events: &[String]) -> Duration {
    let context = context();
    per_event(|n| {
        let event = &events[n as usize % events.len()];
        let fields = fields(PAYMENT_INTENT);
        runtime
            .dispatch(event, fields, context.clone())
            .expect("the flow runs");
    })
}

#[test]
fn dispatch_costs_about_what_bare_rhai_costs() {
    let bare = Bare::new(FLOW);
    let context = context();
    let bare = per_event(|_| bare.dispatch(PAYMENT_INTENT, &context));
    let runtime = flow_runtime(EVENT, FLOW, "", PAYMENT_INTENT);
    let ours = dispatch_time(&runtime, &[EVENT.to_owned()]);

    // Target 1.3 (BENCHMARKS.md); 3.0 leaves room for noise and the unoptimised build.
    let ratio = ours.as_secs_f64() / bare.as_secs_f64();
    assert!(
        ratio < 3.0,
        "dispatch {ours:?} vs bare {bare:?}: {ratio:.2}x"
    );
}

#[test]
fn dispatch_is_many_times_cheaper_than_the_seeds_design() {
    // Both sides parse the same body; unoptimised, that parse would hide the rest. So both
    // start from a parsed response here: the seed from its strings, the runtime from a map.
    let seed_context = seed_context();
    let response = seed_fields(PAYMENT_INTENT);
    let seed = per_event(|_| seed_run(response.clone(), &seed_context));
    let source = std::fs::read_to_string(SEED_FLOW_PATH).expect("the seed's flow");
    let runtime = flow_runtime(EVENT, &source, "", PAYMENT_INTENT);
    let (fields, context) = (fields(PAYMENT_INTENT), context());
    let ours = per_event(|_| {
        runtime
            .dispatch(EVENT, fields.clone(), context.clone())
            .expect("the flow runs");
    });

    // Seen between 4 and 25 here, unoptimised and on a loaded machine. An engine or a
    // compile per event costs several dispatches, and would bring it near 1, so 3 catches
    // that without failing on noise. The real ratio, parse included, is in BENCHMARKS.md.
    let ratio = seed.as_secs_f64() / ours.as_secs_f64();
    assert!(
        ratio > 3.0,
        "seed {seed:?} vs dispatch {ours:?}: {ratio:.2}x"
    );
}

#[test]
fn the_cost_per_event_does_not_grow_with_the_flow_set() {
    let events =
        |count: usize| -> Vec<String> { (0..count).map(|n| format!("event_{n}")).collect() };
    let small = dispatch_time(&runtime_with_flows(10), &events(10));
    let large = dispatch_time(&runtime_with_flows(1000), &events(1000));

    // Target flat (1.25); 3.0 still fails a lookup that scans the flow set per event.
    let ratio = large.as_secs_f64() / small.as_secs_f64();
    assert!(
        ratio < 3.0,
        "1000 flows {large:?} vs 10 flows {small:?}: {ratio:.2}x"
    );
}

#[test]
fn calls_answered_in_memory_cost_about_what_bare_rhai_costs() {
    let bare = Bare::new(FLOW);
    let context = context();
    let bare = per_event(|_| bare.dispatch(PAYMENT_INTENT, &context));
    let runtime = flow_runtime(EVENT, FLOW, &payment_main(), PAYMENT_INTENT);
    // The executor runs on this thread only, so holding the lock across its awaits is safe.
    let _alone = MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let ours = local(async {
        runtime.run_main().expect("the main script runs");
        runtime.idle().await;
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let started = Instant::now();
            runtime.run_main().expect("the main script runs");
            runtime.idle().await;
            best = best.min(started.elapsed() / BATCH as u32);
        }
        best
    });

    // Target 1.3; 3.0 for the same reasons as the dispatch budget.
    let ratio = ours.as_secs_f64() / bare.as_secs_f64();
    assert!(
        ratio < 3.0,
        "call to flow {ours:?} vs bare {bare:?}: {ratio:.2}x"
    );
}

#[test]
fn fields_no_flow_reads_cost_only_their_check() {
    let body = list_body(20 << 10);
    let time = |flow: &str| {
        let runtime = flow_runtime(LIST_EVENT, flow, "", &body);
        let context = context();
        per_event(|_| {
            runtime
                .dispatch_json(LIST_EVENT, &body, context.clone())
                .expect("the flow runs");
        })
    };
    let read = time(LIST_FLOW);
    let unread = time(LIST_FLOW_UNREAD);

    // Converting the list costs several times checking it: 0.3 here, unoptimised, and about
    // 0.15 in BENCHMARKS.md. A flow that never names the list and still pays close to 1 has
    // had it converted anyway.
    let ratio = unread.as_secs_f64() / read.as_secs_f64();
    assert!(
        ratio < 0.8,
        "list unread {unread:?} vs read {read:?}: {ratio:.2}x"
    );
}
