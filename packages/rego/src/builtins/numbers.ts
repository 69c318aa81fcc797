/** Built-ins of the numbers category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const numbersBuiltins: BuiltinDecl[] = [];
