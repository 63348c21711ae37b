//! The binary prints its address once it listens, and serves there.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Stops the server even when an assertion fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_address_and_answers_there() {
    let child = Command::new(env!("CARGO_BIN_EXE_rhai-flow-endpoint"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a line on stdout");

    let address = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the address line");
    assert!(address.starts_with("http://127.0.0.1:"), "{line}");
    let health = reqwest::get(format!("{address}/__admin/health"))
        .await
        .expect("an answer");
    assert_eq!(health.status(), 200);
}

#[test]
fn bad_flags_fail_with_a_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_rhai-flow-endpoint"))
        .arg("--colour")
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("unknown flag `--colour`"), "{message}");
    assert!(output.stdout.is_empty());
}
