/** Built-ins of the semver category (work in progress). */
import type { BuiltinDecl } from './decl.ts';

export const semverBuiltins: BuiltinDecl[] = [];
