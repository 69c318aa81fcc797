/**
 * A subset of Go's text/template, enough for `strings.render_template`: text and actions
 * (`{{.a.b}}`, `{{$x}}`, `{{- trim -}}`, comments), pipelines with `|`, `if`/`else if`/`else`,
 * `range` (with `$i, $v :=` and `else`), `with`, variables, literals and the builtin functions
 * `len index print printf println eq ne lt le gt ge and or not html js urlquery`. Values print as
 * Go's `%v` prints decoded JSON (maps as `map[k:v]`, slices as `[a b]`). A missing map key
 * renders as `<undefined>`, as OPA does.
 */

export type TData = null | boolean | number | string | TData[] | { [k: string]: TData } | undefined;

export class TemplateError extends Error {}

type Node =
  | { t: 'text'; s: string }
  | { t: 'action'; pipe: Pipe }
  | { t: 'if' | 'with'; pipe: Pipe; body: Node[]; else?: Node[] }
  | { t: 'range'; pipe: Pipe; vars: string[]; body: Node[]; else?: Node[] };

interface Pipe {
  decl: string[];
  cmds: Arg[][];
}

type Arg = { k: 'field'; base: string | null; path: string[] } | { k: 'var'; name: string; path: string[] } | { k: 'lit'; v: TData } | { k: 'ident'; name: string } | { k: 'sub'; pipe: Pipe };

interface Tok {
  text: string;
  trimLeft: boolean;
  trimRight: boolean;
  action: boolean;
}

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      toks.push({ text: src.slice(i), trimLeft: false, trimRight: false, action: false });
      break;
    }
    if (open > i) toks.push({ text: src.slice(i, open), trimLeft: false, trimRight: false, action: false });
    const close = src.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError('template: template:1: unclosed action');
    let inner = src.slice(open + 2, close);
    const trimLeft = /^-[ \t\r\n]/.test(inner);
    const trimRight = /[ \t\r\n]-$/.test(inner);
    if (trimLeft) inner = inner.slice(1);
    if (trimRight) inner = inner.slice(0, -1);
    toks.push({ text: inner.trim(), trimLeft, trimRight, action: true });
    i = close + 2;
  }
  // Apply trim markers to neighbouring text.
  for (let k = 0; k < toks.length; k++) {
    const tk = toks[k]!;
    if (!tk.action) continue;
    const prev = toks[k - 1];
    const next = toks[k + 1];
    if (tk.trimLeft && prev && !prev.action) prev.text = prev.text.replace(/[ \t\r\n]+$/, '');
    if (tk.trimRight && next && !next.action) next.text = next.text.replace(/^[ \t\r\n]+/, '');
  }
  return toks.filter((tk) => !(tk.action && tk.text.startsWith('/*')));
}

function splitWords(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === '\\' && c === '"' ? 2 : 1;
      out.push(s.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (c === '(' || c === ')' || c === '|') {
      out.push(c);
      i++;
      continue;
    }
    if (c === ':' && s[i + 1] === '=') {
      out.push(':=');
      i += 2;
      continue;
    }
    if (c === ',') {
      out.push(',');
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && !/[\s()|,]/.test(s[j]!) && !(s[j] === ':' && s[j + 1] === '=')) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

function parsePipe(words: string[]): Pipe {
  let decl: string[] = [];
  const assign = words.indexOf(':=');
  if (assign >= 0) {
    decl = words.slice(0, assign).filter((w) => w !== ',');
    words = words.slice(assign + 1);
  }
  const cmds: Arg[][] = [];
  let cur: Arg[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '|') {
      cmds.push(cur);
      cur = [];
      continue;
    }
    if (w === '(') {
      let depth = 1;
      let j = i + 1;
      for (; j < words.length && depth > 0; j++) {
        if (words[j] === '(') depth++;
        if (words[j] === ')') depth--;
      }
      cur.push({ k: 'sub', pipe: parsePipe(words.slice(i + 1, j - 1)) });
      i = j - 1;
      continue;
    }
    cur.push(parseArg(w));
  }
  cmds.push(cur);
  return { decl, cmds };
}

function parseArg(w: string): Arg {
  if (w === '.') return { k: 'field', base: null, path: [] };
  if (w.startsWith('.')) return { k: 'field', base: null, path: w.slice(1).split('.') };
  if (w.startsWith('$')) {
    const [name, ...path] = w.split('.');
    return { k: 'var', name: name!, path };
  }
  if (w.startsWith('"')) return { k: 'lit', v: JSON.parse(w) as string };
  if (w.startsWith('`')) return { k: 'lit', v: w.slice(1, -1) };
  if (w === 'true' || w === 'false') return { k: 'lit', v: w === 'true' };
  if (w === 'nil') return { k: 'lit', v: null };
  if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|0x[0-9a-fA-F]+)$/.test(w)) return { k: 'lit', v: Number(w) };
  return { k: 'ident', name: w };
}

function parse(toks: Tok[]): Node[] {
  let pos = 0;
  const block = (stops: string[]): { nodes: Node[]; stop: string } => {
    const nodes: Node[] = [];
    while (pos < toks.length) {
      const tk = toks[pos++]!;
      if (!tk.action) {
        nodes.push({ t: 'text', s: tk.text });
        continue;
      }
      const words = splitWords(tk.text);
      const kw = words[0];
      if (kw && stops.some((s) => s === kw)) return { nodes, stop: tk.text };
      if (kw === 'if' || kw === 'with') {
        nodes.push(conditional(kw, words.slice(1)));
      } else if (kw === 'range') {
        const rest = words.slice(1);
        const assign = rest.indexOf(':=');
        const vars = assign >= 0 ? rest.slice(0, assign).filter((w) => w !== ',') : [];
        const pipe = parsePipe(assign >= 0 ? rest.slice(assign + 1) : rest);
        const body = block(['else', 'end']);
        const node: Node = { t: 'range', pipe, vars, body: body.nodes };
        if (body.stop === 'else') node.else = block(['end']).nodes;
        nodes.push(node);
      } else if (kw === 'end' || kw === 'else') {
        throw new TemplateError(`template: template:1: unexpected {{${kw}}}`);
      } else {
        nodes.push({ t: 'action', pipe: parsePipe(words) });
      }
    }
    if (stops.length) throw new TemplateError('template: template:1: unexpected EOF');
    return { nodes, stop: '' };
  };
  const conditional = (kw: 'if' | 'with', words: string[]): Node => {
    const pipe = parsePipe(words);
    const body = block(['else', 'end']);
    const node: Node = { t: kw, pipe, body: body.nodes };
    if (body.stop.startsWith('else')) {
      const rest = splitWords(body.stop).slice(1);
      if (rest[0] === 'if' || rest[0] === 'with') node.else = [conditional(rest[0], rest.slice(1))];
      else node.else = block(['end']).nodes;
    }
    return node;
  };
  return block([]).nodes;
}

/** Go's %v for decoded JSON values. */
export function goFormat(v: TData): string {
  if (v === undefined) return '<undefined>';
  if (v === null) return '<nil>';
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
    const s = String(v);
    return s.replace(/e([+-])(\d)$/, 'e$10$2');
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(goFormat).join(' ') + ']';
  return 'map[' + Object.keys(v).sort().map((k) => `${k}:${goFormat(v[k])}`).join(' ') + ']';
}

function truthy(v: TData): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function field(v: TData, path: string[]): TData {
  let cur = v;
  for (const p of path) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

const cmp = (a: TData, b: TData): number => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateError('template: incompatible types for comparison');
};

type Scope = Map<string, TData>;

function evalArg(a: Arg, dot: TData, vars: Scope): TData {
  switch (a.k) {
    case 'field':
      return field(dot, a.path);
    case 'var': {
      if (!vars.has(a.name)) throw new TemplateError(`template: template:1: undefined variable "${a.name}"`);
      return field(vars.get(a.name), a.path);
    }
    case 'lit':
      return a.v;
    case 'sub':
      return evalPipe(a.pipe, dot, vars);
    case 'ident':
      return call(a.name, [], dot, vars);
  }
}

function call(name: string, args: TData[], _dot: TData, _vars: Scope): TData {
  switch (name) {
    case 'len': {
      const v = args[0];
      if (typeof v === 'string') return Buffer.byteLength(v);
      if (Array.isArray(v)) return v.length;
      if (v && typeof v === 'object') return Object.keys(v).length;
      throw new TemplateError(`template: error calling len: len of type ${typeof v}`);
    }
    case 'index': {
      let v = args[0];
      for (const k of args.slice(1)) {
        if (Array.isArray(v) && typeof k === 'number') v = v[k];
        else if (v && typeof v === 'object' && !Array.isArray(v) && typeof k === 'string') v = v[k];
        else throw new TemplateError('template: error calling index: cannot index');
      }
      return v;
    }
    case 'print':
      return args.map(goFormat).join('');
    case 'println':
      return args.map(goFormat).join(' ') + '\n';
    case 'printf': {
      const [f, ...rest] = args;
      let i = 0;
      return String(f).replace(/%([vsdq%])/g, (_m, c: string) => (c === '%' ? '%' : c === 'q' ? JSON.stringify(goFormat(rest[i++])) : goFormat(rest[i++])));
    }
    case 'eq':
      return args.slice(1).some((b) => JSON.stringify(b) === JSON.stringify(args[0]));
    case 'ne':
      return JSON.stringify(args[0]) !== JSON.stringify(args[1]);
    case 'lt':
      return cmp(args[0], args[1]) < 0;
    case 'le':
      return cmp(args[0], args[1]) <= 0;
    case 'gt':
      return cmp(args[0], args[1]) > 0;
    case 'ge':
      return cmp(args[0], args[1]) >= 0;
    case 'and':
      return args.find((a) => !truthy(a)) ?? args[args.length - 1];
    case 'or':
      return args.find((a) => truthy(a)) ?? args[args.length - 1];
    case 'not':
      return !truthy(args[0]);
    case 'html':
      return args.map(goFormat).join('').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
    case 'js':
      return JSON.stringify(args.map(goFormat).join('')).slice(1, -1);
    case 'urlquery':
      return encodeURIComponent(args.map(goFormat).join(''));
    default:
      throw new TemplateError(`template: template:1: function "${name}" not defined`);
  }
}

function evalPipe(p: Pipe, dot: TData, vars: Scope): TData {
  let prev: TData | typeof NONE = NONE;
  for (const cmd of p.cmds) {
    const [head, ...rest] = cmd;
    if (!head) continue;
    let v: TData;
    if (head.k === 'ident') {
      const args = rest.map((a) => evalArg(a, dot, vars));
      if (prev !== NONE) args.push(prev as TData);
      v = call(head.name, args, dot, vars);
    } else {
      v = evalArg(head, dot, vars);
    }
    prev = v;
  }
  const result = prev === NONE ? undefined : (prev as TData);
  if (p.decl.length === 1) vars.set(p.decl[0]!, result);
  return result;
}

const NONE = Symbol('none');

/** Counts execution work against the caller's limits; throws to stop rendering. */
type Charge = (steps: number) => void;

function exec(nodes: Node[], dot: TData, vars: Scope, charge: Charge): string {
  let out = '';
  charge(nodes.length);
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
        out += n.s;
        break;
      case 'action': {
        const v = evalPipe(n.pipe, dot, vars);
        if (n.pipe.decl.length === 0) out += goFormat(v);
        break;
      }
      case 'if':
      case 'with': {
        const v = evalPipe(n.pipe, dot, vars);
        if (truthy(v)) out += exec(n.body, n.t === 'with' ? v : dot, new Map(vars), charge);
        else if (n.else) out += exec(n.else, dot, new Map(vars), charge);
        break;
      }
      case 'range': {
        const v = evalPipe(n.pipe, dot, vars);
        // `range N` is sized by a small number: count it before building the iterations.
        if (typeof v === 'number' && v > 0) charge(v);
        const entries: [TData, TData][] = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : v && typeof v === 'object'
            ? Object.keys(v)
                .sort()
                .map((k) => [k, v[k]])
            : typeof v === 'number'
              ? Array.from({ length: v }, (_x, i) => [i, i] as [TData, TData])
              : [];
        if (entries.length === 0) {
          if (n.else) out += exec(n.else, dot, new Map(vars), charge);
          break;
        }
        for (const [k, x] of entries) {
          const scope = new Map(vars);
          if (n.vars.length === 1) scope.set(n.vars[0]!, x);
          if (n.vars.length === 2) {
            scope.set(n.vars[0]!, k);
            scope.set(n.vars[1]!, x);
          }
          out += exec(n.body, x, scope, charge);
        }
        break;
      }
    }
  }
  return out;
}

/**
 * Render `src` with `data` as dot. Throws TemplateError. Work (nodes executed, `range`
 * iterations) is reported to `charge`, which may throw to stop a runaway template.
 */
export function renderTemplate(src: string, data: TData, charge: Charge): string {
  const nodes = parse(lex(src));
  return exec(nodes, data, new Map([['$', data]]), charge);
}
