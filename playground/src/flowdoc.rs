//! The flow set as the playground edits it: scripts by name, the main script, the event to
//! script mapping and the calls the set declares. It is what is saved, shared and run.

use std::collections::BTreeMap;
use std::rc::Rc;

use rhai_flow::{CallSpec, FlowSet, Manifest};
use serde::{Deserialize, Serialize};

/// A flow set being edited.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct FlowDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    pub(crate) main: String,
    pub(crate) scripts: BTreeMap<String, Rc<str>>,
    #[serde(default)]
    pub(crate) events: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) calls: BTreeMap<String, CallSpec>,
}

/// One of the flow sets in the repository's `flows/` folder.
pub(crate) struct Example {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    manifest: &'static str,
    scripts: &'static [(&'static str, &'static str)],
}

macro_rules! example {
    ($id:literal, $title:literal, [$($script:literal),* $(,)?]) => {
        Example {
            id: $id,
            title: $title,
            manifest: include_str!(concat!("../../flows/", $id, "/flows.json")),
            scripts: &[$(($script, include_str!(concat!("../../flows/", $id, "/", $script)))),*],
        }
    };
}

/// The examples menu, in the order it lists them; the first is what a new visitor sees.
pub(crate) const EXAMPLES: &[Example] = &[
    example!(
        "payment",
        "Payment chain",
        [
            "main.rhai",
            "payment_intent_created.rhai",
            "payment_intent_failed.rhai",
            "product_created.rhai",
            "subscription_created.rhai",
        ]
    ),
    example!(
        "recovery",
        "Decline and retry",
        [
            "main.rhai",
            "payment_intent_created.rhai",
            "payment_intent_failed.rhai",
            "error_notification_sent.rhai",
        ]
    ),
    example!(
        "enterprise",
        "Conditional enterprise flow",
        [
            "main.rhai",
            "payment_intent_created.rhai",
            "subscription_created.rhai",
            "enterprise_setup_created.rhai",
            "welcome_email_sent.rhai",
        ]
    ),
    example!(
        "generic",
        "Built on api_call",
        [
            "main.rhai",
            "customer_ready.rhai",
            "product_ready.rhai",
            "price_ready.rhai",
            "subscription_created.rhai",
            "setup_failed.rhai",
        ]
    ),
];

impl Example {
    /// The example as a flow set to edit.
    pub(crate) fn doc(&self) -> FlowDoc {
        // The manifests are files of this repository, checked by the runtime's tests.
        let manifest = Manifest::from_json(self.manifest, self.id).unwrap_or_default();
        let scripts = self
            .scripts
            .iter()
            .map(|(name, source)| ((*name).to_owned(), (*source).into()));
        FlowDoc {
            description: manifest.description,
            main: manifest.main,
            scripts: scripts.collect(),
            events: manifest.events,
            calls: manifest.calls,
        }
    }
}

/// The example a new visitor starts from.
pub(crate) fn first_example() -> FlowDoc {
    EXAMPLES[0].doc()
}

impl FlowDoc {
    /// The flow set the runtime runs.
    pub(crate) fn to_flow_set(&self) -> FlowSet {
        let manifest = Manifest {
            description: self.description.clone(),
            main: self.main.clone(),
            events: self.events.clone(),
            calls: self.calls.clone(),
        };
        let mut flows = FlowSet::from_manifest(manifest);
        for (name, source) in &self.scripts {
            flows.set_script(name.clone(), &**source);
        }
        flows
    }

    /// The events mapped to `script`.
    pub(crate) fn events_of<'a>(&'a self, script: &'a str) -> impl Iterator<Item = &'a str> {
        self.events
            .iter()
            .filter(move |(_, name)| *name == script)
            .map(|(event, _)| event.as_str())
    }

    /// A script name not in use yet, such as `flow_2.rhai`.
    pub(crate) fn free_name(&self, stem: &str) -> String {
        (1..)
            .map(|n| match n {
                1 => format!("{stem}.rhai"),
                n => format!("{stem}_{n}.rhai"),
            })
            .find(|name| !self.scripts.contains_key(name))
            .unwrap_or_default()
    }

    /// Renames a script and every reference to it; `false` if the new name is taken.
    pub(crate) fn rename(&mut self, from: &str, to: &str) -> bool {
        if self.scripts.contains_key(to) {
            return false;
        }
        let Some(source) = self.scripts.remove(from) else {
            return false;
        };
        self.scripts.insert(to.to_owned(), source);
        if self.main == from {
            to.clone_into(&mut self.main);
        }
        for script in self.events.values_mut().filter(|script| *script == from) {
            to.clone_into(script);
        }
        true
    }
}

/// A script name as a person typed it, made into a `.rhai` file name; `None` if unusable.
pub(crate) fn script_name(typed: &str) -> Option<String> {
    let stem = typed.trim().trim_end_matches(".rhai");
    let usable = !stem.is_empty()
        && stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    usable.then(|| format!("{stem}.rhai"))
}

/// An event name as a person typed it; event names are Rhai-style identifiers.
pub(crate) fn event_name(typed: &str) -> Option<String> {
    let name = typed.trim();
    let usable = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    usable.then(|| name.to_owned())
}
