//! Where requests go, and the test endpoint's faults.

use yew::prelude::*;

use crate::admin::{self, Faults};
use crate::state::{Notice, Settings};

#[derive(Properties, PartialEq)]
pub(crate) struct SettingsPanelProps {
    pub(crate) settings: Settings,
    pub(crate) on_set_endpoint: Callback<String>,
    pub(crate) on_set_api_key: Callback<String>,
    pub(crate) on_notify: Callback<Notice>,
}

#[function_component]
pub(crate) fn SettingsPanel(props: &SettingsPanelProps) -> Html {
    // The fault form's fields; the faults themselves live on the endpoint.
    let faults = use_state(|| Faults {
        latency_ms: 0,
        fail_count: 0,
        fail_status: 500,
    });
    let text_input = |callback: &Callback<String>| {
        let callback = callback.clone();
        Callback::from(move |event: InputEvent| {
            callback.emit(
                event
                    .target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            )
        })
    };
    let number = |set: fn(&mut Faults, u64)| {
        let faults = faults.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            let mut next = *faults;
            set(&mut next, input.value().parse().unwrap_or(0));
            faults.set(next);
        })
    };
    let on_status = {
        let faults = faults.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            faults.set(Faults {
                fail_status: select.value().parse().unwrap_or(500),
                ..*faults
            });
        })
    };
    let apply = send(
        props,
        move |endpoint, faults| async move { admin::set_faults(&endpoint, faults).await },
        *faults,
    );
    let clear = send(
        props,
        move |endpoint, _| async move { admin::clear_faults(&endpoint).await },
        *faults,
    );
    html! {
        <section class="settings" data-testid="settings" aria-label="Endpoint settings">
            <label class="setting">
                <span>{ "Base URL" }</span>
                <input
                    data-testid="endpoint"
                    value={props.settings.endpoint.clone()}
                    oninput={text_input(&props.on_set_endpoint)}
                    spellcheck="false"
                />
            </label>
            <label class="setting">
                <span>{ "Test key" }</span>
                <input
                    data-testid="api-key"
                    type="password"
                    value={props.settings.api_key.clone()}
                    oninput={text_input(&props.on_set_api_key)}
                    autocomplete="off"
                />
            </label>
            <fieldset class="faults">
                <legend>{ "Test endpoint faults" }</legend>
                <label class="setting">
                    <span>{ "Latency (ms)" }</span>
                    <input
                        data-testid="latency"
                        type="number"
                        min="0"
                        max="60000"
                        step="100"
                        value={faults.latency_ms.to_string()}
                        oninput={number(|f, v| f.latency_ms = v)}
                    />
                </label>
                <label class="setting">
                    <span>{ "Fail the next" }</span>
                    <input
                        data-testid="fail-count"
                        type="number"
                        min="0"
                        max="1000"
                        value={faults.fail_count.to_string()}
                        oninput={number(|f, v| f.fail_count = v as u32)}
                    />
                </label>
                <label class="setting">
                    <span>{ "with status" }</span>
                    <select data-testid="fail-status" onchange={on_status}>
                        { for [500, 503, 429, 402, 400, 409].iter().map(|code| html! {
                            <option
                                value={code.to_string()}
                                selected={faults.fail_status == *code}
                            >
                                { code }
                            </option>
                        }) }
                    </select>
                </label>
                <div class="fault-actions">
                    <button
                        class="small"
                        data-testid="apply-faults"
                        onclick={apply}
                    >
                        { "Apply" }
                    </button>
                    <button
                        class="small"
                        data-testid="clear-faults"
                        onclick={clear}
                    >
                        { "Clear" }
                    </button>
                </div>
            </fieldset>
        </section>
    }
}

/// A click handler that calls the admin API with the endpoint and `faults`, then reports.
fn send<F, Fut>(props: &SettingsPanelProps, call: F, faults: Faults) -> Callback<MouseEvent>
where
    F: Fn(String, Faults) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<String, String>> + 'static,
{
    let (endpoint, on_notify) = (props.settings.endpoint.clone(), props.on_notify.clone());
    Callback::from(move |_: MouseEvent| {
        let (answer, on_notify) = (call(endpoint.clone(), faults), on_notify.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let notice = match answer.await {
                Ok(text) => Notice::info(text),
                Err(text) => Notice::error(text),
            };
            on_notify.emit(notice);
        });
    })
}
