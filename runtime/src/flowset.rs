//! A flow set: the main script, the flow scripts, which event runs which script, and the
//! calls the scripts may make. On disk it is a folder with a `flows.json` manifest.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::call::CallSpec;
use crate::Error;

/// The manifest's file name inside a flow set's folder.
pub const MANIFEST_FILE: &str = "flows.json";

/// The manifest: which script is main, which event runs which script, and extra calls.
///
/// ```json
/// {
///   "main": "main.rhai",
///   "events": { "payment_intent_created": "payment_intent_created.rhai" },
///   "calls": {
///     "send_welcome_email": {
///       "method": "POST", "path": "messages", "params": ["customer"],
///       "fixed": { "kind": "welcome_email" },
///       "success": "welcome_email_sent", "error": "welcome_email_failed",
///       "context": { "customer_id": "customer" }
///     }
///   }
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// What the flow set shows, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The script that starts a run.
    #[serde(default = "default_main")]
    pub main: String,
    /// Event name to script name.
    #[serde(default)]
    pub events: BTreeMap<String, String>,
    /// Calls beyond the built-in ones, by function name.
    #[serde(default)]
    pub calls: BTreeMap<String, CallSpec>,
}

fn default_main() -> String {
    "main.rhai".to_owned()
}

impl Manifest {
    /// Reads a manifest from JSON; `origin` names its source in errors.
    ///
    /// # Errors
    ///
    /// [`Error::Manifest`] with the line and column of the first problem, and
    /// [`Error::CallSpec`] for a call that cannot be used.
    pub fn from_json(json: &str, origin: &str) -> Result<Self, Error> {
        let manifest: Self = serde_json::from_str(json).map_err(|e| invalid(origin, &e))?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// Reads a manifest from a JSON value already parsed, such as an object from JavaScript.
    ///
    /// # Errors
    ///
    /// As for [`Manifest::from_json`], without line and column.
    pub fn from_value(value: serde_json::Value, origin: &str) -> Result<Self, Error> {
        let manifest: Self = serde_json::from_value(value).map_err(|e| invalid(origin, &e))?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// Checks every declared call, so mistakes show when a flow set is loaded.
    ///
    /// # Errors
    ///
    /// [`Error::CallSpec`] for the first call that cannot be used.
    pub fn validate(&self) -> Result<(), Error> {
        self.calls
            .iter()
            .try_for_each(|(name, call)| call.validate(name))
    }
}

fn invalid(origin: &str, error: &serde_json::Error) -> Error {
    Error::Manifest {
        origin: origin.to_owned(),
        message: error.to_string(),
    }
}

/// Scripts and the manifest that ties them together.
///
/// # Examples
///
/// ```
/// use rhai_flow::FlowSet;
///
/// let flows = FlowSet::new()
///     .with_script("main.rhai", r#"create_product("Book", "A good one");"#)
///     .with_script("product_created.rhai", r#"print(`created ${id}`);"#)
///     .with_event("product_created", "product_created.rhai");
/// assert_eq!(flows.script_for("product_created"), Some("product_created.rhai"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct FlowSet {
    manifest: Manifest,
    scripts: BTreeMap<String, Rc<str>>,
}

impl FlowSet {
    /// An empty flow set whose main script is `main.rhai`.
    pub fn new() -> Self {
        Self::from_manifest(Manifest {
            main: default_main(),
            ..Manifest::default()
        })
    }

    /// A flow set with the manifest's mapping and calls, and no scripts yet.
    pub fn from_manifest(manifest: Manifest) -> Self {
        Self {
            manifest,
            scripts: BTreeMap::new(),
        }
    }

    /// Reads a flow set from a folder: its `flows.json` and every `.rhai` file in it.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when a file cannot be read, and the errors of [`Manifest::from_json`].
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load(folder: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        let folder = folder.as_ref();
        // Editors on some systems start files with a byte-order mark; it is not part of the text.
        let read = |path: &std::path::Path| {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?;
            Ok(text
                .strip_prefix('\u{feff}')
                .map(str::to_owned)
                .unwrap_or(text))
        };
        let manifest_path = folder.join(MANIFEST_FILE);
        let manifest =
            Manifest::from_json(&read(&manifest_path)?, &manifest_path.display().to_string())?;
        let mut flows = Self::from_manifest(manifest);
        let entries = std::fs::read_dir(folder).map_err(|source| Error::Io {
            path: folder.display().to_string(),
            source,
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "rhai") {
                let name = entry.file_name().to_string_lossy().into_owned();
                flows.set_script(name, read(&path)?);
            }
        }
        Ok(flows)
    }

    /// Adds or replaces a script, and returns the flow set.
    pub fn with_script(mut self, name: impl Into<String>, source: impl Into<String>) -> Self {
        self.set_script(name, source);
        self
    }

    /// Maps `event` to the script `script`, and returns the flow set.
    pub fn with_event(mut self, event: impl Into<String>, script: impl Into<String>) -> Self {
        self.map_event(event, script);
        self
    }

    /// Adds or replaces a script.
    pub fn set_script(&mut self, name: impl Into<String>, source: impl Into<String>) {
        let source: String = source.into();
        self.scripts.insert(name.into(), source.into());
    }

    /// Removes a script; events mapped to it then report it missing.
    pub fn remove_script(&mut self, name: &str) -> bool {
        self.scripts.remove(name).is_some()
    }

    /// Maps `event` to the script `script`, replacing any earlier mapping.
    pub fn map_event(&mut self, event: impl Into<String>, script: impl Into<String>) {
        self.manifest.events.insert(event.into(), script.into());
    }

    /// The manifest: the main script, the mapping and the declared calls.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The name of the script mapped to `event`.
    pub fn script_for(&self, event: &str) -> Option<&str> {
        self.manifest.events.get(event).map(String::as_str)
    }

    /// The source of the script `name`.
    pub fn script(&self, name: &str) -> Option<&str> {
        self.scripts.get(name).map(|source| &**source)
    }

    pub(crate) fn shared_source(&self, name: &str) -> Option<Rc<str>> {
        self.scripts.get(name).cloned()
    }

    /// Every script's name, in order.
    pub fn script_names(&self) -> impl Iterator<Item = &str> {
        self.scripts.keys().map(String::as_str)
    }
}
