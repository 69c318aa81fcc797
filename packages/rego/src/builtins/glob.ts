/** Built-ins of the glob category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const globBuiltins: BuiltinDecl[] = [];
