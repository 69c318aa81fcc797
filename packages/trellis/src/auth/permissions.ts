/**
 * The permission matrix: which role may do what. Every /api route names one permission in
 * its `config.permission`; a route without one cannot be registered (see auth/plugin.ts), so
 * nothing is reachable by accident. docs/permissions.md is generated from this table.
 */

export const roles = ['admin', 'reviewer', 'builder', 'auditor', 'viewer'] as const;
export type Role = (typeof roles)[number];

export const permissions = {
  'apps:read': { description: 'List, search and show apps, their versions and diffs', roles: ['admin', 'reviewer', 'builder', 'auditor', 'viewer'] },
  'apps:write': { description: 'Register, update and import apps; submit them for review', roles: ['admin', 'builder'] },
  'apps:review': { description: 'Approve, reject, suspend and retire apps', roles: ['admin', 'reviewer'] },
  'apps:transition': { description: 'Ask for an app status change; the move itself needs apps:write (to draft or pending_review) or apps:review (any other status)', roles: ['admin', 'reviewer', 'builder'] },
  'audit:read': { description: 'Search, tail and export the audit trail', roles: ['admin', 'reviewer', 'auditor'] },
  'audit:verify': { description: 'Verify the audit chain', roles: ['admin', 'reviewer', 'auditor'] },
  'tokens:manage': { description: 'Create, list and revoke API tokens', roles: ['admin'] },
  'self:read': { description: 'See who the current token belongs to', roles: ['admin', 'reviewer', 'builder', 'auditor', 'viewer'] },
  'schemas:read': { description: 'Read the OpenAPI document and published JSON Schemas', roles: ['admin', 'reviewer', 'builder', 'auditor', 'viewer'] },
  'dlp:scan': { description: 'Scan text and records for sensitive data', roles: ['admin', 'reviewer', 'builder', 'auditor'] },
  'dlp:transform': { description: 'Mask, redact, hash or tokenize sensitive data', roles: ['admin', 'reviewer', 'builder'] },
  'dlp:detokenize': { description: 'Reveal tokenized or encrypted values (privileged; audited with a reason)', roles: ['admin'] },
  'dlp:read': { description: 'List and show custom detectors and their sample tests', roles: ['admin', 'reviewer', 'auditor'] },
  'dlp:manage': { description: 'Add, test, edit, activate, deactivate and delete custom detectors', roles: ['admin'] },
} as const satisfies Record<string, { description: string; roles: readonly Role[] }>;

export type Permission = keyof typeof permissions;

export function isRole(x: string): x is Role {
  return (roles as readonly string[]).includes(x);
}

export function isPermission(x: string): x is Permission {
  return Object.hasOwn(permissions, x);
}

export function roleHas(role: Role, permission: Permission): boolean {
  return (permissions[permission].roles as readonly Role[]).includes(role);
}

/** Markdown table of the matrix (docs/permissions.md is this text; a test keeps it current). */
export function permissionMatrixMarkdown(): string {
  const lines = [
    '# Permission matrix',
    '',
    'Generated from `packages/trellis/src/auth/permissions.ts` (`npm run docs:permissions`); a test fails when this file is stale.',
    'Every `/api/v1` route requires a bearer token and names exactly one permission.',
    '',
    '| permission | what it allows | ' + roles.join(' | ') + ' |',
    '| --- | --- | ' + roles.map(() => '---').join(' | ') + ' |',
  ];
  for (const [name, p] of Object.entries(permissions)) {
    lines.push(`| \`${name}\` | ${p.description} | ` + roles.map((r) => ((p.roles as readonly string[]).includes(r) ? 'yes' : '—')).join(' | ') + ' |');
  }
  return lines.join('\n') + '\n';
}
