//! What can go wrong while setting a runtime up, and how a failed script is described.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// An error from loading a flow set or building a runtime.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A manifest could not be read as one.
    Manifest {
        /// Where the manifest came from, such as a file path.
        origin: String,
        /// What was wrong, with the line and column where the parser knows them.
        message: String,
    },
    /// A call declared in a manifest cannot be used as written.
    CallSpec {
        /// The name of the call.
        call: String,
        /// What is wrong with it.
        message: String,
    },
    /// A file of a flow set could not be read.
    Io {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The configuration cannot be used.
    Config {
        /// The setting at fault, as the JSON config names it, such as `endpoint` or `apiKey`.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Manifest { origin, message } => {
                write!(f, "manifest {origin} is not valid: {message}")
            }
            Self::CallSpec { call, message } => {
                write!(f, "call `{call}` in the manifest cannot be used: {message}")
            }
            Self::Io { path, source } => write!(f, "cannot read {path}: {source}"),
            Self::Config { field, message } => {
                write!(f, "config `{field}` is not valid: {message}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Why a script stopped before its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScriptErrorKind {
    /// The script does not parse.
    Syntax,
    /// The script failed while running: a type mix-up, a missing variable, a thrown error.
    Runtime,
    /// The script reached one of the runtime's limits.
    Limit,
}

/// A script that failed, with the place it failed at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScriptError {
    /// Which sort of failure this is.
    pub kind: ScriptErrorKind,
    /// The limit reached, such as `max_operations`, when `kind` is `limit`.
    #[serde(default, deserialize_with = "deserialize_optional_limit_name")]
    pub limit: Option<LimitName>,
    /// What happened, in words.
    pub message: String,
    /// Line of the failure, counted from 1, where known.
    pub line: Option<usize>,
    /// Column of the failure, counted in characters (not bytes or UTF-16 units) from 1,
    /// where known.
    pub column: Option<usize>,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, " (line {line}, column {column})"),
            (Some(line), None) => write!(f, " (line {line})"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for ScriptError {}

impl ScriptError {
    pub(crate) fn from_parse(error: &rhai::ParseError) -> Self {
        let position = error.position();
        let too_deep = matches!(error.err_type(), rhai::ParseErrorType::ExprTooDeep);
        let (kind, limit) = match too_deep {
            true => (ScriptErrorKind::Limit, Some("max_expr_depth")),
            false => (ScriptErrorKind::Syntax, None),
        };
        Self {
            kind,
            limit,
            message: error.err_type().to_string(),
            line: position.line(),
            column: position.position(),
        }
    }

    /// A failure with no place in a script: a bug in the runtime or a transport, fields a
    /// host handed over that cannot be used, or a host's runtime that stopped.
    pub fn unplaced(message: String) -> Self {
        Self {
            kind: ScriptErrorKind::Runtime,
            limit: None,
            message,
            line: None,
            column: None,
        }
    }

    pub(crate) fn from_eval(mut error: Box<rhai::EvalAltResult>) -> Self {
        use rhai::EvalAltResult as E;

        let limit = match error.unwrap_inner() {
            E::ErrorTooManyOperations(..) => Some("max_operations"),
            E::ErrorStackOverflow(..) => Some("max_call_levels"),
            E::ErrorDataTooLarge(what, ..) => Some(data_limit(what)),
            E::ErrorTooManyVariables(..) => Some("max_variables"),
            E::ErrorParsing(rhai::ParseErrorType::ExprTooDeep, ..) => Some("max_expr_depth"),
            _ => None,
        };
        let kind = match (limit, error.unwrap_inner()) {
            (Some(_), _) => ScriptErrorKind::Limit,
            (None, E::ErrorParsing(..)) => ScriptErrorKind::Syntax,
            _ => ScriptErrorKind::Runtime,
        };
        let position = error.take_position();
        let message = match limit {
            Some(name) => format!("{error} (limit `{name}` reached)"),
            None => error.to_string(),
        };
        Self {
            kind,
            limit,
            message,
            line: position.line(),
            column: position.position(),
        }
    }
}

/// The name of a limit, such as `max_operations`, as the runtime's config names it.
///
/// Being one of a fixed set, a name read back from a serialized event is matched to the
/// runtime's own: naming the type, rather than writing `&'static str` in a field, also keeps
/// serde's derive from asking the input to live for ever.
pub type LimitName = &'static str;

/// Every limit a script error or a guard can name.
const LIMIT_NAMES: [&str; 12] = [
    "max_operations",
    "max_call_levels",
    "max_expr_depth",
    "max_function_expr_depth",
    "max_variables",
    "max_string_size",
    "max_array_size",
    "max_map_size",
    "max_chain_depth",
    "max_calls_per_flow",
    "max_calls_per_run",
    "max_error_chain",
];

/// Reads a limit's name back as the runtime's own `&'static str`; a name the runtime does
/// not know is an error.
pub(crate) fn deserialize_limit_name<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<LimitName, D::Error> {
    known_limit(&Cow::<'_, str>::deserialize(deserializer)?)
}

fn deserialize_optional_limit_name<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<LimitName>, D::Error> {
    Option::<Cow<'_, str>>::deserialize(deserializer)?
        .map(|name| known_limit(&name))
        .transpose()
}

fn known_limit<E: serde::de::Error>(name: &str) -> Result<LimitName, E> {
    LIMIT_NAMES
        .into_iter()
        .find(|known| *known == name)
        .ok_or_else(|| E::custom(format!("unknown limit `{name}`")))
}

fn data_limit(what: &str) -> &'static str {
    let what = what.to_ascii_lowercase();
    if what.contains("array") {
        "max_array_size"
    } else if what.contains("map") {
        "max_map_size"
    } else {
        "max_string_size"
    }
}
