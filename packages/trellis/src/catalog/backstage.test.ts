/** Mapping a Backstage catalog-info.yaml to manifests. */
import { describe, expect, it } from 'vitest';
import { parseOwnerRef, planBackstageImport, toAppName } from './backstage.ts';

const catalog = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Leave_Requests
  title: Leave requests
  description: Lets staff request leave
  tags: [hr, java]
  annotations:
    github.com/project-slug: acme/leave
  labels:
    tier: "a label value far too long for Trellis, which follows the Kubernetes 63 character limit"
spec:
  type: service
  lifecycle: production
  owner: team-hr
  system: people
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: leave-api }
spec: { type: openapi, owner: team-hr }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: no-owner }
spec: { type: website }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: jane-tool }
spec: { owner: "user:default/jane@example.com" }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: not-backstage }
---
a: [1
---
`;

describe('planBackstageImport', () => {
  const plan = planBackstageImport(catalog);

  it('plans one result per entity, in file order', () => {
    expect(plan.errors).toEqual([]);
    expect(plan.entities.map((e) => [e.index, e.kind, e.action])).toEqual([
      [0, 'Component', 'import'],
      [1, 'API', 'skip'],
      [2, 'Component', 'fail'],
      [3, 'Component', 'import'],
      [4, 'ConfigMap', 'skip'],
      [5, null, 'fail'],
    ]);
  });

  it('maps a Component with owner, description and Backstage facts', () => {
    const first = plan.entities[0]!;
    if (first.action !== 'import') throw new Error('expected import');
    expect(first.manifest).toEqual({
      apiVersion: 'trellis.dev/v1',
      kind: 'MicroApp',
      metadata: {
        name: 'leave-requests',
        title: 'Leave requests',
        description: 'Lets staff request leave',
        annotations: {
          'github.com/project-slug': 'acme/leave',
          'trellis.dev/imported-from': 'backstage',
          'trellis.dev/backstage-entity-ref': 'component:default/Leave_Requests',
          'trellis.dev/backstage-type': 'service',
          'trellis.dev/backstage-lifecycle': 'production',
          'trellis.dev/backstage-system': 'people',
        },
        tags: ['hr', 'java'],
      },
      spec: { owner: 'group:team-hr', team: 'team-hr' },
    });
    expect(first.notes).toEqual(['name "Leave_Requests" registered as "leave-requests"', 'metadata.labels dropped: not valid in a Trellis manifest']);
  });

  it('keeps user owners as users', () => {
    const e = plan.entities[3]!;
    if (e.action !== 'import') throw new Error('expected import');
    expect(e.manifest.spec).toEqual({ owner: 'user:jane@example.com' });
  });

  it('gives reasons for skipped and failed entities', () => {
    expect(plan.entities[1]).toMatchObject({ reason: 'kind API is not imported; only Component entities become apps', line: 18 });
    expect(plan.entities[2]).toMatchObject({ name: 'no-owner', reason: expect.stringContaining('spec.owner is missing') });
    expect(plan.entities[4]).toMatchObject({ reason: expect.stringContaining('not a Backstage entity') });
    expect(plan.entities[5]).toMatchObject({ reason: 'YAML syntax error', errors: [expect.objectContaining({ line: expect.any(Number) })] });
  });

  it('rejects an oversized file as a whole', () => {
    const r = planBackstageImport('# ' + 'x'.repeat(2 * 1024 * 1024));
    expect(r.entities).toEqual([]);
    expect(r.errors[0]!.message).toContain('limit');
  });
});

describe('entity refs and names', () => {
  it('parses owner refs with Backstage defaults', () => {
    expect(parseOwnerRef('team-a')).toEqual({ kind: 'group', name: 'team-a' });
    expect(parseOwnerRef('group:default/team-a')).toEqual({ kind: 'group', name: 'team-a' });
    expect(parseOwnerRef('user:jane')).toEqual({ kind: 'user', name: 'jane' });
    expect(parseOwnerRef('jane@example.com')).toEqual({ kind: 'user', name: 'jane@example.com' });
    expect(parseOwnerRef('system:payments')).toBeNull();
  });

  it('turns Backstage names into DNS labels', () => {
    expect(toAppName('My_App.v2')).toBe('my-app-v2');
    expect(toAppName('__x__')).toBe('x');
  });
});
