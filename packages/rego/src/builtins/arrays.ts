/** Built-ins of the arrays category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const arraysBuiltins: BuiltinDecl[] = [];
