//! The rhai-flow playground: a page to edit a flow set, run it against an endpoint with the
//! runtime running in the page, and watch every request, response and flow as it happens.
//!
//! 1. [`state`]: the one state and the actions that change it.
//! 2. [`runner`]: the runtime of a run, whose events reach the state in batches.
//! 3. [`components`]: the page, one component per file.

mod admin;
mod bridge;
mod components;
mod diagnostics;
mod flowdoc;
mod format;
mod runner;
mod share;
mod state;
mod storage;
mod timeline;

fn main() {
    yew::Renderer::<components::app::App>::new().render();
}
