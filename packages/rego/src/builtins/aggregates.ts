/** Built-ins of the aggregates category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const aggregatesBuiltins: BuiltinDecl[] = [];
