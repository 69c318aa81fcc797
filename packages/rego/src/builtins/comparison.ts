/** Built-ins of the comparison category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const comparisonBuiltins: BuiltinDecl[] = [];
