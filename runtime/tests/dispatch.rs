//! How the dispatcher treats flows that fail, events nobody handles, limits, edge-case
//! responses, timeouts and stops.

mod support;

use rhai_flow::{
    Config, Error, EventKind, FlowSet, Limits, Manifest, MemoryTransport, Request, Response,
    ResponseFuture, Runtime, ScriptErrorKind, Transport, TransportError, UnhandledReason,
};
use support::*;

fn main_only(source: &str) -> FlowSet {
    FlowSet::new().with_script("main.rhai", source)
}

fn failures(events: &[rhai_flow::Event]) -> Vec<rhai_flow::ScriptError> {
    let failure = |event: &rhai_flow::Event| match &event.kind {
        EventKind::FlowFailed { error, .. } => Some(error.clone()),
        _ => None,
    };
    events.iter().filter_map(failure).collect()
}

/// A transport whose requests never get an answer.
struct Silent;

impl Transport for Silent {
    fn send(&self, _: Request) -> ResponseFuture {
        Box::pin(std::future::pending())
    }
}

#[test]
fn an_event_with_no_script_is_reported_unhandled() {
    let flows = main_only(r#"create_product("Book", "A good one");"#);
    let events = local(run(flows, answering(200, r#"{"id":"prod_1"}"#)));
    let unhandled = events.iter().find_map(|e| match &e.kind {
        EventKind::Unhandled { event, reason } => Some((event.clone(), reason.clone())),
        _ => None,
    });
    assert_eq!(
        unhandled,
        Some(("product_created".to_owned(), UnhandledReason::NoScript))
    );
}

#[test]
fn a_mapped_script_that_does_not_exist_is_reported_missing() {
    let flows = main_only(r#"create_product("Book", "A good one");"#)
        .with_event("product_created", "gone.rhai");
    let events = local(run(flows, answering(200, r#"{"id":"prod_1"}"#)));
    let reason = events.iter().find_map(|e| match &e.kind {
        EventKind::Unhandled { reason, .. } => Some(reason.clone()),
        _ => None,
    });
    assert_eq!(
        reason,
        Some(UnhandledReason::ScriptMissing {
            script: "gone.rhai".into()
        })
    );
}

#[test]
fn a_failing_flow_is_reported_with_its_position_and_the_next_flow_runs() {
    let flows = main_only(
        r#"api_call("POST", "products", #{}, "first", "failed");
           api_call("POST", "products", #{}, "second", "failed");"#,
    )
    .with_script("broken.rhai", "let x = 1;\nlet y = ;\n")
    .with_script("fine.rhai", r#"print(`second ran with ${id}`);"#)
    .with_event("first", "broken.rhai")
    .with_event("second", "fine.rhai");
    let events = local(run(flows, answering(200, r#"{"id":"prod_1"}"#)));
    let errors = failures(&events);
    assert_eq!(errors.len(), 1, "{:#?}", summaries(&events));
    assert_eq!(errors[0].kind, ScriptErrorKind::Syntax);
    assert_eq!((errors[0].line, errors[0].column), (Some(2), Some(9)));
    assert_eq!(printed(&events), ["second ran with prod_1"]);
}

#[test]
fn a_runtime_error_names_the_event_the_script_and_the_line() {
    let flows = main_only("let total = 10;\nlet share = total / \"two\";\n");
    let events = local(run(flows, answering(200, "{}")));
    let failed = events.iter().find_map(|e| match &e.kind {
        EventKind::FlowFailed {
            event,
            script,
            error,
        } => Some((event, script, error)),
        _ => None,
    });
    let (event, script, error) = failed.expect("the main flow fails");
    assert_eq!((event.as_str(), script.as_str()), ("main", "main.rhai"));
    assert_eq!(error.kind, ScriptErrorKind::Runtime);
    assert_eq!(error.line, Some(2));
    assert!(
        error.message.contains("Function not found: / (i64, "),
        "{}",
        error.message
    );
}

#[test]
fn runaway_scripts_hit_a_named_limit_and_the_runtime_stays_usable() {
    local(async {
        let runtime =
            Runtime::new(Config::default(), FlowSet::new(), answering(200, "{}")).unwrap();
        let events = record(&runtime);
        let runaways = [
            ("loop { }", "max_operations"),
            ("fn down(n) { down(n + 1) } down(0);", "max_call_levels"),
            (r#"let s = "grow"; loop { s += s; }"#, "max_string_size"),
            ("let a = []; loop { a.push(1); }", "max_array_size"),
            (
                "let m = #{}; let i = 0; loop { m += #{}; m[`k${i}`] = i; i += 1; }",
                "max_map_size",
            ),
        ];
        for (source, limit) in runaways {
            runtime.set_script("main.rhai", source);
            let error = runtime.run_main().expect_err(source);
            assert_eq!(
                (error.kind, error.limit),
                (ScriptErrorKind::Limit, Some(limit)),
                "{source}"
            );
            assert!(error.message.contains(limit), "{}", error.message);
            runtime.idle().await;
        }
        runtime.set_script("main.rhai", r#"print("still here");"#);
        runtime.run_main().unwrap();
        assert_eq!(printed(&events.borrow()), ["still here"]);
    });
}

#[test]
fn expressions_nested_too_deep_fail_as_a_limit() {
    let source = format!("let x = {}1{};", "(".repeat(200), ")".repeat(200));
    let events = local(run(main_only(&source), answering(200, "{}")));
    let errors = failures(&events);
    assert_eq!(errors[0].limit, Some("max_expr_depth"), "{:?}", errors[0]);
}

#[test]
fn print_and_debug_become_output_events() {
    let flows = main_only("print(\"hello\");\n\ndebug(42);");
    let events = local(run(flows, answering(200, "{}")));
    let outputs: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Output { stream, text, line } => Some((*stream, text.clone(), *line)),
            _ => None,
        })
        .collect();
    use rhai_flow::OutputStream::{Debug, Print};
    assert_eq!(
        outputs,
        [(Print, "hello".into(), None), (Debug, "42".into(), Some(3))]
    );
}

#[test]
fn json_values_keep_their_types() {
    let body = r#"{"nothing": null, "nested": [[1, [2]], []], "text": "héllo ☕ \"q\"",
        "big": 9007199254740993, "negative": -5, "ratio": 1.5, "flag": true,
        "object": {"inner": {"deep": "yes"}}}"#;
    let check = r#"
        if nothing != () { throw "null should be ()"; }
        if type_of(nested) != "array" || nested[0][1][0] != 2 || nested[1].len() != 0 {
            throw "nested arrays";
        }
        if text != "héllo ☕ \"q\"" { throw "unicode"; }
        if type_of(big) != "i64" || big != 9007199254740993 || big - 1 != 9007199254740992 {
            throw `big integer: ${big}`;
        }
        if negative + 5 != 0 || type_of(ratio) != "f64" || flag != true { throw "numbers"; }
        if object.inner.deep != "yes" { throw "objects become maps"; }
        print("all types kept");
    "#;
    let flows = main_only(r#"api_call("GET", "things", #{}, "got", "failed");"#)
        .with_script("got.rhai", check)
        .with_event("got", "got.rhai");
    let events = local(run(flows, answering(200, body)));
    assert!(failures(&events).is_empty(), "{:#?}", failures(&events));
    assert_eq!(printed(&events), ["all types kept"]);
}

#[test]
fn context_keeps_its_types_and_flows_down_the_chain() {
    let flows = main_only(
        r#"set_context("tier", "gold");
           create_payment_intent(2001, "usd", "cus_1", #{ metadata: #{ order: "A-1" } });"#,
    )
    .with_script(
        "created.rhai",
        r#"print(`${event}: ${type_of(context_original_amount)} ${context_original_amount / 2}`);
           print(`${context.tier} ${context_tier} ${context.customer_id}`);
           create_subscription(context_customer_id, "price_1");"#,
    )
    .with_script(
        "subscribed.rhai",
        r#"print(`${context_tier} ${context_price_id} ${context_original_amount}`);"#,
    )
    .with_event("payment_intent_created", "created.rhai")
    .with_event("subscription_created", "subscribed.rhai");
    let transport = answering(200, r#"{"id":"x_1","status":"requires_payment_method"}"#);
    let events = local(run(flows, transport.clone()));
    assert_eq!(
        printed(&events),
        [
            "payment_intent_created: i64 1000",
            "gold gold cus_1",
            "gold price_1 2001"
        ]
    );
    let first = form(&transport.requests()[0]);
    assert_eq!(param(&first, "metadata[order]"), Some("A-1"));
}

#[test]
fn nested_parameters_with_special_characters_are_encoded_on_the_wire() {
    let flows = main_only(
        r#"api_call("POST", "customers", #{
               name: "Ada & Co #1",
               note: "a+b=c",
               metadata: #{ "city name": "Zürich", skip: () },
               tags: ["x y", "ü"]
           }, "done", "failed");"#,
    );
    let transport = answering(200, "{}");
    local(run(flows, transport.clone()));
    let request = &transport.requests()[0];
    assert_eq!(
        request.body.as_deref(),
        Some(
            "metadata[city%20name]=Z%C3%BCrich&name=Ada%20%26%20Co%20%231&note=a%2Bb%3Dc\
             &tags[0]=x%20y&tags[1]=%C3%BC"
        )
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
}

#[test]
fn a_float_or_negative_amount_is_refused_before_any_request() {
    for amount in ["20.5", "-100"] {
        let flows = main_only(&format!(
            r#"create_payment_intent({amount}, "usd", "cus_1");"#
        ));
        let transport = answering(200, "{}");
        let events = local(run(flows, transport.clone()));
        assert!(transport.requests().is_empty());
        let error = &failures(&events)[0];
        assert_eq!(error.line, Some(1));
        let expected = if amount.contains('.') {
            "not the float 20.5"
        } else {
            "must not be negative"
        };
        assert!(error.message.contains(expected), "{}", error.message);
    }
}

#[test]
fn a_script_cannot_reach_another_host() {
    for path in [
        "https://evil.test/v1/x",
        "//evil.test/x",
        "../admin",
        "a?b=c",
    ] {
        let flows = main_only(&format!(
            r#"api_call("GET", "{path}", #{{}}, "ok", "failed");"#
        ));
        let transport = answering(200, "{}");
        let events = local(run(flows, transport.clone()));
        assert!(transport.requests().is_empty(), "{path}");
        assert!(
            failures(&events)[0].message.contains("api_call: path"),
            "{path}"
        );
    }
}

#[test]
fn responses_that_arrive_together_are_each_dispatched_once() {
    let flows =
        main_only(r#"for i in 0..50 { api_call("POST", "things", #{ n: i }, "done", "failed"); }"#)
            .with_script("done.rhai", "print(`${n}`);")
            .with_event("done", "done.rhai");
    let transport = MemoryTransport::new(|request| {
        let n = request.body.clone().unwrap_or_default().replace("n=", "");
        Ok(Response::json(200, format!(r#"{{"n": {n}}}"#)))
    });
    let events = local(run(flows, transport));
    let mut seen: Vec<i64> = printed(&events)
        .iter()
        .map(|n| n.parse().unwrap())
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..50).collect::<Vec<_>>());
    assert_eq!(events.iter().filter(|e| e.kind.name() == "idle").count(), 1);
}

#[test]
fn idle_resolves_only_after_every_flow_has_run() {
    local(async {
        let flows = example("payment");
        let runtime = Runtime::new(Config::default(), flows, fake_stripe()).unwrap();
        let events = record(&runtime);
        runtime.run_main().unwrap();
        assert!(!runtime.is_idle(), "the payment intent is still in flight");
        runtime.idle().await;
        assert!(runtime.is_idle());
        let last = events.borrow().last().map(summary);
        assert_eq!(last.as_deref(), Some("idle"));
        assert!(summaries(&events.borrow()).contains(&"flow_finished subscription_created".into()));
    });
}

#[test]
fn answers_without_json_still_decide_by_status() {
    let cases = [
        (204, "", "ok", None),
        (
            200,
            "<html>not json</html>",
            "ok",
            Some("<html>not json</html>"),
        ),
        (500, "", "failed", None),
        (503, "upstream down", "failed", None),
    ];
    for (status, body, expected, text) in cases {
        let flows = main_only(r#"api_call("DELETE", "things/x_1", #{}, "ok", "failed");"#)
            .with_script(
                "ok.rhai",
                r#"print(`ok ${http_status} ${if is_def_var("body") { body } else { "-" }}`);"#,
            )
            .with_script(
                "failed.rhai",
                r#"print(`failed ${http_status}: ${error}`);"#,
            )
            .with_event("ok", "ok.rhai")
            .with_event("failed", "failed.rhai");
        let transport = MemoryTransport::new(move |_| {
            Ok(Response {
                status,
                body: body.to_owned(),
                ..Response::default()
            })
        });
        let events = local(run(flows, transport));
        let line = &printed(&events)[0];
        assert!(line.starts_with(&format!("{expected} {status}")), "{line}");
        if let Some(text) = text {
            assert!(line.ends_with(text), "{line}");
            let parse_error = events.iter().find_map(|e| match &e.kind {
                EventKind::ResponseReceived { parse_error, .. } => parse_error.clone(),
                _ => None,
            });
            assert!(parse_error.unwrap().contains("not json"));
        }
    }
}

#[test]
fn a_network_failure_runs_the_error_flow_with_a_readable_error() {
    let flows = main_only(r#"create_product("Book", "A good one");"#)
        .with_script(
            "failed.rhai",
            r#"print(`${error_type} ${http_status == ()} ${context_product_name}: ${error}`);"#,
        )
        .with_event("product_failed", "failed.rhai");
    let transport = MemoryTransport::new(|_| Err(TransportError::network("connection refused")));
    let events = local(run(flows, transport));
    assert_eq!(
        printed(&events),
        ["api_connection_error true Book: api_connection_error: connection refused"]
    );
}

#[test]
fn a_request_that_takes_too_long_times_out_into_the_error_flow() {
    let config = Config {
        request_timeout_ms: 30,
        ..Config::default()
    };
    let flows = main_only(r#"create_product("Book", "A good one");"#)
        .with_script("failed.rhai", r#"print(`${error_type}: ${message}`);"#)
        .with_event("product_failed", "failed.rhai");
    local(async {
        let runtime = Runtime::new(config, flows, Silent).unwrap();
        let events = record(&runtime);
        runtime.run_main().unwrap();
        runtime.idle().await;
        let events = events.borrow();
        assert_eq!(printed(&events), ["timeout: no answer within 30 ms"]);
        assert!(events.iter().any(|e| matches!(
            e.kind,
            EventKind::RequestFailed {
                timed_out: true,
                ..
            }
        )));
    });
}

#[test]
fn stop_cancels_requests_in_flight_and_the_next_run_works() {
    let flows = main_only(r#"create_product("A", "a"); create_product("B", "b");"#)
        .with_script("created.rhai", r#"print("should not run");"#)
        .with_event("product_created", "created.rhai");
    local(async {
        let runtime = Runtime::new(Config::default(), flows, Silent).unwrap();
        let events = record(&runtime);
        runtime.run_main().unwrap();
        tokio::task::yield_now().await;
        runtime.stop();
        runtime.idle().await;
        let cancelled = events
            .borrow()
            .iter()
            .filter(|e| e.kind.name() == "cancelled")
            .count();
        assert_eq!(cancelled, 2);
        assert!(printed(&events.borrow()).is_empty());

        runtime.set_script("main.rhai", r#"print("again");"#);
        runtime.run_main().unwrap();
        assert_eq!(printed(&events.borrow()), ["again"]);
    });
}

#[test]
fn chains_deeper_than_the_limit_are_cut_off() {
    let config = Config {
        limits: Limits {
            max_chain_depth: 4,
            ..Limits::default()
        },
        ..Config::default()
    };
    let again = r#"api_call("POST", "things", #{}, "again", "failed");"#;
    let flows = main_only(again)
        .with_script("again.rhai", again)
        .with_event("again", "again.rhai");
    let events = local(run_with(config, flows, answering(200, "{}")));
    let requests = events
        .iter()
        .filter(|e| e.kind.name() == "request_sent")
        .count();
    assert_eq!(requests, 4);
    let errors = failures(&events);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].limit, Some("max_chain_depth"));
}

#[test]
fn every_post_has_its_own_idempotency_key_and_the_api_key_stays_out_of_events() {
    let flows = main_only(
        r#"create_product("A", "a"); create_product("B", "b"); retrieve_payment_intent("pi_1");"#,
    );
    let config = Config {
        api_key: "sk_test_secret_1234".into(),
        ..Config::default()
    };
    let transport = answering(200, "{}");
    let events = local(run_with(config, flows, transport.clone()));
    let requests = transport.requests();
    let keys: Vec<_> = requests
        .iter()
        .map(|r| r.header("idempotency-key").map(str::to_owned))
        .collect();
    assert!(keys[0].is_some() && keys[1].is_some() && keys[0] != keys[1]);
    assert_eq!(keys[2], None, "GET requests carry no idempotency key");
    assert_eq!(
        requests[2].url,
        "http://127.0.0.1:12111/v1/payment_intents/pi_1"
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer sk_test_secret_1234")
    );
    let json = serde_json::to_string(&events).unwrap();
    assert!(!json.contains("sk_test_secret_1234"));
    assert!(json.contains(r#""kind":"request_sent""#) && json.contains("idempotencyKey"));
}

#[test]
fn an_edited_script_is_compiled_again() {
    local(async {
        let flows = main_only(r#"print("first");"#);
        let runtime = Runtime::new(Config::default(), flows, answering(200, "{}")).unwrap();
        let events = record(&runtime);
        runtime.run_main().unwrap();
        runtime.run_main().unwrap();
        runtime.set_script("main.rhai", r#"print("second");"#);
        runtime.run_main().unwrap();
        assert_eq!(printed(&events.borrow()), ["first", "first", "second"]);
    });
}

#[test]
fn a_host_can_dispatch_an_event_of_its_own() {
    local(async {
        let flows = FlowSet::new()
            .with_script("hook.rhai", "print(`${event} ${id} ${context_source}`);")
            .with_event("charge_succeeded", "hook.rhai");
        let runtime = Runtime::new(Config::default(), flows, answering(200, "{}")).unwrap();
        let events = record(&runtime);
        let fields = rhai_flow::rhai::Map::from_iter([("id".into(), "ch_1".into())]);
        let context = rhai_flow::rhai::Map::from_iter([("source".into(), "webhook".into())]);
        runtime
            .dispatch("charge_succeeded", fields, context)
            .unwrap();
        assert_eq!(printed(&events.borrow()), ["charge_succeeded ch_1 webhook"]);
    });
}

#[test]
fn a_manifest_with_a_mistake_says_where() {
    let error = Manifest::from_json("{\n  \"events\": {},\n  \"evnts\": {}\n}", "flows.json");
    let message = error.unwrap_err().to_string();
    assert!(
        message.contains("flows.json") && message.contains("evnts") && message.contains("line 3"),
        "{message}"
    );

    let call = r#"{"calls": {"notify": {"path": "messages", "success": "sent", "error": "failed",
                   "context": {"customer_id": "customer"}}}}"#;
    let error = Manifest::from_json(call, "flows.json").unwrap_err();
    assert!(matches!(error, Error::CallSpec { .. }), "{error}");
    assert!(
        error.to_string().contains("names no parameter `customer`"),
        "{error}"
    );
}

#[test]
fn live_keys_are_told_from_test_keys_whatever_blanks_come_first() {
    for live in ["sk_live_1", "rk_live_1", " sk_live_1", "\u{a0}\trk_live_1"] {
        assert!(rhai_flow::is_live_key(live), "{live:?}");
    }
    for other in ["sk_test_1", "rk_test_1", "", "x sk_live_1", "pk_live_1"] {
        assert!(!rhai_flow::is_live_key(other), "{other:?}");
    }
}

#[test]
fn an_endpoint_that_is_not_http_is_refused() {
    for endpoint in [
        "ftp://x/v1",
        "127.0.0.1:12111",
        "http://user@host/v1",
        "http:///v1",
        "http://127.0.0.1:+12111/v1",
        "http://[:]/v1",
        "http://-/v1",
        "http://./v1",
        "http://1.2.3.4.5.6/v1",
        "http://999999999999/v1",
        "http://0/v1",
    ] {
        let config = Config {
            endpoint: endpoint.into(),
            ..Config::default()
        };
        let error = Runtime::new(config, FlowSet::new(), answering(200, "{}")).err();
        assert!(matches!(error, Some(Error::Config { .. })), "{endpoint}");
    }
}

#[test]
fn endpoints_in_any_case_and_every_host_form_are_accepted() {
    for endpoint in [
        "HTTP://127.0.0.1:12111/v1",
        "Https://api.example.com/v1",
        "http://[::1]:12111/v1",
        "http://my-host.local/v1",
    ] {
        let config = Config {
            endpoint: endpoint.into(),
            ..Config::default()
        };
        let runtime = Runtime::new(config, FlowSet::new(), answering(200, "{}"));
        assert!(runtime.is_ok(), "{endpoint}");
    }
}

#[test]
fn a_script_can_be_checked_without_running_it() {
    let runtime = Runtime::new(Config::default(), FlowSet::new(), answering(200, "{}")).unwrap();
    assert!(runtime.check_script(r#"create_product("a", "b");"#).is_ok());
    let error = runtime.check_script("let a = 1;\nlet = 2;").unwrap_err();
    assert_eq!(
        (error.kind, error.line, error.column),
        (ScriptErrorKind::Syntax, Some(2), Some(5))
    );
    let deep = format!("let x = {}1{};", "(".repeat(200), ")".repeat(200));
    assert_eq!(
        runtime.check_script(&deep).unwrap_err().limit,
        Some("max_expr_depth")
    );
}

#[test]
fn a_flow_set_built_in_code_is_checked_like_a_loaded_one() {
    let manifest =
        r#"{"calls": {"boom": {"path": "../__admin/reset", "success": "a", "error": "b"}}}"#;
    assert!(Manifest::from_json(manifest, "flows.json").is_err());
    let mut bad: Manifest = serde_json::from_str(manifest).unwrap();
    bad.calls.get_mut("boom").unwrap().path = "../__admin/reset".into();
    let flows = FlowSet::from_manifest(bad);
    let error = Runtime::new(Config::default(), flows, answering(200, "{}")).err();
    assert!(matches!(error, Some(Error::CallSpec { .. })), "{error:?}");
}

#[test]
fn manifest_mistakes_are_named() {
    // Each case: the path, the parameters, extra fields of the call, what the error says.
    let cases = [
        (
            "m",
            r#"[{"name": "a", "tpye": "string"}]"#,
            "",
            "unknown field `tpye`",
        ),
        (
            "m",
            r#"[{"name": "a", "type": "number"}]"#,
            "",
            "unknown variant `number`",
        ),
        ("m/{nope}", r#"["a"]"#, "", "`{nope}`, no parameter"),
        ("m", r#"["a", "a"]"#, "", "declared twice"),
        (
            "m",
            r#"["a"]"#,
            r#", "context": {"my key": "a"}"#,
            "not an identifier",
        ),
    ];
    for (path, params, extra, expected) in cases {
        let call = format!(
            r#"{{"path": "{path}", "params": {params}, "success": "s", "error": "e"{extra}}}"#
        );
        let manifest = format!(r#"{{"calls": {{"notify": {call}}}}}"#);
        let error = Manifest::from_json(&manifest, "flows.json")
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{error}");
    }
    let print = r#"{"calls": {"print": {"path": "m", "success": "s", "error": "e"}}}"#;
    let error = Manifest::from_json(print, "flows.json")
        .unwrap_err()
        .to_string();
    assert!(error.contains("taken by Rhai or by the runtime"), "{error}");
}

#[test]
fn config_mistakes_name_the_setting() {
    let cases = [
        (
            Config {
                endpoint: "http://127.0.0.1:99999/v1".into(),
                ..Config::default()
            },
            "endpoint",
            "port `99999`",
        ),
        (
            Config {
                endpoint: "http://:8080/v1".into(),
                ..Config::default()
            },
            "endpoint",
            "no valid host",
        ),
        (
            Config {
                endpoint: "http://a b/v1".into(),
                ..Config::default()
            },
            "endpoint",
            "no valid host",
        ),
        (
            Config {
                endpoint: "http://user@host/v1".into(),
                ..Config::default()
            },
            "endpoint",
            "user name",
        ),
        (
            Config {
                request_timeout_ms: 0,
                ..Config::default()
            },
            "requestTimeoutMs",
            "from 1 to",
        ),
        (
            Config {
                request_timeout_ms: u32::MAX,
                ..Config::default()
            },
            "requestTimeoutMs",
            "from 1 to",
        ),
        (
            Config {
                max_in_flight: 0,
                ..Config::default()
            },
            "maxInFlight",
            "at least 1",
        ),
        (
            Config {
                api_key: "sk_test_a\nb".into(),
                ..Config::default()
            },
            "apiKey",
            "line breaks",
        ),
        (
            Config {
                api_key: String::new(),
                ..Config::default()
            },
            "apiKey",
            "sk_test_",
        ),
    ];
    for (config, expected_field, words) in cases {
        match config.validate() {
            Err(Error::Config { field, message }) => {
                assert_eq!(field, expected_field);
                assert!(message.contains(words), "{message}");
            }
            other => panic!("{config:?}: {other:?}"),
        }
    }
    for endpoint in [
        "http://[::1]:12111/v1/",
        "https://api.stripe.com/v1",
        "http://localhost",
    ] {
        let config = Config {
            endpoint: endpoint.into(),
            ..Config::default()
        };
        assert!(config.validate().is_ok(), "{endpoint}");
    }
}
