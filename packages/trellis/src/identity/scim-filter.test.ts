/** The SCIM filter and PATCH path parser on its own: precedence, value paths, the limits, index hints. */
import { describe, expect, it } from 'vitest';
import { indexHint, matches, parseFilter, parsePatchPath, MAX_FILTER_TERMS } from './scim-filter.ts';
import { ScimError } from './scim-error.ts';
import { ENTERPRISE_SCHEMA, groupSchema, userSchema } from './scim-schema.ts';

const ana = {
  id: 'A-1',
  userName: 'Ana@Example.com',
  externalId: 'Okta-7',
  title: 'Lead',
  active: true,
  emails: [
    { value: 'ana@example.com', type: 'work', primary: true },
    { value: 'ana@home.example', type: 'home' },
  ],
  meta: { created: '2026-01-02T03:04:05Z' },
  [ENTERPRISE_SCHEMA]: { department: 'HR', manager: { value: 'M-1' } },
};
const test = (f: string) => matches(parseFilter(userSchema, f), ana);
const refusal = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as ScimError).scimType;
  }
  return undefined;
};

describe('SCIM filters', () => {
  it('binds and tighter than or, and not to its parentheses', () => {
    expect(test('title eq "x" and title eq "y" or userName sw "ana"')).toBe(true);
    expect(test('userName sw "ana" or title eq "x" and title eq "y"')).toBe(true);
    expect(test('not (userName sw "ana") or title eq "lead"')).toBe(true);
    expect(test('not (userName sw "ana" or title eq "lead")')).toBe(false);
  });

  it('compares case-exact attributes exactly and the others without case', () => {
    expect(test('externalId eq "okta-7"')).toBe(false);
    expect(test('externalId eq "Okta-7"')).toBe(true);
    expect(test('id eq "a-1"')).toBe(false);
    expect(test('userName eq "ana@example.COM"')).toBe(true);
    expect(test(`${ENTERPRISE_SCHEMA}:manager.value eq "m-1"`)).toBe(false);
  });

  it('compares dateTimes as instants and multi-valued attributes element by element', () => {
    expect(test('meta.created gt "2026-01-02T03:04:04.999+00:00"')).toBe(true);
    expect(test('meta.created lt "2026-01-02T04:00:00+02:00"')).toBe(false);
    expect(test('emails[type eq "home" and primary eq true]')).toBe(false);
    expect(test('emails[type eq "work" and primary eq true]')).toBe(true);
    expect(test('emails[not (type eq "work")]')).toBe(true);
    expect(test('emails.type ne "fax"')).toBe(true);
    expect(test('nickName pr')).toBe(false);
    expect(test('nickName eq null')).toBe(true);
  });

  it('refuses what is malformed or too big with invalidFilter', () => {
    const many = Array.from({ length: MAX_FILTER_TERMS + 1 }, () => 'title pr').join(' or ');
    for (const f of [many, `${'not ('.repeat(20)}title pr${')'.repeat(20)}`, 'title eq "unterminated', 'title eq "bad \\q escape"', 'emails[shoe eq "x"]', 'title[value eq "x"]', 'name eq "x"', 'title eq "a" )']) {
      expect(refusal(() => parseFilter(userSchema, f)), f).toBe('invalidFilter');
    }
  });

  it('hints at an indexed equality', () => {
    expect(indexHint(parseFilter(userSchema, 'userName eq "a" and title pr'))).toEqual({ attr: 'userName', value: 'a' });
    expect(indexHint(parseFilter(userSchema, 'title pr and externalId eq "x"'))).toEqual({ attr: 'externalId', value: 'x' });
    expect(indexHint(parseFilter(userSchema, 'userName eq "a" or title pr'))).toBeUndefined();
    expect(indexHint(parseFilter(groupSchema, 'displayName eq "HR"'))).toEqual({ attr: 'displayName', value: 'HR' });
  });
});

describe('PATCH paths', () => {
  it('resolves attributes, sub-attributes, extension paths and value filters', () => {
    expect(parsePatchPath(userSchema, 'NAME.givenname').resolved).toMatchObject({ ext: null, attr: { name: 'name' }, sub: { name: 'givenName' } });
    expect(parsePatchPath(userSchema, `${ENTERPRISE_SCHEMA}:manager`).resolved).toMatchObject({ ext: ENTERPRISE_SCHEMA, attr: { name: 'manager' } });
    const p = parsePatchPath(userSchema, 'emails[type eq "work"].value');
    expect(p).toMatchObject({ resolved: { attr: { name: 'emails' } }, subAfter: { name: 'value' } });
    expect(parsePatchPath(groupSchema, 'members[value eq "x"]').filter).toBeDefined();
  });

  it('refuses what names nothing with invalidPath', () => {
    for (const path of ['shoeSize', 'emails[type eq "work"].shoe', 'emails[type eq "work"] x', 'title[value eq "x"]', 'emails[', '[x]', 'name.givenName.extra']) {
      expect(refusal(() => parsePatchPath(userSchema, path)), path).toBe('invalidPath');
    }
  });
});
