/**
 * Stage `check-types`: the part of OPA's type checker that matters most in practice —
 * calls must match the callee's arity, and constant arguments must have a type the built-in
 * declaration accepts (`rego_type_error`). Types are read from the built-in declarations
 * (builtins/decl.ts), so a new built-in is checked without touching this file.
 */
import type { RegoType } from '../builtins/decl.ts';
import { typeName, type Value } from '../value.ts';
import type { ErrorList } from './errors.ts';
import type { IQuery, IRule, ITerm } from './ir.ts';
import type { Names } from './resolve-refs.ts';
import { visitBody, visitRule } from './walk.ts';

function accepts(t: RegoType, v: Value): boolean {
  switch (t.kind) {
    case 'any':
      return true;
    case 'union':
      return t.of.some((x) => accepts(x, v));
    default:
      return t.kind === typeName(v);
  }
}

function typeText(t: RegoType): string {
  switch (t.kind) {
    case 'union':
      return t.of.map(typeText).join(' or ');
    case 'array':
    case 'set':
      return `${t.kind}[${typeText(t.of)}]`;
    case 'object':
      return 'object';
    default:
      return t.kind;
  }
}

function checkCall(t: ITerm, names: Names, errors: ErrorList): void {
  if (t.k !== 'call') return;
  const fn = t.fn;
  if (fn.kind === 'builtin') {
    const decl = fn.decl;
    const n = decl.args.length;
    if (!decl.variadic && t.args.length !== n) {
      errors.add('rego_type_error', `${decl.name}: arity mismatch\n\thave: ${t.args.length} arguments\n\twant: ${n} arguments (${decl.name} expects ${n} arguments)`, t.loc);
      return;
    }
    t.args.forEach((a, i) => {
      const want = decl.args[i]?.type ?? decl.variadic;
      if (want && a.k === 'const' && !accepts(want, a.v)) {
        errors.add('rego_type_error', `${decl.name}: invalid argument(s)\n\thave: ${typeName(a.v)} (operand ${i + 1})\n\twant: ${typeText(want)}`, t.loc);
      }
    });
  } else if (fn.kind === 'user') {
    const n = names.functions.get(fn.path.join('.'));
    if (n !== undefined && t.args.length !== n) {
      errors.add('rego_type_error', `${fn.name}: arity mismatch\n\thave: ${t.args.length} arguments\n\twant: ${n} arguments`, t.loc);
    }
  }
}

export function checkTypes(rules: IRule[], names: Names, errors: ErrorList): void {
  for (const r of rules) visitRule(r, (t) => checkCall(t, names, errors));
}

export function checkQueryTypes(q: IQuery, names: Names, errors: ErrorList): void {
  visitBody(q.body, (t) => checkCall(t, names, errors));
}
