/** Built-ins of the regex category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const regexBuiltins: BuiltinDecl[] = [];
