/**
 * Permissions: each module declares the ones its routes need (`TrellisModule.permissions`) and
 * `modules.ts` merges them into one matrix. A route names exactly one permission in its
 * `config.permission`; a route naming none, or one that no module declares, cannot be
 * registered (see plugin.ts), so nothing is reachable by accident. docs/permissions.md is
 * generated from the merged matrix.
 */
import { roles, type PermissionTable, type Role } from '../module.ts';

/** The auth module's own permissions. */
export const authPermissions = {
  'tokens:manage': { description: 'Create, list and revoke API tokens', roles: ['admin'] },
  'self:read': { description: 'See who the current token belongs to', roles: ['admin', 'reviewer', 'builder', 'auditor', 'viewer'] },
} as const satisfies PermissionTable;

export function isRole(x: string): x is Role {
  return (roles as readonly string[]).includes(x);
}

/** Merge modules' tables into one matrix; a permission declared twice is a start-up error. */
export function mergePermissions(tables: readonly PermissionTable[]): PermissionTable {
  const out: PermissionTable = {};
  for (const t of tables) {
    for (const [name, p] of Object.entries(t)) {
      if (Object.hasOwn(out, name)) throw new Error(`permission ${name} is declared by two modules`);
      out[name] = p;
    }
  }
  return out;
}

/** What a role may do under a matrix. */
export function permissionsOf(matrix: PermissionTable, role: Role): ReadonlySet<string> {
  return new Set(Object.entries(matrix).filter(([, p]) => p.roles.includes(role)).map(([name]) => name));
}

/** Markdown table of the matrix (docs/permissions.md is this text; a test keeps it current). */
export function permissionMatrixMarkdown(matrix: PermissionTable): string {
  const lines = [
    '# Permission matrix',
    '',
    'Generated from the modules\' permission tables (`packages/trellis/src/modules.ts`, `npm run docs`); a test fails when this file is stale.',
    'Every `/api/v1` route requires a bearer token and names exactly one permission.',
    '',
    '| permission | what it allows | ' + roles.join(' | ') + ' |',
    '| --- | --- | ' + roles.map(() => '---').join(' | ') + ' |',
  ];
  for (const [name, p] of Object.entries(matrix)) {
    lines.push(`| \`${name}\` | ${p.description} | ` + roles.map((r) => (p.roles.includes(r) ? 'yes' : '—')).join(' | ') + ' |');
  }
  return lines.join('\n') + '\n';
}
