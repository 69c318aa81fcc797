/**
 * Stage `rewrite-local-vars`: lowers the AST into the IR (compiler/ir.ts). Every variable
 * gets a frame slot, scoped the way Rego scopes them: `:=`, `some` and function arguments
 * declare; a plain variable belongs to the innermost body it appears in at top level, so a
 * comprehension that mentions an outer body's variable captures it. Names that are not local
 * resolve to rules of the package, imports, `input` or `data`. Calls are bound to a built-in
 * declaration or a user function's path; `f(x, y)` with one argument too many becomes the
 * unification `y = f(x)`.
 */
import type { Expr, Module, Rule, Term, Var, Ref, With } from '../ast/nodes.ts';
import { isTerm, refToDottedName } from '../ast/nodes.ts';
import { builtinsByName } from '../builtins/index.ts';
import { SetValue, ObjectValue, type Value } from '../value.ts';
import type { ErrorList } from './errors.ts';
import type { FnTarget, IBody, IExpr, IQuery, IRule, ITerm, IWith, RuleKind, Slot } from './ir.ts';
import { packagePath, stringPath, type ModuleEnv, type Names, type Resolved } from './resolve-refs.ts';

/** Built-ins the evaluator implements itself (they need the evaluator's state). */
export const nativeFunctions = new Set([
  'internal.member_2',
  'internal.member_3',
  'print',
  'internal.print',
  'rego.metadata.chain',
  'rego.metadata.rule',
  'trace',
  'rego.parse_module',
]);

class Scope {
  readonly vars = new Map<string, Slot>();
  readonly declared = new Set<string>();
  readonly plain = new Set<string>();
  /** Names declared (`:=`, `some`, arguments) rather than merely referenced. */
  readonly assigned = new Set<string>();
  constructor(readonly parent: Scope | undefined) {}
}

/** Lowers one frame's worth of code (a rule with its else chain, or a query). */
class Lowerer {
  nslots = 0;
  readonly slotNames: string[] = [];
  /** Slots allocated per body while it is being lowered (for captures/locals). */
  private bodyStack: { scope: Scope; locals: Set<Slot>; captures: Set<Slot> }[] = [];

  constructor(
    readonly env: ModuleEnv | undefined,
    readonly names: Names,
    readonly errors: ErrorList,
  ) {}

  alloc(name: string, scope: Scope): Slot {
    const s = this.nslots++;
    this.slotNames.push(name);
    scope.vars.set(name, s);
    const top = this.bodyStack[this.bodyStack.length - 1];
    if (top) top.locals.add(s);
    return s;
  }

  fresh(name: string): Slot {
    const s = this.nslots++;
    this.slotNames.push(name);
    const top = this.bodyStack[this.bodyStack.length - 1];
    if (top) top.locals.add(s);
    return s;
  }

  /** Where a non-local name points, if anywhere. */
  global(name: string): Resolved | undefined {
    if (name === 'input') return { root: 'input', path: [] };
    if (name === 'data') return { root: 'data', path: [] };
    const env = this.env;
    if (!env) return undefined;
    const imp = env.imports.get(name);
    if (imp) {
      env.usedImports.add(name);
      return imp;
    }
    if (env.ruleNames.has(name)) return { root: 'data', path: [...env.pkg, name] };
    return undefined;
  }

  /** Record that `slot` (owned by `owner`) is used from the current body. */
  private noteUse(slot: Slot, owner: Scope): void {
    for (let i = this.bodyStack.length - 1; i >= 0; i--) {
      const b = this.bodyStack[i]!;
      if (b.scope === owner) break;
      b.captures.add(slot);
    }
  }

  lookup(v: Var, scope: Scope): ITerm {
    if (v.wildcard) return { k: 'var', slot: this.fresh('_'), name: '_', loc: v.loc };
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const slot = s.vars.get(v.name);
      if (slot !== undefined) {
        this.noteUse(slot, s);
        return { k: 'var', slot, name: v.name, loc: v.loc };
      }
      // Names declared later with `:=`/`some` are not visible to nested bodies before the
      // declaration (OPA scopes them from the declaration on); plain names are.
      if ((s === scope && s.declared.has(v.name)) || s.plain.has(v.name)) {
        const slot2 = this.allocIn(v.name, s);
        this.noteUse(slot2, s);
        return { k: 'var', slot: slot2, name: v.name, loc: v.loc };
      }
    }
    const g = this.global(v.name);
    if (g) return resolvedTerm(g, v.loc);
    return { k: 'var', slot: this.alloc(v.name, scope), name: v.name, loc: v.loc };
  }

  private allocIn(name: string, scope: Scope): Slot {
    const s = this.nslots++;
    this.slotNames.push(name);
    scope.vars.set(name, s);
    for (const b of this.bodyStack) if (b.scope === scope) b.locals.add(s);
    return s;
  }

  declare(v: Var, scope: Scope): ITerm {
    if (v.wildcard) return { k: 'var', slot: this.fresh('_'), name: '_', loc: v.loc };
    if (scope.vars.has(v.name)) {
      const how = scope.assigned.has(v.name) ? 'assigned' : 'referenced';
      this.errors.add('rego_compile_error', `var ${v.name} ${how} above`, v.loc);
    }
    scope.assigned.add(v.name);
    return { k: 'var', slot: this.alloc(v.name, scope), name: v.name, loc: v.loc };
  }

  /** Lower a pattern whose variables are all declared (`:=` left side, `some … in`, args). */
  declarePattern(t: Term, scope: Scope): ITerm {
    switch (t.type) {
      case 'var':
        return this.declare(t, scope);
      case 'array':
        return foldComposite({ k: 'array', items: t.items.map((x) => this.declarePattern(x, scope)), loc: t.loc });
      case 'object':
        return foldComposite({
          k: 'object',
          items: t.items.map((it) => [this.term(it.key, scope), this.declarePattern(it.value, scope)] as [ITerm, ITerm]),
          loc: t.loc,
        });
      default:
        return this.term(t, scope);
    }
  }

  term(t: Term, scope: Scope): ITerm {
    switch (t.type) {
      case 'null':
        return { k: 'const', v: null, loc: t.loc };
      case 'boolean':
      case 'number':
      case 'string':
        return { k: 'const', v: t.value, loc: t.loc };
      case 'var':
        return this.lookup(t, scope);
      case 'ref': {
        const head = this.term(t.head, scope);
        const path = t.path.map((p) => this.term(p, scope));
        if (head.k === 'ref') return { k: 'ref', head: head.head, path: [...head.path, ...path], loc: t.loc };
        return { k: 'ref', head, path, loc: t.loc };
      }
      case 'array':
        return foldComposite({ k: 'array', items: t.items.map((x) => this.term(x, scope)), loc: t.loc });
      case 'set':
        return foldComposite({ k: 'set', items: t.items.map((x) => this.term(x, scope)), loc: t.loc });
      case 'object':
        return foldComposite({
          k: 'object',
          items: t.items.map((it) => [this.term(it.key, scope), this.term(it.value, scope)] as [ITerm, ITerm]),
          loc: t.loc,
        });
      case 'arraycomprehension':
      case 'setcomprehension': {
        const inner = new Scope(scope);
        const body = this.body(t.body, inner);
        const head = this.inBody(body, inner, () => this.term(t.term, inner));
        return { k: t.type === 'arraycomprehension' ? 'arrayc' : 'setc', head, body, loc: t.loc };
      }
      case 'objectcomprehension': {
        const inner = new Scope(scope);
        const body = this.body(t.body, inner);
        const key = this.inBody(body, inner, () => this.term(t.key, inner));
        const value = this.inBody(body, inner, () => this.term(t.value, inner));
        return { k: 'objectc', key, value, body, loc: t.loc };
      }
      case 'call': {
        const fn = this.fnTarget(t.operator);
        return { k: 'call', fn, args: t.args.map((a) => this.term(a, scope)), loc: t.loc };
      }
      case 'templatestring':
        return {
          k: 'template',
          parts: t.parts.map((p) => (p.type === 'string' ? p.value : this.expr(p, scope))),
          loc: t.loc,
        };
    }
  }

  /** Run `f` as if inside `body` again (so captures of head terms are recorded on it). */
  private inBody<T>(body: IBody, scope: Scope, f: () => T): T {
    this.bodyStack.push({ scope, locals: body.locals, captures: body.captures });
    try {
      return f();
    } finally {
      this.bodyStack.pop();
    }
  }

  fnTarget(op: Var | Ref): FnTarget {
    const dotted = refToDottedName(op) ?? '?';
    const sp = stringPath(op);
    if (sp) {
      let userPath: string[] | undefined;
      const imp = this.env?.imports.get(sp.head);
      if (imp) this.env!.usedImports.add(sp.head);
      if (imp && imp.root === 'data') userPath = [...imp.path, ...sp.path];
      else if (sp.head === 'data') userPath = sp.path;
      else if (this.env?.ruleNames.has(sp.head)) userPath = [...this.env.pkg, sp.head, ...sp.path];
      if (userPath && this.names.functions.has(userPath.join('.'))) {
        return { kind: 'user', name: 'data.' + userPath.join('.'), path: userPath };
      }
    }
    const decl = builtinsByName.get(dotted);
    if (decl) return { kind: 'builtin', name: dotted, decl };
    if (nativeFunctions.has(dotted)) return { kind: 'native', name: dotted };
    this.errors.add('rego_type_error', `undefined function ${dotted}`, op.loc);
    return { kind: 'native', name: dotted };
  }

  /** Arity of a call target (number of inputs), or undefined if variadic/unknown. */
  arity(fn: FnTarget): number | undefined {
    if (fn.kind === 'user') return this.names.functions.get(fn.path.join('.'));
    if (fn.kind === 'builtin') return fn.decl.variadic ? undefined : fn.decl.args.length;
    if (fn.name === 'internal.member_2') return 2;
    if (fn.name === 'internal.member_3') return 3;
    if (fn.name === 'rego.metadata.chain' || fn.name === 'rego.metadata.rule') return 0;
    if (fn.name === 'rego.parse_module') return 2;
    return undefined;
  }

  /** Pre-scan a body: names declared in it and plain names used at its top level. */
  prescan(exprs: Expr[], scope: Scope): void {
    const visitPattern = (t: Term | undefined): void => {
      if (!t) return;
      if (t.type === 'var') {
        if (!t.wildcard) scope.declared.add(t.name);
      } else if (t.type === 'array') t.items.forEach(visitPattern);
      else if (t.type === 'object') t.items.forEach((it) => visitPattern(it.value));
    };
    const visitTerm = (t: Term): void => {
      switch (t.type) {
        case 'var':
          if (!t.wildcard && !this.global(t.name) && !(scope.parent && isLocal(t.name, scope.parent))) scope.plain.add(t.name);
          return;
        case 'ref':
          visitTerm(t.head);
          t.path.forEach(visitTerm);
          return;
        case 'array':
        case 'set':
          t.items.forEach(visitTerm);
          return;
        case 'object':
          t.items.forEach((it) => {
            visitTerm(it.key);
            visitTerm(it.value);
          });
          return;
        case 'call':
          t.args.forEach(visitTerm);
          return;
        case 'templatestring':
          for (const p of t.parts) if (p.type === 'expr') visitExpr(p);
          return;
        default:
          return;
      }
    };
    const visitExpr = (e: Expr): void => {
      const x = e.terms;
      switch (x.type) {
        case 'some':
          x.vars.forEach((v) => scope.declared.add(v.name));
          break;
        case 'assign':
          visitPattern(x.lhs);
          visitTerm(x.rhs);
          break;
        case 'unify':
          visitTerm(x.lhs);
          visitTerm(x.rhs);
          break;
        case 'somein':
          visitPattern(x.key);
          visitPattern(x.value);
          visitTerm(x.collection);
          break;
        case 'every':
          visitTerm(x.domain);
          break;
        case 'and':
        case 'or':
        case 'group':
          break;
        default:
          visitTerm(x);
      }
      // A var/ref with-value may name a function (`with count as object.union_n`).
      for (const w of e.with) if (w.value.type !== 'var' && w.value.type !== 'ref') visitTerm(w.value);
    };
    exprs.forEach(visitExpr);
    for (const d of scope.declared) scope.plain.delete(d);
  }

  body(exprs: Expr[], scope: Scope): IBody {
    const body: IBody = { exprs: [], captures: new Set(), locals: new Set() };
    this.prescan(exprs, scope);
    this.bodyStack.push({ scope, locals: body.locals, captures: body.captures });
    try {
      for (const e of exprs) body.exprs.push(this.expr(e, scope));
    } finally {
      this.bodyStack.pop();
    }
    return body;
  }

  expr(e: Expr, scope: Scope): IExpr {
    const x = e.terms;
    const withs = e.with.map((w) => this.withMod(w, scope));
    const mk = (b: IExpr['e']): IExpr => ({ e: b, negated: e.negated, with: withs, loc: e.loc });
    if (isTerm(x)) {
      if (x.type === 'call') {
        const fn = this.fnTarget(x.operator);
        const n = this.arity(fn);
        if (n !== undefined && x.args.length === n + 1) {
          const args = x.args.slice(0, n).map((a) => this.term(a, scope));
          const out = this.term(x.args[n]!, scope);
          return mk({ k: 'unify', a: out, b: { k: 'call', fn, args, loc: x.loc }, assign: false });
        }
      }
      return mk({ k: 'term', term: this.term(x, scope) });
    }
    switch (x.type) {
      case 'some':
        for (const v of x.vars) this.declare(v, scope);
        return mk({ k: 'noop' });
      case 'assign': {
        const b = this.term(x.rhs, scope);
        const a = this.declarePattern(x.lhs, scope);
        return mk({ k: 'unify', a, b, assign: true });
      }
      case 'unify':
        return mk({ k: 'unify', a: this.term(x.lhs, scope), b: this.term(x.rhs, scope), assign: false });
      case 'somein': {
        const coll = this.term(x.collection, scope);
        const key = x.key ? this.declarePattern(x.key, scope) : undefined;
        const value = this.declarePattern(x.value, scope);
        return mk({ k: 'somein', key, value, coll });
      }
      case 'and':
      case 'or':
      case 'group': {
        const bodies: Expr[][] = x.type === 'group' ? [x.body] : [x.lhs, x.rhs];
        const lowered = bodies.map((b) => {
          const inner = new Scope(scope);
          const body = this.body(b, inner);
          for (const s of body.captures) {
            for (let i = this.bodyStack.length - 1; i >= 0; i--) {
              const bb = this.bodyStack[i]!;
              if (bb.locals.has(s)) break;
              bb.captures.add(s);
            }
          }
          return body;
        });
        return mk({ k: 'sub', bodies: lowered, all: x.type === 'and' });
      }
      case 'every': {
        const domain = this.term(x.domain, scope);
        const inner = new Scope(scope);
        const body: IBody = { exprs: [], captures: new Set(), locals: new Set() };
        this.bodyStack.push({ scope: inner, locals: body.locals, captures: body.captures });
        let key: ITerm | undefined;
        let value: ITerm;
        try {
          key = x.key ? this.declare(x.key, inner) : undefined;
          value = this.declare(x.value, inner);
        } finally {
          this.bodyStack.pop();
        }
        const b2 = this.body(x.body, inner);
        for (const s of b2.locals) body.locals.add(s);
        for (const s of b2.captures) if (!body.locals.has(s)) body.captures.add(s);
        body.exprs = b2.exprs;
        // Captures of the every body are captures of the enclosing bodies too.
        for (const s of body.captures) {
          for (let i = this.bodyStack.length - 1; i >= 0; i--) {
            const b = this.bodyStack[i]!;
            if (b.locals.has(s)) break;
            b.captures.add(s);
          }
        }
        return mk({ k: 'every', key, value, domain, body });
      }
    }
  }

  withMod(w: With, scope: Scope): IWith {
    const sp = stringPath(w.target);
    let target: IWith['target'] = { kind: 'input', path: [] };
    if (sp) {
      if (sp.head === 'input') target = { kind: 'input', path: sp.path };
      else if (sp.head === 'data') {
        const key = sp.path.join('.');
        target = this.names.functions.has(key) ? { kind: 'fn', name: 'data.' + key } : { kind: 'data', path: sp.path };
      } else if (isLocal(sp.head, scope)) {
        this.errors.add('rego_compile_error', 'with keyword target must reference existing input, data, or a function', w.loc);
      } else {
        const fn = this.fnTargetQuiet(w.target);
        const g = fn ? undefined : this.global(sp.head);
        if (fn) target = { kind: 'fn', name: fn.name };
        else if (g && g.root === 'data') target = { kind: 'data', path: [...g.path, ...sp.path] };
        else if (g && g.root === 'input') target = { kind: 'input', path: [...g.path, ...sp.path] };
        else this.errors.add('rego_compile_error', 'with keyword target must reference existing input, data, or a function', w.loc);
      }
    } else {
      this.errors.add('rego_compile_error', 'with keyword target must reference existing input, data, or a function', w.loc);
    }
    // A function used as a replacement value (`with count as f`) is a function reference.
    const value = w.value;
    if (target.kind === 'fn' && (value.type === 'var' || value.type === 'ref')) {
      const vsp = stringPath(value);
      if (vsp && !isLocal(vsp.head, scope)) {
        const fn = this.fnTargetQuiet(value);
        if (fn) return { target, value: { k: 'call', fn, args: [], loc: value.loc }, loc: w.loc, fnValue: true };
      }
    }
    return { target, value: this.term(value, scope), loc: w.loc };
  }

  private fnTargetQuiet(op: Var | Ref): FnTarget | undefined {
    const before = this.errors.items.length;
    const fn = this.fnTarget(op);
    if (this.errors.items.length > before) {
      this.errors.items.length = before;
      return undefined;
    }
    return fn;
  }
}

function isLocal(name: string, scope: Scope): boolean {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (s.vars.has(name) || s.plain.has(name)) return true;
  }
  return false;
}

function resolvedTerm(r: Resolved, loc: ITerm['loc']): ITerm {
  const head: ITerm = r.root === 'input' ? { k: 'input', loc } : { k: 'data', loc };
  if (r.path.length === 0) return head;
  return { k: 'ref', head, path: r.path.map((p) => ({ k: 'const', v: p, loc })), loc };
}

/** A term that can be matched against a value without evaluating anything. */
function isPatternTerm(t: ITerm): boolean {
  switch (t.k) {
    case 'var':
    case 'const':
      return true;
    case 'array':
      return t.items.every(isPatternTerm);
    case 'object':
      return t.items.every(([k, v]) => k.k === 'const' && isPatternTerm(v));
    default:
      return false;
  }
}

/** Fold a composite whose items are all constants into one constant value. */
function foldComposite(t: ITerm): ITerm {
  if (t.k === 'array') {
    if (t.items.every((x) => x.k === 'const')) return { k: 'const', v: t.items.map((x) => (x as { v: Value }).v), loc: t.loc };
  } else if (t.k === 'set') {
    if (t.items.every((x) => x.k === 'const')) return { k: 'const', v: new SetValue(t.items.map((x) => (x as { v: Value }).v)), loc: t.loc };
  } else if (t.k === 'object') {
    if (t.items.every(([a, b]) => a.k === 'const' && b.k === 'const')) {
      const o = new ObjectValue();
      for (const [a, b] of t.items) o.set((a as { v: Value }).v, (b as { v: Value }).v);
      return { k: 'const', v: o, loc: t.loc };
    }
  }
  return t;
}

/** Lower every rule of every module. */
export function rewriteLocalVars(modules: Module[], names: Names, errors: ErrorList): IRule[] {
  const out: IRule[] = [];
  for (const m of modules) {
    const env = names.envs.get(m);
    for (const r of m.rules) {
      const ir = lowerRule(r, m, env, names, errors);
      if (ir) out.push(ir);
    }
  }
  return out;
}

function lowerRule(r: Rule, m: Module, env: ModuleEnv | undefined, names: Names, errors: ErrorList): IRule | undefined {
  const lw = new Lowerer(env, names, errors);
  const root = new Scope(undefined);
  const pkg = packagePath(m);
  // The head ref: leading string elements form the ground path; the rest are keys.
  const head = r.head;
  const refPath: Term[] = head.ref.type === 'ref' ? head.ref.path : [];
  let i = 0;
  const path = [...pkg, head.name];
  while (i < refPath.length && refPath[i]!.type === 'string') {
    path.push((refPath[i] as { value: string }).value);
    i++;
  }
  const keyAst = refPath.slice(i);
  let kind: RuleKind;
  switch (head.kind) {
    case 'complete':
      kind = keyAst.length > 0 ? 'object' : 'complete';
      break;
    case 'partial_set':
      kind = 'set';
      break;
    case 'partial_object':
      kind = 'object';
      break;
    case 'function':
      kind = 'function';
      break;
  }
  const args = head.args?.map((a) => lw.declarePattern(a, root));
  const lowerChain = (rule: Rule, isFirst: boolean): IRule => {
    const scope = new Scope(root);
    const body = lw.body(rule.body, scope);
    const bodyCtx = (f: () => ITerm): ITerm => {
      // Head terms are evaluated after the body, in the body's scope.
      return f();
    };
    const keys = isFirst ? keyAst.map((k) => bodyCtx(() => lw.term(k, scope))) : [];
    const elem = isFirst && kind === 'set' && rule.head.key ? lw.term(rule.head.key, scope) : undefined;
    const value = rule.head.value ? lw.term(rule.head.value, scope) : undefined;
    return {
      kind,
      path,
      keys,
      elem,
      value,
      args,
      body,
      else: rule.else ? lowerChain(rule.else, false) : undefined,
      isDefault: rule.default,
      nslots: 0,
      slotNames: [],
      loc: rule.loc,
      module: m,
      ast: rule,
      annotations: rule.annotations,
    };
  };
  const ir = lowerChain(r, true);
  // Arguments that are not patterns (a template string, a call, a ref) are matched through a
  // fresh variable unified with the argument term in each body, so the safety stage can
  // place that unification after the body binds the term's variables.
  if (args) {
    args.forEach((a, i) => {
      if (isPatternTerm(a)) return;
      const slot = lw.nslots++;
      lw.slotNames.push(`$arg${i}`);
      const v: ITerm = { k: 'var', slot, name: `$arg${i}`, loc: a.loc };
      args[i] = v;
      for (let e: IRule | undefined = ir; e; e = e.else) {
        e.body.exprs.push({ e: { k: 'unify', a: v, b: a, assign: false }, negated: false, with: [], loc: a.loc });
      }
    });
  }
  for (let e: IRule | undefined = ir; e; e = e.else) {
    e.nslots = lw.nslots;
    e.slotNames = lw.slotNames;
  }
  return ir;
}

/** Lower a query (a body with no package) in the environment of `env`, if given. */
export function lowerQuery(exprs: Expr[], names: Names, errors: ErrorList, env?: ModuleEnv): IQuery {
  const lw = new Lowerer(env, names, errors);
  const scope = new Scope(undefined);
  const body = lw.body(exprs, scope);
  return { body, nslots: lw.nslots, slotNames: lw.slotNames };
}
