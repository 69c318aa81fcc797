/** Built-ins of the types category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const typesBuiltins: BuiltinDecl[] = [];
