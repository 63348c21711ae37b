//! The code editor's JavaScript handle, from the CodeMirror bundle the page loads first.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// One CodeMirror editor in the page.
    pub(crate) type EditorHandle;

    /// Creates an editor in `parent`; `options` holds `onChange(text)` and `onRun()`.
    #[wasm_bindgen(js_namespace = rhaiFlowEditor, js_name = create)]
    pub(crate) fn create_editor(parent: &web_sys::Element, options: &JsValue) -> EditorHandle;

    /// Shows the file `name` with `text`, keeping each file's undo history apart.
    #[wasm_bindgen(method)]
    pub(crate) fn open(this: &EditorHandle, name: &str, text: &str);

    /// Drops every file's saved editor state, for a flow set that replaces the last one.
    #[wasm_bindgen(method)]
    pub(crate) fn forget(this: &EditorHandle);

    /// Marks lines with `[{line, column, message, severity}]`.
    #[wasm_bindgen(method, js_name = setDiagnostics)]
    pub(crate) fn set_diagnostics(this: &EditorHandle, items: &JsValue);

    #[wasm_bindgen(method, js_name = setDark)]
    pub(crate) fn set_dark(this: &EditorHandle, dark: bool);

    #[wasm_bindgen(method)]
    pub(crate) fn destroy(this: &EditorHandle);
}
