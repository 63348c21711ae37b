//! What dispatching an event costs, against baselines measured in the same run:
//!
//! 1. `dispatch`: rhai-flow's dispatcher against bare Rhai running the same compiled flow
//!    in a fresh scope built from the same response (target: at most 1.3 times bare).
//! 2. `seed`: rhai-flow against the seed's design, which built an engine and read and
//!    compiled the script for every event (target: at least 30 times faster).
//! 3. `growth`: the cost per event as the flow set grows (10, 100, 1,000 scripts; target:
//!    flat) and as the response grows (1 KB, 100 KB; target: linear in its size).
//!
//! Bare Rhai is measured twice: converting the whole response (`bare_rhai`, the baseline the
//! targets are defined against) and converting only the fields the flow could read
//! (`bare_rhai_reads`, as the runtime does), which shows the overhead that remains.
//!
//! Criterion prints its own estimates; the table at the end gives each benchmark's mean
//! time per event over criterion's samples, and the ratios against their targets.
//!
//! ```sh
//! cargo bench -p rhai-flow --bench dispatch -- --warm-up-time 1 --measurement-time 3
//! ```

// A benchmark's output is what it prints.
#![allow(clippy::print_stdout)]

#[cfg(not(target_arch = "wasm32"))]
mod fixtures;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::time::{Duration, Instant};

    use criterion::measurement::WallTime;
    use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput};

    use crate::fixtures::*;

    /// Samples per benchmark. Set per group, so the figures below can tell criterion's
    /// measured samples (the last `SAMPLES` calls) from its warm-up calls.
    const SAMPLES: usize = 20;

    thread_local! {
        /// Every call criterion made of each benchmark: events run, time taken.
        static CALLS: RefCell<BTreeMap<String, Vec<(u64, Duration)>>> = RefCell::default();
    }

    /// Records a call of benchmark `id`, and gives criterion its time.
    fn record(id: &str, events: u64, elapsed: Duration) -> Duration {
        CALLS.with(|calls| {
            let mut calls = calls.borrow_mut();
            calls
                .entry(id.to_owned())
                .or_default()
                .push((events, elapsed));
        });
        elapsed
    }

    /// The mean time per event over criterion's measured samples of `id`, if it ran.
    fn per_event(id: &str) -> Option<Duration> {
        CALLS.with(|calls| {
            let calls = calls.borrow();
            let all = calls.get(id)?;
            let measured = &all[all.len().saturating_sub(SAMPLES)..];
            let events: u64 = measured.iter().map(|(events, _)| events).sum();
            let elapsed: Duration = measured.iter().map(|(_, elapsed)| *elapsed).sum();
            Some(elapsed.div_f64(events as f64))
        })
    }

    fn group<'a>(criterion: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
        let mut group = criterion.benchmark_group(name);
        group.sample_size(SAMPLES);
        group
    }

    /// Times `iters` runs of `event`, each a synchronous dispatch of one event.
    fn each_event(id: &str, iters: u64, mut event: impl FnMut(u64)) -> Duration {
        let started = Instant::now();
        for n in 0..iters {
            event(n);
        }
        record(id, iters, started.elapsed())
    }

    /// Times `iters` runs of a runtime's main script, each firing `BATCH` calls whose
    /// answers dispatch `BATCH` events, awaited to idle.
    fn round_trips(id: &str, runtime: &rhai_flow::Runtime, iters: u64) -> Duration {
        let elapsed = local(async {
            let started = Instant::now();
            for _ in 0..iters {
                runtime.run_main().expect("the main script runs");
                runtime.idle().await;
            }
            started.elapsed()
        });
        record(id, iters * BATCH, elapsed)
    }

    fn bench_dispatch(criterion: &mut Criterion) {
        let mut group = group(criterion, "dispatch");
        let context = context();
        group.throughput(Throughput::Elements(1));

        let bare = Bare::new(FLOW);
        group.bench_function("bare_rhai", |b| {
            b.iter_custom(|iters| {
                each_event("dispatch/bare_rhai", iters, |_| {
                    bare.dispatch(PAYMENT_INTENT, &context)
                })
            })
        });

        let bare_reads = BareReads::new(FLOW);
        group.bench_function("bare_rhai_reads", |b| {
            b.iter_custom(|iters| {
                each_event("dispatch/bare_rhai_reads", iters, |_| {
                    bare_reads.dispatch(PAYMENT_INTENT, &context)
                })
            })
        });

        let runtime = flow_runtime(EVENT, FLOW, "", PAYMENT_INTENT);
        group.bench_function("rhai_flow", |b| {
            b.iter_custom(|iters| {
                each_event("dispatch/rhai_flow", iters, |_| {
                    let fields = fields(PAYMENT_INTENT);
                    runtime
                        .dispatch(EVENT, fields, context.clone())
                        .expect("the flow runs");
                })
            })
        });
        group.bench_function("rhai_flow_json", |b| {
            b.iter_custom(|iters| {
                each_event("dispatch/rhai_flow_json", iters, |_| {
                    runtime
                        .dispatch_json(EVENT, PAYMENT_INTENT, context.clone())
                        .expect("the flow runs");
                })
            })
        });

        let runtime = flow_runtime(EVENT, FLOW, &payment_main(), PAYMENT_INTENT);
        group.throughput(Throughput::Elements(BATCH));
        group.bench_function("rhai_flow_round_trip", |b| {
            b.iter_custom(|iters| round_trips("dispatch/rhai_flow_round_trip", &runtime, iters))
        });
        group.finish();
    }

    fn bench_seed(criterion: &mut Criterion) {
        let mut group = group(criterion, "seed");
        group.throughput(Throughput::Elements(1));
        let seed_flow = std::fs::read_to_string(SEED_FLOW_PATH).expect("the seed's flow");

        let seed_context = seed_context();
        group.bench_function("seed_design", |b| {
            b.iter_custom(|iters| {
                each_event("seed/seed_design", iters, |_| {
                    seed_dispatch(PAYMENT_INTENT, &seed_context)
                })
            })
        });

        // What no dispatcher can beat: the floor that bounds the ratio to the seed.
        let bare = Bare::new(&seed_flow);
        let context = context();
        group.bench_function("bare_rhai", |b| {
            b.iter_custom(|iters| {
                each_event("seed/bare_rhai", iters, |_| {
                    bare.dispatch(PAYMENT_INTENT, &context)
                })
            })
        });

        let bare_reads = BareReads::new(&seed_flow);
        group.bench_function("bare_rhai_reads", |b| {
            b.iter_custom(|iters| {
                each_event("seed/bare_rhai_reads", iters, |_| {
                    bare_reads.dispatch(PAYMENT_INTENT, &context)
                })
            })
        });

        // Like the seed, rhai-flow starts from the body's text.
        let runtime = flow_runtime(EVENT, &seed_flow, "", PAYMENT_INTENT);
        group.bench_function("rhai_flow", |b| {
            b.iter_custom(|iters| {
                each_event("seed/rhai_flow", iters, |_| {
                    runtime
                        .dispatch_json(EVENT, PAYMENT_INTENT, context.clone())
                        .expect("the flow runs");
                })
            })
        });
        group.finish();
    }

    fn bench_scripts(criterion: &mut Criterion) {
        let mut group = group(criterion, "growth_scripts");
        group.throughput(Throughput::Elements(1));
        let context = context();
        for count in [10, 100, 1000] {
            let runtime = runtime_with_flows(count);
            let events: Vec<String> = (0..count).map(|n| format!("event_{n}")).collect();
            let id = format!("growth_scripts/{count}");
            // Each event of the cycle runs a different script, so all of them stay in use.
            group.bench_function(BenchmarkId::from_parameter(count), |b| {
                b.iter_custom(|iters| {
                    each_event(&id, iters, |n| {
                        let event = &events[n as usize % count];
                        let fields = fields(PAYMENT_INTENT);
                        runtime
                            .dispatch(event, fields, context.clone())
                            .expect("the flow runs");
                    })
                })
            });
            // Bare Rhai cycling through as many compiled flows: what growth costs any engine.
            let bare = Bare::with_flows(count);
            let id = format!("growth_scripts/bare_{count}");
            group.bench_function(BenchmarkId::new("bare", count), |b| {
                b.iter_custom(|iters| {
                    each_event(&id, iters, |n| {
                        bare.dispatch_nth(n as usize, PAYMENT_INTENT, &context)
                    })
                })
            });
        }
        group.finish();
    }

    /// Growth with the response, with a flow that reads the list (`growth_response`) and
    /// with one that never reads it (`growth_response_unread`).
    fn bench_response(criterion: &mut Criterion) {
        for (group_name, flow) in [
            ("growth_response", LIST_FLOW),
            ("growth_response_unread", LIST_FLOW_UNREAD),
        ] {
            let mut group = group(criterion, group_name);
            for (name, bytes) in [("1KB", 1 << 10), ("100KB", 100 << 10)] {
                let body = list_body(bytes);
                let runtime = flow_runtime(LIST_EVENT, flow, &list_main(), &body);
                let id = format!("{group_name}/{name}");
                group.throughput(Throughput::Bytes(body.len() as u64 * BATCH));
                group.bench_function(BenchmarkId::from_parameter(name), |b| {
                    b.iter_custom(|iters| round_trips(&id, &runtime, iters))
                });
            }
            group.finish();
        }
    }

    /// One line of the table: a benchmark's time per event.
    fn line(id: &str) -> Option<Duration> {
        let time = per_event(id)?;
        println!("  {id:<34} {:>12}", format!("{time:.2?}"));
        Some(time)
    }

    /// One ratio against its target; `at_most` tells which side of the target passes.
    fn verdict(what: &str, ratio: f64, target: f64, at_most: bool) {
        let ok = if at_most {
            ratio <= target
        } else {
            ratio >= target
        };
        let sign = if at_most { "<=" } else { ">=" };
        let mark = if ok { "ok" } else { "MISSED" };
        println!("  {what:<44} {ratio:>8.2}x   target {sign} {target}x   {mark}");
    }

    fn report() {
        println!("\nper event (mean over criterion's samples of this run):");
        let bare = line("dispatch/bare_rhai");
        let bare_reads = line("dispatch/bare_rhai_reads");
        let dispatch = line("dispatch/rhai_flow");
        let dispatch_json = line("dispatch/rhai_flow_json");
        let round_trip = line("dispatch/rhai_flow_round_trip");
        let seed = line("seed/seed_design");
        let seed_bare = line("seed/bare_rhai");
        let seed_bare_reads = line("seed/bare_rhai_reads");
        let seed_ours = line("seed/rhai_flow");
        let scripts: Vec<_> = [10, 100, 1000]
            .map(|count| line(&format!("growth_scripts/{count}")))
            .into();
        let bare_scripts: Vec<_> = [10, 100, 1000]
            .map(|count| line(&format!("growth_scripts/bare_{count}")))
            .into();
        let small = line("growth_response/1KB");
        let large = line("growth_response/100KB");
        let small_unread = line("growth_response_unread/1KB");
        let large_unread = line("growth_response_unread/100KB");

        println!("\nratios:");
        let ratio = |a: Option<Duration>, b: Option<Duration>| Some(a?.div_duration_f64(b?));
        if let Some(r) = ratio(dispatch, bare) {
            verdict("rhai-flow dispatch / bare rhai", r, 1.3, true);
        }
        if let Some(r) = ratio(round_trip, bare) {
            verdict("rhai-flow call+response+dispatch / bare", r, 1.3, true);
        }
        if let Some(r) = ratio(round_trip, bare_reads) {
            let what = "call+response+dispatch / bare, fields read";
            println!("  {what:<44} {r:>8.2}x   (stricter: bare converts what the flow reads)");
        }
        if let Some(r) = ratio(dispatch_json, bare_reads) {
            let what = "dispatch_json / bare, fields read";
            println!("  {what:<44} {r:>8.2}x   (both from the body's text)");
        }
        if let Some(r) = ratio(seed, seed_ours) {
            verdict("seed's design / rhai-flow (seed's flow)", r, 30.0, false);
        }
        if let Some(r) = ratio(seed, seed_bare) {
            println!(
                "  {:<44} {r:>8.2}x   (bare Rhai converting the whole response)",
                "seed's design / bare rhai (seed's flow)"
            );
        }
        if let Some(r) = ratio(seed, seed_bare_reads) {
            println!(
                "  {:<44} {r:>8.2}x   (the most a dispatcher could reach)",
                "seed's design / bare, fields read"
            );
        }
        // Flat means the dispatcher adds nothing as the set grows: cycling through more
        // compiled scripts costs bare Rhai cache misses too, and that is the baseline.
        for (n, count) in [(1, 100), (2, 1000)] {
            let ours = ratio(scripts[n], scripts[0]);
            let bare = ratio(bare_scripts[n], bare_scripts[0]);
            if let (Some(ours), Some(bare)) = (ours, bare) {
                let what = format!("{count} / 10 scripts: rhai-flow, bare rhai");
                println!("  {what:<44} {ours:>8.2}x, {bare:.2}x");
                let what = format!("{count} / 10 scripts, beyond bare's growth");
                verdict(&what, ours / bare, 1.15, true);
            }
        }
        if let Some(r) = ratio(scripts[2], bare_scripts[2]) {
            println!("  {:<44} {r:>8.2}x", "rhai-flow / bare rhai, 1,000 scripts");
        }
        if let Some(r) = ratio(large, small) {
            let growth = list_body(100 << 10).len() as f64 / list_body(1 << 10).len() as f64;
            println!("  100 KB / 1 KB response per event {r:>13.2}x   (size {growth:.1}x)");
            verdict("cost per byte, 100 KB / 1 KB", r / growth, 1.25, true);
        }
        if let Some(r) = ratio(large_unread, small_unread) {
            println!("  100 KB / 1 KB, list never read {r:>15.2}x   (checking the JSON only)");
        }
    }

    pub(crate) fn main() {
        let mut criterion = Criterion::default().configure_from_args();
        bench_dispatch(&mut criterion);
        bench_seed(&mut criterion);
        bench_scripts(&mut criterion);
        bench_response(&mut criterion);
        criterion.final_summary();
        report();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

/// Criterion measures natively; the browser's figures come from the browser suite.
#[cfg(target_arch = "wasm32")]
fn main() {}
