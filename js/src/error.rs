//! What can go wrong, and how it reaches JavaScript: as an `Error` named `FlowError` whose
//! properties hold the parts of the failure.

use std::fmt;

use js_sys::Reflect;
use rhai_flow::ScriptError;
use wasm_bindgen::JsValue;

/// A failure of the JavaScript API.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A config field is unknown or has a value that cannot be used.
    Config {
        /// The field, such as `endpoint` or `limits.maxOperations`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The config holds a live secret key, which a web page would give away.
    LiveKey,
    /// The flow set is not one: a missing `scripts` map, a bad manifest, a bad call.
    Flows {
        /// What is wrong with it.
        message: String,
    },
    /// The flow set has no script of the name that `main` gives.
    MainMissing {
        /// The name of the main script.
        script: String,
    },
    /// A method was given a value of the wrong shape.
    Argument {
        /// The parameter.
        name: &'static str,
        /// What is wrong with the value.
        message: String,
    },
    /// A flow of a run failed.
    Script {
        /// The event whose flow failed; `main` for the main script.
        event: String,
        /// The script that failed.
        script: String,
        /// What went wrong, and where.
        error: ScriptError,
        /// How many flows of the run failed, this one included.
        failures: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config { field, message } => write!(f, "config field `{field}`: {message}"),
            Self::LiveKey => f.write_str(
                "config field `apiKey`: a live secret key (sk_live_...) must not be used in a web \
                 page, where anyone can read it; use a test key (sk_test_...)",
            ),
            Self::Flows { message } => write!(f, "the flow set cannot be used: {message}"),
            Self::MainMissing { script } => {
                write!(f, "the flow set has no main script `{script}`")
            }
            Self::Argument { name, message } => write!(f, "argument `{name}`: {message}"),
            Self::Script {
                event,
                script,
                error,
                failures,
            } => {
                write!(f, "flow `{script}` for event `{event}` failed: {error}")?;
                match failures {
                    1 => Ok(()),
                    n => write!(f, "; {} more flows failed in this run", n - 1),
                }
            }
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The `kind` property the JavaScript error carries.
    fn kind(&self) -> &'static str {
        match self {
            Self::Config { .. } | Self::LiveKey => "config",
            Self::Flows { .. } | Self::MainMissing { .. } => "flows",
            Self::Argument { .. } => "argument",
            Self::Script { error, .. } => match error.kind {
                rhai_flow::ScriptErrorKind::Syntax => "syntax",
                rhai_flow::ScriptErrorKind::Limit => "limit",
                _ => "runtime",
            },
        }
    }

    /// The properties besides `name`, `message` and `kind`.
    fn parts(&self) -> Vec<(&'static str, JsValue)> {
        match self {
            Self::Config { field, .. } => vec![("field", field.into())],
            Self::LiveKey => vec![("field", "apiKey".into())],
            Self::MainMissing { script } => vec![("script", script.into())],
            Self::Script {
                event,
                script,
                error,
                failures,
            } => vec![
                ("event", event.into()),
                ("script", script.into()),
                ("line", error.line.map(|line| line as f64).into()),
                ("column", error.column.map(|column| column as f64).into()),
                ("limit", error.limit.into()),
                ("failures", (*failures as f64).into()),
            ],
            Self::Flows { .. } | Self::Argument { .. } => Vec::new(),
        }
    }
}

impl From<Error> for JsValue {
    fn from(error: Error) -> Self {
        let js = js_sys::Error::new(&error.to_string());
        js.set_name("FlowError");
        let parts = [("kind", error.kind().into())]
            .into_iter()
            .chain(error.parts());
        for (key, value) in parts {
            // Setting a property on a fresh plain `Error` cannot fail.
            let _ = Reflect::set(&js, &key.into(), &value);
        }
        js.into()
    }
}

impl From<rhai_flow::Error> for Error {
    fn from(error: rhai_flow::Error) -> Self {
        match error {
            rhai_flow::Error::Config { field, message } => Self::Config {
                field: field.to_owned(),
                message,
            },
            other => Self::Flows {
                message: other.to_string(),
            },
        }
    }
}
