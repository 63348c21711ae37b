//! Saves the flow set and the settings in `localStorage`, so edits survive a reload.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::flowdoc::FlowDoc;
use crate::state::Settings;

const KEY: &str = "rhai-flow-playground/v1";

/// Where the flow set in use is kept when a share link replaces it.
const BEFORE_LINK_KEY: &str = "rhai-flow-playground/v1/before-link";

/// What a reload restores.
#[derive(Serialize, Deserialize)]
pub(crate) struct Saved {
    pub(crate) doc: FlowDoc,
    #[serde(default)]
    pub(crate) settings: Settings,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved flow set and settings; `None` on a first visit or if they cannot be read.
pub(crate) fn load() -> Option<Saved> {
    let text = storage()?.get_item(KEY).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

/// Saves `doc` and `settings`. A full or disabled storage loses the save and nothing else.
pub(crate) fn save(doc: &FlowDoc, settings: &Settings) {
    #[derive(Serialize)]
    struct SavedRef<'a> {
        doc: &'a FlowDoc,
        settings: &'a Settings,
    }
    let Some(storage) = storage() else {
        return;
    };
    // The runtime refuses live keys in a page; one typed in by mistake is not kept either.
    let settings = match rhai_flow::is_live_key(&settings.api_key) {
        true => Cow::Owned(Settings {
            api_key: String::new(),
            ..settings.clone()
        }),
        false => Cow::Borrowed(settings),
    };
    if let Ok(text) = serde_json::to_string(&SavedRef {
        doc,
        settings: &settings,
    }) {
        let _ = storage.set_item(KEY, &text);
    }
}

/// Keeps `doc`, the flow set a share link is about to replace, so that it can be restored.
pub(crate) fn keep_before_link(doc: &FlowDoc) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(doc)) {
        let _ = storage.set_item(BEFORE_LINK_KEY, &text);
    }
}

/// The flow set a share link replaced, if there is one.
pub(crate) fn before_link() -> Option<FlowDoc> {
    let text = storage()?.get_item(BEFORE_LINK_KEY).ok().flatten()?;
    serde_json::from_str(&text).ok()
}
