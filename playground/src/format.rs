//! How times and JSON read on the page.

/// A moment since the run started, such as `+12 ms` or `+1.25 s`.
pub(crate) fn millis(at_ms: f64) -> String {
    format!("+{}", duration(at_ms))
}

/// A length of time, such as `0.4 ms`, `12 ms` or `1.25 s`.
pub(crate) fn duration(ms: f64) -> String {
    match ms {
        ms if ms < 10.0 => format!("{ms:.1} ms"),
        ms if ms < 1000.0 => format!("{ms:.0} ms"),
        ms => format!("{:.2} s", ms / 1000.0),
    }
}

/// `body` laid out on several lines if it is JSON, as it came otherwise.
pub(crate) fn pretty_body(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| body.to_owned())
}

/// A JSON value laid out on several lines.
pub(crate) fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
