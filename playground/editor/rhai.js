// A Rhai tokenizer for CodeMirror's StreamLanguage: keywords, strings with backtick
// interpolation, nested block comments, numbers and calls. It colours text; it does not
// parse, so the Rust side stays the one judge of what is valid.

import { StreamLanguage } from "@codemirror/language";

const KEYWORDS = new Set([
  "let", "const", "if", "else", "switch", "while", "loop", "for", "in", "do", "until",
  "break", "continue", "return", "throw", "try", "catch", "fn", "private", "import",
  "export", "as", "global", "this", "is_def_var", "is_def_fn", "is_shared", "Fn", "call",
  "curry", "type_of", "print", "debug", "eval",
]);
const ATOMS = new Set(["true", "false"]);

// Each frame on the stack is what the tokenizer is inside: a backtick string, or the
// expression of a `${...}` with how many braces it has opened since.
function startState() {
  return { stack: [], commentDepth: 0, afterDot: false };
}

function copyState(state) {
  return {
    stack: state.stack.map((frame) => ({ ...frame })),
    commentDepth: state.commentDepth,
    afterDot: state.afterDot,
  };
}

function top(state) {
  return state.stack[state.stack.length - 1];
}

function blockComment(stream, state) {
  while (!stream.eol()) {
    if (stream.match("/*")) {
      state.commentDepth += 1;
    } else if (stream.match("*/")) {
      state.commentDepth -= 1;
      if (state.commentDepth === 0) break;
    } else {
      stream.next();
    }
  }
  return "comment";
}

function backtickString(stream, state) {
  if (stream.match("${")) {
    state.stack.push({ kind: "interpolation", braces: 0 });
    return "string-2";
  }
  if (stream.eat("`")) {
    state.stack.pop();
    return "string";
  }
  while (!stream.eol()) {
    if (stream.peek() === "`" || stream.match("${", false)) break;
    if (stream.next() === "\\") stream.next();
  }
  return "string";
}

function quoted(stream, quote) {
  let escaped = false;
  let ch;
  while ((ch = stream.next()) != null) {
    if (ch === quote && !escaped) break;
    escaped = !escaped && ch === "\\";
  }
  return "string";
}

function braces(stream, state) {
  const frame = top(state);
  const ch = stream.next();
  if (frame && frame.kind === "interpolation") {
    if (ch === "{") frame.braces += 1;
    if (ch === "}" && frame.braces === 0) {
      state.stack.pop();
      return "string-2";
    }
    if (ch === "}") frame.braces -= 1;
  }
  return "bracket";
}

function word(stream, state) {
  const afterDot = state.afterDot;
  state.afterDot = false;
  const text = stream.current();
  if (afterDot) return "property";
  if (KEYWORDS.has(text)) return "keyword";
  if (ATOMS.has(text)) return "atom";
  if (stream.match(/^\s*\(/, false)) return "def";
  return "variable";
}

function token(stream, state) {
  if (state.commentDepth > 0) return blockComment(stream, state);
  const frame = top(state);
  if (frame && frame.kind === "backtick") return backtickString(stream, state);
  if (stream.eatSpace()) return null;

  if (stream.match("//")) {
    stream.skipToEnd();
    return "comment";
  }
  if (stream.match("/*")) {
    state.commentDepth = 1;
    return blockComment(stream, state);
  }
  const ch = stream.peek();
  if (ch === "`") {
    stream.next();
    state.stack.push({ kind: "backtick" });
    return "string";
  }
  if (ch === '"' || ch === "'") return quoted(stream, stream.next());
  if (ch === "{" || ch === "}") return braces(stream, state);
  if (stream.match(/^(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*(\.\d[\d_]*)?(e[+-]?\d+)?)/)) {
    return "number";
  }
  if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) return word(stream, state);
  if (stream.eat("#") && stream.eat("{")) {
    stream.backUp(1);
    return "operator";
  }
  stream.next();
  state.afterDot = ch === "." || (ch === "?" && stream.eat("."));
  return /[()[\];,]/.test(ch) ? "punctuation" : "operator";
}

export const rhai = StreamLanguage.define({
  name: "rhai",
  startState,
  copyState,
  token,
  indent(state, textAfter, context) {
    // Indent one unit per open brace; StreamLanguage gives no tree to count them on.
    const before = context.state.doc.sliceString(0, context.pos);
    const opened = (before.match(/[{([]/g) || []).length;
    const closed = (before.match(/[})\]]/g) || []).length;
    const closing = /^\s*[})\]]/.test(textAfter) ? 1 : 0;
    return Math.max(0, opened - closed - closing) * context.unit;
  },
  languageData: {
    commentTokens: { line: "//", block: { open: "/*", close: "*/" } },
    closeBrackets: { brackets: ["(", "[", "{", '"', "`"] },
    indentOnInput: /^\s*[}\])]$/,
  },
});
