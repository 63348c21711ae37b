//! The marks the editor shows: syntax errors found while typing, and the errors of the last
//! run for scripts unchanged since.

use rhai_flow::{Config, FetchTransport, FlowSet, Runtime, ScriptError};
use serde::Serialize;

thread_local! {
    /// A runtime that only checks scripts, so marks come from the same engine and limits
    /// as a run, without building an engine on every key press.
    static CHECKER: Option<Runtime> =
        Runtime::new(Config::default(), FlowSet::new(), FetchTransport).ok();
}

/// One mark at a line and column, both counted from 1.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Diagnostic {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
    pub(crate) severity: &'static str,
}

/// The syntax error in `source`, if it has one.
pub(crate) fn syntax_error(source: &str) -> Option<ScriptError> {
    CHECKER.with(|checker| checker.as_ref()?.check_script(source).err())
}

/// The mark for `error`, placed at the start of its line when it has no column.
pub(crate) fn from_error(error: &ScriptError) -> Diagnostic {
    Diagnostic {
        line: error.line.unwrap_or(1),
        column: error.column.unwrap_or(1),
        message: error.message.clone(),
        severity: "error",
    }
}
