import http from 'node:http';
/**
 * RFC 7644 protocol behaviour through the real app: discovery, ETags, index and cursor paging,
 * sorting, .search, path tolerance, content types and the body limit. The app runs with
 * SCIM_MAX_RESULTS=5 and SCIM_MAX_BODY_BYTES=2048 so the limits are reachable.
 */
import { SCHEMA_PATCH_OP as PATCH_OP } from '../../../src/scim/protocol/schemas';
import type { ScimClient } from '../../support/scim';
import { useScimApp } from '../../support/use-app';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCIM_JSON = /^application\/scim\+json/;

const { scim } = useScimApp({ env: { SCIM_MAX_RESULTS: '5', SCIM_MAX_BODY_BYTES: '2048' } });
const users: Array<{ id: string; userName: string }> = [];
let groupId = '';

beforeAll(async () => {
  // Sequential creates give distinct created timestamps; names are out of creation order on purpose.
  for (const name of ['mia', 'ada', 'zoe', 'Bob', 'eve', 'kai', 'Lea', 'ian', 'dan', 'cyd', 'oli', 'fay']) {
    const res = await scim.req('POST', '/Users', {
      userName: `${name}@contoso.com`,
      name: { familyName: name.toUpperCase() },
    });
    users.push({ id: res.body.id, userName: res.body.userName });
  }
  groupId = (
    await scim.req('POST', '/Groups', { displayName: 'Readers', members: [{ value: users[0]!.id }] })
  ).body.id;
});

type ScimResponse = Awaited<ReturnType<ScimClient['req']>>;

function expectScimError(res: ScimResponse, status: number, scimType?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(SCIM_JSON);
  expect(res.body).toMatchObject({ schemas: [ERROR], status: String(status), detail: expect.any(String) });
  if (scimType) expect(res.body.scimType).toBe(scimType);
}

describe('discovery', () => {
  it('describes what is implemented: patch, filter with maxResults, sort, etag, cursor paging, no bulk', async () => {
    const spc = await scim.req('GET', '/ServiceProviderConfig');
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 5 },
      sort: { supported: true },
      etag: { supported: true },
      changePassword: { supported: false },
      pagination: { cursor: true, index: true, maxPageSize: 5 },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
    });
  });

  it('serves each schema and resource type by id, and 404 SCIM errors for unknown ones', async () => {
    for (const id of [
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
    ]) {
      const res = await scim.req('GET', `/Schemas/${id}`);
      expect(res.body).toMatchObject({ id, attributes: expect.any(Array) });
    }
    const user = await scim.req('GET', '/ResourceTypes/User');
    expect(user.body).toMatchObject({
      id: 'User',
      endpoint: '/Users',
      schemaExtensions: [
        { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false },
      ],
    });
    expect((await scim.req('GET', '/ResourceTypes/Group')).body.endpoint).toBe('/Groups');
    expectScimError(await scim.req('GET', '/ResourceTypes/Device'), 404);
    expectScimError(await scim.req('GET', '/Schemas/urn:example:nope'), 404);
    expectScimError(await scim.req('GET', '/Devices'), 404);
  });
});

describe('ETags', () => {
  it('sends ETag, answers If-None-Match with 304, refuses a stale If-Match with 412 writing nothing', async () => {
    const created = await scim.req('POST', '/Users', { userName: 'etag@contoso.com', displayName: 'Before' });
    const id = created.body.id;
    const etag = created.headers.get('etag')!;
    expect(etag).toBe('W/"1"');
    expect(created.body.meta.version).toBe(etag);
    const cached = await scim.req('GET', `/Users/${id}`, undefined, { 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(cached.body).toBeUndefined();
    expect((await scim.req('GET', `/Users/${id}`, undefined, { 'if-none-match': 'W/"7"' })).status).toBe(200);

    const patch = {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'displayName', value: 'After' }],
    };
    expectScimError(await scim.req('PATCH', `/Users/${id}`, patch, { 'if-match': 'W/"0"' }), 412);
    expectScimError(
      await scim.req('PUT', `/Users/${id}`, { userName: 'etag@contoso.com' }, { 'if-match': 'W/"0"' }),
      412,
    );
    expectScimError(await scim.req('DELETE', `/Users/${id}`, undefined, { 'if-match': '"0"' }), 412);
    const unchanged = await scim.req('GET', `/Users/${id}`);
    expect(unchanged.body).toMatchObject({ displayName: 'Before', meta: { version: 'W/"1"' } });

    const ok = await scim.req('PATCH', `/Users/${id}`, patch, { 'if-match': etag });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('etag')).toBe('W/"2"');
    expect((await scim.req('DELETE', `/Users/${id}`, undefined, { 'if-match': 'W/"2"' })).status).toBe(204);
  });

  it('refuses a stale If-Match on a group PATCH without adding the member', async () => {
    const group = await scim.req('POST', '/Groups', { displayName: 'ETag group' });
    const add = {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: users[1]!.id }] }],
    };
    expectScimError(await scim.req('PATCH', `/Groups/${group.body.id}`, add, { 'if-match': 'W/"5"' }), 412);
    const got = await scim.req('GET', `/Groups/${group.body.id}`);
    expect(got.body.members ?? []).toEqual([]);
    expect(got.headers.get('etag')).toBe('W/"1"');
    expect((await scim.req('PATCH', `/Groups/${group.body.id}`, add, { 'if-match': 'W/"1"' })).status).toBe(
      204,
    );
  });
});

describe('paging and sorting', () => {
  it('caps count at maxResults, reports itemsPerPage as the number returned, and tolerates odd values', async () => {
    const all = await scim.req('GET', '/Users?count=100');
    expect(all.body).toMatchObject({ totalResults: 12, itemsPerPage: 5, startIndex: 1 });
    expect(all.body.Resources).toHaveLength(5);
    const tail = await scim.req('GET', '/Users?startIndex=11&count=5');
    expect(tail.body).toMatchObject({ totalResults: 12, itemsPerPage: 2, startIndex: 11 });
    expect((await scim.req('GET', '/Users?count=0')).body).toMatchObject({
      totalResults: 12,
      itemsPerPage: 0,
      Resources: [],
    });
    expect((await scim.req('GET', '/Users?startIndex=0&count=1')).body).toMatchObject({
      startIndex: 1,
      itemsPerPage: 1,
    });
    expect((await scim.req('GET', '/Users?startIndex=40')).body).toMatchObject({
      totalResults: 12,
      itemsPerPage: 0,
    });
    expectScimError(await scim.req('GET', '/Users?count=ten'), 400, 'invalidValue');
  });

  it('walks every user exactly once with cursor= then nextCursor, and rejects a garbage or tampered cursor', async () => {
    const seen: string[] = [];
    let res = await scim.req('GET', '/Users?cursor=&count=4');
    for (let pages = 0; ; pages++) {
      expect(res.status).toBe(200);
      expect(res.body.startIndex).toBeUndefined();
      seen.push(...res.body.Resources.map((r: { id: string }) => r.id));
      if (!res.body.nextCursor) break;
      expect(pages).toBeLessThan(10);
      res = await scim.req('GET', `/Users?count=4&cursor=${encodeURIComponent(res.body.nextCursor)}`);
    }
    expect(seen).toHaveLength(users.length);
    expect([...seen].sort()).toEqual(users.map((u) => u.id).sort());
    expectScimError(await scim.req('GET', '/Users?cursor=garbage'), 400, 'invalidCursor');
    const tampered = Buffer.from(
      JSON.stringify({ s: 'User:u.created_at:a', v: 'not-a-time', id: users[0]!.id }),
    ).toString('base64url');
    expectScimError(await scim.req('GET', `/Users?cursor=${tampered}`), 400, 'invalidCursor');
    const groupCursor = (await scim.req('GET', '/Groups?cursor=&count=1')).body;
    expect(groupCursor.Resources).toHaveLength(1);
  });

  it('sorts by sortBy/sortOrder (userName case-insensitively), pages the sorted list, rejects bad sorts', async () => {
    const names = users.map((u) => u.userName.toLowerCase()).sort();
    const asc = await scim.req('GET', '/Users?sortBy=userName&count=5');
    expect(asc.body.Resources.map((r: { userName: string }) => r.userName.toLowerCase())).toEqual(
      names.slice(0, 5),
    );
    const desc = await scim.req('GET', '/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=3');
    expect(desc.body.Resources.map((r: { userName: string }) => r.userName.toLowerCase())).toEqual(
      [...names].reverse().slice(1, 4),
    );
    const byFamily = await scim.req('GET', '/Users?sortBy=name.familyName&sortOrder=Descending&count=1');
    expect(byFamily.body.Resources[0].name.familyName).toBe('ZOE');
    expectScimError(await scim.req('GET', '/Users?sortBy=emails'), 400);
    expectScimError(await scim.req('GET', '/Users?sortBy=userName&sortOrder=sideways'), 400, 'invalidValue');
  });
});

describe('.search, paths and query tolerance', () => {
  it('POST /Users/.search, /Groups/.search and base /.search take the query in the body', async () => {
    const res = await scim.req('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName sw "a" or userName sw "b"',
      attributes: ['userName'],
      sortBy: 'userName',
      startIndex: 1,
      count: 10,
    });
    expect(res.body).toMatchObject({
      totalResults: 2,
      itemsPerPage: 2,
      Resources: [{ userName: 'ada@contoso.com' }, { userName: 'Bob@contoso.com' }],
    });
    expect(res.body.Resources[0]).not.toHaveProperty('name');
    const groups = await scim.req('POST', '/Groups/.search', {
      filter: 'displayName eq "readers"',
      excludedAttributes: ['members'],
    });
    expect(groups.body).toMatchObject({ totalResults: 1, Resources: [{ id: groupId }] });
    expect(groups.body.Resources[0]).not.toHaveProperty('members');
    const both = await scim.req('POST', '/.search', { count: 5, startIndex: 11 });
    expect(both.body).toMatchObject({ totalResults: 14, itemsPerPage: 4 });
    expect(both.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType)).toEqual([
      'User',
      'User',
      'Group',
      'Group',
    ]);
    expect(
      (await scim.req('POST', '/.search', { filter: 'userName eq "ada@contoso.com"' })).body.totalResults,
    ).toBe(1);
    expectScimError(await scim.req('POST', '/.search', { filter: 'shoeSize eq 4' }), 400, 'invalidFilter');
    expectScimError(await scim.req('POST', '/Users/.search', []), 400, 'invalidSyntax');
  });

  it('matches resource paths case-insensitively, with a trailing slash and unknown query parameters', async () => {
    for (const path of [
      '/USERS?foo=bar',
      '/users/',
      `/uSeRs/${users[0]!.id}/?aadOptscim062020`,
      `/groups/${groupId}`,
      '/serviceproviderconfig',
      '/resourcetypes/',
      '/SCHEMAS',
    ]) {
      const res = await scim.req('GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers.get('content-type')).toMatch(SCIM_JSON);
    }
  });
});

describe('request bodies', () => {
  it('accepts application/json and application/scim+json; charset=utf-8, refuses other types with 415', async () => {
    for (const [i, type] of [
      'application/json',
      'application/scim+json; charset=utf-8',
      'application/scim+json;charset=UTF-8',
    ].entries()) {
      const res = await scim.req(
        'POST',
        '/Users',
        { userName: `ct${i}@contoso.com` },
        { 'content-type': type },
      );
      expect({ type, status: res.status }).toEqual({ type, status: 201 });
    }
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      expectScimError(
        await scim.req('POST', '/Users', { userName: 'never@contoso.com' }, { 'content-type': type }),
        415,
      );
    }
    expect((await scim.req('GET', '/Users?filter=userName eq "never@contoso.com"')).body.totalResults).toBe(
      0,
    );
  });

  it('answers a body over SCIM_MAX_BODY_BYTES with a 413 SCIM error and writes nothing', async () => {
    const big = { userName: 'big@contoso.com', displayName: 'x'.repeat(3000) };
    const res = await scim.req('POST', '/Users', big);
    expectScimError(res, 413);
    expect(res.body.detail).toMatch(/2048 bytes/);
    const patch = {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'add',
          path: 'members',
          value: Array.from({ length: 60 }, () => ({ value: crypto.randomUUID() })),
        },
      ],
    };
    expectScimError(await scim.req('PATCH', `/Groups/${groupId}`, patch), 413);
    expect((await scim.req('GET', '/Users?filter=userName eq "big@contoso.com"')).body.totalResults).toBe(0);
  });

  it('answers an over-limit body sent without Content-Length (chunked) with 413 and writes nothing', async () => {
    const url = new URL(`${scim.base}/Users`);
    const body = JSON.stringify({ userName: 'chunked@contoso.com', displayName: 'x'.repeat(3000) });
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { authorization: `Bearer ${scim.token}`, 'content-type': 'application/scim+json' },
        },
        (r) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      // Several chunks and no Content-Length: the limit is enforced while reading.
      for (let i = 0; i < body.length; i += 500) req.write(body.slice(i, i + 500));
      req.end();
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ status: '413' });
    expect((await scim.req('GET', '/Users?filter=userName eq "chunked@contoso.com"')).body.totalResults).toBe(
      0,
    );
  });

  it('answers malformed JSON, empty bodies and NUL characters with 400 naming the problem', async () => {
    expectScimError(await scim.req('POST', '/Users', '{"userName": "x",'), 400, 'invalidSyntax');
    expectScimError(await scim.req('POST', '/Users', ''), 400, 'invalidSyntax');
    const nul = await scim.req('POST', '/Users', {
      userName: 'nul@contoso.com',
      emails: [{ value: 'a\u0000b' }],
    });
    expectScimError(nul, 400, 'invalidValue');
    expect(nul.body.detail).toMatch(/^emails\[0\]\.value contains the NUL character/);
  });
});
