/** Built-ins of the bits category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const bitsBuiltins: BuiltinDecl[] = [];
