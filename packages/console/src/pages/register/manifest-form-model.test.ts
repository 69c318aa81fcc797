/**
 * The register form's YAML: whatever a person types reads back as the same string (YAML's
 * booleans, numbers, comments and "key: value" look-alikes are quoted), rows naming one
 * connector become one connector entry, and a template fills the form without touching the
 * app's own name and owner.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyTemplate, emptyForm, manifestYaml, ownerOf, scalar } from './manifest-form-model.ts';

describe('register form YAML', () => {
  it('reads every awkward string back unchanged', () => {
    const awkward = ['yes', 'No', 'null', '~', '365', '2fa-tool', '-1', '.5', 'a: b', 'ends with colon:', '#hr-leave', 'x #y', "it's", '"quoted"', 'line\nbreak', 'trailing ', ' leading', '[list]', '{map}', 'a, b', '*star', '&anchor', '!tag', '%pct', '@at', '`tick`', 'ünïcødé', ''];
    for (const s of awkward) expect(parse(`v: ${scalar(s)}`), JSON.stringify(s)).toEqual({ v: s });
  });

  it('leaves plain what needs no quotes', () => {
    expect(scalar('leave-requests')).toBe('leave-requests');
    expect(scalar('user:ana.hr@example.com')).toBe('user:ana.hr@example.com');
    expect(scalar('Leave requests')).toBe('Leave requests');
  });

  it('writes the manifest the form describes, one connector entry per connector', () => {
    const form = {
      ...applyTemplate(emptyForm('user:ana@example.com'), 'hr-readonly'),
      name: 'leave-balances',
      title: 'Leave: balances',
      purpose: 'Show balances.',
    };
    form.sources = [...form.sources, { connector: 'hr', resource: 'departments', fields: ['id', 'name'], access: 'read' }, { connector: 'crm', resource: 'accounts', fields: ['id'], access: 'read-write' }];
    expect(parse(manifestYaml(form))).toEqual({
      apiVersion: 'trellis.dev/v1',
      kind: 'MicroApp',
      metadata: { name: 'leave-balances', title: 'Leave: balances' },
      spec: {
        owner: 'user:ana@example.com',
        purpose: 'Show balances.',
        classification: 'confidential',
        template: 'hr-readonly',
        runtime: 'sandbox',
        connectors: [
          { name: 'hr', resources: [{ name: 'employees', fields: ['id', 'name'], access: 'read' }, { name: 'departments', fields: ['id', 'name'], access: 'read' }] },
          { name: 'crm', resources: [{ name: 'accounts', fields: ['id'], access: 'read-write' }] },
        ],
        retention: { days: 365 },
      },
    });
  });

  it('keeps the name and owner when a template is picked, and starts the owner from the subject', () => {
    const typed = { ...emptyForm(ownerOf('ana@example.com')), name: 'mine' };
    expect(typed.owner).toBe('user:ana@example.com');
    expect(ownerOf('user:bo@example.com')).toBe('user:bo@example.com');
    const t = applyTemplate(typed, 'internal-tool');
    expect(t).toMatchObject({ name: 'mine', owner: 'user:ana@example.com', classification: 'internal', template: 'internal-tool', sources: [] });
    // A blank form's empty name is still written, so the check names it.
    expect(parse(manifestYaml(emptyForm(''))).metadata).toEqual({ name: '' });
  });
});
