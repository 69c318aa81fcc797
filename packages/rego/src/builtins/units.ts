/** Built-ins of the units category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const unitsBuiltins: BuiltinDecl[] = [];
