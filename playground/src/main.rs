//! The rhai-flow playground: a page to edit a flow set, run it against an endpoint, and
//! watch every request, response and flow as it happens.
//!
//! 1. [`state`]: the one state and the actions that change it.
//! 2. [`runner`]: the worker that runs flows and checks scripts, whose events reach the
//!    state in batches.
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
    keep_panic_messages();
    yew::Renderer::<components::app::App>::new().render();
}

/// This module aborts on a panic. Before it does, the panic's message goes to the console
/// and to the page's `data-panic` attribute, where the notice that the page stopped (in
/// `index.html`) reads it.
fn keep_panic_messages() {
    std::panic::set_hook(Box::new(|panic| {
        let message = panic.to_string();
        web_sys::console::error_1(&message.as_str().into());
        let body = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.body());
        if let Some(body) = body {
            let _ = body.set_attribute("data-panic", &message);
        }
    }));
}
