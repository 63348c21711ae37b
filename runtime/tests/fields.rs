//! What a flow sees of an answer's fields. Only the fields a flow could read are turned into
//! Rhai values; these tests hold that nothing a flow or a listener can observe changes.

mod support;

use rhai_flow::{Config, Event, EventKind, FlowSet, Runtime, ScriptErrorKind};
use support::*;

/// A payment intent with more fields than any flow here reads.
const BODY: &str = r#"{"id": "pi_1", "amount": 2000, "currency": "usd", "livemode": false,
    "metadata": {"order_id": "6735"}, "charges": {"data": [{"id": "ch_1"}]},
    "my-key": "odd", "status": "succeeded"}"#;

/// The events of a run whose main script makes one call answered with `body`, whose
/// success runs `flow`.
fn answered(body: &str, flow: &str) -> Vec<Event> {
    let flows = FlowSet::new()
        .with_script(
            "main.rhai",
            r#"api_call("GET", "things", #{}, "got", "failed");"#,
        )
        .with_script("got.rhai", flow)
        .with_event("got", "got.rhai");
    local(run(flows, answering(200, body)))
}

fn printed_by(body: &str, flow: &str) -> Vec<String> {
    let events = answered(body, flow);
    let failed = events.iter().find_map(|event| match &event.kind {
        EventKind::FlowFailed { error, .. } => Some(error.to_string()),
        _ => None,
    });
    assert_eq!(failed, None, "{flow}");
    printed(&events)
}

fn parse_error(events: &[Event]) -> Option<String> {
    events.iter().find_map(|event| match &event.kind {
        EventKind::ResponseReceived { parse_error, .. } => parse_error.clone(),
        _ => None,
    })
}

#[test]
fn a_field_read_only_inside_an_interpolation_arrives() {
    let printed = printed_by(BODY, "print(`${amount} ${metadata.order_id}`);");
    assert_eq!(printed, ["2000 6735"]);
}

#[test]
fn a_field_read_only_as_a_nested_call_argument_arrives() {
    let flow = r#"
        fn label(text) { `[${text}]` }
        print(label(to_upper(currency)) + label(charges.data[0].id.len()));
    "#;
    assert_eq!(printed_by(BODY, flow), ["[USD][4]"]);
}

#[test]
fn a_field_named_in_is_def_var_arrives_by_a_literal_or_a_computed_name() {
    let literal = r#"print(`${is_def_var("livemode")} ${is_def_var("my-key")}`);"#;
    assert_eq!(printed_by(BODY, literal), ["true true"]);

    let computed = r#"let name = "live" + "mode"; print(`${is_def_var(name)}`);"#;
    assert_eq!(printed_by(BODY, computed), ["true"]);

    let absent = r#"print(`${is_def_var("missing")} ${is_def_var("stat" + "us")}`);"#;
    assert_eq!(printed_by(BODY, absent), ["false true"]);
}

#[test]
fn a_field_named_only_inside_eval_arrives() {
    let flow = r#"print(eval("cur" + "rency") + " " + eval("sta" + "tus"));"#;
    assert_eq!(printed_by(BODY, flow), ["usd succeeded"]);
}

#[test]
fn fields_named_like_the_event_or_the_context_stay_hidden_behind_them() {
    let body = r#"{"event": "from the body", "context": 1, "context_customer": "body",
        "id": "pi_1"}"#;
    let flows = FlowSet::new()
        .with_script(
            "main.rhai",
            r#"set_context("customer", "cus_1");
               api_call("GET", "things", #{}, "got", "failed");"#,
        )
        .with_script(
            "got.rhai",
            "print(`${event} ${context.customer} ${context_customer} ${id}`);",
        )
        .with_event("got", "got.rhai");
    let events = local(run(flows, answering(200, body)));
    assert_eq!(printed(&events), ["got cus_1 cus_1 pi_1"]);
}

#[test]
fn a_body_the_full_parse_refuses_gives_the_same_error_whatever_the_flow_reads() {
    let deep = format!(
        r#"{{"id": "pi_1", "deep": {}{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let bodies = [
        deep.as_str(),
        r#"{"id": "pi_1", "huge": 1e999}"#,
        r#"{"id": "pi_1", "escape": "\x"}"#,
        r#"{"id": "pi_1", "half": "\ud800"}"#,
        r#"{"id": "pi_1", "list": [1, 2,]}"#,
        r#"{"id": "pi_1", 7: true}"#,
        r#"{"id": "pi_1"} and more"#,
        r#"{"id": "pi_1", "cut": {"#,
    ];
    let flow = r#"print(`${is_def_var("body")} ${is_def_var("id")} ${http_status}`);"#;
    for body in bodies {
        let events = answered(body, flow);
        let expected = serde_json::from_str::<rhai_flow::rhai::Dynamic>(body).unwrap_err();
        let error = parse_error(&events).unwrap_or_else(|| panic!("no error for {body}"));
        let start = format!("body is not JSON ({expected}): ");
        assert!(error.starts_with(&start), "{error} for {body}");
        assert_eq!(printed(&events), ["true false 200"], "{body}");
    }
}

#[test]
fn flow_started_lists_every_field_even_those_the_flow_never_reads() {
    let events = answered(BODY, "print(id);");
    let fields = events.iter().find_map(|event| match &event.kind {
        EventKind::FlowStarted { event, fields, .. } if event == "got" => Some(fields.clone()),
        _ => None,
    });
    let expected = [
        "amount",
        "charges",
        "currency",
        "http_status",
        "id",
        "livemode",
        "metadata",
        "my-key",
        "status",
    ];
    assert_eq!(fields.unwrap(), expected);
    assert_eq!(printed(&events), ["pi_1"]);
}

#[test]
fn a_flow_replaced_while_its_answer_arrives_gets_every_field_it_reads() {
    local(async {
        let flows = FlowSet::new()
            .with_script(
                "main.rhai",
                r#"api_call("GET", "things", #{}, "got", "failed");"#,
            )
            .with_script("got.rhai", "print(id);")
            .with_event("got", "got.rhai");
        let runtime = Runtime::new(quick_config(), flows, answering(200, BODY)).unwrap();
        let editor = runtime.clone();
        runtime.subscribe(move |event| {
            if let EventKind::ResponseReceived { .. } = event.kind {
                editor.set_script("got.rhai", "print(`${id} ${amount} ${status}`);");
            }
        });
        let events = record(&runtime);
        runtime.run_main().unwrap();
        runtime.idle().await;
        assert_eq!(printed(&events.borrow()), ["pi_1 2000 succeeded"]);
    });
}

#[test]
fn a_host_can_dispatch_a_json_body_and_hears_when_it_is_not_an_object() {
    local(async {
        let flows = FlowSet::new()
            .with_script("hook.rhai", "print(`${event} ${id} ${amount}`);")
            .with_event("charge_succeeded", "hook.rhai");
        let runtime = Runtime::new(Config::default(), flows, answering(200, "{}")).unwrap();
        let events = record(&runtime);
        let context = rhai_flow::rhai::Map::new;
        runtime
            .dispatch_json("charge_succeeded", BODY, context())
            .unwrap();
        assert_eq!(printed(&events.borrow()), ["charge_succeeded pi_1 2000"]);

        for body in ["[1, 2]", "{\"id\": ", "\"text\""] {
            let error = runtime
                .dispatch_json("charge_succeeded", body, context())
                .unwrap_err();
            assert_eq!(error.kind, ScriptErrorKind::Runtime);
            assert!(error.message.contains("not a JSON object"), "{error}");
        }
        assert_eq!(printed(&events.borrow()).len(), 1);
    });
}
