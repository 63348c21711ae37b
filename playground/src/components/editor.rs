//! The code editor: a CodeMirror view that owns its document.
//!
//! Yew renders only the element CodeMirror lives in. Text goes into the editor when the
//! selected file changes or a flow set is loaded, never on an ordinary re-render, so typing
//! is not interrupted; every edit comes back through `on_change`.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::bridge::{create_editor, EditorHandle};
use crate::diagnostics::Diagnostic;

#[derive(Properties, PartialEq)]
pub(crate) struct EditorProps {
    /// The file shown; `None` when the flow set has no scripts.
    pub(crate) name: Option<String>,
    pub(crate) source: Rc<str>,
    /// Grows when the whole flow set is replaced.
    pub(crate) loads: u64,
    pub(crate) diagnostics: Rc<Vec<Diagnostic>>,
    pub(crate) dark: bool,
    /// Called with the file's name and its new text after every edit.
    pub(crate) on_change: Callback<(String, String)>,
    pub(crate) on_run: Callback<()>,
}

/// What lives as long as the CodeMirror view: the handle, the callbacks it calls, and
/// the file it shows.
#[derive(Default)]
struct Mounted {
    handle: Option<EditorHandle>,
    closures: Vec<Closure<dyn Fn(JsValue)>>,
    name: Option<String>,
    loads: u64,
}

#[function_component]
pub(crate) fn Editor(props: &EditorProps) -> Html {
    let host = use_node_ref();
    let mounted = use_mut_ref(Mounted::default);
    // The view's callbacks outlive any one render, so they read the latest props here.
    let latest = use_mut_ref(|| (props.on_change.clone(), props.on_run.clone()));
    *latest.borrow_mut() = (props.on_change.clone(), props.on_run.clone());

    use_effect_with((), {
        let (host, mounted, latest, dark) =
            (host.clone(), mounted.clone(), latest.clone(), props.dark);
        move |()| {
            mount(&host, &mounted, &latest, dark);
            move || unmount(&mounted)
        }
    });
    use_effect_with((props.name.clone(), props.loads), {
        let (mounted, source) = (mounted.clone(), props.source.clone());
        move |(name, loads)| open(&mounted, name.as_deref(), &source, *loads)
    });
    use_effect_with(
        (props.diagnostics.clone(), props.name.clone(), props.loads),
        {
            let mounted = mounted.clone();
            move |(diagnostics, _, _)| mark(&mounted, diagnostics)
        },
    );
    use_effect_with(props.dark, {
        let mounted = mounted.clone();
        move |dark| with_handle(&mounted, |handle| handle.set_dark(*dark))
    });

    let empty = props.name.is_none();
    html! {
        <div class={classes!("editor", empty.then_some("editor-empty"))} data-testid="editor">
            <div class="editor-host" ref={host}></div>
            if empty {
                <p
                    class="editor-placeholder"
                >
                    { "No script selected. Add one from the file list." }
                </p>
            }
        </div>
    }
}

type Latest = Rc<RefCell<(Callback<(String, String)>, Callback<()>)>>;

fn mount(host: &NodeRef, mounted: &Rc<RefCell<Mounted>>, latest: &Latest, dark: bool) {
    let Some(parent) = host.cast::<web_sys::Element>() else {
        return;
    };
    let changed = {
        let (mounted, latest) = (mounted.clone(), latest.clone());
        Closure::<dyn Fn(JsValue)>::new(move |text: JsValue| {
            let name = mounted.borrow().name.clone();
            if let (Some(name), Some(text)) = (name, text.as_string()) {
                latest.borrow().0.emit((name, text));
            }
        })
    };
    let run = {
        let latest = latest.clone();
        Closure::<dyn Fn(JsValue)>::new(move |_| latest.borrow().1.emit(()))
    };
    let options = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&options, &key.into(), value);
    let _ = set("onChange", changed.as_ref());
    let _ = set("onRun", run.as_ref());
    let _ = set("dark", &dark.into());
    let mut mounted = mounted.borrow_mut();
    mounted.handle = Some(create_editor(&parent, &options));
    mounted.closures = vec![changed, run];
}

fn unmount(mounted: &Rc<RefCell<Mounted>>) {
    let mut mounted = mounted.borrow_mut();
    if let Some(handle) = mounted.handle.take() {
        handle.destroy();
    }
    mounted.closures.clear();
}

fn with_handle(mounted: &Rc<RefCell<Mounted>>, act: impl FnOnce(&EditorHandle)) {
    if let Some(handle) = &mounted.borrow().handle {
        act(handle);
    }
}

fn open(mounted: &Rc<RefCell<Mounted>>, name: Option<&str>, source: &str, loads: u64) {
    let mut state = mounted.borrow_mut();
    let Some(handle) = &state.handle else {
        return;
    };
    if state.loads != loads {
        handle.forget();
    }
    handle.open(name.unwrap_or(""), if name.is_some() { source } else { "" });
    state.loads = loads;
    state.name = name.map(str::to_owned);
}

fn mark(mounted: &Rc<RefCell<Mounted>>, diagnostics: &[Diagnostic]) {
    let json = serde_json::to_string(diagnostics).unwrap_or_else(|_| "[]".to_owned());
    let items = js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL);
    with_handle(mounted, |handle| handle.set_diagnostics(&items));
}
