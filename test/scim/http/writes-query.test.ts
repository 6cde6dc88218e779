/**
 * A write reads its query string before it changes anything (RFC 7644 §3.9 attributes on
 * POST/PUT/PATCH): a bad query string is a 400 that changed nothing. And a .search body's
 * attribute arrays keep every entry (RFC 7644 §3.4.3).
 */
import { SCHEMA_PATCH_OP, SCHEMA_SEARCH_REQUEST } from '../../../src/scim/protocol/schemas';
import { useScimApp } from '../../support/use-app';

const { scim } = useScimApp();

const rename = (value: string) => ({
  schemas: [SCHEMA_PATCH_OP],
  Operations: [{ op: 'replace', path: 'displayName', value }],
});

describe('a write with a bad query string', () => {
  it('PATCH /Users answers 400 and leaves the user as it was', async () => {
    const id = (await scim.req('POST', '/Users', { userName: 'q1@contoso.com', displayName: 'Before' })).body
      .id;
    const res = await scim.req('PATCH', `/Users/${id}?count=abc`, rename('After'));
    expect([res.status, res.body.scimType]).toEqual([400, 'invalidValue']);
    const after = await scim.req('GET', `/Users/${id}`);
    expect([after.body.displayName, after.body.meta.version]).toEqual(['Before', 'W/"1"']);
  });

  it('PATCH /Groups answers 400 and leaves the group as it was', async () => {
    const id = (await scim.req('POST', '/Groups', { displayName: 'Before' })).body.id;
    const res = await scim.req('PATCH', `/Groups/${id}?filter=((`, rename('After'));
    expect(res.status).toBe(400);
    const after = await scim.req('GET', `/Groups/${id}`);
    expect([after.body.displayName, after.body.meta.version]).toEqual(['Before', 'W/"1"']);
  });

  it('POST /Users answers 400 and creates nobody', async () => {
    const res = await scim.req('POST', '/Users?sortOrder=sideways', { userName: 'q2@contoso.com' });
    expect(res.status).toBe(400);
    const found = await scim.req('GET', '/Users?filter=userName eq "q2@contoso.com"');
    expect(found.body.totalResults).toBe(0);
  });

  it('PUT /Users answers 400 and replaces nothing', async () => {
    const id = (await scim.req('POST', '/Users', { userName: 'q3@contoso.com', title: 'Before' })).body.id;
    const res = await scim.req('PUT', `/Users/${id}?startIndex=x`, {
      userName: 'q3@contoso.com',
      title: 'After',
    });
    expect(res.status).toBe(400);
    expect((await scim.req('GET', `/Users/${id}`)).body.title).toBe('Before');
  });
});

describe('POST /Users/.search', () => {
  it('keeps every entry of attributes and excludedAttributes arrays', async () => {
    await scim.req('POST', '/Users', {
      userName: 'q4@contoso.com',
      displayName: 'Q Four',
      title: 'Engineer',
      emails: [{ value: 'q4@contoso.com', type: 'work' }],
    });
    const filter = 'userName eq "q4@contoso.com"';
    const picked = await scim.req('POST', '/Users/.search', {
      schemas: [SCHEMA_SEARCH_REQUEST],
      filter,
      attributes: ['userName', 'title'],
    });
    expect(Object.keys(picked.body.Resources[0]).sort()).toEqual([
      'active',
      'id',
      'schemas',
      'title',
      'userName',
    ]);
    const dropped = await scim.req('POST', '/Users/.search', {
      schemas: [SCHEMA_SEARCH_REQUEST],
      filter,
      excludedAttributes: ['emails', 'meta', 'title'],
    });
    expect(Object.keys(dropped.body.Resources[0]).sort()).toEqual([
      'active',
      'displayName',
      'id',
      'schemas',
      'userName',
    ]);
  });
});
