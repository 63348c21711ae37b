//! The flow set's scripts: select one to edit, add, rename, delete, choose the main one.

use yew::prelude::*;

use crate::flowdoc::FlowDoc;

#[derive(Properties, PartialEq)]
pub(crate) struct FileListProps {
    pub(crate) doc: FlowDoc,
    pub(crate) selected: Option<String>,
    pub(crate) on_select: Callback<String>,
    pub(crate) on_add: Callback<()>,
    pub(crate) on_rename: Callback<(String, String)>,
    pub(crate) on_delete: Callback<String>,
    pub(crate) on_set_main: Callback<String>,
}

#[function_component]
pub(crate) fn FileList(props: &FileListProps) -> Html {
    // The script whose name is being edited; a name is view state, not flow set state.
    let renaming = use_state(|| None::<String>);
    let on_add = {
        let on_add = props.on_add.clone();
        Callback::from(move |_: MouseEvent| on_add.emit(()))
    };
    let items = props.doc.scripts.keys().map(|name| {
        if renaming.as_deref() == Some(name.as_str()) {
            rename_input(props, name, &renaming)
        } else {
            entry(props, name, &renaming)
        }
    });
    html! {
        <section class="panel files" aria-label="Scripts">
            <header class="panel-head">
                <h2>{ "Scripts" }</h2>
                <button class="small" data-testid="add-script" onclick={on_add}>{ "+ Add" }</button>
            </header>
            <ul class="file-list" data-testid="files">{ for items }</ul>
        </section>
    }
}

fn entry(props: &FileListProps, name: &str, renaming: &UseStateHandle<Option<String>>) -> Html {
    let is_main = props.doc.main == name;
    let selected = props.selected.as_deref() == Some(name);
    let events: Vec<&str> = props.doc.events_of(name).collect();
    let emit = |callback: &Callback<String>| {
        let (callback, name) = (callback.clone(), name.to_owned());
        Callback::from(move |event: MouseEvent| {
            event.stop_propagation();
            callback.emit(name.clone());
        })
    };
    let start_rename = {
        let (renaming, name) = (renaming.clone(), name.to_owned());
        Callback::from(move |event: MouseEvent| {
            event.stop_propagation();
            renaming.set(Some(name.clone()));
        })
    };
    let mapped = match (is_main, events.len()) {
        (true, _) => "runs first".to_owned(),
        (false, 0) => "no event".to_owned(),
        (false, _) => events.join(", "),
    };
    html! {
        <li
            class={classes!("file", selected.then_some("selected"))}
            data-file={name.to_owned()}
            onclick={emit(&props.on_select)}
        >
            <div class="file-name">
                <span>{ name }</span>
                if is_main { <span class="badge">{ "main" }</span> }
            </div>
            <div class="file-events" title={mapped.clone()}>{ mapped }</div>
            <div class="file-actions">
                if !is_main {
                    <button
                        class="small"
                        title="Make this the main script"
                        onclick={emit(&props.on_set_main)}
                    >
                        { "main" }
                    </button>
                }
                <button
                    class="small"
                    data-testid="rename"
                    title="Rename"
                    ondblclick={Callback::from(|event: MouseEvent| event.stop_propagation())}
                    onclick={start_rename}
                >
                    { "rename" }
                </button>
                <button
                    class="small danger"
                    data-testid="delete"
                    title="Delete"
                    onclick={emit(&props.on_delete)}
                >
                    { "delete" }
                </button>
            </div>
        </li>
    }
}

fn rename_input(
    props: &FileListProps,
    name: &str,
    renaming: &UseStateHandle<Option<String>>,
) -> Html {
    let commit = {
        let (renaming, on_rename, from) =
            (renaming.clone(), props.on_rename.clone(), name.to_owned());
        move |typed: String| {
            renaming.set(None);
            on_rename.emit((from.clone(), typed));
        }
    };
    let onkeydown = {
        let (commit, renaming) = (commit.clone(), renaming.clone());
        Callback::from(move |event: KeyboardEvent| match event.key().as_str() {
            "Enter" => commit(
                event
                    .target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            ),
            "Escape" => renaming.set(None),
            _ => {}
        })
    };
    let onblur = Callback::from(move |event: FocusEvent| {
        commit(
            event
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value(),
        )
    });
    html! {
        <li class="file renaming">
            <input
                class="rename"
                data-testid="rename-input"
                value={name.to_owned()}
                {onkeydown}
                {onblur}
                aria-label="New name"
                autofocus=true
            />
        </li>
    }
}
