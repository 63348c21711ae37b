//! The page: the toolbar, the scripts and their events, the editor, the timeline and the
//! details of the selected event.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use rhai_flow::EventId;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::{
    counters::Counters, details::Details, editor::Editor, event_map::EventMap, file_list::FileList,
    settings::SettingsPanel, timeline_view::TimelineView, toolbar::Toolbar,
};
use crate::diagnostics::{from_error, Diagnostic};
use crate::runner::Runner;
use crate::state::{Action, Notice, State, Theme};
use crate::{share, storage};

#[function_component]
pub(crate) fn App() -> Html {
    let state = use_reducer(initial_state);
    let runner = use_mut_ref(Runner::default);
    let settings_open = use_state(|| false);
    let has_before_link = use_state(|| storage::before_link().is_some());
    let system_dark = use_memo((), |()| prefers_dark());
    let dark = match state.settings.theme {
        Some(theme) => theme == Theme::Dark,
        None => *system_dark,
    };

    use_effect_with(
        (state.doc.clone(), state.settings.clone()),
        |(doc, settings)| storage::save(doc, settings),
    );
    use_effect_with(dark, |dark| set_theme_attribute(*dark));
    {
        // Every change to the shown script is checked, off the page, by the flow worker.
        let (runner, dispatcher) = (runner.clone(), state.dispatcher());
        let shown = state.selected.clone().and_then(|name| {
            let source = state.doc.scripts.get(&name)?.clone();
            Some((name, source))
        });
        use_effect_with(shown, move |shown| {
            if let Some((name, source)) = shown.clone() {
                runner.borrow_mut().check(name, source, &dispatcher);
            }
        });
    }

    let on_run = {
        let (state, runner) = (state.clone(), runner.clone());
        Callback::from(move |()| {
            runner
                .borrow_mut()
                .start(&state.doc, &state.settings, state.dispatcher())
        })
    };
    let on_stop = {
        let runner = runner.clone();
        Callback::from(move |()| runner.borrow().stop())
    };
    use_run_shortcut(&on_run);
    use_links_opened_later();

    let dispatch = |make: fn(String) -> Action| {
        let state = state.clone();
        Callback::from(move |value: String| state.dispatch(make(value)))
    };
    let on_share = {
        let state = state.clone();
        Callback::from(move |()| share_link(&state))
    };
    let on_toggle_theme = {
        let (state, system_dark) = (state.clone(), *system_dark);
        Callback::from(move |()| state.dispatch(Action::ToggleTheme { system_dark }))
    };
    let on_toggle_settings = {
        let settings_open = settings_open.clone();
        Callback::from(move |()| settings_open.set(!*settings_open))
    };
    let on_notify = {
        let state = state.clone();
        Callback::from(move |notice| state.dispatch(Action::Notify(notice)))
    };

    html! {
        <div
            class="app"
            data-idle={(!state.run.running).to_string()}
            data-run={state.run.number.to_string()}
            data-testid="app"
        >
            <Toolbar
                running={state.run.running}
                {dark}
                settings_open={*settings_open}
                on_run={on_run.clone()}
                {on_stop}
                on_load_example={reduce(&state, Action::LoadExample)}
                on_restore_before_link={restore_before_link(&state)}
                has_before_link={*has_before_link}
                {on_share}
                {on_toggle_settings}
                {on_toggle_theme}
            />
            if *settings_open {
                <SettingsPanel
                    settings={state.settings.clone()}
                    on_set_endpoint={dispatch(Action::SetEndpoint)}
                    on_set_api_key={dispatch(Action::SetApiKey)}
                    {on_notify}
                />
            }
            { notice(&state) }
            <main class="work">
                { sidebar(&state, &dispatch) }
                { editor(&state, dark, on_run) }
                { run_panel(&state) }
            </main>
        </div>
    }
}

/// A callback that dispatches the action `make` builds from its argument.
fn restore_before_link(state: &UseReducerHandle<State>) -> Callback<()> {
    let state = state.clone();
    Callback::from(move |()| {
        if let Some(doc) = storage::before_link() {
            state.dispatch(Action::RestoreBeforeLink(doc));
        }
    })
}

fn reduce<T: 'static>(state: &UseReducerHandle<State>, make: fn(T) -> Action) -> Callback<T> {
    let state = state.clone();
    Callback::from(move |value: T| state.dispatch(make(value)))
}

fn sidebar(
    state: &UseReducerHandle<State>,
    dispatch: &dyn Fn(fn(String) -> Action) -> Callback<String>,
) -> Html {
    let rename = reduce(state, |(from, to)| Action::RenameScript { from, to });
    let map = reduce(state, |(event, script)| Action::MapEvent { event, script });
    html! {
        <aside class="sidebar">
            <FileList
                doc={state.doc.clone()}
                selected={state.selected.clone()}
                on_select={dispatch(Action::SelectFile)}
                on_add={reduce(state, |()| Action::AddScript)}
                on_rename={rename}
                on_delete={dispatch(Action::DeleteScript)}
                on_set_main={dispatch(Action::SetMain)}
            />
            <EventMap
                doc={state.doc.clone()}
                on_map={map}
                on_unmap={dispatch(Action::UnmapEvent)}
            />
        </aside>
    }
}

fn editor(state: &UseReducerHandle<State>, dark: bool, on_run: Callback<()>) -> Html {
    let name = state
        .selected
        .clone()
        .filter(|name| state.doc.scripts.contains_key(name));
    let source = name
        .as_ref()
        .and_then(|name| state.doc.scripts.get(name))
        .cloned()
        .unwrap_or_else(|| "".into());
    let diagnostics = Rc::new(diagnostics(state, name.as_deref()));
    let on_change = reduce(state, |(name, source)| Action::EditScript { name, source });
    let title = name.clone().unwrap_or_default();
    html! {
        <section class="panel editor-panel" aria-label="Editor">
            <header class="panel-head">
                <h2 data-testid="editor-title">{ title }</h2>
                <span class="hint">{ "Ctrl/⌘-Enter runs" }</span>
            </header>
            <Editor {name} {source} loads={state.loads} {diagnostics} {dark} {on_change} {on_run} />
        </section>
    }
}

/// The last run's error for the shown script, or else the error its last check found.
fn diagnostics(state: &State, name: Option<&str>) -> Vec<Diagnostic> {
    let Some(name) = name else {
        return Vec::new();
    };
    let checked = state.syntax.as_ref().filter(|syntax| syntax.name == name);
    let error = state
        .run
        .errors
        .get(name)
        .or_else(|| checked.and_then(|syntax| syntax.error.as_ref()));
    error.into_iter().map(from_error).collect()
}

fn run_panel(state: &UseReducerHandle<State>) -> Html {
    let timeline = state.run.timeline.clone();
    let on_select = reduce(state, |id: EventId| Action::SelectEvent(Some(id)));
    let on_open_script = reduce(state, Action::SelectFile);
    let selected = state
        .selected_event
        .and_then(|id| timeline.find(id))
        .cloned();
    html! {
        <section class="panel run-panel" aria-label="Run">
            <header class="panel-head">
                <h2>{ "Timeline" }</h2>
                <Counters
                    counts={timeline.counters}
                    running={state.run.running}
                    events={timeline.len()}
                />
            </header>
            <TimelineView
                timeline={timeline.clone()}
                run={state.run.number}
                selected={state.selected_event}
                {on_select}
            />
            if let Some(event) = selected {
                <Details {timeline} {event} {on_open_script} />
            }
        </section>
    }
}

fn notice(state: &UseReducerHandle<State>) -> Html {
    let Some(notice) = &state.notice else {
        return Html::default();
    };
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::DismissNotice))
    };
    html! {
        <div
            class={classes!("notice", notice.error.then_some("error"))}
            role="status"
            data-testid="notice"
        >
            <span class="notice-text">{ notice.text.clone() }</span>
            if let Some(link) = &notice.link {
                <input
                    class="notice-link"
                    data-testid="share-link"
                    readonly=true
                    value={link.clone()}
                    onfocus={select_all()}
                    aria-label="Share link"
                />
            }
            <button class="small" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
        </div>
    }
}

fn select_all() -> Callback<FocusEvent> {
    Callback::from(|event: FocusEvent| {
        event
            .target_unchecked_into::<web_sys::HtmlInputElement>()
            .select()
    })
}

/// The saved flow set and settings, replaced by the flow set of a share link if the page was
/// opened with one.
fn initial_state() -> State {
    let saved = storage::load();
    let settings = saved
        .as_ref()
        .map(|saved| saved.settings.clone())
        .unwrap_or_default();
    let saved_doc = saved.map(|saved| saved.doc);
    let mut state = State::new(saved_doc.clone(), settings.clone());
    let Some(shared) = take_fragment().and_then(|fragment| share::decode(&fragment)) else {
        return state;
    };
    match shared {
        Ok(doc) => {
            let replaced = saved_doc.filter(|saved| *saved != doc);
            let text = match &replaced {
                Some(_) => {
                    "Opened the flow set from the link. The one you had is kept: \
                     “Load an example…” → “Your flow set before the link”."
                }
                None => "Opened the flow set from the link.",
            };
            if let Some(previous) = replaced {
                storage::keep_before_link(&previous);
            }
            state = State::new(Some(doc), settings);
            state.notice = Some(Notice::info(text));
        }
        Err(text) => state.notice = Some(Notice::error(text)),
    }
    state
}

/// The page's fragment, removed from the address bar so that a reload keeps later edits.
fn take_fragment() -> Option<String> {
    let window = web_sys::window()?;
    let fragment = window
        .location()
        .hash()
        .ok()
        .filter(|hash| !hash.is_empty())?;
    let path = window.location().pathname().ok()?;
    let search = window.location().search().unwrap_or_default();
    let history = window.history().ok()?;
    let _ = history.replace_state_with_url(
        &wasm_bindgen::JsValue::NULL,
        "",
        Some(&format!("{path}{search}")),
    );
    Some(fragment)
}

fn share_link(state: &UseReducerHandle<State>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let base = format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    );
    let link = format!("{base}{}", share::encode(&state.doc));
    // Clipboard access may be refused; the link is shown either way.
    let _ = window.navigator().clipboard().write_text(&link);
    let text = "Link copied. It holds the scripts and the event mapping, never the API key.";
    state.dispatch(Action::Notify(Notice {
        link: Some(link),
        ..Notice::info(text)
    }));
}

fn prefers_dark() -> bool {
    let query = web_sys::window()
        .and_then(|window| window.match_media("(prefers-color-scheme: dark)").ok());
    query.flatten().is_some_and(|query| query.matches())
}

fn set_theme_attribute(dark: bool) {
    let root = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|doc| doc.document_element());
    if let Some(root) = root {
        let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
}

/// A share link pasted into the address bar of an open page only changes the fragment; the
/// page reloads so that the link is read the way it is on a first visit.
#[hook]
fn use_links_opened_later() {
    use_effect_with((), move |()| {
        let listener = web_sys::window().map(|window| {
            EventListener::new(&window, "hashchange", move |_| {
                let Some(location) = web_sys::window().map(|window| window.location()) else {
                    return;
                };
                if location.hash().is_ok_and(|hash| hash.starts_with("#v")) {
                    let _ = location.reload();
                }
            })
        });
        move || drop(listener)
    });
}

/// Ctrl-Enter or ⌘-Enter anywhere on the page runs; the editor handles its own first.
#[hook]
fn use_run_shortcut(on_run: &Callback<()>) {
    let latest = use_mut_ref(|| on_run.clone());
    *latest.borrow_mut() = on_run.clone();
    use_effect_with((), move |()| {
        let listener = document().map(|document| keydown_listener(&document, latest));
        move || drop(listener)
    });
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

fn keydown_listener(
    document: &web_sys::Document,
    latest: Rc<RefCell<Callback<()>>>,
) -> EventListener {
    EventListener::new(document, "keydown", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        let modifier = event.ctrl_key() || event.meta_key();
        if modifier && event.key() == "Enter" && !event.default_prevented() {
            event.prevent_default();
            latest.borrow().emit(());
        }
    })
}
