/** Built-ins of the strings category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const stringsBuiltins: BuiltinDecl[] = [];
