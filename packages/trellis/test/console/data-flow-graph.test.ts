/**
 * The console's data-flow graph builder and layout (packages/console/src/pages/app/data-flow-*.ts):
 * which nodes and edges an app's manifest gives, which are marked sensitive and why, what the
 * accessible list says, and that the layout reads left to right without overlaps.
 */
import { describe, expect, it } from 'vitest';
import { buildDataFlowGraph, maxFieldsPerResource, type DataFlowApp } from '../../../console/src/pages/app/data-flow-graph.ts';
import { layoutDataFlow } from '../../../console/src/pages/app/data-flow-layout.ts';

/** The golden path's leave-requests app as GET /api/v1/apps/leave-requests answers it. */
function leaveRequests(spec: Record<string, unknown> = {}, because: DataFlowApp['classification']['because'] = defaultBecause): DataFlowApp {
  return {
    name: 'leave-requests',
    title: 'Leave requests',
    classification: { declared: 'confidential', detected: 'restricted', effective: 'restricted', because },
    manifest: {
      apiVersion: 'trellis.dev/v1',
      kind: 'MicroApp',
      metadata: { name: 'leave-requests' },
      spec: {
        owner: 'user:ana.hr@example.com',
        connectors: [{ name: 'hr', resources: [{ name: 'employees', fields: ['id', 'name', 'email', 'leave_balance'], access: 'read' }] }],
        exports: [{ destination: 'slack', target: '#hr-leave', fields: ['name', 'leave_balance'] }],
        egress: [],
        ...spec,
      },
    },
  };
}

const defaultBecause: DataFlowApp['classification']['because'] = [
  { source: 'catalog', field: 'hr.employees.email', tags: ['pii.email'], tier: 'restricted' },
  { source: 'catalog', field: 'hr.employees.name', tags: ['pii.name'], tier: 'restricted' },
];

describe('buildDataFlowGraph', () => {
  it('draws connector → resource → fields → app → export, with the personal fields and the export that carries one marked sensitive', () => {
    const g = buildDataFlowGraph(leaveRequests());
    expect(g.nodes.map((n) => n.id)).toEqual([
      'app',
      'connector:hr',
      'resource:hr.employees',
      'field:hr.employees.id',
      'field:hr.employees.name',
      'field:hr.employees.email',
      'field:hr.employees.leave_balance',
      'export:0',
    ]);
    const node = (id: string) => g.nodes.find((n) => n.id === id)!;
    const edge = (id: string) => g.edges.find((e) => e.id === id)!;
    expect(node('field:hr.employees.email')).toMatchObject({ sensitive: true, tier: 'restricted', tags: ['pii.email'] });
    expect(node('field:hr.employees.email').ariaLabel).toBe('Field hr.employees.email, sensitive: restricted (pii.email)');
    expect(node('field:hr.employees.id')).toMatchObject({ sensitive: false, tags: [] });
    expect(node('connector:hr').sensitive).toBe(true);
    expect(node('resource:hr.employees').ariaLabel).toBe('Resource hr.employees, the app reads 4 fields, 2 sensitive');

    // A sensitive edge carries words as well as a colour; a plain one stays unlabelled.
    expect(edge('field:hr.employees.email->app')).toMatchObject({ sensitive: true, label: 'restricted', direction: 'forward' });
    expect(edge('field:hr.employees.id->app')).toMatchObject({ sensitive: false, label: '' });

    // The export names fields only; they are matched among the bound fields, so `name` makes it personal.
    expect(node('export:0')).toMatchObject({ label: 'slack #hr-leave', sensitive: true, tags: ['pii.name'], tier: 'restricted' });
    expect(edge('app->export:0')).toMatchObject({ sensitive: true, label: 'exports · restricted' });
  });

  it('lists every flow in words, sources and destinations, for the accessible list', () => {
    const g = buildDataFlowGraph(leaveRequests({ egress: ['api.example.com'] }));
    expect(g.flows.map((f) => [f.stage, f.text, f.sensitive])).toEqual([
      ['source', 'hr.employees.id → leave-requests: reads', false],
      ['source', 'hr.employees.name → leave-requests: reads; sensitive, restricted (pii.name)', true],
      ['source', 'hr.employees.email → leave-requests: reads; sensitive, restricted (pii.email)', true],
      ['source', 'hr.employees.leave_balance → leave-requests: reads', false],
      ['destination', 'leave-requests → slack #hr-leave (export): name, leave_balance; not inspected by DLP; sensitive, restricted (pii.name)', true],
      ['destination', 'leave-requests → api.example.com (egress, outside the gateway); may carry restricted data', true],
    ]);
  });

  it('takes tags from the connector field catalogs for fields the verdict does not cover, tiered by the defaults', () => {
    const app = leaveRequests({ connectors: [{ name: 'hr', resources: [{ name: 'employees', fields: ['id', 'salary', 'department'], access: 'read' }] }], exports: [] }, []);
    const catalogs = [{ name: 'hr', resources: [{ name: 'employees', fields: [{ name: 'id', tags: [] }, { name: 'salary', tags: ['confidential'] }, { name: 'department', tags: ['internal'] }] }] }];
    const g = buildDataFlowGraph(app, catalogs);
    const node = (id: string) => g.nodes.find((n) => n.id === id)!;
    expect(node('field:hr.employees.salary')).toMatchObject({ sensitive: true, tier: 'confidential', tags: ['confidential'] });
    // internal is not above internal: tagged, but not highlighted.
    expect(node('field:hr.employees.department')).toMatchObject({ sensitive: false, tier: 'internal' });
    // Without the catalogs the map knows nothing about salary.
    expect(buildDataFlowGraph(app).nodes.find((n) => n.id === 'field:hr.employees.salary')!.sensitive).toBe(false);
  });

  it("marks egress sensitive only when the app's own classification is above internal", () => {
    const internalApp: DataFlowApp = { ...leaveRequests({ connectors: [], exports: [], egress: ['api.example.com'] }, []), classification: { declared: 'internal', detected: null, effective: 'internal', because: [] } };
    const plain = buildDataFlowGraph(internalApp);
    expect(plain.edges.find((e) => e.id === 'app->egress:api.example.com')).toMatchObject({ sensitive: false, label: 'egress' });
    const sensitive = buildDataFlowGraph({ ...internalApp, classification: { ...internalApp.classification, effective: 'confidential' } });
    expect(sensitive.edges.find((e) => e.id === 'app->egress:api.example.com')).toMatchObject({ sensitive: true, label: 'egress · confidential' });
  });

  it('draws writes as flowing away from the app', () => {
    const g = buildDataFlowGraph(leaveRequests({ connectors: [{ name: 'hr', resources: [{ name: 'leave_requests', fields: ['status'], access: 'write' }, { name: 'employees', fields: ['email'], access: 'read-write' }] }], exports: [] }));
    expect(g.edges.find((e) => e.id === 'field:hr.leave_requests.status->app')!.direction).toBe('backward');
    expect(g.edges.find((e) => e.id === 'field:hr.employees.email->app')).toMatchObject({ direction: 'both', label: 'restricted', ariaLabel: 'leave-requests reads and writes hr.employees.email, sensitive restricted (pii.email)' });
    expect(g.flows[0]!.text).toBe('hr.leave_requests.status → leave-requests: writes');
  });

  it('folds the plain fields of a wide resource into one node but keeps every sensitive field, and lists them all', () => {
    const fields = Array.from({ length: 30 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    const because = [
      { source: 'catalog' as const, field: 'hr.wide.f25', tags: ['pii.ssn'], tier: 'restricted' as const },
      { source: 'sample' as const, field: 'hr.wide.f29', tags: ['pii.phone'], tier: 'restricted' as const },
    ];
    const g = buildDataFlowGraph(leaveRequests({ connectors: [{ name: 'hr', resources: [{ name: 'wide', fields, access: 'read' }] }], exports: [] }, because));
    const fieldNodes = g.nodes.filter((n) => n.kind === 'field');
    expect(fieldNodes).toHaveLength(maxFieldsPerResource);
    expect(fieldNodes.map((n) => n.label)).toEqual(expect.arrayContaining(['f25', 'f29']));
    const more = g.nodes.find((n) => n.kind === 'more')!;
    expect(more.label).toBe(`${30 - maxFieldsPerResource} more fields`);
    expect(more.sensitive).toBe(false);
    expect(g.flows.filter((f) => f.stage === 'source')).toHaveLength(30);
    // Every edge joins two nodes that exist.
    const ids = new Set(g.nodes.map((n) => n.id));
    for (const e of g.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
  });

  it('gives an app with an unexpected manifest shape just its own node', () => {
    const g = buildDataFlowGraph({ name: 'odd', title: null, classification: { declared: null, detected: null, effective: null, because: [] }, manifest: { spec: { connectors: 'hr', exports: [null, 3], egress: [7] } } });
    expect(g.nodes.map((n) => [n.id, n.ariaLabel])).toEqual([['app', 'App odd, classified not yet']]);
    expect(g.edges).toEqual([]);
    expect(g.flows).toEqual([]);
  });
});

describe('layoutDataFlow', () => {
  it('places sources left of the app and destinations right of it, with no two nodes overlapping', () => {
    const g = buildDataFlowGraph(leaveRequests({ egress: ['api.example.com'] }));
    const at = layoutDataFlow(g);
    const x = (id: string) => at.get(id)!.x;
    expect(x('connector:hr')).toBeLessThan(x('resource:hr.employees'));
    expect(x('resource:hr.employees')).toBeLessThan(x('field:hr.employees.email'));
    expect(x('field:hr.employees.email')).toBeLessThan(x('app'));
    expect(x('app')).toBeLessThan(x('export:0'));
    expect(x('app')).toBeLessThan(x('egress:api.example.com'));
    const boxes = [...at.values()];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart).toBe(true);
      }
  });
});
