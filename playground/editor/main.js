// The playground's code editor: CodeMirror 6 behind a small handle the Rust side drives.
//
// The editor owns its document. The page pushes text in only when another file is selected
// or a flow set is loaded, and hears about every edit through `onChange`, so re-rendering
// the page never moves the caret or drops a key.

import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { Annotation, Compartment, EditorState, Prec } from "@codemirror/state";
import { indentWithTab } from "@codemirror/commands";
import { indentUnit } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { oneDark } from "@codemirror/theme-one-dark";

import { rhai } from "./rhai.js";

// Marks the page's own document changes, which must not echo back as edits.
const fromPage = Annotation.define();

// Rhai counts columns in characters; CodeMirror counts UTF-16 units.
function offsetOf(doc, line, column) {
  const number = Math.min(Math.max(line || 1, 1), doc.lines);
  const target = doc.line(number);
  let offset = target.from;
  let chars = 1;
  for (const ch of target.text) {
    if (chars >= (column || 1)) break;
    offset += ch.length;
    chars += 1;
  }
  return offset;
}

function toDiagnostic(doc, item) {
  const from = offsetOf(doc, item.line, item.column);
  const end = doc.lineAt(from).to;
  const to = Math.min(end, from + Math.max(1, (item.length || 1)));
  return { from, to: Math.max(from, to), severity: item.severity || "error", message: item.message };
}

function themeFor(dark) {
  return dark ? oneDark : EditorView.theme({}, { dark: false });
}

function create(parent, options) {
  const theme = new Compartment();
  const run = Prec.highest(
    keymap.of([{ key: "Mod-Enter", preventDefault: true, run: () => (options.onRun(), true) }]),
  );
  const listen = EditorView.updateListener.of((update) => {
    const echoed = update.transactions.some((tr) => tr.annotation(fromPage));
    if (update.docChanged && !echoed) options.onChange(update.state.doc.toString());
  });
  const extensions = (dark) => [
    run,
    basicSetup,
    keymap.of([indentWithTab]),
    indentUnit.of("    "),
    rhai,
    lintGutter(),
    theme.of(themeFor(dark)),
    listen,
    EditorView.contentAttributes.of({ "aria-label": "Script editor" }),
  ];
  const editor = { dark: !!options.dark, name: null, states: new Map(), extensions, theme };
  const state = EditorState.create({ doc: "", extensions: extensions(editor.dark) });
  editor.view = new EditorView({ parent, state });
  return handle(editor);
}

// Each file keeps its own editor state, so undo history follows the file across switches.
function open(editor, name, text) {
  const { view } = editor;
  if (editor.name !== null) editor.states.set(editor.name, view.state);
  editor.name = name;
  const kept = editor.states.get(name);
  if (kept && kept.doc.toString() === text) {
    view.setState(kept);
    view.dispatch({ effects: editor.theme.reconfigure(themeFor(editor.dark)) });
    return;
  }
  view.setState(EditorState.create({ doc: text, extensions: editor.extensions(editor.dark) }));
}

function handle(editor) {
  const { view } = editor;
  return {
    open(name, text) {
      open(editor, name, text);
    },
    setDoc(text) {
      const doc = view.state.doc;
      if (doc.toString() === text) return;
      view.dispatch({
        changes: { from: 0, to: doc.length, insert: text },
        annotations: [fromPage.of(true)],
      });
    },
    forget() {
      editor.states.clear();
      editor.name = null;
    },
    setDiagnostics(items) {
      const list = Array.from(items || [], (item) => toDiagnostic(view.state.doc, item));
      view.dispatch(setDiagnostics(view.state, list));
    },
    setDark(dark) {
      editor.dark = !!dark;
      view.dispatch({ effects: editor.theme.reconfigure(themeFor(editor.dark)) });
    },
    focus() {
      view.focus();
    },
    text() {
      return view.state.doc.toString();
    },
    destroy() {
      view.destroy();
    },
  };
}

window.rhaiFlowEditor = { create };
