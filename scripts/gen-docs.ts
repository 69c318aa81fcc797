// Regenerates the docs that are derived from code: error codes, the permission matrix.
import { writeFileSync } from 'node:fs';
import { errorCodesMarkdown } from '../packages/trellis/src/http/error-docs.ts';
import { permissionMatrixMarkdown } from '../packages/trellis/src/auth/index.ts';
import { errorCatalog, permissionMatrix } from '../packages/trellis/src/modules.ts';

writeFileSync('docs/errors.md', errorCodesMarkdown(errorCatalog));
writeFileSync('docs/permissions.md', permissionMatrixMarkdown(permissionMatrix));
process.stdout.write('wrote docs/errors.md, docs/permissions.md\n');
