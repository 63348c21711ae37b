//! Interop with a Stripe-compatible server we did not write: localstripe, from PyPI, on
//! loopback. The seed's calls run against it; what it refuses reaches the error flow with
//! its own status and message.

mod support;

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rhai_flow::{Config, FlowSet};
use support::*;

/// A localstripe process, ended when dropped.
struct Localstripe {
    child: Child,
    port: u16,
}

impl Localstripe {
    fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("localstripe")
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("localstripe runs (scripts/setup.sh installs it with pip)");
        let server = Self { child, port };
        server.wait_until_listening();
        server
    }

    /// Python takes a moment to start; connecting tells when it listens.
    fn wait_until_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "localstripe did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Localstripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn seed_calls() -> FlowSet {
    FlowSet::new()
        .with_script("main.rhai", r#"create_customer("ada@example.com");"#)
        .with_script(
            "customer.rhai",
            r#"create_payment_intent(2000, "usd", id);"#,
        )
        .with_script(
            "intent.rhai",
            r#"print(`intent ${id} ${amount} ${currency} ${customer == context_customer_id}`);
               create_product("Pro plan", "Monthly access");
               create_subscription(context_customer_id, "price_monthly_plan");"#,
        )
        .with_script("product.rhai", r#"print(`product ${id} ${name}`);"#)
        .with_script(
            "refused.rhai",
            r#"print(`refused ${event} ${http_status} ${error_type}: ${message}`);"#,
        )
        .with_event("customer_created", "customer.rhai")
        .with_event("payment_intent_created", "intent.rhai")
        .with_event("product_created", "product.rhai")
        .with_event("customer_failed", "refused.rhai")
        .with_event("payment_intent_failed", "refused.rhai")
        .with_event("product_failed", "refused.rhai")
        .with_event("subscription_failed", "refused.rhai")
}

#[test]
fn the_seed_calls_run_against_localstripe_and_its_refusals_reach_the_error_flow() {
    let server = Localstripe::start();
    let config = Config {
        endpoint: format!("http://127.0.0.1:{}/v1", server.port),
        api_key: "sk_test_interop".into(),
        ..Config::default()
    };
    let events = local(run(config, seed_calls()));
    let lines = printed(&events);
    let line = |prefix: &str| lines.iter().find(|l| l.starts_with(prefix)).cloned();

    let intent = line("intent ").unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(
        intent.starts_with("intent pi_") && intent.ends_with(" 2000 usd true"),
        "{intent}"
    );
    assert!(
        line("product prod_").is_some_and(|l| l.ends_with("Pro plan")),
        "{lines:#?}"
    );

    let refused = line("refused subscription_failed").unwrap_or_else(|| panic!("{lines:#?}"));
    let status: u16 = refused.split(' ').nth(2).unwrap().parse().unwrap();
    assert!((400..500).contains(&status), "{refused}");
    assert!(refused.contains("invalid_request_error: "), "{refused}");
    #[allow(clippy::print_stdout)]
    {
        println!("localstripe answered: {refused}");
    }
}
