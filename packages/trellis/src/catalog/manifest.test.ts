/** Manifest validation: every error at once, each with its path and YAML position. */
import { describe, expect, it } from 'vitest';
import { parseManifestText, validateManifestValue, manifestLimits } from './manifest.ts';
import { formatPath } from './located-yaml.ts';

const valid = `apiVersion: trellis.dev/v1
kind: MicroApp
metadata:
  name: leave-requests
  title: Leave requests
  description: Staff request leave; managers approve.
  labels:
    cost-center: hr-42
    example.com/tier: gold
  annotations:
    example.com/runbook: https://wiki.example.com/leave
  tags: [hr, self-service]
spec:
  owner: user:jane@example.com
  team: hr-analytics
  purpose: Track leave requests and balances
  classification: confidential
  template: hr-readonly
  runtime: sandbox
  connectors:
    - name: hr-db
      resources:
        - name: employees
          fields: [id, name, email]
          access: read
          rowFilters:
            - { field: department, op: eq, value: HR }
        - name: leave_requests
          fields: [id, employee_id, days]
          access: read-write
  exports:
    - destination: slack
      target: "#hr-leave"
      fields: [name, days]
  egress: [hooks.slack.com, "*.example.com"]
  users: { count: 40, groups: [hr-staff] }
  retention: { days: 365 }
`;

function errorsOf(text: string) {
  const r = parseManifestText(text);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('parseManifestText', () => {
  it('refuses a list or mapping used as a key, located, without a process warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const r = parseManifestText('apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  ? [a, b]\n  : x\n');
      expect(r).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('mapping key must be a plain value'), line: 4, column: 5 }] });
      // process warnings are emitted on a later tick
      await new Promise((done) => setImmediate(done));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('accepts a complete manifest', () => {
    const r = parseManifestText(valid);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.manifest.metadata.name).toBe('leave-requests');
      expect(r.manifest.spec.connectors?.[0]?.resources[1]?.access).toBe('read-write');
    }
  });

  it('accepts the same manifest as JSON', () => {
    const r = parseManifestText(JSON.stringify({ apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: 'x1' }, spec: { owner: 'jane@example.com' } }));
    expect(r.ok).toBe(true);
  });

  it('reports every error at once, each with path, line and column', () => {
    const text = `apiVersion: trellis.dev/v1
kind: MicroApp
metadata:
  name: ../etc
  colour: blue
spec:
  team: hr
  classification: secret
  connectors:
    - name: hr-db
      resources:
        - name: employees
          fields: [email, name, email]
          access: rw
  users: { count: many }
  retention: { days: 1.5 }
`;
    expect(errorsOf(text)).toEqual([
      { path: 'metadata.name', message: expect.stringContaining('DNS label'), line: 4, column: 9 },
      { path: 'metadata.colour', message: 'unknown field "colour"', line: 5, column: 3 },
      // a missing field points at its parent's key
      { path: 'spec.owner', message: 'is required', line: 6, column: 1 },
      { path: 'spec.classification', message: 'must be one of "public", "internal", "confidential", "restricted"', line: 8, column: 19 },
      { path: 'spec.connectors[0].resources[0].fields[2]', message: 'duplicate field "email"', line: 13, column: 33 },
      { path: 'spec.connectors[0].resources[0].access', message: 'must be one of "read", "write", "read-write"', line: 14, column: 19 },
      { path: 'spec.users.count', message: 'must be a number, not a string', line: 15, column: 19 },
      { path: 'spec.retention.days', message: 'must be an integer, not a fractional number', line: 16, column: 22 },
    ]);
  });

  it('rejects unknown fields at every level', () => {
    const text = valid.replace('  runtime: sandbox\n', '  runtime: sandbox\n  runtme: external\n').replace('kind: MicroApp\n', 'kind: MicroApp\nstatus: approved\n');
    const errors = errorsOf(text);
    expect(errors.map((e) => [e.path, e.message, e.line])).toEqual([
      ['status', 'unknown field "status"', 3],
      ['spec.runtme', 'unknown field "runtme"; did you mean `runtime`?', 21],
    ]);
  });

  it('reports wrong types with what was found', () => {
    const errors = errorsOf(`apiVersion: trellis.dev/v1
kind: MicroApp
metadata: { name: ok, tags: hr }
spec:
  owner: 42
  connectors: { name: x }
`);
    expect(errors.map((e) => `${e.path} ${e.message} @${e.line}:${e.column}`)).toEqual([
      'metadata.tags must be a list, not a string @3:29',
      'spec.owner must be a string, not an integer @5:10',
      'spec.connectors must be a list, not a mapping @6:15',
    ]);
  });

  it.each(['../x', 'a/b', '/etc', '..', 'a.b', 'Upper', '-x', 'x-', 'a'.repeat(64), ''])('rejects the name %j', (name) => {
    const errors = errorsOf(`apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata: { name: ${JSON.stringify(name)} }\nspec: { owner: jane@example.com }\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'metadata.name', line: 3 });
  });

  it('checks owners, hostnames and the apiVersion/kind constants', () => {
    const errors = errorsOf(`apiVersion: trellis.dev/v2
kind: Component
metadata: { name: ok }
spec:
  owner: "jane"
  egress: ["https://api.example.com/x", 10.0.0.1, API.EXAMPLE.COM, hooks.slack.com, hooks.slack.com]
`);
    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['apiVersion', 'must be "trellis.dev/v1"'],
      ['kind', 'must be "MicroApp"'],
      ['spec.owner', expect.stringContaining('user:jane@example.com')],
      ['spec.egress[0]', expect.stringContaining('hostname')],
      ['spec.egress[1]', expect.stringContaining('not an IP address')],
      ['spec.egress[2]', expect.stringContaining('lower-case hostname')],
      ['spec.egress[4]', 'duplicate egress host "hooks.slack.com"'],
    ]);
  });

  it('accepts the owner forms it documents', () => {
    for (const owner of ['user:jane@example.com', 'jane@example.com', 'group:hr-analytics', 'user:default/jane', 'user:jdoe']) {
      const r = parseManifestText(`apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata: { name: ok }\nspec: { owner: "${owner}" }\n`);
      expect(r.ok, owner).toBe(true);
    }
  });

  it('locates YAML syntax errors', () => {
    const errors = errorsOf('apiVersion: trellis.dev/v1\nkind: [MicroApp\nmetadata: { name: x }\n');
    expect(errors[0]).toMatchObject({ path: '', line: expect.any(Number), column: expect.any(Number) });
    expect(errors[0]!.message).toMatch(/^YAML: /);
    expect(errors[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('rejects duplicate keys, multiple documents and empty input', () => {
    expect(errorsOf('a: 1\na: 2\n')[0]).toMatchObject({ message: 'YAML: Map keys must be unique', line: 2, column: 1 });
    expect(errorsOf('a: 1\n---\nb: 2\n')[0]).toMatchObject({ message: expect.stringContaining('one document'), line: 3 });
    expect(errorsOf('')[0]!.message).toContain('empty');
    expect(errorsOf('- a\n- b\n')[0]!.message).toContain('must be a mapping');
  });

  it('rejects a 10 MB manifest before parsing it', () => {
    // Parsed, this text would fail the depth check (a short one does, below); its only error is
    // the size, so no stage that reads the text ran. The size itself is one pass over it.
    const bomb = (brackets: number) => `${valid}extra: ${'['.repeat(brackets)}\n`;
    expect(errorsOf(bomb(10 * 1024 * 1024))).toEqual([{ path: '', message: 'the document is 10.0 MiB; the limit is 256 KiB' }]);
    expect(errorsOf(bomb(100))[0]!.message).toBe('the document nests deeper than 64 levels');
  });

  it('rejects nesting bombs without overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(deep.length).toBeLessThan(manifestLimits.maxBytes);
    expect(errorsOf(deep)[0]).toMatchObject({ message: 'the document nests deeper than 64 levels', line: 1, column: 65 });
    expect(errorsOf('- '.repeat(100_000) + 'x')[0]!.message).toContain('nests deeper');
  });

  it('rejects a value that aliases nest deeper than the text does', () => {
    const text = `a: &a ${'['.repeat(40)}x${']'.repeat(40)}\nb: ${'['.repeat(40)}*a${']'.repeat(40)}\n`;
    const [error] = errorsOf(text);
    // located in the anchored value the alias brings in, where the too-deep part is written
    expect(error).toMatchObject({ path: `b${'[0]'.repeat(64)}`, message: 'is nested deeper than 64 levels', line: 1 });
  });

  it('refuses NUL in any string, naming the field and where it is', () => {
    const text = valid.replace('description: Staff request leave; managers approve.', 'description: "Staff\\0leave"').replace('team: hr-analytics', 'team: "hr\\u0000x"');
    expect(errorsOf(text)).toEqual([
      { path: 'metadata.description', message: 'must not contain NUL (U+0000) characters', line: 6, column: 16 },
      { path: 'spec.team', message: 'must not contain NUL (U+0000) characters', line: 15, column: 9 },
    ]);
    // a name or owner with NUL gets that message, not the pattern's
    const named = errorsOf(valid.replace('name: leave-requests', 'name: "leave\\0requests"'));
    expect(named).toEqual([expect.objectContaining({ path: 'metadata.name', message: 'must not contain NUL (U+0000) characters' })]);
  });

  it('rejects alias bombs (billion laughs)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) lines.push(`${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(9).fill(`*${'abcdefgh'[i - 1]}`).join(',')}]`);
    const errors = errorsOf(lines.join('\n') + '\n');
    expect(errors[0]!.message).toMatch(/alias/i);
  });

  it('refuses more aliases than it expands cheaply, at the first one too many', () => {
    // a chain, each anchor holding an alias of the one before: the YAML library's expansion of
    // it costs the square of its length (a megabyte of it took 25 s)
    const lines = ['a0: &a0 [1]'];
    for (let i = 1; i < 2000; i++) lines.push(`a${i}: &a${i} [*a${i - 1}]`);
    expect(errorsOf(lines.join('\n') + '\n')).toEqual([{ path: '', message: `the document has more than ${manifestLimits.maxAliases} aliases`, line: 1002, column: 16 }]);
  });

  it('caps the number of errors it returns', () => {
    const fields = Array.from({ length: 300 }, (_, i) => `  x${i}: 1`).join('\n');
    const errors = errorsOf(`apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata: { name: ok }\nspec:\n  owner: a@b.io\n${fields}\n`);
    expect(errors).toHaveLength(manifestLimits.maxErrors + 1);
    expect(errors.at(-1)!.message).toBe('200 more errors not shown');
  });
});

describe('validateManifestValue', () => {
  it('gives the same messages without positions for parsed JSON', () => {
    const r = validateManifestValue({ apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: 'a/b' }, spec: { owner: 'x@y.io', runtime: 'docker' } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.path)).toEqual(['metadata.name', 'spec.runtime']);
      expect(r.errors.every((e) => e.line === undefined)).toBe(true);
    }
  });

  it('refuses a parsed body nested past the limit, naming the path, without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const r = validateManifestValue({ apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: 'ok', labels: deep }, spec: { owner: 'x@y.io' } });
    expect(r).toEqual({ ok: false, errors: [{ path: `metadata.labels${'.a'.repeat(63)}`, message: 'is nested deeper than 64 levels' }] });
  });
  it('refuses NUL in values, naming each field', () => {
    const r = validateManifestValue({ apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: 'ok', title: 'a\u0000b', labels: { team: 'x\u0000' } }, spec: { owner: 'x@y.io', egress: ['a.io\u0000'] } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => [e.path, e.message])).toEqual([
      ['metadata.labels.team', 'must not contain NUL (U+0000) characters'],
      ['metadata.title', 'must not contain NUL (U+0000) characters'],
      ['spec.egress[0]', 'must not contain NUL (U+0000) characters'],
    ]);
  });
  it('rejects non-objects', () => {
    expect(validateManifestValue([1]).ok).toBe(false);
    expect(validateManifestValue(null).ok).toBe(false);
  });
});

describe('formatPath', () => {
  it('writes dotted paths with indexes and quotes odd keys', () => {
    expect(formatPath(['spec', 'connectors', 0, 'access'])).toBe('spec.connectors[0].access');
    expect(formatPath(['metadata', 'labels', 'example.com/tier'])).toBe('metadata.labels["example.com/tier"]');
    expect(formatPath([])).toBe('');
  });
});
