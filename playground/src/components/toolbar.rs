//! The bar across the top: examples, Run and Stop, share, reset, settings and theme.

use yew::prelude::*;

use crate::flowdoc::EXAMPLES;

#[derive(Properties, PartialEq)]
pub(crate) struct ToolbarProps {
    pub(crate) running: bool,
    pub(crate) dark: bool,
    pub(crate) settings_open: bool,
    pub(crate) on_run: Callback<()>,
    pub(crate) on_stop: Callback<()>,
    pub(crate) on_load_example: Callback<usize>,
    /// Brings back the flow set a share link replaced.
    pub(crate) on_restore_before_link: Callback<()>,
    /// Whether a share link replaced a flow set that can be brought back.
    pub(crate) has_before_link: bool,
    pub(crate) on_share: Callback<()>,
    pub(crate) on_toggle_settings: Callback<()>,
    pub(crate) on_toggle_theme: Callback<()>,
}

/// The value of the examples menu's entry for the flow set a share link replaced.
const BEFORE_LINK: &str = "before-link";

#[function_component]
pub(crate) fn Toolbar(props: &ToolbarProps) -> Html {
    let click = |callback: &Callback<()>| {
        let callback = callback.clone();
        Callback::from(move |_: MouseEvent| callback.emit(()))
    };
    let on_example = {
        let on_load_example = props.on_load_example.clone();
        let on_restore = props.on_restore_before_link.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            match select.value().as_str() {
                BEFORE_LINK => on_restore.emit(()),
                value => {
                    if let Ok(index) = value.parse() {
                        on_load_example.emit(index);
                    }
                }
            }
            select.set_value("");
        })
    };
    let theme_label = if props.dark {
        "Light theme"
    } else {
        "Dark theme"
    };
    html! {
        <header class="toolbar">
            <h1 class="brand">{ "rhai-flow" }<span class="brand-sub">{ " playground" }</span></h1>
            <div class="toolbar-actions">
                <button
                    class="primary"
                    data-testid="run"
                    onclick={click(&props.on_run)}
                    title="Run the main script (Ctrl/⌘-Enter)"
                >
                    { "▶ Run" }
                </button>
                <button
                    data-testid="stop"
                    onclick={click(&props.on_stop)}
                    disabled={!props.running}
                    title="Cancel the requests in flight"
                >
                    { "■ Stop" }
                </button>
                <select
                    class="examples"
                    data-testid="examples"
                    onchange={on_example}
                    aria-label="Load an example"
                >
                    <option value="" selected=true>{ "Load an example…" }</option>
                    { for EXAMPLES.iter().enumerate().map(|(index, example)| html! {
                        <option
                            value={index.to_string()}
                            data-example={example.id}
                        >
                            { example.title }
                        </option>
                    }) }
                    if props.has_before_link {
                        <option value={BEFORE_LINK} data-testid="before-link">
                            { "Your flow set before the link" }
                        </option>
                    }
                </select>
                <button
                    data-testid="share"
                    onclick={click(&props.on_share)}
                    title="Put the flow set in a link"
                >
                    { "Share" }
                </button>
                <button
                    data-testid="settings-toggle"
                    class={classes!(props.settings_open.then_some("active"))}
                    onclick={click(&props.on_toggle_settings)}
                    aria-expanded={props.settings_open.to_string()}
                >
                    { "Endpoint" }
                </button>
                <button
                    class="icon"
                    data-testid="theme"
                    onclick={click(&props.on_toggle_theme)}
                    title={theme_label}
                    aria-label={theme_label}
                >
                    { if props.dark { "☀" } else { "☾" } }
                </button>
            </div>
        </header>
    }
}
