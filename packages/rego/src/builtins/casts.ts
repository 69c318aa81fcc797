/** Built-ins of the casts category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const castsBuiltins: BuiltinDecl[] = [];
