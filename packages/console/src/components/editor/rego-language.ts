/**
 * Rego highlighting for CodeMirror: a small stream tokenizer (keywords, strings, raw strings,
 * numbers, comments, operators). Enough to read policies comfortably; the server's parser is the
 * judge of what is valid and its errors come back as diagnostics at their line:column.
 */
import { StreamLanguage, type StringStream } from '@codemirror/language';

const keywords = new Set(['package', 'import', 'default', 'not', 'some', 'every', 'in', 'if', 'contains', 'with', 'as', 'else']);
const atoms = new Set(['true', 'false', 'null']);

interface State {
  inRaw: boolean;
}

function token(stream: StringStream, state: State): string | null {
  if (state.inRaw) {
    if (stream.skipTo('`')) {
      stream.next();
      state.inRaw = false;
    } else stream.skipToEnd();
    return 'string';
  }
  if (stream.eatSpace()) return null;
  const ch = stream.peek();
  if (ch === '#') {
    stream.skipToEnd();
    return 'comment';
  }
  if (ch === '"') {
    stream.next();
    let escaped = false;
    let c: string | void;
    while ((c = stream.next()) !== undefined) {
      if (c === '"' && !escaped) break;
      escaped = !escaped && c === '\\';
    }
    return 'string';
  }
  if (ch === '`') {
    stream.next();
    state.inRaw = true;
    return token(stream, state);
  }
  if (stream.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/)) return 'number';
  if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
    const word = stream.current();
    if (keywords.has(word)) return 'keyword';
    if (atoms.has(word)) return 'atom';
    if (word === 'input' || word === 'data') return 'variableName.special';
    if (stream.peek() === '(') return 'function';
    return 'variableName';
  }
  if (stream.match(/^(:=|==|!=|<=|>=|[=<>+\-*/%|&])/)) return 'operator';
  stream.next();
  return null;
}

export const rego = StreamLanguage.define<State>({
  name: 'rego',
  startState: () => ({ inRaw: false }),
  token,
  languageData: { commentTokens: { line: '#' } },
});
