/**
 * AST → Rego source, for error messages, debugging and tests (round trips). The output is
 * valid v1 Rego that parses back to an equivalent AST; it is not a formatter (`opa fmt`
 * layout is not attempted). Infix calls print with their operator, wildcards as `_`.
 */

import type { Expr, ExprTerms, Module, Rule, RuleHead, Term, Var, Ref, With, Import } from './nodes.ts';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Operator precedence for parenthesising infix calls (higher binds tighter). */
const prec: Record<string, number> = { in: 0, '==': 1, '!=': 1, '<': 1, '<=': 1, '>': 1, '>=': 1, '|': 2, '&': 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5 };

/**
 * Print a term.
 * @example printTerm(parseTerm('a + b * 2')) // 'a + b * 2'
 */
export function printTerm(t: Term): string {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return t.value ? 'true' : 'false';
    case 'number':
      return t.raw;
    case 'string':
      return JSON.stringify(t.value);
    case 'var':
      return t.wildcard === true ? '_' : t.name;
    case 'ref':
      return printRef(t);
    case 'array':
      return `[${t.items.map(printTerm).join(', ')}]`;
    case 'set':
      return t.items.length === 0 ? 'set()' : `{${t.items.map(printTerm).join(', ')}}`;
    case 'object':
      return `{${t.items.map((it) => `${printTerm(it.key)}: ${printTerm(it.value)}`).join(', ')}}`;
    case 'arraycomprehension':
      return `[${printTerm(t.term)} | ${printBody(t.body)}]`;
    case 'setcomprehension':
      return `{${printTerm(t.term)} | ${printBody(t.body)}}`;
    case 'objectcomprehension':
      return `{${printTerm(t.key)}: ${printTerm(t.value)} | ${printBody(t.body)}}`;
    case 'call':
      return printCall(t.infix, t.operator, t.args);
    case 'templatestring': {
      let out = '$"';
      for (const p of t.parts) {
        if (p.type === 'string') out += JSON.stringify(p.value).slice(1, -1).replace(/\{/g, '\\{');
        else out += `{${printExpr(p)}}`;
      }
      return out + '"';
    }
  }
}

function printCall(infix: string | undefined, operator: Var | Ref, args: Term[]): string {
  if (infix !== undefined) {
    const p = prec[infix] ?? 0;
    const side = (a: Term, right: boolean): string => {
      const s = printTerm(a);
      if (a.type === 'call' && a.infix !== undefined) {
        const q = prec[a.infix] ?? 0;
        if (q < p || (right && q === p)) return `(${s})`;
      }
      return s;
    };
    if (infix === 'in' && args.length === 3) return `${side(args[0] as Term, false)}, ${side(args[1] as Term, false)} in ${side(args[2] as Term, true)}`;
    return `${side(args[0] as Term, false)} ${infix} ${side(args[1] as Term, true)}`;
  }
  return `${printTerm(operator)}(${args.map(printTerm).join(', ')})`;
}

function printRef(r: Ref): string {
  let out = printTerm(r.head);
  if (r.head.type === 'call' && r.head.infix !== undefined) out = `(${out})`;
  for (const p of r.path) {
    if (p.type === 'string' && IDENT.test(p.value)) out += '.' + p.value;
    else out += `[${printTerm(p)}]`;
  }
  return out;
}

function printWith(w: With): string {
  return `with ${printTerm(w.target)} as ${printTerm(w.value)}`;
}

function printExprTerms(t: ExprTerms): string {
  switch (t.type) {
    case 'assign':
      return `${printTerm(t.lhs)} := ${printTerm(t.rhs)}`;
    case 'unify':
      return `${printTerm(t.lhs)} = ${printTerm(t.rhs)}`;
    case 'some':
      return `some ${t.vars.map(printTerm).join(', ')}`;
    case 'somein':
      return `some ${t.key !== undefined ? printTerm(t.key) + ', ' : ''}${printTerm(t.value)} in ${printTerm(t.collection)}`;
    case 'every':
      return `every ${t.key !== undefined ? printTerm(t.key) + ', ' : ''}${printTerm(t.value)} in ${printTerm(t.domain)} { ${printBody(t.body)} }`;
    case 'and':
    case 'or':
      return `{ ${printBody(t.lhs)} } ${t.type} { ${printBody(t.rhs)} }`;
    case 'group':
      return `{ ${printBody(t.body)} }`;
    default:
      return printTerm(t);
  }
}

/** Print one expression, including `not` and `with` modifiers. */
export function printExpr(e: Expr): string {
  let out = (e.negated ? 'not ' : '') + printExprTerms(e.terms);
  for (const w of e.with) out += ' ' + printWith(w);
  return out;
}

/** Print a body as `a; b; c`. */
export function printBody(body: Expr[]): string {
  return body.map(printExpr).join('; ');
}

function printHead(h: RuleHead, isDefault: boolean): string {
  let out = isDefault ? 'default ' : '';
  // Partial object rules keep their key inside the ref already.
  out += printTerm(h.ref);
  if (h.args !== undefined) out += `(${h.args.map(printTerm).join(', ')})`;
  if (h.kind === 'partial_set' && h.key !== undefined) return `${out} contains ${printTerm(h.key)}`;
  if (h.value !== undefined) out += `${h.assign ? ' :=' : ' ='} ${printTerm(h.value)}`;
  return out;
}

function isTrueBody(body: Expr[]): boolean {
  const e = body[0];
  return body.length === 1 && e !== undefined && !e.negated && e.with.length === 0 && e.terms.type === 'boolean' && e.terms.value;
}

/** Print a rule (with its else chain). */
export function printRule(r: Rule): string {
  let out = printHead(r.head, r.default);
  // `p := 1 else := 2` is not Rego: a rule with an else chain always shows its body.
  if (!r.default && (!isTrueBody(r.body) || r.else !== undefined)) out += ` if { ${printBody(r.body)} }`;
  for (let e = r.else; e !== undefined; e = e.else) {
    out += ' else';
    if (e.head.value !== undefined) out += `${e.head.assign ? ' :=' : ' ='} ${printTerm(e.head.value)}`;
    if (!isTrueBody(e.body)) out += ` if { ${printBody(e.body)} }`;
  }
  return out;
}

function printImport(i: Import): string {
  return `import ${printTerm(i.path)}${i.alias !== undefined ? ' as ' + i.alias : ''}`;
}

/** Print a module (v1 syntax, one statement per line). */
export function printModule(m: Module): string {
  const pkg = m.package.path.path.map((p) => (p.type === 'string' && IDENT.test(p.value) ? p.value : `[${printTerm(p)}]`));
  const lines = [`package ${pkg.join('.').replace(/\.\[/g, '[')}`, ''];
  for (const i of m.imports) lines.push(printImport(i));
  if (m.imports.length > 0) lines.push('');
  for (const r of m.rules) lines.push(printRule(r));
  return lines.join('\n') + '\n';
}
