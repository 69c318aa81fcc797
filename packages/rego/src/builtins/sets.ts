/** Built-ins of the sets category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const setsBuiltins: BuiltinDecl[] = [];
