/**
 * The compiler's stages, in order. Each entry names a stage (one file each) and says why it
 * sits where it does; `compileModules` runs them in this order and stops after the first
 * stage that reported errors (later stages assume earlier ones succeeded), or after the
 * stage named by `stopAfter` (for tests).
 */
/**
 * @example
 * stages.map((s) => s.name); // ['resolve-refs', 'rewrite-local-vars', …, 'build-indexes']
 */
export const stages = [
  { name: 'resolve-refs', why: 'builds the name tables (rule names per package, imports, function arities) every later stage resolves names with' },
  { name: 'rewrite-local-vars', why: 'lowers the AST to the IR: needs the name tables to tell locals from rules/imports; everything after works on slots' },
  { name: 'check-strict', why: 'strict-mode checks (unused vars/imports, deprecated built-ins, shadowing) read the IR before reordering changes expression order' },
  { name: 'build-rule-tree', why: 'groups definitions by path; recursion, conflicts and the planner look rules up in the tree' },
  { name: 'check-rule-conflicts', why: 'kind/prefix conflicts between groups need the whole tree' },
  { name: 'check-safety', why: 'reorders bodies so every variable is bound before use; the planner relies on that order to know boundness statically' },
  { name: 'check-recursion', why: 'needs resolved refs and the tree to follow dependencies; must pass before planning, which would otherwise build cyclic evaluations' },
  { name: 'check-types', why: 'arity and constant-argument checks against built-in declarations; after safety so errors point at well-formed code' },
  { name: 'plan', why: 'compiles the reordered IR into closures once; only valid for code that passed every check above' },
  { name: 'build-indexes', why: 'rule indexes select among planned definitions, so they are built last' },
] as const;

export type StageName = (typeof stages)[number]['name'];
