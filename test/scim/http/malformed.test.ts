import { SCHEMA_PATCH_OP as PATCH_OP } from '../../../src/scim/protocol/schemas';
import { useScimApp } from '../../support/use-app';

/**
 * A sweep of client mistakes over every SCIM path: malformed filters, paging and projection
 * parameters, bodies of the wrong shape, odd PATCH operations, unknown paths and bad headers.
 * None may produce a 5xx, and every answer is a SCIM body. (The precise status and scimType of
 * each case are asserted in the other files; this one guards the whole surface at once.)
 */
const { scim } = useScimApp({ env: { SCIM_MAX_BODY_BYTES: '100000' } });
let userId: string;
let otherUserId: string;
let groupId: string;
const problems: string[] = [];
const statuses = new Map<number, number>();

beforeAll(async () => {
  userId = (
    await scim.req('POST', '/Users', { userName: 'a@contoso.com', emails: [{ value: 'a@contoso.com' }] })
  ).body.id;
  otherUserId = (await scim.req('POST', '/Users', { userName: 'b@contoso.com' })).body.id;
  groupId = (await scim.req('POST', '/Groups', { displayName: 'G', members: [{ value: userId }] })).body.id;
});

async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${scim.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${scim.token}`, 'content-type': 'application/scim+json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  const type = res.headers.get('content-type') ?? '';
  if (res.status >= 500 || (text !== '' && !type.startsWith('application/scim+json'))) {
    const shown = typeof body === 'string' ? body : JSON.stringify(body);
    problems.push(
      `${res.status} ${method} ${path.slice(0, 120)} ${String(shown).slice(0, 120)} => ${text.slice(0, 200)}`,
    );
  }
  return res.status;
}

const patch = (ops: unknown) => ({ schemas: [PATCH_OP], Operations: ops });

const FILTERS = [
  '',
  ' ',
  'userName',
  'userName eq',
  'userName eq "a@contoso.com',
  'userName eq a@contoso.com',
  '((userName eq "a")',
  'userName eq "a" and',
  'not userName eq "a"',
  'emails[',
  'emails[]',
  'emails[type eq "work"',
  'emails[type eq "work"].value eq "x"',
  'meta.created gt "garbage"',
  'meta.lastModified ge 5',
  'active eq "yes"',
  'active eq 1',
  'active gt true',
  'userName gt 5',
  'groups.value eq "not-a-uuid"',
  'members.value eq "x"',
  'name eq "x"',
  'emails eq "a@contoso.com"',
  'id eq "not-a-uuid"',
  'id eq null',
  'userName ne null',
  'x'.repeat(5000),
  `userName eq "${'a'.repeat(50_000)}"`,
  'userName eq "\u0000"',
  'userName eq "\\"',
  'userName co "%_"',
  `${'userName eq "a" or '.repeat(300)}userName eq "b"`,
  `${'('.repeat(500)}userName eq "a"${')'.repeat(500)}`,
  'roles[value eq "x"]',
  'userName eq 1.5e400',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"',
  'meta.version eq "W/\\"1\\""',
];

const QUERIES = [
  'count=-1',
  'count=abc',
  'count=99999999999',
  'count=1.5',
  'startIndex=0',
  'startIndex=-5',
  'startIndex=abc',
  'startIndex=99999999999',
  'sortBy=foo',
  'sortBy=emails',
  'sortBy=emails.value',
  'sortBy=meta.created&sortOrder=sideways',
  'cursor=',
  'cursor=abc',
  `cursor=${'A'.repeat(3000)}`,
  'cursor=abc&startIndex=2',
  'attributes=',
  'attributes=,,,',
  'attributes=emails[',
  'attributes=emails[type eq',
  'attributes=urn:x:y',
  'attributes=members&excludedAttributes=members',
  'filter=userName%20eq%20%22a%22&filter=x',
  'attributes=name.givenName.x',
  'aadOptscim062020',
  'sortBy=userName&count=0',
];

const USER_BODIES = [
  '',
  'null',
  '[]',
  '"x"',
  '5',
  'true',
  '{',
  '{"userName": 5}',
  '{"userName": null}',
  '{"userName": ""}',
  '{"userName": ["a"]}',
  '{"userName": {"a": 1}}',
  '{"userName":"c@x.com","emails":"x"}',
  '{"userName":"c@x.com","emails":[1,2]}',
  '{"userName":"c@x.com","name":"x"}',
  '{"userName":"c@x.com","active":"maybe"}',
  '{"userName":"c@x.com","active":1}',
  '{"userName":"c@x.com","roles":"Admin"}',
  '{"userName":"c@x.com","roles":[1]}',
  '{"userName":"c@x.com","roles":[{"value":{"a":1}}]}',
  '{"userName":"c@x.com","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"x"}',
  '{"userName":"c@x.com","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":5}}',
  '{"userName":"c@x.com","schemas":"x"}',
  '{"userName":"c@x.com","schemas":[5]}',
  '{"userName":"c@x.com","meta":5}',
  '{"userName":"c@x.com","addresses":[{"country":{}}]}',
  `{"userName":"${'y'.repeat(5000)}"}`,
  '{"__proto__":{"x":1},"userName":"p@x.com"}',
  '{"userName":"c@x.com","emails":[{"value":"a\\u0000"}]}',
];

const GROUP_BODIES = [
  '{}',
  '{"displayName":5}',
  '{"displayName":""}',
  '{"displayName":"H","members":"x"}',
  '{"displayName":"H","members":[5]}',
  '{"displayName":"H","members":[{"value":5}]}',
  '{"displayName":"H","members":[{}]}',
  '{"displayName":"H","members":[null]}',
  '{"displayName":"H","members":{"value":"x"}}',
  '{"displayName":["H"]}',
];

const PATCHES = [
  {},
  { Operations: 5 },
  { Operations: [] },
  { Operations: [5] },
  { Operations: [null] },
  patch([{}]),
  patch([{ op: 'bogus' }]),
  patch([{ op: 'add' }]),
  patch([{ op: 'add', path: 5, value: 1 }]),
  patch([{ op: 'replace', path: '', value: 1 }]),
  patch([{ op: 'replace', path: 'emails[', value: 1 }]),
  patch([{ op: 'replace', path: 'emails[type eq "work"].value', value: 5 }]),
  patch([{ op: 'remove', path: 'userName' }]),
  patch([{ op: 'replace', path: 'id', value: 'x' }]),
  patch([{ op: 'replace', path: 'meta.created', value: 'x' }]),
  patch([{ op: 'replace', value: 5 }]),
  patch([{ op: 'replace', value: [1] }]),
  patch([{ op: 'replace', value: { nonexistent: 1 } }]),
  patch([{ op: 'add', path: 'roles', value: '[{"value":"x"' }]),
  patch([{ op: 'replace', path: 'active', value: 'maybe' }]),
  patch([{ op: 'replace', path: 'active', value: null }]),
  patch([
    {
      op: 'replace',
      path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
      value: { value: 5 },
    },
  ]),
  patch([{ op: 'remove', path: 'members[value eq "x"]' }]),
  patch([{ op: 'add', path: 'members', value: 'x' }]),
  patch([{ op: 'add', path: 'members', value: [5] }]),
  patch([{ op: 'remove', path: 'members', value: 'x' }]),
  patch([{ op: 'remove', path: 'members[value eq 5]' }]),
  patch([{ op: 'replace', path: 'members', value: null }]),
  patch([{ op: 'replace', path: 'displayName', value: 5 }]),
  patch([{ op: 'replace', path: 'name.givenName.x', value: 'a' }]),
  patch([{ op: 'replace', path: 'userName', value: null }]),
  patch([{ op: 'replace', path: 'groups', value: [] }]),
  patch([{ op: 'replace', path: 'displayName', value: 'a\u0000b' }]),
];

const PATHS = [
  '/Users/not-a-uuid',
  `/Users/${'0'.repeat(36)}`,
  '/Users/%00',
  '/Users/%E0%A4%A',
  '/Groups/x/y',
  '/Schemas/urn:nope',
  '/ResourceTypes/Nope',
  '/ServiceProviderConfig/x',
  '/Bulk',
  '/Me',
];

const HEADERS: Array<Record<string, string>> = [
  { 'if-match': 'garbage' },
  { 'if-match': '*' },
  { 'if-none-match': 'W/"1"' },
  { 'if-none-match': '*' },
  { 'content-type': 'text/plain' },
  { 'content-type': 'application/json;;;' },
  { authorization: 'Bearer' },
  { authorization: 'Basic abc' },
];

describe('SCIM: no client mistake produces a 5xx, and every answer is a SCIM body', () => {
  it('survives malformed filters on every list endpoint', async () => {
    for (const f of FILTERS) {
      await send('GET', `/Users?filter=${encodeURIComponent(f)}`);
      await send('GET', `/Groups?filter=${encodeURIComponent(f)}`);
      await send('POST', '/.search', { filter: f });
    }
    expect(problems).toEqual([]);
  });

  it('survives malformed paging, sorting and projection parameters on lists and reads', async () => {
    for (const q of QUERIES) {
      await send('GET', `/Users?${q}`);
      await send('GET', `/Groups?${q}`);
      await send('GET', `/Users/${userId}?${q}`);
      await send('GET', `/Groups/${groupId}?${q}`);
    }
    expect(problems).toEqual([]);
  });

  it('survives bodies of the wrong shape on create and replace', async () => {
    for (const b of USER_BODIES) {
      await send('POST', '/Users', b);
      await send('PUT', `/Users/${otherUserId}`, b);
    }
    for (const b of GROUP_BODIES) {
      await send('POST', '/Groups', b);
      await send('PUT', `/Groups/${groupId}`, b);
    }
    expect(problems).toEqual([]);
  });

  it('survives odd PATCH requests on users and groups', async () => {
    for (const b of PATCHES) {
      await send('PATCH', `/Users/${userId}`, b);
      await send('PATCH', `/Groups/${groupId}`, b);
    }
    expect(problems).toEqual([]);
  });

  it('survives unknown paths, every method, and bad headers', async () => {
    for (const p of PATHS) {
      for (const m of ['GET', 'DELETE', 'PATCH', 'PUT', 'POST']) {
        await send(m, p, m === 'GET' || m === 'DELETE' ? undefined : '{}');
      }
    }
    for (const h of HEADERS) {
      await send('GET', `/Users/${userId}`, undefined, h);
      await send('PATCH', `/Users/${userId}`, patch([{ op: 'replace', path: 'displayName', value: 'z' }]), h);
      await send('DELETE', `/Groups/${crypto.randomUUID()}`, undefined, h);
    }
    expect(problems).toEqual([]);
  });

  it('reached the service: many client errors, no server error, the seeded resources still readable', async () => {
    // The sweep reached the service: most answers are client errors, none are server errors.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(150);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    const group = await scim.req('GET', `/Groups/${groupId}`);
    expect(group.status).toBe(200);
    const user = await scim.req('GET', `/Users/${userId}`);
    expect(user.body.userName).toBe('a@contoso.com');
  });
});

describe('SCIM: deeply nested JSON bodies are refused with 400, never a stack overflow', () => {
  const deepArray = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
  /** A user with `levels` objects nested under "x": the body is levels + 1 deep. */
  const deepObject = (levels: number, userName = 'deep@x.com') =>
    `{"userName":"${userName}","x":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`;

  it.each([
    ['POST', '/Users', deepArray],
    ['POST', '/Groups', deepArray],
    ['POST', '/.search', deepArray],
    ['POST', '/Users/.search', deepArray],
    ['PATCH', '/Users/{user}', deepArray],
    ['PUT', '/Groups/{group}', deepArray],
    ['POST', '/Users', deepObject(5_000)],
    [
      'PATCH',
      '/Users/{user}',
      `{"Operations":[{"op":"add","path":"title","value":${'['.repeat(70)}"x"${']'.repeat(70)}}]}`,
    ],
  ])('%s %s answers 400 invalidSyntax', async (method, path, body) => {
    const res = await fetch(`${scim.base}${path.replace('{user}', userId).replace('{group}', groupId)}`, {
      method,
      headers: { authorization: `Bearer ${scim.token}`, 'content-type': 'application/scim+json' },
      body,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const error = (await res.json()) as { status: string; scimType: string; detail: string };
    expect(error).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect(error.detail).toContain('nested more than 64 levels');
  });

  it('accepts a body nested 64 levels deep (the limit is not off by one)', async () => {
    const res = await scim.req('POST', '/Users', deepObject(63, 'deep64@x.com'));
    expect(res.status).toBe(201);
    const tooDeep = await scim.req('POST', '/Users', deepObject(64, 'deep65@x.com'));
    expect(tooDeep.status).toBe(400);
  });

  it('still names the first NUL by its path', async () => {
    const res = await scim.req(
      'POST',
      '/Users',
      '{"userName":"n@x.com","emails":[{"value":"ok"},{"value":"a\\u0000"}]}',
    );
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('emails[1].value contains the NUL character');
  });
});
