/** Built-ins of the objects category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const objectsBuiltins: BuiltinDecl[] = [];
