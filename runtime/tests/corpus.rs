//! A corpus of broken scripts: each must fail as a flow with a message and a position, and
//! none may panic or take the runtime down.

mod support;

use rhai_flow::{Config, FlowSet, Runtime, ScriptErrorKind};
use support::*;

/// Scripts that do not parse.
const SYNTAX: &[&str] = &[
    "let x = ;",
    "let = 5;",
    "let x = 1 +;",
    "if x > 1 { print(x);",
    "fn f( { }",
    "fn (a) { a }",
    "let s = \"never closed;",
    "let s = `never closed ${1};",
    "let s = `open ${ 1 + `;",
    "let s = `${ \"a\" `;",
    "let c = 'ab';",
    "let a = [1, 2;",
    "let m = #{ a: 1, b };",
    "let m = #{ a: 1 ;",
    "print(\"a\" \"b\");",
    "x = = 1;",
    "while { }",
    "for in [1] { }",
    "for x [1] { }",
    "loop { break",
    "switch x { 1 => }",
    "let 1x = 2;",
    "return return;",
    "}",
    ")",
    "let x = 0x;",
    "let x = 1e;",
    "import \"module\" as m;",
    "let x = #;",
];

/// Scripts that parse but fail when they run.
const RUNTIME: &[&str] = &[
    "let total = \"ten\" / 2;",
    "let x = 1 + \"a\" * 3;",
    "let a = [1, 2]; a[5]",
    "let m = #{}; m.missing.deeper",
    "undefined_variable + 1",
    "not_a_function(1, 2)",
    "let x = 5; x.len()",
    "let x = 1 / 0;",
    "throw \"stop here\";",
    "let s = \"abc\"; s[10]",
    "let f = Fn(\"nowhere\"); f.call()",
    "create_payment_intent(\"2000\", \"usd\", \"cus_1\");",
    "create_payment_intent(2000, 840, \"cus_1\");",
    "create_product(\"Book\");",
    "create_subscription(\"cus_1\", \"price_1\", \"not a map\");",
    "api_call(\"PATCH\", \"customers\", #{}, \"a\", \"b\");",
    "fn g() {} api_call(\"POST\", \"customers\", #{ f: Fn(\"g\") }, \"a\", \"b\");",
    "let i = 9223372036854775807; i + 1",
];

fn check(runtime: &Runtime, source: &str, expected: ScriptErrorKind) {
    runtime.set_script("main.rhai", source);
    let error = runtime.run_main().expect_err(source);
    assert_eq!(error.kind, expected, "{source}: {error}");
    assert!(!error.message.is_empty(), "{source}");
    let line = error
        .line
        .unwrap_or_else(|| panic!("{source}: no line in {error}"));
    assert_eq!(line, 1, "{source}: {error}");
    assert!(error.column.is_some(), "{source}: no column in {error}");
}

#[test]
fn every_broken_script_fails_with_a_position_and_the_runtime_goes_on() {
    local(async {
        let flows = FlowSet::new();
        let runtime = Runtime::new(Config::default(), flows, answering(200, "{}")).unwrap();
        let events = record(&runtime);
        for source in SYNTAX {
            check(&runtime, source, ScriptErrorKind::Syntax);
        }
        for source in RUNTIME {
            check(&runtime, source, ScriptErrorKind::Runtime);
        }
        runtime.idle().await;
        runtime.set_script("main.rhai", "print(\"still working\");");
        runtime.run_main().unwrap();
        assert_eq!(printed(&events.borrow()), ["still working"]);
    });
}

#[test]
fn deep_nesting_fails_as_a_limit_with_a_position() {
    local(async {
        let runtime =
            Runtime::new(Config::default(), FlowSet::new(), answering(200, "{}")).unwrap();
        let nested = [
            format!("let x = {}1{};", "[".repeat(500), "]".repeat(500)),
            format!("let x = {}1{};", "(".repeat(500), ")".repeat(500)),
            format!("{}{}", "if true { ".repeat(300), "}".repeat(300)),
            format!("let m = {}1{};", "#{a: ".repeat(300), "}".repeat(300)),
        ];
        for source in &nested {
            check(&runtime, source, ScriptErrorKind::Limit);
        }
    });
}
