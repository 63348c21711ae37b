//! The marks the editor shows: syntax errors found while typing (by the flow worker, see
//! [`crate::runner`]), and the errors of the last run for scripts unchanged since.

use rhai_flow::ScriptError;
use serde::Serialize;

/// One mark at a line and column, both counted from 1.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Diagnostic {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
    pub(crate) severity: &'static str,
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
