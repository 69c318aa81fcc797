// Regenerates the docs that are derived from code: error codes, the permission matrix.
import { writeFileSync } from 'node:fs';
import { errorCodesMarkdown } from '../packages/trellis/src/http/error-docs.ts';
import { permissionMatrixMarkdown } from '../packages/trellis/src/auth/permissions.ts';

writeFileSync('docs/errors.md', errorCodesMarkdown());
writeFileSync('docs/permissions.md', permissionMatrixMarkdown());
process.stdout.write('wrote docs/errors.md, docs/permissions.md\n');
